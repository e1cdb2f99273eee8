"""The planner: turns schedules into due check-ins, once per schedule, person and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import Slot, next_slot, slot_for
from bot.services.days_off import MAX_SHIFT_DAYS, WorkingCalendar, move_to_working_day
from bot.services.pauses import is_paused
from bot.services.people import Defaults
from bot.storage.database import Database
from bot.storage.models import (
    Department,
    Occurrence,
    OutboxMessage,
    Person,
    Schedule,
    UTCDateTime,
)
from bot.storage.sql import insert_ignoring_conflicts
from dialogs.banks import Bank

# Statuses of a check-in the person has not finished.
UNFINISHED = ("planned", "queued", "open", "snoozed")
# Only one instance plans at a time on PostgreSQL; the others skip that tick.
PLANNER_LOCK = 0x4A41_4152  # "JAAR"
# How far back a tick looks: a prompt moved past a long weekend still belongs to its period.
LOOKBACK = timedelta(days=MAX_SHIFT_DAYS)
INSERT_CHUNK = 5000


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
    # planned (sent next), paused (the person paused), skipped (a day off under the
    # schedule's skip rule), missed (fell due while the bot was down, past its grace).
    status: str = "planned"


@dataclass(frozen=True, slots=True)
class Member:
    """What planning needs of a person: read as plain columns, 100,000 at a time."""

    id: int
    email: str
    name: str
    timezone: str | None
    working_days: list[str] | None
    department_id: int | None
    paused_until: date | None
    created_at: datetime


MEMBER_COLUMNS = (
    Person.id,
    Person.email,
    Person.name,
    Person.timezone,
    Person.working_days,
    Person.department_id,
    Person.paused_until,
    Person.created_at,
)


@dataclass(frozen=True)
class _Candidate:
    schedule: Schedule
    person: Member
    slot: Slot
    zone: str
    status: str

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.schedule.id, self.slot.period, self.person.id)


class AudienceMember(Protocol):
    @property
    def email(self) -> str: ...

    @property
    def department_id(self) -> int | None: ...


def in_audience(
    person: AudienceMember, audience: dict[str, object], departments: dict[int, str]
) -> bool:
    if audience.get("all"):
        return True
    if "department" in audience:
        return departments.get(person.department_id or 0) == audience["department"]
    emails = audience.get("emails")
    return isinstance(emails, list) and person.email in emails


def _periods_near(schedule: Schedule, zone: ZoneInfo, now: datetime) -> list[Slot]:
    """This period's slot and the ones before it that a tick may still have to act on."""
    grace = timedelta(minutes=schedule.grace_minutes)
    moments = [now, now - grace] + [now - timedelta(days=d) for d in range(1, LOOKBACK.days + 1)]
    slots = {slot_for(schedule.cadence, schedule.day, schedule.time, zone, m) for m in moments}
    return sorted(slots, key=lambda s: s.due_utc)


