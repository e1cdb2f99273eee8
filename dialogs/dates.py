"""Days and weeks: the day a moment falls on where someone lives, whole months later, the
weekdays and the working week, and days as people type them: 2027-04-12 in any language,
and with the year last the order of the person's language: day first in Dutch
(12-4-2027), month first in English (4/12/2027)."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialogs.messages import Locale

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The full English names, accepted wherever a weekday is typed.
WEEKDAY_NAMES: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
DEFAULT_WORKING_DAYS: tuple[str, ...] = WEEKDAYS[:5]

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class DayProblem(ValueError):
    """Why typed text is no day: `no_such_day` (31-02-2027) or `not_a_date`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_day(text: str, locale: Locale) -> date:
    """The day typed; raises DayProblem."""
    typed = text.strip()
    if iso := _ISO.match(typed):
        year, month, day = (int(part) for part in iso.groups())
    elif year_last := _YEAR_LAST.match(typed):
        first, second, year = (int(part) for part in year_last.groups())
        day, month = (first, second) if locale == "nl" else (second, first)
    else:
        raise DayProblem("not_a_date")
    try:
        return date(year, month, day)
    except ValueError:
        raise DayProblem("no_such_day") from None


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day a moment falls on where the person lives."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day when it is shorter:
    31 January plus one month is 28 or 29 February (what dateutil's relativedelta gives;
    the test compares them. Plain arithmetic, because the planner's calendar calls this for
    every monthly and quarterly period, and relativedelta takes seven times as long)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def weekday(text: str) -> str | None:
    """The weekday typed ("thu", "Thursday") as mon..sun; None when it names none."""
    typed = text.strip().lower()
    if typed in WEEKDAY_NAMES:
        return WEEKDAYS[WEEKDAY_NAMES.index(typed)]
    return typed if typed in WEEKDAYS else None


def weekday_of(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def in_week_order(days: Iterable[str]) -> tuple[str, ...]:
    """The weekdays among `days`, Monday first, each once."""
    chosen = set(days)
    return tuple(day for day in WEEKDAYS if day in chosen)
