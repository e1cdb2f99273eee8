"""The schedules file: parsing with clear errors, and applying it to the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlalchemy import select

from bot.schedules.file import ScheduleFileError, ScheduleSpec, parse_schedules
from bot.schedules.store import ApplyResult, apply_schedules, list_schedules
from bot.storage.database import Database
from bot.storage.models import Department, Person, Schedule
from dialogs.banks import load_banks

THEMES = frozenset(load_banks())
NOW = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)

ISSUE_EXAMPLE = """\
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
"""


def parse_errors(text: str) -> list[str]:
    with pytest.raises(ScheduleFileError) as caught:
        parse_schedules(text, THEMES)
    return caught.value.errors


# --- parsing ----------------------------------------------------------------------------


def test_issue_example_parses_as_written() -> None:
    assert parse_schedules(ISSUE_EXAMPLE, THEMES) == [
        ScheduleSpec(
            id="workload-weekly",
            theme="workload",
            cadence="weekly",
            day="thu",
            time="14:00",
            audience={"all": True},
            timezone=None,
            locale=None,
            working_days=("mon", "tue", "wed", "thu", "fri"),
            grace_minutes=12 * 60,
            active=True,
            remind_minutes=24 * 60,
            holidays=None,
            on_day_off="next_working_day",
        )
    ]


@pytest.mark.parametrize(("written", "stored"), [("14:00", "14:00"), ("9:30", "09:30")])
def test_unquoted_time_is_read_as_written_not_as_base_60(written: str, stored: str) -> None:
    # YAML 1.1 would read an unquoted 14:00 as the integer 840.
    text = ISSUE_EXAMPLE.replace('time: "14:00"', f"time: {written}")

    assert parse_schedules(text, THEMES)[0].time == stored


def test_unquoted_impossible_time_is_still_reported_as_written() -> None:
    text = ISSUE_EXAMPLE.replace('time: "14:00"', "time: 25:00")

    assert parse_errors(text) == [
        "schedule 'workload-weekly': time '25:00' is not a time of day; "
        "use HH:MM, for example 14:00"
    ]


def test_time_as_a_plain_number_asks_for_quotes() -> None:
    text = ISSUE_EXAMPLE.replace('time: "14:00"', "time: 1400")

    assert parse_errors(text) == [
        "schedule 'workload-weekly': time 1400 is not a time of day; "
        'use HH:MM in quotes, like "14:00"'
    ]


def test_defaults_fill_in_and_a_schedule_overrides_them() -> None:
    text = """\
defaults:
  timezone: Europe/Amsterdam
  locale: nl
  working_days: [mon, tue, wed, thu]
schedules:
  - id: a
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
  - id: b
    theme: relationship
    cadence: monthly
    day: 15
    time: "09:00"
    audience: all
    timezone: Asia/Kathmandu
    locale: en
    working_days: [Sunday, mon, tue, wed, thu]
"""
    a, b = parse_schedules(text, THEMES)

    assert (a.timezone, a.locale, a.working_days) == (
        "Europe/Amsterdam",
        "nl",
        ("mon", "tue", "wed", "thu"),
    )
    assert (b.timezone, b.locale, b.working_days) == (
        "Asia/Kathmandu",
        "en",
        ("mon", "tue", "wed", "thu", "sun"),
    )
    assert b.day == "15"


def test_every_optional_field() -> None:
    text = """\
schedules:
  - id: sales_quarterly
    theme: five_ages
    cadence: quarterly
    day: Monday
    time: "10:15"
    audience: {department: Sales}
    grace: 1d12h
    active: false
  - id: pilot-2
    theme: workload
    cadence: biweekly
    day: fri
    time: "16:00"
    audience:
      emails: [Anna@Example.com, bob@example.com, anna@example.com]
    grace: 90m
"""
    sales, pilot = parse_schedules(text, THEMES)

    assert sales.day == "mon"
    assert sales.audience == {"department": "Sales"}
    assert sales.grace_minutes == 36 * 60
    assert sales.active is False
    assert pilot.audience == {"emails": ["anna@example.com", "bob@example.com"]}
    assert pilot.grace_minutes == 90


@pytest.mark.parametrize(("grace", "minutes"), [("12h", 720), ("90m", 90), ("2d", 2880)])
def test_grace_units(grace: str, minutes: int) -> None:
    text = ISSUE_EXAMPLE + f"    grace: {grace}\n"

    assert parse_schedules(text, THEMES)[0].grace_minutes == minutes


def test_an_empty_list_of_schedules_is_fine() -> None:
    assert parse_schedules("schedules: []\n", THEMES) == []


def test_every_error_is_reported_at_once() -> None:
    text = """\
