"""Interrupted sends: a message left in `sending` by a process that died is checked against
the platform before it is sent again (Slack: exactly once), or sent again where the platform
cannot tell (at least once); a send in flight in a live process is left alone."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.slack import SlackAdapter
from adapters.slack.limits import UNLIMITED
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery import notices
from bot.delivery.dispatcher import Dispatcher, DispatchReport
from bot.delivery.liveness import Liveness
from bot.delivery.planner import plan
from bot.dialogue.notices import notice
from bot.org.organisation import import_org
from bot.org.people import find_by_email, person_ref
from bot.schedules.store import apply_schedules
from bot.storage.database import Database
from bot.storage.models import OutboxKind, OutboxMessage
from dialogs.channel import InboundHandler
from dialogs.messages import MessageRef, Outbound, PersonRef
from tests.support.processes import until
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.testbot import WEEKLY_ON_THURSDAY, RecordingAdapter

ORG = """email,name,locale,timezone,slack_user_id
anna@example.org,Anna de Vries,nl,Europe/Amsterdam,UANNA
bram@example.org,Bram Jansen,en,Europe/Amsterdam,UBRAM
"""
MONDAY = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
THURSDAY = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)  # 14:05 in Amsterdam


class Crash(BaseException):
    """The process dies: not an Exception, so nothing in the dispatcher handles it."""


@dataclass
class Crashing:
    """Wraps an adapter; the process 'dies' before or right after the platform call."""

    inner: SlackAdapter | RecordingAdapter
    after_send: bool
    platform: str = ""

    def __post_init__(self) -> None:
        self.platform = self.inner.platform

    def mount(self, on_inbound: InboundHandler) -> None:
        self.inner.mount(on_inbound)

    def can_reach(self, person: PersonRef) -> bool:
        return self.inner.can_reach(person)

    async def send(self, out: Outbound) -> MessageRef:
        if self.after_send:
            await self.inner.send(out)
        raise Crash

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()


def dead_owner() -> str:
    """A dispatcher name whose process has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}:gone"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    api = await FakeSlackApi().start()
    yield api
    await api.close()


async def make_app(db: Database, fake: FakeSlackApi) -> tuple[App, SlackAdapter]:
    env = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.api_url}
    app = build_app(load_settings(env), FixedClock(THURSDAY), db=db)
    adapter = SlackAdapter(app.settings.slack, limits=UNLIMITED)
    await adapter.start()
    app.add_adapter(adapter)
    return app, adapter


async def due(app: App) -> None:
    """Two people, a weekly check-in made on Monday, and Thursday 14:05: both are due."""
    assert isinstance(app.clock, FixedClock)
    app.clock.set(MONDAY)
    await import_org(app.db, ORG, app.clock.now())
    await apply_schedules(app.db, WEEKLY_ON_THURSDAY, app.banks.keys(), app.clock.now())
    app.clock.set(THURSDAY)
    assert len(await plan(app.db, app.clock.now(), app.banks, app.defaults)) == 2


async def first_run_crashes(
    app: App, adapter: SlackAdapter | RecordingAdapter, after: bool
) -> None:
    """Plan the check-in and die while sending the first prompt."""
    await due(app)
    liveness = Liveness(app.db)
    liveness.owner = dead_owner()
    crashing = Crashing(adapter, after_send=after)
    # One message a batch: the crash leaves one prompt in `sending`, the other pending.
    adapters = {adapter.platform: crashing}
    dispatcher = Dispatcher(app.db, app.clock, app.checkins, adapters, liveness, batch=1)
    with pytest.raises(Crash):
        await dispatcher.dispatch()
    await liveness.die()  # the process is gone, and with it its database session


async def outbox(db: Database) -> list[OutboxMessage]:
    """The prompts (their reminders wait for later)."""
    async with db.session() as session:
        prompts = select(OutboxMessage).where(OutboxMessage.kind == "prompt")
        return list(await session.scalars(prompts.order_by(OutboxMessage.id)))


def delivered(fake: FakeSlackApi) -> list[str]:
    return [c.params["channel"] for c in fake.called("chat.postMessage") if "_ts" in c.params]


async def test_a_prompt_posted_before_the_crash_is_found_and_not_sent_again(
    db: Database, fake: FakeSlackApi
) -> None:
    app, adapter = await make_app(db, fake)
    await first_run_crashes(app, adapter, after=True)
    [first] = delivered(fake)
    stuck = [m for m in await outbox(db) if m.status == "sending"]
    assert len(stuck) == 1

    report = await app.dispatcher().dispatch()  # the restarted process

    assert (report.recovered, report.found, report.sent) == (1, 1, 2)
    assert sorted(delivered(fake)) == ["DUANNA", "DUBRAM"]  # each exactly once
    history = fake.called("conversations.history")
    assert [c.params["channel"] for c in history] == [first]
    rows = {m.id: m for m in await outbox(db)}
    recovered = rows[stuck[0].id]
    assert recovered.status == "sent"
    [post] = fake.posts_to(first)
    assert recovered.message_ref == {"channel": first, "message_id": post.ts}
    await adapter.stop()


