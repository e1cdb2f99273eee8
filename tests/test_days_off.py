"""Days off, downtime and several planners: no prompt on a day off, none lost, none twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.delivery.planner import PLANNER_LOCK, plan
from bot.org.organisation import import_org
from bot.schedules.store import list_schedules
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage
from tests.support.testbot import Testbot, apply, make_testbot

TUESDAY = """
schedules:
  - id: tuesday
    theme: workload
    cadence: weekly
    day: tue
    time: "10:00"
    holidays: NL
    audience: {{emails: [bram@example.org]}}
{extra}"""


async def _plan(bot: Testbot, at: datetime, catch_up: bool = False) -> list[tuple[str, str]]:
    due = await plan(bot.app.db, at, bot.app.banks, bot.app.defaults, catch_up=catch_up)
    return [(d.status, d.local_due.strftime("%a %d %b %H:%M")) for d in due]


async def _outbox_count(bot: Testbot) -> int:
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_a_public_holiday_moves_the_prompt_to_the_next_working_day(testbot: Testbot) -> None:
    await apply(testbot, TUESDAY.format(extra=""))
    # King's Day, Tuesday 27 April 2027, is a public holiday in the Netherlands.
    assert await _plan(testbot, datetime(2027, 4, 27, 8, 5, tzinfo=UTC)) == []
    moved = await _plan(testbot, datetime(2027, 4, 28, 8, 5, tzinfo=UTC))
    assert moved == [("planned", "Wed 28 Apr 10:00")]
    assert await _plan(testbot, datetime(2027, 4, 28, 9, 5, tzinfo=UTC)) == []
    # An ordinary week is untouched.
    assert await _plan(testbot, datetime(2027, 5, 4, 8, 5, tzinfo=UTC)) == [
        ("planned", "Tue 04 May 10:00")
    ]


async def test_a_schedule_may_skip_days_off_instead_and_says_so(testbot: Testbot) -> None:
    await apply(testbot, TUESDAY.format(extra="    on_day_off: skip\n"))
    skipped = await _plan(testbot, datetime(2027, 4, 27, 8, 5, tzinfo=UTC))
    assert skipped == [("skipped", "Tue 27 Apr 10:00")]
    assert await _plan(testbot, datetime(2027, 4, 28, 8, 5, tzinfo=UTC)) == []
    assert await _outbox_count(testbot) == 0


async def test_part_time_weeks_are_respected(db: Database, clock: FixedClock) -> None:
    org = (
        "email,name,timezone,working_days\n"
        "pia@example.org,Pia,Europe/Amsterdam,mon tue wed\n"
        "ole@example.org,Ole,Europe/Amsterdam,\n"
    )
    bot = await make_testbot(db, clock, org)
    await apply(
        bot,
        TUESDAY.format(extra="")
        .replace("tue\n", "thu\n")
        .replace("{emails: [bram@example.org]}", "all"),
    )
    thursday = await plan(
        bot.app.db, datetime(2027, 3, 25, 9, 5, tzinfo=UTC), bot.app.banks, bot.app.defaults
    )
    assert [d.email for d in thursday] == ["ole@example.org"]
    # Her next working day is Tuesday: Monday 29 March is Easter Monday.
    monday = await plan(
        bot.app.db, datetime(2027, 3, 29, 8, 5, tzinfo=UTC), bot.app.banks, bot.app.defaults
    )
    assert monday == []
    tuesday = await plan(
        bot.app.db, datetime(2027, 3, 30, 8, 5, tzinfo=UTC), bot.app.banks, bot.app.defaults
    )
    assert [(d.email, d.period) for d in tuesday] == [("pia@example.org", "2027-W12")]


async def test_downtime_is_caught_up_once_inside_grace_and_recorded_as_missed_after(
    testbot: Testbot,
) -> None:
    await apply(testbot, TUESDAY.format(extra="    grace: 6h\n"))
    # Down from Monday to Thursday: Tuesday's prompt is past its grace at the first tick.
    first = await _plan(testbot, datetime(2027, 3, 25, 9, 0, tzinfo=UTC), catch_up=True)
    assert first == [("missed", "Tue 23 Mar 10:00")]
    assert await _outbox_count(testbot) == 0
    # Down for two hours around the next Tuesday's prompt: still inside grace, sent once.
    late = await _plan(testbot, datetime(2027, 3, 30, 10, 0, tzinfo=UTC), catch_up=True)
    assert late == [("planned", "Tue 30 Mar 10:00")]
    assert await _plan(testbot, datetime(2027, 3, 30, 10, 1, tzinfo=UTC), catch_up=True) == []


async def test_people_are_not_missed_for_prompts_before_they_joined(testbot: Testbot) -> None:
    support = TUESDAY.format(extra="").replace(
        "{emails: [bram@example.org]}", "{department: Support}"
    )
    await apply(testbot, support)
    late_joiner = "email,name,department,timezone\nzoe@example.org,Zoe,Support,Europe/Amsterdam\n"
    await import_org(testbot.app.db, late_joiner, datetime(2027, 3, 24, 12, 0, tzinfo=UTC))
    # Tuesday 23 March went by while the bot was down: those who were there missed it.
    missed = await plan(
        testbot.app.db,
        datetime(2027, 3, 25, 8, 0, tzinfo=UTC),
        testbot.app.banks,
        testbot.app.defaults,
        catch_up=True,
    )
    assert sorted((d.email, d.status) for d in missed) == [
        ("anna@example.org", "missed"),
        ("bram@example.org", "missed"),
        ("carla@example.org", "missed"),
    ]


@pytest.mark.postgres
async def test_only_one_instance_plans_at_a_time(testbot: Testbot) -> None:
    if testbot.app.db.is_sqlite:
        pytest.skip("the planner lock is PostgreSQL's advisory lock")
    await apply(testbot, TUESDAY.format(extra=""))
    at = datetime(2027, 3, 23, 9, 5, tzinfo=UTC)
    async with testbot.app.db.engine.connect() as other_instance:
        await other_instance.execute(text(f"SELECT pg_advisory_lock({PLANNER_LOCK})"))
        assert await _plan(testbot, at) == []
        await other_instance.execute(text(f"SELECT pg_advisory_unlock({PLANNER_LOCK})"))
    assert await _plan(testbot, at) == [("planned", "Tue 23 Mar 10:00")]
    async with testbot.app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Occurrence)) == 1


async def test_the_schedules_list_names_the_day_a_holiday_moves_the_next_run_to(
    testbot: Testbot,
) -> None:
    await apply(testbot, TUESDAY.format(extra=""))
    before_kings_day = datetime(2027, 4, 21, 12, 0, tzinfo=UTC)
    [row] = await list_schedules(testbot.app.db, before_kings_day, "Europe/Amsterdam")
    assert row.next_due_utc == datetime(2027, 4, 28, 8, 0, tzinfo=UTC)  # Wednesday 10:00 CEST
