"""Days and weeks, one rule each: the local day, whole months later, weekdays typed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from dateutil.relativedelta import relativedelta

from dialogs.dates import (
    DEFAULT_WORKING_DAYS,
    WEEKDAYS,
    add_months,
    in_week_order,
    local_day,
    weekday,
    weekday_of,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 3, 31), 6, date(2027, 9, 30)),
        (date(2027, 11, 15), 3, date(2028, 2, 15)),
        (date(2027, 1, 1), 12, date(2028, 1, 1)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 10, 1), 3, date(2028, 1, 1)),
    ],
)
def test_whole_months_later_keep_the_day_or_take_the_last(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_months_later_agree_with_dateutil_on_every_day_of_four_years() -> None:
    day = date(2027, 1, 1)
    while day < date(2031, 1, 1):
        for months in (-13, -1, 1, 3, 6, 12, 25):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day = date.fromordinal(day.toordinal() + 1)


def test_the_local_day_is_where_the_person_lives() -> None:
    moment = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    assert local_day(moment, "Europe/Amsterdam") == date(2027, 3, 2)
    assert local_day(moment, "America/New_York") == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("thu", "thu"), ("Thursday", "thu"), (" SUN ", "sun"), ("thurs", None), ("", None)],
)
def test_a_weekday_is_typed_short_or_in_full(typed: str, expected: str | None) -> None:
    assert weekday(typed) == expected


def test_the_working_week_runs_monday_to_friday_in_week_order() -> None:
    assert DEFAULT_WORKING_DAYS == ("mon", "tue", "wed", "thu", "fri")
    assert in_week_order(["thu", "mon", "thu", "sun"]) == ("mon", "thu", "sun")
    assert [weekday_of(date(2027, 3, d)) for d in range(1, 8)] == list(WEEKDAYS)
