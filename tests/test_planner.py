"""Planning and dispatching check-ins: once per schedule, person and period, in local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.delivery import planner
from bot.delivery.planner import plan
from bot.delivery.reminders import queue_reminders
from bot.scheduler import TICK_SECONDS, start_scheduler
from bot.storage.models import Occurrence, OutboxMessage
from tests.support.testbot import WEEKLY_FOR_BRAM, WEEKLY_ON_THURSDAY, Testbot, apply


async def _plan(bot: Testbot, at: datetime) -> list[tuple[str, str]]:
    due = await plan(bot.app.db, at, bot.app.banks, bot.app.defaults)
    return sorted((d.email, d.local_due.strftime("%Y-%m-%d %H:%M %Z")) for d in due)


async def _count(bot: Testbot, model: type) -> int:
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_each_person_is_due_at_their_own_local_time(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY)
    # Kolkata is UTC+05:30: 14:00 there is 08:30 UTC, hours before Amsterdam.
    assert await _plan(testbot, datetime(2027, 3, 25, 8, 29, tzinfo=UTC)) == []
    kolkata = await _plan(testbot, datetime(2027, 3, 25, 8, 30, tzinfo=UTC))
    assert kolkata == [("dirk@example.org", "2027-03-25 14:00 IST")]
    amsterdam = await _plan(testbot, datetime(2027, 3, 25, 13, 0, tzinfo=UTC))
    assert [email for email, _ in amsterdam] == [
        "anna@example.org",
        "bram@example.org",
        "hr@example.org",
    ]
    assert amsterdam[0][1] == "2027-03-25 14:00 CET"
    new_york = await _plan(testbot, datetime(2027, 3, 25, 18, 0, tzinfo=UTC))
    assert new_york == [("carla@example.org", "2027-03-25 14:00 EDT")]


async def test_a_period_is_planned_once_however_often_it_ticks(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY)
    at = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)
    assert len(await _plan(testbot, at)) == 4  # Amsterdam and Kolkata
    assert await _plan(testbot, at) == []
    assert await _plan(testbot, datetime(2027, 3, 25, 13, 6, tzinfo=UTC)) == []
    assert await _count(testbot, Occurrence) == 4
    assert await _count(testbot, OutboxMessage) == 4  # a prompt each (reminders come later)
    next_week = await _plan(testbot, datetime(2027, 4, 1, 12, 5, tzinfo=UTC))
    assert len(next_week) == 4


async def test_summer_time_moves_the_utc_moment_not_the_local_one(testbot: Testbot) -> None:
    await apply(
        testbot, WEEKLY_ON_THURSDAY.replace("audience: all", "audience: {department: Support}")
    )
    # Europe/Amsterdam moved to CEST on Sunday 28 March 2027: 14:00 is now 12:00 UTC.
    assert await _plan(testbot, datetime(2027, 4, 1, 11, 59, tzinfo=UTC)) == []
    due = await _plan(testbot, datetime(2027, 4, 1, 12, 0, tzinfo=UTC))
    assert ("anna@example.org", "2027-04-01 14:00 CEST") in due


async def test_a_new_schedule_does_not_fire_for_a_moment_already_past(testbot: Testbot) -> None:
    testbot.clock.set(datetime(2027, 3, 25, 13, 30, tzinfo=UTC))  # after Thursday 14:00 CET
    await apply(testbot, WEEKLY_ON_THURSDAY)
    assert await _plan(testbot, datetime(2027, 3, 25, 13, 31, tzinfo=UTC)) == []
    assert len(await _plan(testbot, datetime(2027, 4, 1, 12, 1, tzinfo=UTC))) == 4


async def test_a_prompt_outside_its_grace_window_is_not_sent_late(testbot: Testbot) -> None:
    audience = "audience: {department: Support}\n    grace: 2h"
    await apply(testbot, WEEKLY_ON_THURSDAY.replace("audience: all", audience))
    assert await _plan(testbot, datetime(2027, 3, 25, 15, 1, tzinfo=UTC)) == []
    assert len(await _plan(testbot, datetime(2027, 3, 25, 14, 59, tzinfo=UTC))) == 2


async def test_dry_run_lists_without_planning(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY)
    at = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)
    dry = await plan(testbot.app.db, at, testbot.app.banks, testbot.app.defaults, dry_run=True)
    assert len(dry) == 4
    assert await _count(testbot, Occurrence) == 0


async def test_department_audience(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY.replace("audience: all", "audience: {department: HR}"))
    due = await _plan(testbot, datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    assert [email for email, _ in due] == ["hr@example.org"]


async def test_dispatch_sends_first_questions_and_keeps_the_unreachable(testbot: Testbot) -> None:
    testbot.adapter.reachable = {"anna@example.org", "bram@example.org"}
    await apply(testbot, WEEKLY_ON_THURSDAY)
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()
    sent = {o.recipient.email for o in testbot.adapter.sent}
    assert sent == {"anna@example.org", "bram@example.org"}
    first = testbot.adapter.to("bram@example.org")[0]
    assert first.question is not None
    assert first.question.question_id == "workload.demands_level"
    assert first.recipient.locale == "en"
    assert testbot.adapter.to("anna@example.org")[0].title.startswith("Werk")
    async with testbot.app.db.session() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "prompt")
                .order_by(OutboxMessage.id)
            )
        )
    statuses = sorted(r.status for r in rows)
    assert statuses == ["pending", "pending", "sent", "sent"]  # HR and Kolkata wait
    for waiting in (r for r in rows if r.status == "pending"):
        assert waiting.last_error is not None
        assert "no chat platform" in waiting.last_error
    # A second tick sends nothing twice.
    await testbot.tick()
    assert len(testbot.adapter.sent) == 2


class FlakyAdapter:
    platform = "console"

    def __init__(self) -> None:
        self.calls = 0

    def mount(self, on_inbound: object) -> None:
        return None

    def can_reach(self, person: object) -> bool:
        return True

    async def send(self, out: object) -> object:
        self.calls += 1
        raise ConnectionError("platform unavailable")

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


async def test_a_failed_send_is_retried_later_not_lost(testbot: Testbot) -> None:
    flaky = FlakyAdapter()
    testbot.app.adapters["console"] = flaky  # type: ignore[assignment]
    await apply(testbot, WEEKLY_ON_THURSDAY.replace("audience: all", "audience: {department: HR}"))
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()
    await testbot.tick()
    assert flaky.calls == 1  # back-off: not retried in the same minute
    async with testbot.app.db.session() as session:
        [row] = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt"))
        )
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.last_error == "ConnectionError: platform unavailable"
    assert row.next_attempt_at > testbot.clock.now()


async def test_the_scheduler_ticks_every_minute_starting_now(testbot: Testbot) -> None:
    ticker = testbot.app.ticker()
    timer = start_scheduler(ticker)
    try:
        [job] = timer.scheduler.get_jobs()
        assert job.trigger.interval.total_seconds() == TICK_SECONDS
        assert job.next_run_time is not None
    finally:
        await timer.stop()


async def test_one_reminder_for_an_unfinished_checkin_then_expiry(testbot: Testbot) -> None:
    await apply(
        testbot,
        WEEKLY_FOR_BRAM,
    )
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()
    await testbot.say("bram@example.org", "2")  # answers one question, then walks away
    testbot.clock.set(datetime(2027, 3, 26, 13, 0, tzinfo=UTC))  # a day later
    await testbot.tick()
    reminder = testbot.adapter.to("bram@example.org")[-1]
    assert reminder.text.startswith("A reminder")
    assert reminder.question is not None
    assert reminder.question.question_id == "workload.demands_nature"
    testbot.clock.set(datetime(2027, 3, 27, 13, 0, tzinfo=UTC))
    await testbot.tick()
    assert len(testbot.adapter.to("bram@example.org")) == 2  # one reminder, no nagging
    testbot.clock.set(datetime(2027, 4, 1, 12, 0, tzinfo=UTC))  # next week's prompt is due
    await testbot.tick()
    async with testbot.app.db.session() as session:
        statuses = list(await session.scalars(select(Occurrence.status).order_by(Occurrence.id)))
    assert statuses == ["expired", "open"]
    assert testbot.adapter.to("bram@example.org")[-1].question is not None


async def test_a_reminder_is_written_when_it_falls_due_and_only_once(testbot: Testbot) -> None:
    await apply(
        testbot,
        WEEKLY_FOR_BRAM,
    )
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()

    async def reminders() -> list[str]:
        async with testbot.app.db.session() as session:
            kinds = select(OutboxMessage.status).where(OutboxMessage.kind == "reminder")
            return list(await session.scalars(kinds))

    testbot.clock.set(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))  # not yet a day
    await testbot.tick()
    assert await reminders() == []
    testbot.clock.set(datetime(2027, 3, 26, 13, 5, tzinfo=UTC))
    await testbot.tick()
    # Another instance ticking at the same moment writes no second one.
    assert await queue_reminders(testbot.app.db, testbot.clock.now()) == 0
    await testbot.tick()
    assert await reminders() == ["sent"]
    assert [m.text.startswith("A reminder") for m in testbot.adapter.to("bram@example.org")] == [
        False,
        True,
    ]


async def test_no_reminder_once_the_checkin_is_done(testbot: Testbot) -> None:
    await apply(
        testbot,
        WEEKLY_FOR_BRAM,
    )
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()
    for _ in testbot.app.banks["workload"].questions:
        await testbot.say("bram@example.org", "skip")
    testbot.clock.set(datetime(2027, 3, 26, 13, 5, tzinfo=UTC))
    await testbot.tick()
    assert len(testbot.adapter.to("bram@example.org")) == 1
    async with testbot.app.db.session() as session:
        kinds = dict(
            (await session.execute(select(OutboxMessage.kind, OutboxMessage.status))).all()
        )
    # Its reminder fell due after it was done: none was even written.
    assert kinds == {"prompt": "sent"}


async def test_planned_times_read_back_and_match_as_the_orm_stores_them(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY)
    at = datetime(2027, 3, 25, 13, 5, 7, 123456, tzinfo=UTC)
    await _plan(testbot, at)
    async with testbot.app.db.session() as session:
        # Comparisons bind through the column types: they match only if the bulk writer
        # stored each value exactly as the ORM would have.
        kolkata = list(
            await session.scalars(
                select(Occurrence).where(
                    Occurrence.due_at == datetime(2027, 3, 25, 8, 30, tzinfo=UTC),
                    Occurrence.expires_at == datetime(2027, 4, 1, 8, 30, tzinfo=UTC),
                    Occurrence.created_at == at,
                )
            )
        )
        questions = [q.question_id for q in testbot.app.banks["workload"].questions]
        amsterdam = await session.scalar(
            select(func.count())
            .select_from(Occurrence)
            .where(Occurrence.due_at == datetime(2027, 3, 25, 13, 0, tzinfo=UTC))
        )
    assert [(o.person_id, o.status, o.question_ids, o.position) for o in kolkata] == [
        (4, "planned", questions, 0)
    ]
    assert kolkata[0].created_at == at
    assert kolkata[0].created_at.tzinfo is UTC
    assert amsterdam == 3


async def test_rows_another_planner_wrote_meanwhile_are_not_reported_or_queued_twice(
    testbot: Testbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    await apply(testbot, WEEKLY_ON_THURSDAY)
    assert len(await _plan(testbot, datetime(2027, 3, 25, 13, 5, tzinfo=UTC))) == 4

    async def nobody_yet(*_args: object) -> dict[tuple[str, str], set[int]]:
        return {}

    # As if another instance wrote them between this tick's read and its write.
    monkeypatch.setattr(planner, "_existing", nobody_yet)
    assert await _plan(testbot, datetime(2027, 3, 25, 13, 6, tzinfo=UTC)) == []
    assert await _count(testbot, Occurrence) == 4
    assert await _count(testbot, OutboxMessage) == 4