async def test_a_prompt_the_crash_stopped_before_posting_is_sent_once(
    db: Database, fake: FakeSlackApi
) -> None:
    app, adapter = await make_app(db, fake)
    await first_run_crashes(app, adapter, after=False)
    assert delivered(fake) == []

    report = await app.dispatcher().dispatch()

    assert (report.recovered, report.found, report.sent) == (1, 0, 2)
    assert sorted(delivered(fake)) == ["DUANNA", "DUBRAM"]
    assert {m.status for m in await outbox(db)} == {"sent"}
    await adapter.stop()


async def test_a_send_in_flight_in_a_live_process_is_left_alone(
    db: Database, fake: FakeSlackApi
) -> None:
    app, adapter = await make_app(db, fake)
    await due(app)
    other = Liveness(db)  # another running instance: this process, another name
    gate = asyncio.Event()

    class Slow(Crashing):
        async def send(self, out: Outbound) -> MessageRef:
            await gate.wait()
            return await self.inner.send(out)

    slow = Dispatcher(db, app.clock, app.checkins, {"slack": Slow(adapter, False)}, other)
    in_flight = asyncio.create_task(slow.dispatch(limit=1))

    async def sending() -> bool:
        return any(m.status == "sending" for m in await outbox(db))

    await until(sending, "the other instance to start sending", seconds=20, every=0.01)

    report = await app.dispatcher().dispatch()  # this instance sends the other prompt only

    assert (report.recovered, report.sent) == (0, 1)
    gate.set()
    assert (await in_flight).sent == 1
    assert sorted(delivered(fake)) == ["DUANNA", "DUBRAM"]
    await adapter.stop()


async def test_a_failed_send_that_arrived_anyway_is_not_sent_twice(
    db: Database, fake: FakeSlackApi
) -> None:
    app, adapter = await make_app(db, fake)
    await due(app)

    class TimesOut(Crashing):
        async def send(self, out: Outbound) -> MessageRef:
            await self.inner.send(out)
            raise TimeoutError("no answer from Slack in time")

    first = Dispatcher(db, app.clock, app.checkins, {"slack": TimesOut(adapter, True)})
    assert (await first.dispatch()).errors
    assert {m.status for m in await outbox(db)} == {"pending"}
    assert isinstance(app.clock, FixedClock)
    app.clock.set(THURSDAY.replace(minute=50))  # past the back-off

    report = await app.dispatcher().dispatch()

    assert (report.found, report.sent) == (2, 2)
    assert sorted(delivered(fake)) == ["DUANNA", "DUBRAM"]
    assert {m.status for m in await outbox(db)} == {"sent"}
    await adapter.stop()


async def test_a_failed_send_is_retried_after_its_back_off(db: Database) -> None:
    clock = FixedClock(THURSDAY)
    app = build_app(load_settings({}), clock, db=db)
    recorder = RecordingAdapter()
    app.add_adapter(Crashing(recorder, after_send=False))  # type: ignore[arg-type]
    await due(app)

    class Fails(Crashing):
        async def send(self, out: Outbound) -> MessageRef:
            raise ConnectionError("platform down")

    failing = Dispatcher(db, clock, app.checkins, {"console": Fails(recorder, False)})
    report: DispatchReport = await failing.dispatch()
    assert len(report.errors) == 2 and recorder.sent == []
    clock.set(THURSDAY.replace(minute=50))
    app.adapters["console"] = recorder

    report = await app.dispatcher().dispatch()

    assert report.sent == 2
    assert sorted(o.recipient.email for o in recorder.sent) == [
        "anna@example.org",
        "bram@example.org",
    ]


async def test_where_the_platform_cannot_tell_an_interrupted_prompt_is_sent_again(
    db: Database,
) -> None:
    app = build_app(load_settings({}), FixedClock(THURSDAY), db=db)
    recorder = RecordingAdapter()
    app.add_adapter(recorder)
    await first_run_crashes(app, recorder, after=True)
    assert len(recorder.sent) == 1

    report = await app.dispatcher().dispatch()

    assert (report.recovered, report.found, report.sent) == (1, 0, 2)
    emails = sorted(o.recipient.email for o in recorder.sent)
    assert len(emails) == 3 and len(set(emails)) == 2  # at least once: one got it twice


async def test_a_notice_posted_before_the_crash_is_found_and_not_sent_again(
    db: Database, fake: FakeSlackApi
) -> None:
    """Not only prompts: a digest (any notice) left in `sending` by a crash is checked."""
    app, adapter = await make_app(db, fake)
    await import_org(app.db, ORG, MONDAY)
    async with db.session() as session:
        anna = await find_by_email(session, "anna@example.org")
        assert anna is not None
        out = Outbound(person_ref(anna, app.defaults), "Your team this week.", "Team digest")
        digest = notice(anna.id, "digest.1.2027-03-25", OutboxKind.DIGEST, out)
        await notices.queue(session, [digest], THURSDAY)
    liveness = Liveness(app.db)
    liveness.owner = dead_owner()
    crashing = Dispatcher(
        app.db, app.clock, app.checkins, {"slack": Crashing(adapter, True)}, liveness
    )
    with pytest.raises(Crash):
        await crashing.dispatch()
    await liveness.die()

    report = await app.dispatcher().dispatch()

    assert (report.recovered, report.found, report.sent) == (1, 1, 1)
    assert delivered(fake) == ["DUANNA"]
    async with db.session() as session:
        [row] = await session.scalars(select(OutboxMessage))
    assert (row.kind, row.status, row.payload) == ("digest", "sent", None)
