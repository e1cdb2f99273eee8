"""The journey driver for Slack: signed HTTP requests to the real bolt app (typed DMs as
message events, clicks as block_actions built from the buttons actually posted), reading
what the fake Web API received (chat.postMessage, chat.update, response_url posts, files)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from bot.clock import FixedClock
from bot.storage.database import Database
from tests.support.journey_script import Cast, Member
from tests.support.journey_surfaces import Shown, Surface
from tests.support.slack import SECRET, Stack, close_stack, make_stack
from tests.support.slack_fake_api import FakeSlackApi, Posted, text_objects
from tests.support.testbot import QUIET

ANSWER_ACTION = "jaarrond:answer"


def buttons(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every button with the id of its block, in the order shown."""
    for block in blocks:
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                yield {**element, "_block_id": block.get("block_id", "")}


def decoded(element: Mapping[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(str(element.get("value") or ""))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def label(element: Mapping[str, Any]) -> str:
    return str((element.get("text") or {}).get("text") or "")


def readable(blocks: list[dict[str, Any]]) -> str:
    """What a person reads: headers, sections, contexts and the buttons' labels."""
    lines: list[str] = []
    for block in blocks:
        if block.get("type") in ("header", "section", "context", "actions"):
            lines += [str(obj["text"]) for obj in text_objects(block)]
    return "\n".join(lines)


def asked(blocks: list[dict[str, Any]]) -> tuple[str, tuple[str, ...]]:
    """The question a message asks: its token and its options in order ("" when none)."""
    token = ""
    options: list[str] = []
    for element in buttons(blocks):
        block_id = str(element["_block_id"])
        if block_id.startswith(("jaarrond-choices", "jaarrond-answer")):
            token = token or str(decoded(element).get("t") or "")
            if block_id.startswith("jaarrond-choices"):
                options.append(label(element))
    return token, tuple(options)


class SlackSurface(Surface):
    name = "slack"

    def __init__(self, stack: Stack, clock: FixedClock, cast: Cast) -> None:
        super().__init__(stack.app, clock, cast)
        self.stack = stack
        self.fake = stack.fake
        stack.adapter.mount(self.recorder.engine(stack.app))
        self.recorder.watch_sends(stack.adapter)
        # What screen() has read so far, so that each call reads only what is new.
        self._scanned = 0
        self._last_post: dict[str, str] = {}
        self._updated: set[str] = set()
        self._files: dict[str, list[str]] = {}
        self._cache: dict[str, tuple[Posted, Shown]] = {}

    def channel(self, member: Member) -> str:
        return "D" + member.slack_id

    async def type(self, member: Member, text: str) -> None:
        await self.stack.typed(member.slack_id, text)
        await self.stack.settle()

    def _messages(self, member: Member) -> list[tuple[Posted, Posted]]:
        """(as posted, as it is now) of every message in the person's DM."""
        channel = self.channel(member)
        return [(p, self.fake.messages[(channel, p.ts)]) for p in self.fake.posts_to(channel)]

    async def _press(self, member: Member, now: Posted, element: Mapping[str, Any]) -> None:
        await self.stack.press(member.slack_id, now, element)
        await self.stack.settle()

    async def click(self, member: Member, token: str, value: str, *, oldest: bool = False) -> bool:
        messages = self._messages(member)
        for _, now in messages if oldest else reversed(messages):
            for element in buttons(now.blocks):
                data = decoded(element)
                if data.get("t") == token and data.get("v") == value:
                    await self._press(member, now, element)
                    return True
        return False

    async def form(self, member: Member, token: str, text: str) -> bool:
        for _, now in reversed(self._messages(member)):
            for element in buttons(now.blocks):
                if element.get("action_id") == ANSWER_ACTION and decoded(element).get("t") == token:
                    opened = len(self.fake.called("views.open"))
                    await self._press(member, now, element)
                    if len(self.fake.called("views.open")) == opened:
                        return False
                    await self.stack.submit_modal(member.slack_id, text)
                    await self.stack.settle()
                    return True
        return False

    async def navigate(self, member: Member, command: str) -> bool:
        for _, now in reversed(self._messages(member)):
            for element in buttons(now.blocks):
                data = decoded(element)
                # A list's button is the typed command, under the engine's menu key.
                if data.get("x") == command or (data.get("t"), data.get("v")) == ("menu", command):
                    await self._press(member, now, element)
                    return True
        return False

    def _scan(self) -> None:
        """Read the calls made since the last scan: updates, and files shared into a DM
        (each right after the message it belongs to)."""
        for call in self.fake.calls[self._scanned :]:
            channel = str(call.params.get("channel") or call.params.get("channel_id") or "")
            if call.posted:
                self._last_post[channel] = str(call.params["_ts"])
            elif call.replaced:
                self._updated.add(str(call.params.get("ts")))
            elif call.method == "files.completeUploadExternal":
                names = [str(f.get("title") or "") for f in call.params.get("files") or []]
                self._files.setdefault(self._last_post.get(channel, ""), []).extend(names)
        self._scanned = len(self.fake.calls)

    def _shown(self, posted: Posted, now: Posted) -> Shown:
        cached = self._cache.get(posted.ts)
        replaced = posted.ts in self._updated
        files = tuple(self._files.get(posted.ts, ()))
        if cached is not None and cached[0] is now and cached[1].files == files:
            return cached[1]
        token, options = asked(posted.blocks)
        keys = {str(decoded(b).get("t") or "") for b in buttons(posted.blocks)} - {""}
        shown = Shown(
            id=posted.ts,
            text=readable(now.blocks),
            token=token,
            options=options,
            live=any(True for _ in buttons(now.blocks)),
            replaced=replaced,
            files=files,
            keys=frozenset(keys),
        )
        self._cache[posted.ts] = (now, shown)
        return shown

    def screen(self, member: Member) -> list[Shown]:
        self._scan()
        return [self._shown(posted, now) for posted, now in self._messages(member)]

    def mark(self) -> int:
        return len(self.fake.calls)

    def replaced_since(self, mark: int) -> list[tuple[str, str]]:
        owners = {self.channel(m): m.key for m in self.cast.members}
        return [
            (owners.get(str(c.params.get("channel")), "?"), str(c.params.get("ts")))
            for c in self.fake.calls[mark:]
            if c.replaced
        ]

    async def tick(self) -> None:
        await super().tick()
        await self.stack.settle()

    async def close(self) -> None:
        await close_stack(self.stack)
        await self.fake.close()


async def slack_surface(db: Database, clock: FixedClock, cast: Cast) -> Surface:
    fake = await FakeSlackApi().start()
    env = {
        **QUIET,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    stack = await make_stack(db, fake, env, org=cast.org_csv(), clock=clock)
    return SlackSurface(stack, clock, cast)
