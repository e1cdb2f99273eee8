"""The Slack harness: the whole bot behind the real aiohttp server, signed requests, and the
fake Slack Web API beside it on loopback.

bolt checks signatures against the wall clock (its RequestVerification builds a
SignatureVerifier without a clock), so only the signature header carries the real time; the
bot itself runs on a FixedClock.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from adapters.slack import SlackAdapter
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.org.organisation import import_org
from bot.org.people import find_by_email
from bot.schedules.store import apply_schedules as apply_yaml
from bot.storage.database import Database
from bot.storage.models import Answer
from bot.storage.slack_installations import DatabaseSlackInstallations
from bot.web import build_web_app
from dialogs.messages import Inbound, Turn
from tests.support.slack_fake_api import FakeSlackApi, Posted, text_objects

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ORG = """email,name,manager_email,locale,timezone,slack_user_id
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,UANNA
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,UBRAM
carla@example.org,Carla Smith,anna@example.org,en,America/New_York,UCARLA
dirk@example.org,Dirk Bakker,,,,
"""


def slack_escape(value: str) -> str:
    """What Slack does to &, < and > a person types before it sends us the text."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def signed(body: str, *, secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """Slack's signature headers for `body`, `age` seconds old by the wall clock."""
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def member(user_id: str, email: str, tz: str = "Europe/Amsterdam", **extra: Any) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": "T0001",
        "name": email.split("@")[0],
        "deleted": False,
        "is_bot": False,
        "tz": tz,
        "tz_offset": 3600,
        "locale": "en-US",
        "profile": {"email": email, "real_name": email},
        **extra,
    }


@dataclass
class Stack:
    """The whole bot behind a real HTTP server, with the fake Slack Web API beside it."""

    app: App
    adapter: SlackAdapter
    fake: FakeSlackApi
    server: TestServer
    http: aiohttp.ClientSession
    inbound: list[Inbound] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def post(
        self, path: str, body: str, content_type: str, headers: Mapping[str, str]
    ) -> aiohttp.ClientResponse:
        all_headers = {"Content-Type": content_type, **headers}
        async with self.http.post(self.url(path), data=body.encode(), headers=all_headers) as r:
            await r.read()
            return r

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str = "",
        retry: int = 0,
        team: str = "T0001",
        **sign: Any,
    ) -> int:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": team,
                "api_app_id": "A0001",
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self.ids):08d}",
                "event_time": int(time.time()),
            }
        )
        headers = signed(body, **sign)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        response = await self.post("/slack/events", body, "application/json", headers)
        return response.status

    async def typed(self, user: str, message: str, **kwargs: Any) -> int:
        """A person types in their DM with the bot (Slack escapes &, < and >)."""
        event = {
            "type": "message",
            "channel": "D" + user,
            "channel_type": "im",
            "user": user,
            "text": slack_escape(message),
            "ts": f"1700000000.{next(self.ids):06d}",
        }
        return await self.event(event, **kwargs)

    async def interact(self, payload: dict[str, Any], **sign: Any) -> int:
        body = urlencode({"payload": json.dumps(payload)})
        response = await self.post(
            "/slack/events", body, "application/x-www-form-urlencoded", signed(body, **sign)
        )
        return response.status

    async def click(self, user: str, message: Posted, label: str) -> int:
        """Click the button labelled `label` on a message the bot posted."""
        return await self.press(user, message, button(message.blocks, label))

    async def press(self, user: str, message: Posted, element: Mapping[str, Any]) -> int:
        """Press one button of a message (`element` with its `_block_id`), as Slack sends it."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
            "api_app_id": "A0001",
            "team": {"id": "T0001", "domain": "jaarrond-test"},
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": False,
            },
            "channel": {"id": message.channel, "name": "directmessage"},
            "message": {"type": "message", "ts": message.ts, "blocks": message.blocks},
            "trigger_id": f"trigger-{next(self.ids)}",
            "response_url": self.fake.interaction_url(
                f"action-{next(self.ids)}", message.channel, message.ts
            ),
            "actions": [
                {
                    "type": "button",
                    "action_id": element["action_id"],
                    "block_id": element["_block_id"],
                    "text": element["text"],
                    "value": element["value"],
                    "action_ts": f"{time.time():.6f}{next(self.ids)}",
                }
            ],
        }
        return await self.interact(payload)

    async def submit_modal(self, user: str, answer: str) -> int:
        """Type into the last modal the bot opened and submit it."""
        opened = self.fake.called("views.open")[-1].params["view"]
        payload = {
            "type": "view_submission",
            "team": {"id": "T0001", "domain": "jaarrond-test"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
            "api_app_id": "A0001",
            "trigger_id": f"trigger-{next(self.ids)}",
            "view": {
                "id": f"V{next(self.ids):06d}",
                "type": "modal",
                "callback_id": opened["callback_id"],
                "private_metadata": opened["private_metadata"],
                "hash": "1700000000.abc",
                "state": {
                    "values": {"answer": {"text": {"type": "plain_text_input", "value": answer}}}
                },
            },
        }
        return await self.interact(payload)

    async def command(self, user: str, command_text: str, channel: str = "") -> tuple[int, str]:
        name = f"command-{next(self.ids)}"
        where = channel or "D" + user
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T0001",
                "team_domain": "jaarrond-test",
                "channel_id": where,
                "channel_name": "directmessage",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/jaarrond",
                "text": slack_escape(command_text),
                "api_app_id": "A0001",
                # What is posted to it "in_channel" lands in the channel it was typed in.
                "response_url": self.fake.interaction_url(name, where, ""),
                "trigger_id": f"trigger-{next(self.ids)}",
            }
        )
        response = await self.post(
            "/slack/events", body, "application/x-www-form-urlencoded", signed(body)
        )
        return response.status, name

    async def schedules(self, yaml_text: str) -> None:
        await apply_yaml(self.app.db, yaml_text, self.app.banks.keys(), self.app.clock.now())

    async def settle(self) -> None:
        """Wait for the work the acknowledged requests started."""
        await self.adapter.drain()

    async def count(self, model: type, *where: Any) -> int:
        async with self.app.db.session() as session:
            query = select(func.count()).select_from(model).where(*where)
            return int(await session.scalar(query) or 0)

    async def answers(self, email: str) -> list[Answer]:
        async with self.app.db.session() as session:
            person = await find_by_email(session, email)
            assert person is not None
            found = await session.scalars(
                select(Answer).where(Answer.person_id == person.id).order_by(Answer.id)
            )
            return list(found)


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    for block in blocks:
        if block.get("type") != "actions":
            continue
        for element in block["elements"]:
            # A choice's button carries its number: "2. Pace and deadlines".
            if element["text"]["text"].split(". ", 1)[-1] == label:
                return {**element, "_block_id": block["block_id"]}
    labels = [
        e["text"]["text"] for b in blocks if b.get("type") == "actions" for e in b["elements"]
    ]
    raise AssertionError(f"no button {label!r}; there are {labels}")


def first_choice(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first button that answers a question right away (not the one opening a modal),
    with its `_block_id`; None when the message asks nothing."""
    for block in blocks:
        if block.get("type") != "actions":
            continue
        for element in block["elements"]:
            if element["action_id"] != "jaarrond:answer":
                return {**element, "_block_id": block["block_id"]}
    return None


