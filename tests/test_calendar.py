"""Schedule time math: periods, their keys and due moments, across zones and DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.schedules.calendar import (
    CADENCES,
    Slot,
    is_valid_time,
    next_slot,
    parse_day,
    slot_for,
)
from dialogs.dates import WEEKDAYS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
KATHMANDU = ZoneInfo("Asia/Kathmandu")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- weekly -----------------------------------------------------------------------------


def test_weekly_slot_is_the_weekday_of_the_iso_week() -> None:
    slot = slot_for("weekly", "thu", "14:00", AMSTERDAM, utc(2027, 3, 22, 8, 0))

    assert slot.period == "2027-W12"
    assert slot.due_utc == utc(2027, 3, 25, 13, 0)
    assert slot.local_due == datetime(2027, 3, 25, 14, 0, tzinfo=AMSTERDAM)
    assert slot.due_utc.tzinfo is UTC


def test_weekly_slot_of_the_period_is_returned_even_when_already_due() -> None:
    before = slot_for("weekly", "mon", "09:00", AMSTERDAM, utc(2027, 3, 22, 7, 0))
    after = slot_for("weekly", "mon", "09:00", AMSTERDAM, utc(2027, 3, 28, 21, 0))

    assert before == after
    assert before.period == "2027-W12"
    assert before.due_utc == utc(2027, 3, 22, 8, 0)


@pytest.mark.parametrize(
    ("at", "period"),
    [
        (utc(2027, 1, 1, 12), "2026-W53"),  # a Friday still in the 53rd week of 2026
        (utc(2027, 1, 4, 12), "2027-W01"),
        (utc(2025, 12, 29, 12), "2026-W01"),  # a Monday already in ISO year 2026
        (utc(2027, 12, 31, 12), "2027-W52"),
    ],
)
def test_weekly_key_is_the_iso_week(at: datetime, period: str) -> None:
    assert slot_for("weekly", "wed", "10:00", ZoneInfo("UTC"), at).period == period


def test_weekly_slot_may_fall_in_another_iso_year_than_its_calendar_year() -> None:
    slot = slot_for("weekly", "mon", "09:00", ZoneInfo("UTC"), utc(2027, 1, 1, 12))

    assert slot.period == "2026-W53"
    assert slot.due_utc == utc(2026, 12, 28, 9, 0)


# --- biweekly ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "period"),
    [
        (utc(2024, 1, 1, 12), "2024-W01/2"),  # the anchor Monday
        (utc(2024, 1, 14, 12), "2024-W01/2"),  # the Sunday ending the pair
        (utc(2024, 1, 15, 12), "2024-W03/2"),
        (utc(2026, 12, 21, 12), "2026-W51/2"),  # W52, the pair's second week
        (utc(2026, 12, 28, 12), "2026-W53/2"),  # the 53rd week starts a pair
        (utc(2027, 1, 8, 12), "2026-W53/2"),  # 2027-W01 is its second week
        (utc(2027, 1, 11, 12), "2027-W02/2"),
        (utc(2027, 3, 22, 12), "2027-W12/2"),
        (utc(2023, 12, 31, 12), "2023-W51/2"),  # before the anchor counts back evenly
    ],
)
def test_biweekly_pairs_count_from_the_anchor_monday(at: datetime, period: str) -> None:
    assert slot_for("biweekly", "mon", "09:00", ZoneInfo("UTC"), at).period == period


def test_biweekly_is_due_in_the_first_week_of_the_pair() -> None:
    second_week = slot_for("biweekly", "thu", "14:00", ZoneInfo("UTC"), utc(2027, 1, 8, 12))

    assert second_week.period == "2026-W53/2"
    assert second_week.due_utc == utc(2026, 12, 31, 14, 0)


def test_biweekly_keeps_a_two_week_rhythm_across_a_53_week_year() -> None:
    zone = ZoneInfo("UTC")
    slots = _series("biweekly", "thu", "14:00", zone, utc(2026, 1, 1), utc(2028, 3, 1))
    gaps = {b.due_utc - a.due_utc for a, b in pairwise(slots)}

    assert gaps == {timedelta(weeks=2)}
    assert len({s.period for s in slots}) == len(slots)
    assert "2026-W53/2" in [s.period for s in slots]
    assert all(s.due_utc.isocalendar().week == int(s.period[6:8]) for s in slots)


# --- monthly and quarterly --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "due"),
    [
        ("thu", date(2027, 3, 4)),
        ("mon", date(2027, 3, 1)),  # 1 March 2027 is itself a Monday
        ("sun", date(2027, 3, 7)),
        ("1", date(2027, 3, 1)),
        ("15", date(2027, 3, 15)),
        ("28", date(2027, 3, 28)),
    ],
)
def test_monthly_by_first_weekday_or_day_number(day: str, due: date) -> None:
    slot = slot_for("monthly", day, "09:00", AMSTERDAM, utc(2027, 3, 22, 8))

    assert slot.period == "2027-03"
    assert slot.local_due.date() == due
    assert slot.local_due.hour == 9


def test_monthly_day_28_exists_in_february() -> None:
    slot = slot_for("monthly", "28", "09:00", AMSTERDAM, utc(2027, 2, 1, 8))

    assert slot.period == "2027-02"
    assert slot.due_utc == utc(2027, 2, 28, 8, 0)


@pytest.mark.parametrize(
    ("at", "period", "due"),
    [
        (utc(2027, 1, 15, 12), "2027-Q1", date(2027, 1, 4)),
        (utc(2027, 5, 22, 12), "2027-Q2", date(2027, 4, 5)),  # 1 April 2027 is a Thursday
        (utc(2027, 9, 30, 12), "2027-Q3", date(2027, 7, 5)),
        (utc(2027, 12, 31, 12), "2027-Q4", date(2027, 10, 4)),
    ],
)
def test_quarterly_is_due_in_the_first_month_of_the_quarter(
    at: datetime, period: str, due: date
) -> None:
    slot = slot_for("quarterly", "mon", "10:00", AMSTERDAM, at)

    assert slot.period == period
    assert slot.local_due.date() == due


def test_quarterly_by_day_number() -> None:
    slot = slot_for("quarterly", "15", "10:00", AMSTERDAM, utc(2027, 8, 1, 12))

    assert slot.period == "2027-Q3"
    assert slot.due_utc == utc(2027, 7, 15, 8, 0)


# --- daylight saving time ---------------------------------------------------------------


def test_amsterdam_spring_forward_day_uses_summer_offset() -> None:
    slot = slot_for("weekly", "sun", "09:00", AMSTERDAM, utc(2027, 3, 24, 12))

    assert slot.due_utc == utc(2027, 3, 28, 7, 0)
    assert slot.local_due.utcoffset() == timedelta(hours=2)


def test_amsterdam_time_inside_the_gap_fires_just_after_it() -> None:
    slot = slot_for("weekly", "sun", "02:30", AMSTERDAM, utc(2027, 3, 24, 12))

    assert slot.due_utc == utc(2027, 3, 28, 1, 30)
    # 02:30 never happens that night; the real wall time is 03:30 summer time.
    assert (slot.local_due.hour, slot.local_due.minute) == (3, 30)
    assert slot.local_due.utcoffset() == timedelta(hours=2)


def test_amsterdam_ambiguous_time_fires_at_the_first_occurrence() -> None:
    slot = slot_for("weekly", "sun", "02:30", AMSTERDAM, utc(2027, 10, 27, 12))

    assert slot.due_utc == utc(2027, 10, 31, 0, 30)
    assert slot.local_due.utcoffset() == timedelta(hours=2)
    assert (slot.local_due.hour, slot.local_due.minute, slot.local_due.fold) == (2, 30, 0)


def test_amsterdam_fall_back_day_after_the_change_uses_winter_offset() -> None:
    slot = slot_for("weekly", "sun", "09:00", AMSTERDAM, utc(2027, 10, 27, 12))

    assert slot.due_utc == utc(2027, 10, 31, 8, 0)


def test_new_york_time_inside_the_gap_fires_just_after_it() -> None:
    slot = slot_for("weekly", "sun", "02:30", NEW_YORK, utc(2027, 3, 10, 12))

    assert slot.due_utc == utc(2027, 3, 14, 7, 30)
    assert (slot.local_due.hour, slot.local_due.minute) == (3, 30)
    assert slot.local_due.utcoffset() == timedelta(hours=-4)


def test_new_york_ambiguous_time_fires_at_the_first_occurrence() -> None:
    slot = slot_for("weekly", "sun", "01:30", NEW_YORK, utc(2027, 11, 3, 12))

    assert slot.due_utc == utc(2027, 11, 7, 5, 30)
    assert slot.local_due.utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    ("at", "due_utc"),
    [
        (utc(2027, 3, 10, 12), utc(2027, 3, 14, 13, 0)),  # EDT from this Sunday
        (utc(2027, 3, 3, 12), utc(2027, 3, 7, 14, 0)),  # EST the week before
        (utc(2027, 11, 3, 12), utc(2027, 11, 7, 14, 0)),  # EST again
    ],
)
def test_new_york_change_days_follow_the_local_offset(at: datetime, due_utc: datetime) -> None:
    slot = slot_for("weekly", "sun", "09:00", NEW_YORK, at)

    assert slot.due_utc == due_utc
    assert (slot.local_due.hour, slot.local_due.minute) == (9, 0)


def test_next_slot_skips_the_ambiguous_second_occurrence() -> None:
    # At the first 02:30 the slot fires; the second 02:30, an hour later, must not fire again.
    first = utc(2027, 10, 31, 0, 30)
    again = next_slot("weekly", "sun", "02:30", AMSTERDAM, first)

    assert again.period == "2027-W44"
    assert again.due_utc == utc(2027, 11, 7, 1, 30)


# --- half- and quarter-hour zones, and the date line ------------------------------------


def test_kolkata_half_hour_offset() -> None:
    slot = slot_for("monthly", "1", "09:00", KOLKATA, utc(2027, 3, 22, 8))

    assert slot.due_utc == utc(2027, 3, 1, 3, 30)


def test_kathmandu_quarter_hour_offset() -> None:
    slot = slot_for("weekly", "thu", "14:00", KATHMANDU, utc(2027, 3, 22, 8))

    assert slot.due_utc == utc(2027, 3, 25, 8, 15)
    assert slot.local_due == datetime(2027, 3, 25, 14, 0, tzinfo=KATHMANDU)


def test_early_local_time_falls_on_the_previous_utc_day() -> None:
    slot = slot_for("weekly", "mon", "02:00", KOLKATA, utc(2027, 3, 22, 8))

    assert slot.due_utc == utc(2027, 3, 21, 20, 30)
    assert slot.period == "2027-W12"


def test_just_before_midnight_utc_is_already_tomorrow_in_auckland() -> None:
    # Sunday 23:30 UTC is Monday 12:30 in Auckland: the new week, and this week's slot.
    at = utc(2027, 3, 21, 23, 30)

    assert slot_for("weekly", "mon", "09:00", ZoneInfo("UTC"), at).period == "2027-W11"
    slot = slot_for("weekly", "mon", "09:00", AUCKLAND, at)
    assert slot.period == "2027-W12"
    assert slot.due_utc == utc(2027, 3, 21, 20, 0)


def test_month_changes_by_the_local_date() -> None:
    at = utc(2027, 3, 31, 23, 0)

    assert slot_for("monthly", "1", "09:00", ZoneInfo("UTC"), at).period == "2027-03"
    assert slot_for("monthly", "1", "09:00", AUCKLAND, at).period == "2027-04"
    assert slot_for("quarterly", "1", "09:00", AUCKLAND, at).period == "2027-Q2"


# --- next_slot --------------------------------------------------------------------------


def test_next_slot_is_this_period_when_still_ahead() -> None:
    slot = next_slot("weekly", "thu", "14:00", AMSTERDAM, utc(2027, 3, 22, 8))

    assert slot.period == "2027-W12"
    assert slot.due_utc == utc(2027, 3, 25, 13, 0)


def test_next_slot_is_strictly_after() -> None:
    due = utc(2027, 3, 25, 13, 0)

    assert next_slot("weekly", "thu", "14:00", AMSTERDAM, due - timedelta(seconds=1)).due_utc == due
    later = next_slot("weekly", "thu", "14:00", AMSTERDAM, due)
    assert later.period == "2027-W13"
    assert later.due_utc == utc(2027, 4, 1, 12, 0)  # summer time by then


def test_next_slot_in_the_second_week_of_a_pair_is_the_next_pair() -> None:
    slot = next_slot("biweekly", "mon", "09:00", ZoneInfo("UTC"), utc(2027, 1, 8, 12))

    assert slot.period == "2027-W02/2"
    assert slot.due_utc == utc(2027, 1, 11, 9, 0)


def test_next_slot_crosses_the_year_for_quarterly() -> None:
    slot = next_slot("quarterly", "mon", "09:00", AMSTERDAM, utc(2027, 11, 1, 12))

    assert slot.period == "2028-Q1"
    assert slot.local_due.date() == date(2028, 1, 3)


def test_next_slot_for_monthly_after_the_due_day() -> None:
    slot = next_slot("monthly", "15", "09:00", AMSTERDAM, utc(2027, 3, 22, 8))

    assert slot.period == "2027-04"
    assert slot.due_utc == utc(2027, 4, 15, 7, 0)


ZONES = [AMSTERDAM, NEW_YORK, KOLKATA, KATHMANDU, AUCKLAND, ZoneInfo("America/Santiago")]


@settings(max_examples=300, deadline=None)
@given(
    cadence=st.sampled_from(CADENCES),
    day=st.sampled_from([*WEEKDAYS, "1", "15", "28"]),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
    zone=st.sampled_from(ZONES),
    after=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),
)
# Santiago sets its clocks back at midnight: 23:00 on 1 April 2028 happens twice.
@example("monthly", "1", 23, 0, ZoneInfo("America/Santiago"), datetime(2028, 3, 3, tzinfo=UTC))
def test_next_slot_properties(
    cadence: str, day: str, hour: int, minute: int, zone: ZoneInfo, after: datetime
) -> None:
    if day.isdigit() and cadence in ("weekly", "biweekly"):
        day = "wed"
    time = f"{hour:02d}:{minute:02d}"
    slot = next_slot(cadence, day, time, zone, after)

    assert slot.due_utc > after
    # The same instant. (Compared as instants: in a repeated hour Python never calls a local
    # time equal to a UTC one, PEP 495.)
    assert slot.local_due.astimezone(UTC) == slot.due_utc
    assert slot.local_due.tzinfo is zone
    # The due moment lies in its own period, and no earlier slot was skipped.
    assert slot_for(cadence, day, time, zone, slot.due_utc) == slot
    previous = slot_for(cadence, day, time, zone, after)
    assert previous == slot or previous.due_utc <= after


# --- validators -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["00:00", "09:05", "14:00", "23:59"])
def test_valid_times(text: str) -> None:
    assert is_valid_time(text)


@pytest.mark.parametrize("text", ["24:00", "9:00", "12:60", "1400", "", "14:00:00", " 14:00"])
def test_invalid_times(text: str) -> None:
    assert not is_valid_time(text)


@pytest.mark.parametrize(
    ("cadence", "day", "expected"),
    [
        ("weekly", "thu", "thu"),
        ("weekly", "Thursday", "thu"),
        ("biweekly", " MON ", "mon"),
        ("monthly", "fri", "fri"),
        ("monthly", "07", "7"),
        ("quarterly", "28", "28"),
    ],
)
def test_parse_day_canonical(cadence: str, day: str, expected: str) -> None:
    assert parse_day(cadence, day) == expected


@pytest.mark.parametrize(
    ("cadence", "day", "hint"),
    [
        ("weekly", "15", "not a weekday"),
        ("biweekly", "thurs", "mon, tue"),
        ("monthly", "29", "1-28"),
        ("quarterly", "0", "1-28"),
        ("daily", "mon", "cadence 'daily' is unknown"),
    ],
)
def test_parse_day_rejects(cadence: str, day: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_day(cadence, day)


def test_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        slot_for("weekly", "mon", "09:00", AMSTERDAM, datetime(2027, 3, 22, 8))
    with pytest.raises(ValueError, match="naive"):
        next_slot("weekly", "mon", "09:00", AMSTERDAM, datetime(2027, 3, 22, 8))


def test_bad_time_is_refused() -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        slot_for("weekly", "mon", "25:00", AMSTERDAM, utc(2027, 3, 22, 8))


def _series(
    cadence: str, day: str, time: str, zone: ZoneInfo, start: datetime, end: datetime
) -> list[Slot]:
    slots: list[Slot] = []
    after = start
    while (slot := next_slot(cadence, day, time, zone, after)).due_utc < end:
        slots.append(slot)
        after = slot.due_utc
    return slots