defaults:
  timezone: Mars/Olympus
  colour: blue
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: thu
    time: "25:00"
    audience: all
  - id: x
    theme: workloud
    cadence: daily
    day: thu
    time: "14:00"
    audience: everyone
  - theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
  - id: Bad Id
    theme: workload
    cadence: weekly
    day: "15"
    time: "14:00"
    audience: {emails: [not-an-address]}
    locale: de
    timezone: Europe/Amsterdam
  - id: y
    theme: workload
    cadence: monthly
    day: "31"
    time: "14:00"
    audience: {department: Sales}
    working_days: [mon, someday]
    grace: soon
    active: "yes"
    colour: red
  - id: y
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
    grace: 8d
  - just a string
  - id: [1, 2]
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
    working_days: []
extra: true
"""
    errors = parse_errors(text)

    assert errors == [
        "unknown top-level key 'extra'; use defaults and schedules",
        "defaults: unknown field 'colour'; known fields are timezone, locale, working_days, "
        "holidays, on_day_off",
        "defaults: timezone 'Mars/Olympus' is not an IANA time zone; "
        "use for example Europe/Amsterdam",
        "schedule 'workload-weekly': time '25:00' is not a time of day; "
        "use HH:MM, for example 14:00",
        "schedule 'x': theme 'workloud' is unknown (known: five_ages, relationship, workload)",
        "schedule 'x': cadence 'daily' is unknown; use one of weekly, biweekly, monthly, quarterly",
        "schedule 'x': audience 'everyone' is not understood; use all, {department: NAME} "
        "or {emails: [ADDRESS, ...]}",
        "schedule #3: id is missing",
        "schedule 'Bad Id': id 'Bad Id' may only hold lowercase letters, digits, - and _ "
        "(at most 100), for example workload-weekly",
        "schedule 'Bad Id': day '15' is not a weekday; a weekly schedule needs one of "
        "mon, tue, wed, thu, fri, sat, sun",
        "schedule 'Bad Id': audience emails must be a non-empty list of addresses, "
        "for example {emails: [anna@example.com]}",
        "schedule 'Bad Id': locale 'de' is not supported; use nl or en",
        "schedule 'y': unknown field 'colour'; known fields are id, theme, cadence, day, time, "
        "audience, timezone, locale, working_days, grace, remind_after, holidays, on_day_off, "
        "active",
        "schedule 'y': day '31' is not a weekday or a day number 1-28; use for example "
        "thu (the first Thursday) or 15 (days 29-31 do not occur in every month)",
        "schedule 'y': working_days ['mon', 'someday'] is not a list of weekdays; "
        "use for example [mon, tue, wed, thu, fri]",
        "schedule 'y': grace 'soon' is not a duration; use a number with d, h or m, "
        "for example 12h, 90m or 2d",
        "schedule 'y': active 'yes' must be true or false",
        "schedule 'y': grace '8d' would overlap the next weekly period; use less than 7d",
        "schedule #7: expected a mapping of fields like 'id: ...'",
        "schedule #8: id '[1, 2]' may only hold lowercase letters, digits, - and _ "
        "(at most 100), for example workload-weekly",
        "schedule #8: working_days [] is not a list of weekdays; "
        "use for example [mon, tue, wed, thu, fri]",
        "schedule 'y': id is used by schedules #5, #6; every id must be unique",
    ]


def test_error_text_lists_one_problem_per_line() -> None:
    text = ISSUE_EXAMPLE.replace("thu", "someday").replace("workload\n", "workloud\n")
    with pytest.raises(ScheduleFileError) as caught:
        parse_schedules(text, THEMES)

    assert str(caught.value).splitlines() == [f"- {e}" for e in caught.value.errors]
    assert len(caught.value.errors) == 2


EXAMPLE_FIELDS = {
    "id": "workload-weekly",
    "theme": "workload",
    "cadence": "weekly",
    "day": "thu",
    "time": "14:00",
    "audience": "all",
}


@pytest.mark.parametrize("field", list(EXAMPLE_FIELDS))
def test_each_required_field(field: str) -> None:
    schedule = {k: v for k, v in EXAMPLE_FIELDS.items() if k != field}
    text = yaml.safe_dump({"schedules": [schedule]})
    label = "schedule #1" if field == "id" else "schedule 'workload-weekly'"

    assert parse_errors(text) == [f"{label}: {field} is missing"]


def test_yaml_syntax_error_names_the_line() -> None:
    text = ISSUE_EXAMPLE.replace("    audience", "   audience")  # line 7, one space short

    [error] = parse_errors(text)
    assert error.startswith("line 7, column 4: not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "the file must be a mapping with a 'schedules' list at the top"),
        ("- a\n- b\n", "the file must be a mapping with a 'schedules' list at the top"),
        (
            "defaults: {}\n",
            "'schedules' must be a list of schedules, each starting with '- id: ...'",
        ),
    ],
)
def test_file_shape_errors(text: str, error: str) -> None:
    assert parse_errors(text) == [error]


# --- applying to the database -----------------------------------------------------------


def two_schedules(time: str = "14:00", active: bool = True) -> str:
    return f"""\
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: thu
    time: "{time}"
    audience: all
    active: {"true" if active else "false"}
  - id: relationship-monthly
    theme: relationship
    cadence: monthly
    day: "1"
    time: "09:00"
    audience: all
    timezone: Asia/Kathmandu
