"""The running bot's parts start and stop in one order, and replicas share HR's questions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from sqlalchemy import select

from bot.bootstrap import App, build_app, ensure_schema
from bot.clock import FixedClock
from bot.config import load_settings
from bot.org.organisation import import_org
from bot.runtime import Runtime, WebServer
from bot.schedules.store import apply_schedule_data
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage, Person
from bot.web import build_web_app
from dialogs import hr_questions as hq
from dialogs.channel import InboundHandler
from dialogs.messages import MessageRef, Outbound, PersonRef
from tests.support.console import free_port
from tests.support.testbot import ORG_CSV, QUIET, RecordingAdapter, Testbot, make_testbot

# Monday 09:00 in Amsterdam, the fixed clock's moment: Bram's weekly check-in is due.
FOR_BRAM = {
    "schedules": [
        {
            "id": "workload-weekly",
            "theme": "workload",
            "cadence": "weekly",
            "day": "mon",
            "time": "09:00",
            "audience": {"emails": ["bram@example.org"]},
        }
    ]
}
# Long enough for any send to finish; the tests end a held send themselves.
DEADLINE = 10.0


async def _answers(port: int) -> bool:
    """Does the HTTP server take a connection?"""
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def _ready(port: int) -> int:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/readyz") as r:
        return r.status


async def _outbox(db: Database) -> list[tuple[str, str | None]]:
    async with db.session() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.status, row.last_error) for row in rows]


@dataclass
class HeldPlatform:
    """A chat platform whose sends wait until the test lets them go; at its start and stop
    it notes what the rest of the bot was doing then."""

    db: Database
    port: int
    platform: str = "console"
    sending: asyncio.Event = field(default_factory=asyncio.Event)
    let_go: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[Outbound] = field(default_factory=list)
    seen: list[tuple[str, bool, list[tuple[str, str | None]]]] = field(default_factory=list)

    def mount(self, on_inbound: InboundHandler) -> None:
        return None

    def can_reach(self, person: PersonRef) -> bool:
        return True

    async def send(self, out: Outbound) -> MessageRef:
        self.sending.set()
        await self.let_go.wait()
        self.sent.append(out)
        return MessageRef(self.platform, out.recipient.email, str(len(self.sent)))

    async def start(self) -> None:
        self.seen.append(("start", await _answers(self.port), await _outbox(self.db)))

    async def stop(self) -> None:
        self.seen.append(("stop", await _answers(self.port), await _outbox(self.db)))


def _runtime(bot: Testbot, platform: HeldPlatform) -> Runtime:
    app = bot.app
    app.add_adapter(platform)
    ready = {platform.platform: False}
    server = build_web_app(app.db, [], clock=app.clock, platforms=lambda: ready)
    web = WebServer(server, "127.0.0.1", platform.port)
    return Runtime(app.db, web, [platform], app.tick_loop(), ready)


@pytest.fixture
async def due(db: Database, clock: FixedClock) -> Testbot:
    """A bot whose first tick sends Bram's check-in; a stop may come while it is sent."""
    bot = await make_testbot(db, clock, env={**QUIET, "JAARROND_SHUTDOWN_SECONDS": "0"})
    await apply_schedule_data(db, FOR_BRAM, bot.app.banks.keys(), clock.now())
    return bot


async def test_start_opens_the_port_before_the_platforms_and_ticks_last(due: Testbot) -> None:
    platform = HeldPlatform(due.app.db, free_port())
    runtime = _runtime(due, platform)
    await runtime.start()
    try:
        # The port took connections when the platform started; nothing was planned yet.
        assert platform.seen == [("start", True, [])]
        assert await _ready(platform.port) == 200
        await asyncio.wait_for(platform.sending.wait(), DEADLINE)
    finally:
        await runtime.stop()


