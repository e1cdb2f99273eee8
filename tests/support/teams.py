"""The Teams harness: the whole bot behind the real aiohttp server, real activity JSON
POSTed to /api/messages, and a fake Bot Connector on loopback; and readers for the cards."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from adapters.teams import TeamsAdapter
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.storage.database import Database
from bot.storage.teams_references import DatabaseReferenceStore
from bot.web import build_web_app
from tests.support.teams_fake_connector import Call, FakeConnector
from tests.support.testbot import QUIET

TENANT = "tenant-1"
APP_ID = "6f1c3a52-8d0e-4b1a-9f7e-2c5d4e3b2a10"
BOT = {"id": f"28:{APP_ID}", "name": "Jaarrond"}

# Five people, four of them with a Teams user id (Erik has none: he is reached elsewhere).
ORG = """email,name,manager_email,locale,timezone,teams_user_id
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,29:anna
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,29:bram
carla@example.org,Carla Smith,anna@example.org,en,Europe/Amsterdam,29:carla
dirk@example.org,Dirk Bakker,,en,Europe/Amsterdam,29:dirk
erik@example.org,Erik Visser,,nl,Europe/Amsterdam,
"""


@dataclass
class Teams:
    app: App
    adapter: TeamsAdapter
    client: TestClient[Any, Any]
    connector: FakeConnector
    service_url: str
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def activity(self, user: str, **fields: Any) -> dict[str, Any]:
        """An activity as the Bot Connector posts it for a personal chat."""
        name = user.removeprefix("29:")
        tenant = fields.pop("tenant", TENANT)
        return {
            "type": "message",
            "id": f"msg-{next(self.ids)}",
            "timestamp": "2027-03-22T08:00:00.000Z",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": user, "name": name.title(), "aadObjectId": f"aad-{name}"},
            "conversation": {
                "conversationType": "personal",
                "tenantId": tenant,
                "id": f"a:conv-{name}",
            },
            "recipient": BOT,
            "textFormat": "plain",
            "locale": "en-US",
            "channelData": {"tenant": {"id": tenant}},
            **fields,
        }

    async def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> int:
        """POST an activity; once answered, wait for the work it queued (the replies)."""
        response = await self.client.post("/api/messages", json=activity, headers=headers)
        await response.read()
        await self.adapter.drain()
        return response.status

    async def say(self, user: str, text: str) -> int:
        return await self.post(self.activity(user, text=text))

    async def submit(self, user: str, data: dict[str, Any], card: Call) -> int:
        return await self.post(self.activity(user, value=data, replyToId=card.answered_id))

    def last_card(self, user: str) -> Call:
        return self.connector.posts(f"a:conv-{user.removeprefix('29:')}")[-1]


async def start_teams(
    db: Database, clock: FixedClock, connector: FakeConnector, **options: Any
) -> Teams:
    service_url = await connector.start()
    app = build_app(load_settings(QUIET), clock, db=db)  # no weekly digest in these ticks
    adapter = TeamsAdapter(
        app_id=options.pop("app_id", ""),
        app_password=options.pop("app_password", ""),
        references=DatabaseReferenceStore(db, clock),
        **options,
    )
    app.add_adapter(adapter)
    await adapter.start()
    server = TestServer(build_web_app(db, [adapter.route_hook()]), host="127.0.0.1", port=0)
    client = TestClient(server)
    await client.start_server()
    return Teams(app, adapter, client, connector, service_url)


async def stop_teams(teams: Teams) -> None:
    await teams.client.close()
    await teams.adapter.stop()


# ---- reading cards ---------------------------------------------------------------------------


def elements(node: Any, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node)
        for value in node.values():
            found += elements(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += elements(value, kind)
    return found


def texts(card: dict[str, Any]) -> list[str]:
    return [run["text"] for run in elements(card, "TextRun")]


def answer(card: dict[str, Any], free_text: str = "Busy, but it works") -> dict[str, Any] | None:
    """The submit a person sends for the card's first answer (not skip, later or stop)."""
    for action in elements(card, "Action.Submit"):
        data = action["data"]
        ours = data["jaarrond"]
        if ours.get("value") in ("skip", "later", "stop"):
            continue
        if ours.get("input") == "jaarrond_text":
            return {**data, "jaarrond_text": free_text}
        return dict(data)
    return None