"""


async def stored(db: Database) -> dict[str, tuple[object, ...]]:
    """Every stored schedule with all its columns, to compare before and after."""
    async with db.session() as s:
        rows = await s.scalars(select(Schedule))
        return {
            r.id: (
                r.theme,
                r.cadence,
                r.day,
                r.time,
                r.audience,
                r.timezone,
                r.locale,
                r.working_days,
                r.grace_minutes,
                r.active,
                r.active_from,
                r.updated_at,
            )
            for r in rows
        }


async def test_apply_creates(db: Database) -> None:
    result = await apply_schedules(db, ISSUE_EXAMPLE, THEMES, NOW)

    assert result == ApplyResult(created=["workload-weekly"], updated=[], unchanged=[])
    async with db.session() as s:
        row = await s.get(Schedule, "workload-weekly")
    assert row is not None
    assert (row.time, row.audience, row.working_days) == (
        "14:00",
        {"all": True},
        ["mon", "tue", "wed", "thu", "fri"],
    )
    assert row.grace_minutes == 720
    assert row.active_from == NOW
    assert row.updated_at == NOW


async def test_reapply_is_unchanged(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)
    before = await stored(db)

    later = NOW + timedelta(days=1)
    result = await apply_schedules(db, two_schedules(), THEMES, later)

    assert result == ApplyResult(unchanged=["workload-weekly", "relationship-monthly"])
    assert await stored(db) == before


async def test_a_change_updates_but_keeps_active_from(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)

    later = NOW + timedelta(days=1)
    result = await apply_schedules(db, two_schedules(time="15:30"), THEMES, later)

    assert result == ApplyResult(updated=["workload-weekly"], unchanged=["relationship-monthly"])
    async with db.session() as s:
        row = await s.get(Schedule, "workload-weekly")
    assert row is not None
    assert row.time == "15:30"
    assert row.updated_at == later
    assert row.active_from == NOW


async def test_reactivating_moves_active_from(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)
    paused = NOW + timedelta(days=1)
    await apply_schedules(db, two_schedules(active=False), THEMES, paused)
    resumed = NOW + timedelta(days=30)

    result = await apply_schedules(db, two_schedules(), THEMES, resumed)

    assert result.updated == ["workload-weekly"]
    async with db.session() as s:
        row = await s.get(Schedule, "workload-weekly")
    assert row is not None
    assert (row.active, row.active_from, row.updated_at) == (True, resumed, resumed)


async def test_schedules_missing_from_the_file_are_left_alone(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)
    before = await stored(db)

    result = await apply_schedules(
        db, ISSUE_EXAMPLE, THEMES, NOW + timedelta(days=1), dry_run=False
    )

    assert result == ApplyResult(unchanged=["workload-weekly"])
    assert await stored(db) == before


async def test_a_file_with_an_error_writes_nothing(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)
    before = await list_schedules(db, NOW, "Europe/Amsterdam")
    # A valid change, a valid new schedule, and one error: none of it may be written.
    broken = (
        two_schedules(time="15:30").replace('day: "1"', 'day: "31"')
        + """\
  - id: new-one
    theme: workload
    cadence: weekly
    day: mon
    time: "09:00"
    audience: all
"""
    )

    with pytest.raises(ScheduleFileError) as caught:
        await apply_schedules(db, broken, THEMES, NOW + timedelta(days=1))

    assert len(caught.value.errors) == 1
    assert "relationship-monthly" in caught.value.errors[0]
    assert await list_schedules(db, NOW, "Europe/Amsterdam") == before


async def test_dry_run_writes_nothing(db: Database) -> None:
    created = await apply_schedules(db, two_schedules(), THEMES, NOW, dry_run=True)

    assert created.created == ["workload-weekly", "relationship-monthly"]
    assert await stored(db) == {}

    await apply_schedules(db, two_schedules(), THEMES, NOW)
    before = await stored(db)
    changed = await apply_schedules(
        db, two_schedules(time="15:30"), THEMES, NOW + timedelta(days=1), dry_run=True
    )

    assert changed == ApplyResult(updated=["workload-weekly"], unchanged=["relationship-monthly"])
    assert await stored(db) == before


AUDIENCE_FILE = """\
schedules:
  - id: sales
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: {department: Sales}
  - id: pilot
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: {emails: [Anna@Example.com, ghost@example.com]}
  - id: broken
    theme: workload
    cadence: weekly
    day: thu
    time: "99:00"
    audience: all
