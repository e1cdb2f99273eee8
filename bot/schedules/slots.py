"""What a schedule's slots mean at a moment: the slots a tick may still act on, and whether
each is due, missed or skipped for people with one working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.schedules.calendar import Slot, slot_for
from bot.schedules.days_off import MAX_SHIFT_DAYS, WorkingCalendar, sends_at
from bot.storage.models import Schedule

# How far back a tick looks: a prompt moved past a long weekend still belongs to its period.
LOOKBACK = timedelta(days=MAX_SHIFT_DAYS)


def slots_near(schedule: Schedule, zone: ZoneInfo, now: datetime) -> list[Slot]:
    """This period's slot and the ones before it that a tick may still have to act on."""
    grace = timedelta(minutes=schedule.grace_minutes)
    moments = [now, now - grace] + [now - timedelta(days=d) for d in range(1, LOOKBACK.days + 1)]
    slots = {slot_for(schedule.cadence, schedule.day, schedule.time, zone, m) for m in moments}
    return sorted(slots, key=lambda s: s.due_utc)


def meaning(
    schedule: Schedule,
    original: Slot,
    zone: ZoneInfo,
    cal: WorkingCalendar,
    now: datetime,
    catch_up: bool,
) -> tuple[Slot, str] | None:
    """What a slot means at `now` for people with this working calendar, if anything."""
    if original.due_utc < schedule.active_from:
        return None  # before the schedule existed (or was switched back on)
    grace = timedelta(minutes=schedule.grace_minutes)
    moved = sends_at(original, schedule.time, zone, cal, schedule.on_day_off)
    if moved is None:
        passed = original.due_utc <= now
        in_window = now < original.due_utc + grace
        return (original, "skipped") if passed and (in_window or catch_up) else None
    if moved.due_utc <= now < moved.due_utc + grace:
        return moved, "due"
    if catch_up and moved.due_utc + grace <= now:
        return moved, "missed"
    return None
