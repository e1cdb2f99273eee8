"""The planner: turns schedules into due check-ins, once per schedule, person and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import Slot, next_slot, slot_for
from bot.services.pauses import is_paused
from bot.services.people import Defaults
from bot.storage.database import Database
from bot.storage.models import Department, Occurrence, OutboxMessage, Person, Schedule
from bot.storage.sql import insert_new
from dialogs.banks import Bank

# Statuses of a check-in the person has not finished.
UNFINISHED = ("planned", "queued", "open", "snoozed")


@dataclass(frozen=True)
class DueCheckin:
    """One check-in that fell due: for operators, scripted checks and the demo."""

    email: str
    name: str
    schedule_id: str
    theme: str
    period: str
    timezone: str
    local_due: datetime
    due_utc: datetime
    # "planned", or "paused": recorded but not sent, because the person paused check-ins.
    status: str = "planned"


def due_slots(schedule: Schedule, zone: ZoneInfo, now: datetime) -> list[Slot]:
    """The slots due at `now`: past their moment, inside the grace window, not before
    the schedule became active. The previous period is looked at too, so a prompt due
    late on a Sunday is still sent early on Monday."""
    grace = timedelta(minutes=schedule.grace_minutes)
    slots = {
        slot_for(schedule.cadence, schedule.day, schedule.time, zone, moment)
        for moment in (now, now - grace)
    }
    return sorted(
        (
            s
            for s in slots
            if s.due_utc <= now < s.due_utc + grace and s.due_utc >= schedule.active_from
        ),
        key=lambda s: s.due_utc,
    )


def in_audience(person: Person, audience: dict[str, object], departments: dict[int, str]) -> bool:
    if audience.get("all"):
        return True
    if "department" in audience:
        return departments.get(person.department_id or 0) == audience["department"]
    emails = audience.get("emails")
    return isinstance(emails, list) and person.email in emails


def _candidates(
    schedules: Iterable[Schedule],
    people: list[Person],
    departments: dict[int, str],
    defaults: Defaults,
    now: datetime,
) -> list[tuple[Schedule, Person, Slot, str]]:
    found = []
    for schedule in schedules:
        by_zone: dict[str, list[Person]] = defaultdict(list)
        for person in people:
            if in_audience(person, schedule.audience, departments):
                zone = person.timezone or schedule.timezone or defaults.timezone
                by_zone[zone].append(person)
        # Time math once per zone, not per person: 100,000 people share a few dozen zones.
        for zone_name, members in by_zone.items():
            for slot in due_slots(schedule, ZoneInfo(zone_name), now):
                found += [(schedule, person, slot, zone_name) for person in members]
    return found


async def _existing_keys(
    session: AsyncSession, keys: Collection[tuple[str, int, str]]
) -> set[tuple[str, int, str]]:
    if not keys:
        return set()
    rows = await session.execute(
        select(Occurrence.schedule_id, Occurrence.person_id, Occurrence.period).where(
            tuple_(Occurrence.schedule_id, Occurrence.person_id, Occurrence.period).in_(list(keys))
        )
    )
    return {(s or "", p, per) for s, p, per in rows}


async def plan(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    *,
    dry_run: bool = False,
) -> list[DueCheckin]:
    """Insert the check-ins due at `now` and their outbox rows in one transaction.

    The UNIQUE key (schedule, person, period) makes planning idempotent: a second tick,
    a second instance or a restart never plans the same check-in twice.
    """
    async with db.session() as session:
        schedules = [
            s
            for s in await session.scalars(select(Schedule).where(Schedule.active))
            if s.theme in banks
        ]
        if not schedules:
            return []
        people = list(await session.scalars(select(Person).where(Person.active)))
        names = await session.execute(select(Department.id, Department.name))
        departments = {department_id: name for department_id, name in names}
        candidates = _candidates(schedules, people, departments, defaults, now)
        if dry_run:
            existing = await _existing_keys(
                session, [(s.id, p.id, slot.period) for s, p, slot, _ in candidates]
            )
            return [_due(*c) for c in candidates if (c[0].id, c[1].id, c[2].period) not in existing]
        expiry = _expiries(candidates)
        rows = [
            {
                "schedule_id": schedule.id,
                "person_id": person.id,
                "period": slot.period,
                "theme": schedule.theme,
                "due_at": slot.due_utc,
                "expires_at": expiry[schedule.id, zone, slot.period],
                "status": _status(person, slot),
                "question_ids": [q.question_id for q in banks[schedule.theme].questions],
                "position": 0,
                "created_at": now,
            }
            for schedule, person, slot, zone in candidates
        ]
        table = Occurrence.__table__
        new_rows = await insert_new(
            session,
            table,  # type: ignore[arg-type]
            rows,
            table.c.id,
            table.c.schedule_id,
            table.c.person_id,
            table.c.period,
        )
        inserted = {(s, p, per): (i, p) for i, s, p, per in new_rows}
        outbox = []
        for schedule, person, slot, zone in candidates:
            key = (schedule.id, person.id, slot.period)
            if key not in inserted or _status(person, slot) != "planned":
                continue
            occurrence_id = inserted[key][0]
            outbox.append(_outbox_row(occurrence_id, person.id, "prompt", now, now))
            remind_at = _reminder_at(schedule, slot, expiry[schedule.id, zone, slot.period])
            if remind_at is not None:
                outbox.append(_outbox_row(occurrence_id, person.id, "reminder", remind_at, now))
        if outbox:
            await session.execute(OutboxMessage.__table__.insert(), outbox)  # type: ignore[attr-defined]
        return [_due(*c) for c in candidates if (c[0].id, c[1].id, c[2].period) in inserted]


def _expiries(
    candidates: list[tuple[Schedule, Person, Slot, str]],
) -> dict[tuple[str, str, str], datetime]:
    """An unfinished check-in expires when the next one of its schedule is due."""
    expiry: dict[tuple[str, str, str], datetime] = {}
    for schedule, _, slot, zone in candidates:
        key = (schedule.id, zone, slot.period)
        if key not in expiry:
            following = next_slot(
                schedule.cadence, schedule.day, schedule.time, ZoneInfo(zone), slot.due_utc
            )
            expiry[key] = following.due_utc
    return expiry


def _reminder_at(schedule: Schedule, slot: Slot, expires_at: datetime) -> datetime | None:
    if schedule.remind_minutes is None:
        return None
    moment = slot.due_utc + timedelta(minutes=schedule.remind_minutes)
    return moment if moment < expires_at else None


def _outbox_row(
    occurrence_id: int, person_id: int, kind: str, at: datetime, now: datetime
) -> dict[str, object]:
    return {
        "occurrence_id": occurrence_id,
        "person_id": person_id,
        "kind": kind,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": now,
    }


async def expire(db: Database, now: datetime) -> int:
    """Close the check-ins whose time is up; answers already given are kept."""
    async with db.session() as session:
        result = await session.execute(
            update(Occurrence)
            .where(
                Occurrence.status.in_(UNFINISHED),
                Occurrence.expires_at.is_not(None),
                Occurrence.expires_at <= now,
            )
            .values(status="expired", closed_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _status(person: Person, slot: Slot) -> str:
    """A pause skips the prompt but keeps a record of it: nothing disappears silently."""
    return "paused" if is_paused(person, slot.local_due.date()) else "planned"


def _due(schedule: Schedule, person: Person, slot: Slot, zone: str) -> DueCheckin:
    return DueCheckin(
        email=person.email,
        name=person.name,
        schedule_id=schedule.id,
        theme=schedule.theme,
        period=slot.period,
        timezone=zone,
        local_due=slot.local_due,
        due_utc=slot.due_utc,
        status=_status(person, slot),
    )
