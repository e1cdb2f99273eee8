"""Days off: weekends, public holidays and a person's own working days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from bot.services.calendar import WEEKDAYS, Slot

# Christmas, a weekend and a bridge day never take more than this; past it, give up moving.
MAX_SHIFT_DAYS = 14


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
        days = frozenset(working_days) or frozenset(WEEKDAYS[:5])
        return cls(days, country)

    def is_working_day(self, day: date) -> bool:
        if WEEKDAYS[day.weekday()] not in self.working_days:
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