def _classify(
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
    moved = move_to_working_day(original, schedule.time, zone, cal)
    if moved is None or (moved != original and schedule.on_day_off == "skip"):
        passed = original.due_utc <= now
        in_window = now < original.due_utc + grace
        return (original, "skipped") if passed and (in_window or catch_up) else None
    if moved.due_utc <= now < moved.due_utc + grace:
        return moved, "due"
    if catch_up and moved.due_utc + grace <= now:
        return moved, "missed"
    return None


def _candidates(
    schedules: Iterable[Schedule],
    people: list[Member],
    departments: dict[int, str],
    defaults: Defaults,
    now: datetime,
    catch_up: bool,
) -> list[_Candidate]:
    found = []
    for schedule in schedules:
        groups: dict[tuple[str, tuple[str, ...]], list[Member]] = defaultdict(list)
        for person in people:
            if in_audience(person, schedule.audience, departments):
                name = person.timezone or schedule.timezone or defaults.timezone
                days = tuple(person.working_days or schedule.working_days)
                groups[name, days].append(person)
        # Time math once per zone and working week, not per person.
        for (zone_name, days), members in groups.items():
            zone = ZoneInfo(zone_name)
            cal = WorkingCalendar.of(days, schedule.holidays)
            for original in _periods_near(schedule, zone, now):
                verdict = _classify(schedule, original, zone, cal, now, catch_up)
                if verdict is None:
                    continue
                slot, kind = verdict
                for person in members:
                    status = _person_status(person, slot, kind)
                    if status is not None:
                        found.append(_Candidate(schedule, person, slot, zone_name, status))
    return found


def _person_status(person: Member, slot: Slot, kind: str) -> str | None:
    if kind == "missed" and slot.due_utc < person.created_at:
        return None  # they were not here yet
    if kind == "due":
        # A pause skips the prompt but keeps a record of it: nothing disappears silently.
        return "paused" if is_paused(person, slot.local_due.date()) else "planned"
    return kind


async def _existing(
    session: AsyncSession, candidates: list[_Candidate]
) -> set[tuple[str, str, int]]:
    """Keys already planned, read per (schedule, period) so a quiet tick writes nothing."""
    pairs = list({(c.schedule.id, c.slot.period) for c in candidates})
    if not pairs:
        return set()
    rows = await session.execute(
        select(Occurrence.schedule_id, Occurrence.period, Occurrence.person_id).where(
            tuple_(Occurrence.schedule_id, Occurrence.period).in_(pairs)
        )
    )
    return {(s or "", p, person) for s, p, person in rows}


async def _lead_planner(session: AsyncSession) -> bool:
    """On PostgreSQL, take the planner lock for this transaction, or let another plan."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(PLANNER_LOCK))))


async def plan(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    *,
    dry_run: bool = False,
    catch_up: bool = False,
) -> list[DueCheckin]:
    """Insert the check-ins due at `now` and their outbox rows in one transaction.

    The UNIQUE key (schedule, period, person) makes planning idempotent: a second tick,
    a second instance or a restart never plans the same check-in twice. With `catch_up`
    (the first tick after a start), slots that passed their grace while the bot was down
    are recorded as missed instead of being sent late.
    """
    async with db.session() as session:
        if not await _lead_planner(session):
            return []
        schedules = [
            s
            for s in await session.scalars(select(Schedule).where(Schedule.active))
            if s.theme in banks
        ]
        if not schedules:
            return []
        found = await session.execute(select(*MEMBER_COLUMNS).where(Person.active))
        people = [Member(*row) for row in found]
        names = await session.execute(select(Department.id, Department.name))
        departments = {department_id: name for department_id, name in names}
        candidates = _candidates(schedules, people, departments, defaults, now, catch_up)
        existing = await _existing(session, candidates)
        fresh = [c for c in candidates if c.key not in existing]
        if dry_run or not fresh:
            return [_due(c) for c in fresh]
        inserted = await _insert(session, fresh, banks, now)
        return [_due(c) for c in fresh if c.key in inserted]


async def _insert(
    session: AsyncSession, fresh: list[_Candidate], banks: dict[str, Bank], now: datetime
) -> set[tuple[str, str, int]]:
    """Write the check-ins, then their outbox rows straight from them in SQL.

    Returns the keys this tick inserted (another instance may have won a race for some).
    """
    expiry = _expiries(fresh)
    questions = {theme: [q.question_id for q in bank.questions] for theme, bank in banks.items()}
    rows = [
        {
            "schedule_id": c.schedule.id,
            "person_id": c.person.id,
            "period": c.slot.period,
            "theme": c.schedule.theme,
            "due_at": c.slot.due_utc,
            "expires_at": expiry[c.schedule.id, c.zone, c.slot.period],
            "status": c.status,
            "question_ids": questions[c.schedule.theme],
            "position": 0,
            "created_at": now,
        }
        for c in fresh
    ]
    table = Occurrence.__table__
    for chunk in range(0, len(rows), INSERT_CHUNK):
        await session.execute(
            insert_ignoring_conflicts(session, table),  # type: ignore[arg-type]
            rows[chunk : chunk + INSERT_CHUNK],
        )
    await _enqueue(session, fresh, expiry, now)
    pairs = list({(c.schedule.id, c.slot.period) for c in fresh})
    mine = await session.execute(
        select(Occurrence.schedule_id, Occurrence.period, Occurrence.person_id).where(
            tuple_(Occurrence.schedule_id, Occurrence.period).in_(pairs),
            Occurrence.created_at == now,
        )
    )
    return {(s or "", p, person) for s, p, person in mine}


async def _enqueue(
    session: AsyncSession,
    fresh: list[_Candidate],
    expiry: dict[tuple[str, str, str], datetime],
    now: datetime,
) -> None:
    """A prompt and a reminder per planned check-in, one INSERT ... SELECT per due moment."""
    # Keyed by what the SELECT filters on, so no check-in gets two rows of one kind.
    moments: dict[tuple[str, str, datetime], tuple[Schedule, datetime]] = {}
    for c in fresh:
        if c.status != "planned":
            continue
        key = (c.schedule.id, c.slot.period, c.slot.due_utc)
        expires = expiry[c.schedule.id, c.zone, c.slot.period]
        known = moments.get(key)
        moments[key] = (c.schedule, min(expires, known[1]) if known else expires)
    outbox = OutboxMessage.__table__
    for (_, period, due), (schedule, expires) in moments.items():
        sends = [("prompt", now)]
        remind_at = _reminder_at(schedule, due, expires)
        if remind_at is not None:
            sends.append(("reminder", remind_at))
        for kind, at in sends:
            source = select(
                Occurrence.id,
                Occurrence.person_id,
                literal(kind),
                literal("pending"),
                literal(0),
                literal(at, UTCDateTime()),
                literal(now, UTCDateTime()),
            ).where(
                Occurrence.schedule_id == schedule.id,
                Occurrence.period == period,
                Occurrence.due_at == due,
                Occurrence.created_at == now,
                Occurrence.status == "planned",
            )
            columns = ["occurrence_id", "person_id", "kind", "status", "attempts"]
            columns += ["next_attempt_at", "created_at"]
            await session.execute(
                outbox.insert().from_select(columns, source)  # type: ignore[attr-defined]
            )


def _expiries(candidates: list[_Candidate]) -> dict[tuple[str, str, str], datetime]:
    """An unfinished check-in expires when the next one of its schedule is due."""
    expiry: dict[tuple[str, str, str], datetime] = {}
    for c in candidates:
        key = (c.schedule.id, c.zone, c.slot.period)
        if key not in expiry:
            s = c.schedule
            following = next_slot(s.cadence, s.day, s.time, ZoneInfo(c.zone), c.slot.due_utc)
            expiry[key] = following.due_utc
    return expiry


def _reminder_at(schedule: Schedule, due: datetime, expires_at: datetime) -> datetime | None:
    if schedule.remind_minutes is None:
        return None
    moment = due + timedelta(minutes=schedule.remind_minutes)
    return moment if moment < expires_at else None


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


def _due(c: _Candidate) -> DueCheckin:
    return DueCheckin(
        email=c.person.email,
        name=c.person.name,
        schedule_id=c.schedule.id,
        theme=c.schedule.theme,
        period=c.slot.period,
        timezone=c.zone,
        local_due=c.slot.local_due,
        due_utc=c.slot.due_utc,
        status=c.status,
    )
