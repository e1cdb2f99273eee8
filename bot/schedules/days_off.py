"""Days off: weekends, public holidays and a person's own working days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

from bot.schedules.calendar import Slot, next_slot, slot_for
from dialogs.dates import DEFAULT_WORKING_DAYS, weekday_of

# Christmas, a weekend and a bridge day never take more than this; past it, give up moving.
MAX_SHIFT_DAYS = 14
# How far ahead `next_send` looks before it concludes a schedule never reaches someone
# (a weekly Sunday schedule that skips days off, for a person who never works Sundays).
NEXT_SEND_HORIZON = timedelta(days=366)


@cache
def supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """When a person works: weekdays, minus the public holidays of a country."""

    working_days: frozenset[str]
    country: str | None = None

    @classmethod
    def of(cls, working_days: Iterable[str], country: str | None) -> WorkingCalendar:
        days = frozenset(working_days) or frozenset(DEFAULT_WORKING_DAYS)
        return cls(days, country)

    def is_working_day(self, day: date) -> bool:
        if weekday_of(day) not in self.working_days:
            return False
        return self.country is None or day not in _holidays(self.country, day.year)

    def next_working_day(self, day: date) -> date | None:
        """The day itself when it is a working day, else the first one after it."""
        for ahead in range(MAX_SHIFT_DAYS + 1):
            candidate = day + timedelta(days=ahead)
            if self.is_working_day(candidate):
                return candidate
        return None


def move_to_working_day(
    slot: Slot, time_of_day: str, zone: ZoneInfo, cal: WorkingCalendar
) -> Slot | None:
    """The slot on the first working day from its own, at the same local time; None if none."""
    day = cal.next_working_day(slot.local_due.date())
    if day is None:
        return None
    if day == slot.local_due.date():
        return slot
    hour, minute = (int(part) for part in time_of_day.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    due = local.astimezone(UTC)
    return Slot(period=slot.period, local_due=due.astimezone(zone), due_utc=due)


def sends_at(
    slot: Slot, time_of_day: str, zone: ZoneInfo, cal: WorkingCalendar, on_day_off: str
) -> Slot | None:
    """When a slot really goes out for people with this calendar; None when it is skipped.

    This is the planner's rule: a slot on a day off moves to the next working day at the
    same local time, unless the schedule skips days off (or no working day comes soon).
    """
    moved = move_to_working_day(slot, time_of_day, zone, cal)
    if moved is None or (moved != slot and on_day_off == "skip"):
        return None
    return moved


class Timetable(Protocol):
    """What a schedule's rhythm and days-off rules are made of (a stored or listed schedule)."""

    @property
    def cadence(self) -> str: ...
    @property
    def day(self) -> str: ...
    @property
    def time(self) -> str: ...
    @property
    def working_days(self) -> Sequence[str]: ...
    @property
    def holidays(self) -> str | None: ...
    @property
    def on_day_off(self) -> str: ...
    @property
    def active_from(self) -> datetime: ...


def next_send(
    schedule: Timetable,
    zone: ZoneInfo,
    after_utc: datetime,
    own_working_days: Sequence[str] | None = None,
) -> Slot | None:
    """The first moment after `after_utc` this schedule really sends to people in `zone`
    who work on `own_working_days` (else the schedule's working days), or None when it
    sends them nothing within a year.

    Days off are applied as the planner applies them (`sends_at`), and a slot due before
    the schedule's `active_from` never sends, however far it would move.
    """
    cal = WorkingCalendar.of(own_working_days or schedule.working_days, schedule.holidays)
    # A slot of an earlier period may have moved past `after_utc`: start a full shift back.
    earliest = after_utc - timedelta(days=MAX_SHIFT_DAYS)
    slot = slot_for(schedule.cadence, schedule.day, schedule.time, zone, earliest)
    horizon = after_utc + NEXT_SEND_HORIZON
    while slot.due_utc <= horizon:
        sent = sends_at(slot, schedule.time, zone, cal, schedule.on_day_off)
        # Moved slots keep their order (a later period never moves before an earlier one),
        # so the first one past `after_utc` is the next.
        if sent is not None and slot.due_utc >= schedule.active_from and sent.due_utc > after_utc:
            return sent
        slot = next_slot(schedule.cadence, schedule.day, schedule.time, zone, slot.due_utc)
    return None
