"""Teams answers first and works after: a person's message is acknowledged once it is
authenticated and queued, and the replies come through the Bot Connector afterwards."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import OperationalError

from bot.clock import FixedClock
from bot.org.organisation import import_org
from bot.storage.database import Database
from dialogs.messages import Inbound, Turn
from tests.support.teams import Teams, answer, start_teams, stop_teams, texts
from tests.support.teams_fake_connector import FakeConnector

ORG = """email,name,manager_email,locale,timezone,teams_user_id
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,29:anna
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,29:bram
"""
DEADLINE = 30.0


@pytest.fixture
async def teams(db: Database, clock: FixedClock) -> AsyncIterator[Teams]:
    await import_org(db, ORG, clock.now())
    connector = FakeConnector()
    harness = await start_teams(db, clock, connector)
    yield harness
    await stop_teams(harness)
    await connector.close()


async def raw_post(teams: Teams, activity: dict[str, object]) -> int:
    """POST without waiting for the queued work: what the Bot Connector sees."""
    response = await teams.client.post("/api/messages", json=activity)
    await response.read()
    return response.status


async def test_a_message_is_acknowledged_before_its_turn_runs(teams: Teams) -> None:
    go_on = asyncio.Event()
    handle = teams.app.handle_inbound

    async def slow(inbound: Inbound) -> Turn:
        await go_on.wait()
        return await handle(inbound)

    teams.adapter.mount(slow)
    message = teams.activity("29:bram", text="help")

    assert await asyncio.wait_for(raw_post(teams, message), DEADLINE) == 201
    assert teams.connector.posts("a:conv-bram") == []  # answered, not yet worked on

    go_on.set()
    await asyncio.wait_for(teams.adapter.drain(), DEADLINE)
    [reply] = teams.connector.posts("a:conv-bram")
    # A reply to the person's message, as when it was answered inside the request.
    assert reply.path == f"/v3/conversations/a:conv-bram/activities/{message['id']}"


async def test_one_persons_messages_are_worked_on_in_the_order_they_came(teams: Teams) -> None:
    assert await teams.say("29:bram", "checkin workload") == 201
    card = teams.last_card("29:bram")
    submits = []
    for _ in range(3):
        data = answer(card.card)
        assert data is not None
        submits.append(teams.activity("29:bram", value=data, replyToId=card.answered_id))
    # The same card submitted three times at once: the first counts, the others are late.
    statuses = await asyncio.wait_for(
        asyncio.gather(*(raw_post(teams, s) for s in submits)), DEADLINE
    )
    await asyncio.wait_for(teams.adapter.drain(), DEADLINE)

    assert statuses == [201, 201, 201]
    replies = [" ".join(texts(c.card)) for c in teams.connector.posts("a:conv-bram")[1:]]
    assert "already" not in replies[0]
    assert all("already" in text for text in replies[1:]), replies


@pytest.mark.parametrize(
    ("user", "said"),
    [
        ("29:bram", "Something went wrong; please try again in a moment."),
        ("29:anna", "Er ging iets mis; probeer het zo nog eens."),
    ],
)
async def test_a_turn_the_database_keeps_refusing_asks_the_person_to_try_again(
    teams: Teams, user: str, said: str
) -> None:
    handle = teams.app.engine.handle

    async def always_busy(inbound: Inbound) -> Turn:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))

    teams.app.engine.handle = always_busy  # type: ignore[method-assign]
    del teams.app.handle_inbound  # built again around the engine above
    teams.adapter.mount(teams.app.handle_inbound)
    locale = "nl-NL" if user == "29:anna" else "en-US"

    assert await teams.post(teams.activity(user, text="help", locale=locale)) == 201

    [reply] = teams.connector.posts(f"a:conv-{user.removeprefix('29:')}")
    assert said in texts(reply.card)
    teams.app.engine.handle = handle  # type: ignore[method-assign]
