"""Schedule time math: which period a moment falls in and when its check-in is due.

Pure functions only: no database and no clock; every moment is handed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs.dates import WEEKDAYS, add_months, weekday

CADENCES: tuple[str, ...] = ("weekly", "biweekly", "monthly", "quarterly")
# Biweekly pairs are counted from one fixed Monday rather than from ISO week numbers,
# so the rhythm survives years with 53 ISO weeks.
BIWEEKLY_ANCHOR = date(2024, 1, 1)
# Days 29-31 do not occur in every month, so a monthly schedule could silently skip one.
LAST_DAY_NUMBER = 28

_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class Slot:
    """One due moment: the period it belongs to, in local wall time and in UTC."""

    period: str
    local_due: datetime
    due_utc: datetime


@dataclass(frozen=True)
class _Period:
    key: str
    start: date
    next_start: date


def is_valid_time(text: str) -> bool:
    """True for a time of day written as HH:MM, 00:00 to 23:59."""
    return _TIME.fullmatch(text) is not None


def parse_day(cadence: str, day: str) -> str:
    """The canonical spelling of `day` for `cadence`; ValueError says how to fix it.

    Weekly and biweekly take a weekday (mon..sun, or the full English name). Monthly and
    quarterly also take a day number 1-28, of the month or of the quarter's first month.
    """
    if cadence not in CADENCES:
        raise ValueError(f"cadence '{cadence}' is unknown; use one of {', '.join(CADENCES)}")
    if (named := weekday(day)) is not None:
        return named
    text = day.strip().lower()
    weekdays = ", ".join(WEEKDAYS)
    if cadence in ("weekly", "biweekly"):
        raise ValueError(
            f"day '{day}' is not a weekday; a {cadence} schedule needs one of {weekdays}"
        )
    if text.isdigit() and 1 <= int(text) <= LAST_DAY_NUMBER:
        return str(int(text))
    raise ValueError(
        f"day '{day}' is not a weekday or a day number 1-{LAST_DAY_NUMBER}; use for example "
        f"thu (the first Thursday) or 15 (days 29-31 do not occur in every month)"
    )


def slot_for(cadence: str, day: str, time: str, tz: ZoneInfo, at_utc: datetime) -> Slot:
    """The slot of the period that contains `at_utc` as read in `tz`, due or not."""
    period = _period_of(cadence, _require_aware(at_utc).astimezone(tz).date())
    return _slot(cadence, day, time, tz, period)


def next_slot(cadence: str, day: str, time: str, tz: ZoneInfo, after_utc: datetime) -> Slot:
    """The first slot whose due moment is strictly after `after_utc`."""
    period = _period_of(cadence, _require_aware(after_utc).astimezone(tz).date())
    # The next period's due day lies after today, so two periods always suffice; the
    # third is slack for zones that once skipped a whole calendar day.
    for _ in range(3):
        slot = _slot(cadence, day, time, tz, period)
        if slot.due_utc > after_utc:
            return slot
        period = _period_of(cadence, period.next_start)
    raise AssertionError(f"no {cadence} slot after {after_utc.isoformat()}")


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
    return moment


def _slot(cadence: str, day: str, time: str, tz: ZoneInfo, period: _Period) -> Slot:
    hour, minute = _parse_time(time)
    due = _due_date(period.start, parse_day(cadence, day))
    # fold=0 gives the first of two ambiguous times, and for a time inside a
    # spring-forward gap the instant the clock would read it if it had not jumped.
    wall = datetime(due.year, due.month, due.day, hour, minute, tzinfo=tz, fold=0)
    due_utc = wall.astimezone(UTC)
    return Slot(period=period.key, local_due=due_utc.astimezone(tz), due_utc=due_utc)


def _parse_time(text: str) -> tuple[int, int]:
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"time '{text}' is not a time of day; use HH:MM, for example 14:00")
    return int(match.group(1)), int(match.group(2))


def _due_date(start: date, day: str) -> date:
    """The due day within a period: the first such weekday, or the n-th day, from its start."""
    if day.isdigit():
        return start + timedelta(days=int(day) - 1)
    return start + timedelta(days=(WEEKDAYS.index(day) - start.weekday()) % 7)


def _period_of(cadence: str, local_day: date) -> _Period:
    if cadence == "weekly":
        monday = _monday_of(local_day)
        return _Period(_iso_week(monday), monday, monday + timedelta(weeks=1))
    if cadence == "biweekly":
        monday = _monday_of(local_day)
        weeks = (monday - BIWEEKLY_ANCHOR).days // 7
        first = monday - timedelta(weeks=weeks % 2)
        return _Period(f"{_iso_week(first)}/2", first, first + timedelta(weeks=2))
    if cadence == "monthly":
        first = local_day.replace(day=1)
        return _Period(f"{first.year}-{first.month:02d}", first, add_months(first, 1))
    if cadence == "quarterly":
        quarter = (local_day.month - 1) // 3
        first = date(local_day.year, quarter * 3 + 1, 1)
        return _Period(f"{first.year}-Q{quarter + 1}", first, add_months(first, 3))
    raise ValueError(f"cadence '{cadence}' is unknown; use one of {', '.join(CADENCES)}")


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
