"""The journey driver for Teams: activities POSTed to the real botbuilder endpoint
/api/messages (typed messages; card submits built from the Action.Submit data actually on
the card, with the Input.ChoiceSet or Input.Text value), reading what the fake Bot
Connector received (activities POSTed, cards replaced by PUT)."""

from __future__ import annotations

from typing import Any

from bot.clock import FixedClock
from bot.org.organisation import import_org
from bot.storage.database import Database
from tests.support.journey_script import Cast, Member
from tests.support.journey_surfaces import Shown, Surface
from tests.support.teams import TENANT, Teams, elements, start_teams, stop_teams, texts
from tests.support.teams_fake_connector import Call, FakeConnector

SUBMIT_KEY = "jaarrond"
TEXT_INPUT = "jaarrond_text"
CHOICE_INPUT = "jaarrond_choice"
INPUTS = ("Input.Text", "Input.ChoiceSet")


def ours(action: dict[str, Any]) -> dict[str, Any]:
    data = action.get("data") or {}
    found = data.get(SUBMIT_KEY) if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def asked(card: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The question a card asks (the submits in its body, not the card's own actions such
    as skip): its token and its options in order."""
    body = card.get("body") or []
    token = ""
    options: list[str] = []
    for action in elements(body, "Action.Submit"):
        data = ours(action)
        token = token or str(data.get("token") or "")
        if "value" in data:
            options.append(str(action.get("title") or ""))
    for box in elements(body, "Input.ChoiceSet"):
        options += [str(choice.get("title") or "") for choice in box.get("choices") or []]
    return token, tuple(options)


def readable(card: dict[str, Any]) -> str:
    """What a person reads: the texts, the buttons' titles and the listed choices."""
    lines = list(texts(card))
    lines += [str(a.get("title") or "") for a in elements(card, "Action.Submit")]
    for box in elements(card, "Input.ChoiceSet"):
        lines += [str(choice.get("title") or "") for choice in box.get("choices") or []]
    return "\n".join(lines)


def live(card: dict[str, Any]) -> bool:
    return bool(elements(card, "Action.Submit")) or any(elements(card, kind) for kind in INPUTS)


def files(call: Call) -> tuple[str, ...]:
    """Files offered with a message (a FileConsentCard per file)."""
    return tuple(
        str(a.get("name") or "")
        for a in call.body.get("attachments") or []
        if a.get("contentType") == "application/vnd.microsoft.teams.card.file.consent"
    )


class TeamsSurface(Surface):
    name = "teams"

    def __init__(self, teams: Teams, clock: FixedClock, cast: Cast) -> None:
        super().__init__(teams.app, clock, cast)
        self.teams = teams
        self.connector = teams.connector
        teams.adapter.mount(self.recorder.engine(teams.app))
        self.recorder.watch_sends(teams.adapter)
        # What screen() has read so far, so that each call reads only what is new.
        self._scanned = 0
        self._posts: dict[str, list[Call]] = {}
        self._now: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, int] = {}
        self._cache: dict[str, tuple[int, Shown]] = {}

    def chat(self, member: Member) -> str:
        return f"a:conv-{member.key}"

    async def _post(self, member: Member, **fields: Any) -> None:
        # The client's language: what the bot may use for someone it does not know.
        locale = "nl-NL" if member.locale == "nl" else "en-US"
        activity = self.teams.activity(member.teams_id, locale=locale, **fields)
        status = await self.teams.post(activity)
        assert status in (200, 201), f"Teams answered {status}"

    async def type(self, member: Member, text: str) -> None:
        await self._post(member, text=text)

    def _scan(self) -> None:
        """Read the calls made since the last scan: messages per chat, and replacements."""
        for call in self.connector.calls[self._scanned :]:
            if call.method == "POST" and "/activities" in call.path and call.answered_id:
                self._posts.setdefault(call.conversation, []).append(call)
            elif call.method == "PUT":
                activity = call.path.rsplit("/", 1)[-1]
                self._now[activity] = call.card
                self._versions[activity] = self._versions.get(activity, 0) + 1
        self._scanned = len(self.connector.calls)

    def _cards(self, member: Member) -> list[tuple[Call, dict[str, Any]]]:
        """(the POST, the card as it is now) of every message in the person's chat."""
        self._scan()
        posts = self._posts.get(self.chat(member), [])
        return [(post, self._now.get(post.answered_id) or post.card) for post in posts]

    async def _submit(self, member: Member, post: Call, data: dict[str, Any]) -> None:
        await self._post(member, value=data, replyToId=post.answered_id)

    async def click(self, member: Member, token: str, value: str, *, oldest: bool = False) -> bool:
        cards = self._cards(member)
        for post, card in cards if oldest else reversed(cards):
            listed = {
                choice.get("value")
                for box in elements(card, "Input.ChoiceSet")
                for choice in box.get("choices") or []
            }
            for action in elements(card, "Action.Submit"):
                data = ours(action)
                if data.get("token") != token:
                    continue
                if data.get("value") == value:
                    await self._submit(member, post, dict(action["data"]))
                    return True
                if data.get("input") == CHOICE_INPUT and value in listed:
                    await self._submit(member, post, {**action["data"], CHOICE_INPUT: value})
                    return True
        return False

    async def form(self, member: Member, token: str, text: str) -> bool:
        for post, card in reversed(self._cards(member)):
            for action in elements(card, "Action.Submit"):
                data = ours(action)
                if data.get("token") == token and data.get("input") == TEXT_INPUT:
                    await self._submit(member, post, {**action["data"], TEXT_INPUT: text})
                    return True
        return False

    async def navigate(self, member: Member, command: str) -> bool:
        for post, card in reversed(self._cards(member)):
            for action in elements(card, "Action.Submit"):
                if ours(action).get("value") == command:
                    await self._submit(member, post, dict(action["data"]))
                    return True
        return False

    def screen(self, member: Member) -> list[Shown]:
        return [self._shown(post, card) for post, card in self._cards(member)]

    def _shown(self, post: Call, card: dict[str, Any]) -> Shown:
        """The message as shown; cached, since a card changes only by a PUT."""
        version = self._versions.get(post.answered_id, 0)
        cached = self._cache.get(post.answered_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        token, options = asked(post.card)
        keys = {str(ours(a).get("token") or "") for a in elements(post.card, "Action.Submit")}
        shown = Shown(
            id=post.answered_id,
            text=readable(card),
            token=token,
            options=options,
            live=live(card),
            replaced=version > 0,
            files=files(post),
            keys=frozenset(keys - {""}),
        )
        self._cache[post.answered_id] = (version, shown)
        return shown

    def mark(self) -> int:
        return len(self.connector.calls)

    def replaced_since(self, mark: int) -> list[tuple[str, str]]:
        owners = {self.chat(m): m.key for m in self.cast.members}
        return [
            (owners.get(call.conversation, "?"), call.path.rsplit("/", 1)[-1])
            for call in self.connector.calls[mark:]
            if call.method == "PUT"
        ]

    async def close(self) -> None:
        await stop_teams(self.teams)
        await self.connector.close()


async def teams_surface(db: Database, clock: FixedClock, cast: Cast) -> Surface:
    await import_org(db, cast.org_csv(), clock.now())
    connector = FakeConnector(one_chat_per_user=True)
    # The bot may start a chat with someone who never wrote (a proposal, a follow-up).
    url = await connector.start()
    teams = await start_teams(db, clock, connector, service_url=url, tenant_id=TENANT)
    return TeamsSurface(teams, clock, cast)
