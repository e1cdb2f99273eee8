"""Batch sizes: small while sends are slow (a stop waits for a batch, a crash leaves it to be
checked), growing to the maximum while they are fast (fewer transactions per prompt)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.planner import plan
from bot.org.organisation import import_org
from bot.schedules.store import apply_schedules
from bot.storage.database import Database
from bot.storage.models import OutboxMessage
from dialogs.messages import MessageRef, Outbound
from tests.support.testbot import WEEKLY_ON_THURSDAY, RecordingAdapter

PEOPLE = 30
MONDAY = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
THURSDAY = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)


class Watching(RecordingAdapter):
    """Notes, at every send, how many messages are claimed (`sending`): the batch."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.claimed: list[int] = []

    async def send(self, out: Outbound) -> MessageRef:
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count()).where(OutboxMessage.status == "sending")
            )
        self.claimed.append(int(count or 0))
        return await super().send(out)


async def due(db: Database) -> App:
    app = build_app(load_settings({}), FixedClock(MONDAY), db=db)
    rows = [f"p{n}@example.org,P {n},en,Europe/Amsterdam" for n in range(PEOPLE)]
    await import_org(db, "email,name,locale,timezone\n" + "\n".join(rows), MONDAY)
    await apply_schedules(db, WEEKLY_ON_THURSDAY, app.banks.keys(), MONDAY)
    assert isinstance(app.clock, FixedClock)
    app.clock.set(THURSDAY)
    assert len(await plan(db, THURSDAY, app.banks, app.defaults)) == PEOPLE
    return app


async def dispatched(db: Database, batch_seconds: float) -> list[int]:
    app = await due(db)
    adapter = Watching(db)
    dispatcher = Dispatcher(
        app.db,
        app.clock,
        app.checkins,
        {adapter.platform: adapter},
        batch=10,
        min_batch=2,
        batch_seconds=batch_seconds,
        concurrency=1,
    )
    report = await dispatcher.dispatch()
    assert report.sent == PEOPLE
    assert len(adapter.sent) == PEOPLE
    return adapter.claimed


async def test_fast_sends_make_batches_grow_to_the_maximum(db: Database) -> None:
    claimed = await dispatched(db, batch_seconds=3600)
    assert claimed[0] == 2  # the first batch is a small one
    assert max(claimed) == 10  # then as many as allowed, never more


async def test_slow_sends_keep_batches_small(db: Database) -> None:
    # Each batch took far longer than a batch may: the next stays at the minimum.
    claimed = await dispatched(db, batch_seconds=1e-9)
    assert max(claimed) == 2