def texts(value: Any) -> list[str]:
    return [str(obj["text"]) for obj in text_objects(value)]


def assert_answered(stack: Stack, message: Posted, line: str) -> None:
    """The clicked prompt was updated: no buttons left, and what was recorded shows."""
    updates = stack.fake.updates_of(message.channel, message.ts)
    assert updates, f"prompt {message.ts} was not updated"
    new_blocks = updates[-1].params["blocks"]
    assert all(block["type"] != "actions" for block in new_blocks)
    assert line in texts(new_blocks)


async def make_stack(
    db: Database,
    fake: FakeSlackApi,
    env: Mapping[str, str] | None = None,
    *,
    org: str = ORG,
    clock: FixedClock | None = None,
) -> Stack:
    settings = load_settings(
        env
        or {
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
        }
    )
    clock = clock or FixedClock(datetime(2027, 3, 22, 8, 0, tzinfo=UTC))
    app = build_app(settings, clock, db=db)
    await import_org(db, org, clock.now())
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def slept() -> float:  # the adapter's rate limits run on the time it slept
        return sum(sleeps)

    adapter = SlackAdapter(
        settings.slack,
        installations=DatabaseSlackInstallations(db, settings.slack.client_id),
        home_provider=app.engine.home,
        directory_sink=app.engine.sync_directory,
        default_locale=settings.default_locale,
        sleep=no_sleep,
        clock=slept,
    )
    app.add_adapter(adapter)
    server = TestServer(build_web_app(db, [adapter.route_hook()]), host="127.0.0.1")
    await server.start_server()
    stack = Stack(app, adapter, fake, server, aiohttp.ClientSession(), sleeps=sleeps)

    async def spy(inbound: Inbound) -> Turn:
        stack.inbound.append(inbound)
        return await app.handle_inbound(inbound)

    adapter.mount(spy)
    await adapter.start()
    await stack.settle()  # the first directory sync
    fake.calls.clear()
    return stack


async def close_stack(stack: Stack) -> None:
    await stack.adapter.stop()
    await stack.http.close()
    await stack.server.close()