"""


async def test_unknown_department_and_email_are_reported_with_parse_errors(db: Database) -> None:
    await add_person(db, "anna@example.com")

    with pytest.raises(ScheduleFileError) as caught:
        await apply_schedules(db, AUDIENCE_FILE, THEMES, NOW)

    assert caught.value.errors == [
        "schedule 'broken': time '99:00' is not a time of day; use HH:MM, for example 14:00",
        "schedule 'sales': audience department 'Sales' does not exist; "
        "check the spelling or import the people of that department first",
        "schedule 'pilot': audience email 'ghost@example.com' is not a person in the "
        "database; check the address or import that person first",
    ]
    assert await stored(db) == {}


async def test_known_department_and_emails_are_accepted(db: Database) -> None:
    async with db.session() as s:
        s.add(Department(name="Sales"))
    await add_person(db, "anna@example.com")
    await add_person(db, "Ghost@Example.com")
    text = AUDIENCE_FILE.replace('"99:00"', '"09:00"')

    result = await apply_schedules(db, text, THEMES, NOW)

    assert result.created == ["sales", "pilot", "broken"]
    async with db.session() as s:
        pilot = await s.get(Schedule, "pilot")
    assert pilot is not None
    assert pilot.audience == {"emails": ["anna@example.com", "ghost@example.com"]}


async def test_naive_now_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        await apply_schedules(db, ISSUE_EXAMPLE, THEMES, datetime(2027, 3, 22, 8))


# --- listing ----------------------------------------------------------------------------


async def test_list_schedules_with_next_due(db: Database) -> None:
    await apply_schedules(db, two_schedules(), THEMES, NOW)
    paused = ISSUE_EXAMPLE.replace("workload-weekly", "a-paused") + "    active: false\n"
    await apply_schedules(db, paused, THEMES, NOW)

    rows = await list_schedules(db, NOW, "Europe/Amsterdam")

    assert [r.id for r in rows] == ["a-paused", "relationship-monthly", "workload-weekly"]
    paused_row, monthly, weekly = rows
    assert paused_row.next_due_utc is None
    # No own zone: the default's, Thursday 14:00 CET.
    assert weekly.next_due_utc == datetime(2027, 3, 25, 13, 0, tzinfo=UTC)
    # Its own zone: 09:00 in Kathmandu on 1 April is 03:15 UTC (March's already passed).
    assert monthly.next_due_utc == datetime(2027, 4, 1, 3, 15, tzinfo=UTC)
    assert weekly.active_from == NOW
    assert weekly.time == "14:00"
    assert monthly.timezone == "Asia/Kathmandu"


async def test_list_schedules_uses_the_default_zone_given(db: Database) -> None:
    await apply_schedules(db, ISSUE_EXAMPLE, THEMES, NOW)

    [row] = await list_schedules(db, NOW, "America/New_York")

    assert row.next_due_utc == datetime(2027, 3, 25, 18, 0, tzinfo=UTC)


async def test_list_schedules_after_the_due_moment_shows_the_next_period(db: Database) -> None:
    await apply_schedules(db, ISSUE_EXAMPLE, THEMES, NOW)
    due = datetime(2027, 3, 25, 13, 0, tzinfo=UTC)

    [row] = await list_schedules(db, due, "Europe/Amsterdam")

    assert row.next_due_utc == datetime(2027, 4, 1, 12, 0, tzinfo=UTC)


async def add_person(db: Database, email: str) -> None:
    async with db.session() as s:
        s.add(
            Person(
                email=email,
                name=email.split("@")[0].title(),
                is_hr=False,
                active=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def test_reminders_are_daily_by_default_and_can_be_turned_off() -> None:
    [default] = parse_schedules(ISSUE_EXAMPLE, THEMES)
    assert default.remind_minutes == 24 * 60
    quiet = ISSUE_EXAMPLE.replace("audience: all", "audience: all\n    remind_after: off")
    assert parse_schedules(quiet, THEMES)[0].remind_minutes is None
    soon = ISSUE_EXAMPLE.replace("audience: all", "audience: all\n    remind_after: 3h")
    assert parse_schedules(soon, THEMES)[0].remind_minutes == 180
    bad = ISSUE_EXAMPLE.replace("audience: all", "audience: all\n    remind_after: 8d")
    assert parse_errors(bad) == [
        "schedule 'workload-weekly': remind_after '8d' would overlap the next weekly period; "
        "use less than 7d"
    ]
