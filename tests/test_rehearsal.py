"""`jaarrond tick --dry-run`: the tick runs as it would, on a database whose work is undone
at the end, so what it lists is what a real tick would do and nothing of it is kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.delivery import view as outbox_view
from bot.delivery.dispatcher import Dispatcher
from bot.scheduler import Ticker
from bot.storage.database import rehearsal
from bot.storage.models import Occurrence, OutboxMessage
from tests.support.testbot import WEEKLY_ON_MONDAY, Testbot, apply


async def test_a_rehearsed_tick_decides_as_a_real_one_and_keeps_nothing(testbot: Testbot) -> None:
    app = testbot.app
    await apply(testbot, WEEKLY_ON_MONDAY)
    testbot.clock.set(testbot.clock.now().replace(hour=8, minute=5))  # Monday 09:05
    await testbot.say("anna@example.org", "talked with Bram")  # a note, waiting already
    async with rehearsal(app.db) as db:
        dispatcher = Dispatcher(db, testbot.clock, app.checkins, {})
        ticker = Ticker(db, testbot.clock, app.banks, app.defaults, dispatcher, caught_up=True)
        report = await ticker.tick(send=False)
        waiting = await outbox_view.waiting(db, testbot.clock.now())
    due = len(report.checkins)  # everyone in Amsterdam (Monday 09:00); not New York, Kolkata
    assert due == 3
    kinds = sorted(row.kind for row in waiting)
    assert kinds == ["digest", *["prompt"] * due, "talked"]  # Anna's digest (09:00) too
    async with app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Occurrence)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    # A real tick at the same moment does exactly what was rehearsed.
    testbot.clock.advance(timedelta(seconds=1))
    real = await app.ticker().tick(send=False)
    assert sorted(d.email for d in real.checkins) == sorted(d.email for d in report.checkins)