async def test_stop_returns_the_unfinished_send_then_closes_the_server_then_the_platform(
    due: Testbot,
) -> None:
    platform = HeldPlatform(due.app.db, free_port())
    runtime = _runtime(due, platform)
    pool = due.app.db.engine.pool
    await runtime.start()
    await asyncio.wait_for(platform.sending.wait(), DEADLINE)
    assert await _outbox(due.app.db) == [("sending", None)]

    await runtime.stop()  # no grace: the held send is cut off

    # When the platform stopped, the server no longer answered and the send was pending again.
    assert platform.seen[-1] == ("stop", False, [("pending", "interrupted by a stop")])
    assert runtime.ready == {"console": False}
    assert platform.sent == []
    # The database's connections were let go.
    assert due.app.db.engine.pool is not pool
    await runtime.stop()
    assert [step for step, _, _ in platform.seen] == ["start", "stop"]


async def test_a_stop_lets_the_send_in_progress_finish_within_the_grace(
    db: Database, clock: FixedClock
) -> None:
    bot = await make_testbot(db, clock, env={**QUIET, "JAARROND_SHUTDOWN_SECONDS": "30"})
    await apply_schedule_data(db, FOR_BRAM, bot.app.banks.keys(), clock.now())
    platform = HeldPlatform(db, free_port())
    runtime = _runtime(bot, platform)
    await runtime.start()
    await asyncio.wait_for(platform.sending.wait(), DEADLINE)

    stopping = asyncio.create_task(runtime.stop())
    await asyncio.sleep(0)  # the stop begins: readiness says no at once
    assert runtime.ready == {"console": False}
    assert not stopping.done()
    platform.let_go.set()
    await asyncio.wait_for(stopping, DEADLINE)

    assert [out.recipient.email for out in platform.sent] == ["bram@example.org"]
    assert platform.seen[-1] == ("stop", False, [("sent", None)])


async def test_a_platform_that_fails_to_start_stops_what_had_started(due: Testbot) -> None:
    class Refusing(HeldPlatform):
        async def start(self) -> None:
            raise ConnectionError("platform unavailable")

    platform = Refusing(due.app.db, free_port())
    runtime = _runtime(due, platform)
    with pytest.raises(ConnectionError):
        await runtime.start()
    assert not await _answers(platform.port)
    assert platform.seen == []  # never started, so never stopped
    assert await _outbox(due.app.db) == []  # and no tick ran


# ---- two replicas on one database ---------------------------------------------------------


@pytest.fixture
async def replicas(database_url: str, clock: FixedClock) -> AsyncIterator[tuple[App, App]]:
    """Two processes' worth of bot on one database, each with its own connections."""
    first, second = Database(database_url), Database(database_url)
    await first.upgrade()
    settings = load_settings(QUIET)
    apps = build_app(settings, clock, db=first), build_app(settings, clock, db=second)
    try:
        yield apps
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_question_hr_saves_on_one_replica_is_asked_by_the_other_within_one_tick(
    replicas: tuple[App, App], clock: FixedClock
) -> None:
    console, sender = replicas
    adapter = RecordingAdapter()
    sender.add_adapter(adapter)
    await import_org(console.db, ORG_CSV, clock.now())
    for app in replicas:
        await ensure_schema(app)  # as each replica starts: HR has no questions yet
    await apply_schedule_data(sender.db, FOR_BRAM, sender.banks.keys(), clock.now())

    draft = hq.Draft(
        theme="workload",
        topic="focus",
        kind="text",
        text_nl="Waar wil je meer tijd voor?",
        text_en="What would you like more time for?",
    )
    number = await console.questions.save(draft, clock.now())
    asked = hq.question_id("workload", number)
    assert asked in [q.question_id for q in console.banks["workload"].questions]
    assert asked not in [q.question_id for q in sender.banks["workload"].questions]

    await sender.ticker().tick()

    async with sender.db.session() as session:
        bram = await session.scalar(select(Person.id).where(Person.email == "bram@example.org"))
        [checkin] = await session.scalars(select(Occurrence).where(Occurrence.person_id == bram))
    assert checkin.question_ids[-1] == asked
    assert [out.recipient.email for out in adapter.sent] == ["bram@example.org"]
