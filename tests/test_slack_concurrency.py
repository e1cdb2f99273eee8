"""Many people clicking at once, through the real HTTP endpoint and the fake Slack Web API
with Slack's default limits: nobody's click is lost, nobody waits in silence."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.storage.database import Database
from bot.storage.models import Answer
from dialogs.messages import Inbound, Turn
from tests.support.slack import Stack, close_stack, first_choice, make_stack, texts
from tests.support.slack_fake_api import FakeSlackApi

PEOPLE = 50
# Generous: a loaded 2-core machine; the deadline is there so a lost click fails, not hangs.
DEADLINE = 240.0
HEADER = "email,name,manager_email,locale,timezone,slack_user_id\n"
BOSS = "boss@example.org,Boss,,nl,Europe/Amsterdam,UBOSS\n"


def org(people: int) -> str:
    rows = [
        f"p{n}@example.org,Person {n},boss@example.org,{'nl' if n % 2 else 'en'},"
        f"Europe/Amsterdam,UP{n:03d}"
        for n in range(people)
    ]
    return HEADER + BOSS + "\n".join(rows) + "\n"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    api = await FakeSlackApi().start()
    yield api
    await api.close()


@pytest.fixture
async def crowd(db: Database, fake: FakeSlackApi) -> AsyncIterator[Stack]:
    stack = await make_stack(db, fake, org=org(PEOPLE))
    yield stack
    await close_stack(stack)


def counting(
    handler: Callable[[Inbound], Awaitable[Turn]], most: list[int]
) -> Callable[[Inbound], Awaitable[Turn]]:
    """`handler`, noting how many turns ran at the same time (most[0])."""
    running = 0

    async def handle(inbound: Inbound) -> Turn:
        nonlocal running
        running += 1
        most[0] = max(most[0], running)
        try:
            return await handler(inbound)
        finally:
            running -= 1

    return handle


async def click_through(stack: Stack, user: str) -> int:
    """Start a check-in and click the first answer of every question until none is left;
    every click must bring a new message (the next question, or the closing words)."""
    status, _ = await stack.command(user, "checkin workload")
    assert status == 200
    await stack.settle()
    clicks = 0
    while True:
        message = stack.fake.last_post("D" + user)
        element = first_choice(message.blocks)
        if element is None:
            return clicks
        assert await stack.press(user, message, element) == 200
        clicks += 1
        await stack.settle()
        newest = stack.fake.last_post("D" + user)
        assert newest.ts != message.ts, f"click {clicks} of {user} got no next message"


async def test_fifty_people_click_through_a_check_in_at_once(crowd: Stack) -> None:
    most = [0]
    crowd.adapter.mount(counting(crowd.app.handle_inbound, most))
    users = [f"UP{n:03d}" for n in range(PEOPLE)]

    clicks = await asyncio.wait_for(
        asyncio.gather(*(click_through(crowd, user) for user in users)), DEADLINE
    )

    assert set(clicks) == {clicks[0]} and clicks[0] >= 5
    # Everyone clicked the same buttons, so everyone's answers are the same, all stored.
    first = [a.value for a in await crowd.answers("p0@example.org")]
    assert len(first) >= 5
    for n in range(1, PEOPLE):
        assert [a.value for a in await crowd.answers(f"p{n}@example.org")] == first
    async with crowd.app.db.session() as session:
        stored = await session.scalar(select(func.count()).select_from(Answer))
    assert stored == PEOPLE * len(first)
    # Different people's turns ran side by side, on SQLite too.
    assert most[0] > 1
    # The answers went back through each click's response_url, not chat.postMessage's limit.
    assert len(crowd.fake.called("respond")) >= PEOPLE * clicks[0]
    assert crowd.fake.errors == []


def locked() -> OperationalError:
    return OperationalError(
        "INSERT INTO answers ...", {}, sqlite3.OperationalError("database is locked")
    )


async def test_a_turn_that_meets_a_locked_database_runs_again(crowd: Stack) -> None:
    failures = [2]
    handle = crowd.app.engine.handle

    async def busy_at_first(inbound: Inbound) -> Turn:
        if inbound.token and failures[0]:
            failures[0] -= 1
            raise locked()
        return await handle(inbound)

    crowd.app.engine.handle = busy_at_first  # type: ignore[method-assign]
    del crowd.app.handle_inbound  # built again around the engine above

    assert await click_through(crowd, "UP000") >= 5

    assert failures == [0]
    assert len(await crowd.answers("p0@example.org")) >= 5


@pytest.mark.parametrize(
    ("user", "email", "said"),
    [
        ("UP000", "p0@example.org", "Something went wrong; please try again in a moment."),
        ("UP001", "p1@example.org", "Er ging iets mis; probeer het zo nog eens."),
    ],
)
async def test_a_turn_the_database_keeps_refusing_asks_the_person_to_try_again(
    crowd: Stack, user: str, email: str, said: str
) -> None:
    await crowd.command(user, "checkin workload")
    await crowd.settle()
    prompt = crowd.fake.last_post("D" + user)
    handle = crowd.app.engine.handle

    async def always_busy(inbound: Inbound) -> Turn:
        if inbound.token:
            raise locked()
        return await handle(inbound)

    crowd.app.engine.handle = always_busy  # type: ignore[method-assign]
    del crowd.app.handle_inbound
    element = first_choice(prompt.blocks)
    assert element is not None

    assert await crowd.press(user, prompt, element) == 200
    await asyncio.wait_for(crowd.settle(), DEADLINE)

    reply = crowd.fake.last_post("D" + user)
    assert reply.ts != prompt.ts
    assert said in " ".join([*texts(reply.blocks), reply.text])
    assert await crowd.answers(email) == []
    # The question keeps its buttons: the person can simply click again.
    assert crowd.fake.updates_of(prompt.channel, prompt.ts) == []
