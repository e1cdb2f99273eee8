"""Working-time rules a person's prompts respect (snooze to the next working morning)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.dates import DEFAULT_WORKING_DAYS, weekday_of

WORKING_MORNING = time(9, 0)


def next_working_morning(
    now_utc: datetime, timezone: str, working_days: Sequence[str] = DEFAULT_WORKING_DAYS
) -> datetime:
    """09:00 local on the next working day after today, as a local aware datetime."""
    zone = ZoneInfo(timezone)
    today = now_utc.astimezone(zone).date()
    days = set(working_days) or set(DEFAULT_WORKING_DAYS)
    for ahead in range(1, 8):
        candidate = today + timedelta(days=ahead)
        if weekday_of(candidate) in days:
            local = datetime.combine(candidate, WORKING_MORNING, tzinfo=zone)
            return local.astimezone(zone)
    raise AssertionError("unreachable: at least one weekday is a working day")
