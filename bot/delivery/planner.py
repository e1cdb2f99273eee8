"""The planner: turns schedules into due check-ins, once per schedule, person and period."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins import budget
from bot.checkins.pauses import is_paused
from bot.org.people import Defaults
from bot.schedules.audience import in_audience
from bot.schedules.calendar import Slot, next_slot
from bot.schedules.days_off import WorkingCalendar
from bot.schedules.slots import meaning, slots_near
from bot.storage.bulk import OccurrenceGroup, insert_occurrences
from bot.storage.database import Database
from bot.storage.models import (
    Department,
    Occurrence,
    OutboxMessage,
    Person,
    Schedule,
    UTCDateTime,
)
from dialogs.banks import Bank

# Only one instance plans at a time on PostgreSQL; the others skip that tick.
PLANNER_LOCK = 0x4A41_4152  # "JAAR"


@dataclass(slots=True)
class DueCheckin:
    """One check-in that fell due: for operators, scripted checks and the demo."""

    # Not frozen: a tick builds 100,000 of these, and frozen instances take twice as long.

    email: str
    name: str
    schedule_id: str
    theme: str
    period: str
    timezone: str
    local_due: datetime
    due_utc: datetime
    # planned (sent next), paused (the person paused), skipped (a day off under the
    # schedule's skip rule), missed (fell due while the bot was down, past its grace),
    # deferred (the person's attention budget for the month is spent).
    status: str = "planned"
    # Planned to be asked right after another check-in, in the same conversation: not a
    # prompt of its own (the attention budget, bot/checkins/budget.py).
    merged: bool = False


@dataclass(slots=True)
class Member:
    """What planning needs of a person: read as plain columns, 100,000 at a time.

    Not frozen, which halves building them; nothing changes one after it is read.
    """

    id: int
    email: str
    name: str
    timezone: str | None
    working_days: list[str] | None
    department_id: int | None
    paused_until: date | None
    # Read only on a catch-up tick, the only one that asks (was this person here yet?).
    created_at: datetime | None = None


MEMBER_COLUMNS = (
    Person.id,
    Person.email,
    Person.name,
    Person.timezone,
    Person.working_days,
    Person.department_id,
    Person.paused_until,
)


@dataclass(slots=True)
class _Batch:
    """Everyone one slot of one schedule falls to in one zone: all but the person is shared.

    Planning works per batch, not per person, so 100,000 people cost a few dozen batches
    of time math plus one cheap loop over plain objects.
    """

    schedule: Schedule
    zone: str
    slot: Slot
    members: list[Member]
    statuses: list[str]
    # Who of `members` is asked right after another check-in (the attention budget).
    merged: set[int] = field(default_factory=set)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.schedule.id, self.slot.period)


def _batches(
    schedules: Iterable[Schedule],
    people: list[Member],
    departments: dict[int, str],
    defaults: Defaults,
    now: datetime,
    catch_up: bool,
) -> list[_Batch]:
    found = []
    for schedule in schedules:
        groups: dict[tuple[str, tuple[str, ...]], list[Member]] = defaultdict(list)
        fallback_zone = schedule.timezone or defaults.timezone
        fallback_days = tuple(schedule.working_days)
        everyone = bool(schedule.audience.get("all"))
        for person in people:
            if everyone or in_audience(person, schedule.audience, departments):
                name = person.timezone or fallback_zone
                days = tuple(person.working_days) if person.working_days else fallback_days
                groups[name, days].append(person)
        # Time math once per zone and working week, not per person.
        for (zone_name, days), members in groups.items():
            zone = ZoneInfo(zone_name)
            cal = WorkingCalendar.of(days, schedule.holidays)
            for original in slots_near(schedule, zone, now):
                verdict = meaning(schedule, original, zone, cal, now, catch_up)
                if verdict is None:
                    continue
                slot, kind = verdict
                batch = _batch(schedule, zone_name, slot, kind, members)
                if batch.members:
                    found.append(batch)
    return found


def _batch(schedule: Schedule, zone: str, slot: Slot, kind: str, members: list[Member]) -> _Batch:
    """Who of `members` gets this slot, and with which status."""
    if kind == "missed":
        # Those who came later were not here yet. (A missed slot only comes up on a
        # catch-up tick, which reads created_at.)
        members = [p for p in members if p.created_at is None or slot.due_utc >= p.created_at]
        return _Batch(schedule, zone, slot, members, [kind] * len(members))
    if kind != "due":
        return _Batch(schedule, zone, slot, list(members), [kind] * len(members))
    # A pause skips the prompt but keeps a record of it: nothing disappears silently.
    today = slot.local_due.date()
    statuses = ["paused" if is_paused(p, today) else "planned" for p in members]
    return _Batch(schedule, zone, slot, list(members), statuses)


async def _existing(
    session: AsyncSession, batches: list[_Batch]
) -> dict[tuple[str, str], set[int]]:
    """Who already has each (schedule, period), so a quiet tick writes nothing."""
    # Core rather than ORM statements: 100,000 plain ids, no per-row ORM bookkeeping.
    connection = await session.connection()
    known: dict[tuple[str, str], set[int]] = {}
    for schedule_id, period in {b.pair for b in batches}:
        rows = await connection.execute(
            select(Occurrence.person_id).where(
                Occurrence.schedule_id == schedule_id, Occurrence.period == period
            )
        )
        known[schedule_id, period] = set(rows.scalars())
    return known


def _without(batches: list[_Batch], known: dict[tuple[str, str], set[int]]) -> list[_Batch]:
    """The batches cut down to the people who do not have their check-in yet."""
    fresh = []
    for b in batches:
        have = known.get(b.pair)
        if have:
            pairs = [(m, s) for m, s in zip(b.members, b.statuses, strict=True) if m.id not in have]
            members = [m for m, _ in pairs]
            b = _Batch(b.schedule, b.zone, b.slot, members, [s for _, s in pairs], b.merged)
        if b.members:
            fresh.append(b)
    return fresh


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
    with _collector_paused():
        return await _plan(db, now, banks, defaults, dry_run=dry_run, catch_up=catch_up)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a tick builds its 100,000s of small objects.

    None of them form reference cycles (they are freed by reference counting), yet every
    few thousand allocations the collector would walk the ever larger heap again: that
    was a tenth of a large tick's CPU time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


async def _plan(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    *,
    dry_run: bool,
    catch_up: bool,
) -> list[DueCheckin]:
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
        connection = await session.connection()
        joined = Person.created_at if catch_up else null()
        found = await connection.execute(select(*MEMBER_COLUMNS, joined).where(Person.active))
        people = [Member(*row) for row in found]
        names = await session.execute(select(Department.id, Department.name))
        departments = {department_id: name for department_id, name in names}
        batches = _batches(schedules, people, departments, defaults, now, catch_up)
        fresh = _without(batches, await _existing(session, batches))
        if fresh and defaults.max_prompts_per_month > 0:
            await _budget(session, fresh, schedules, departments, defaults, now)
        if dry_run or not fresh:
            return _due(fresh)
        expiry = _expiries(fresh)
        questions = {t: [q.question_id for q in bank.questions] for t, bank in banks.items()}
        groups = [
            OccurrenceGroup(
                schedule_id=b.schedule.id,
                period=b.slot.period,
                theme=b.schedule.theme,
                due_at=b.slot.due_utc,
                expires_at=expiry[b.schedule.id, b.zone, b.slot.period],
                remind_at=_reminder_at(
                    b.schedule, b.slot.due_utc, expiry[b.schedule.id, b.zone, b.slot.period]
                ),
                question_ids=questions[b.schedule.theme],
                person_ids=[m.id for m in b.members],
                statuses=b.statuses,
            )
            for b in fresh
        ]
        inserted = await insert_occurrences(session, groups, now)
        await _enqueue(session, fresh, expiry, now)
        if inserted == sum(len(g.person_ids) for g in groups):
            return _due(fresh)
        # Someone else planned some of them meanwhile: report only what this tick wrote.
        return _due(_without(fresh, await _written_before(session, fresh, now)))


async def _budget(
    session: AsyncSession,
    fresh: list[_Batch],
    schedules: list[Schedule],
    departments: dict[int, str],
    defaults: Defaults,
    now: datetime,
) -> None:
    """The attention budget's rules 3 and 4 (bot/checkins/budget.py): per person, the
    check-ins due now are ordered by the theme asked longest ago; the first is a prompt of
    its own if the month has room for it, the rest are merged behind it; none fits: all
    are deferred. Behind a check-in that waits or is open, all are merged.

    One grouped query counts the month of everyone due; the rest is worked out once per
    group of people who share their check-ins, zone, working week and schedules."""
    # Per person with a check-in to send: (batch, member index) of each.
    due: dict[int, list[tuple[int, int]]] = {}
    members: dict[int, Member] = {}
    for i, b in enumerate(fresh):
        for j, (member, status) in enumerate(zip(b.members, b.statuses, strict=True)):
            if status == "planned":
                asks = due.get(member.id)
                if asks is None:
                    due[member.id] = [(i, j)]
                    members[member.id] = member
                else:
                    asks.append((i, j))
    if not due:
        return
    cap = defaults.max_prompts_per_month
    zones = {m.timezone for m in members.values()}
    months = {zone: budget.month_of(now, zone) for zone in {z or defaults.timezone for z in zones}}
    counts = await budget.month_counts(session, months, defaults.timezone, now)
    upcoming = budget.Upcoming(now)
    # Schedules for everyone apply to all; the others are looked up per person.
    everyone = tuple(k for k, s in enumerate(schedules) if s.audience.get("all"))
    picky = [(k, s) for k, s in enumerate(schedules) if not s.audience.get("all")]
    nothing = (0, False)

    # Per group: the batches of its due check-ins in order, and the room kept this month
    # for check-ins of themes asked longer ago that are still to come.
    plans: dict[tuple[object, ...], tuple[list[int], int]] = {}
    for person_id, asks in due.items():
        used, waiting = counts.get(person_id, nothing)
        if waiting:
            for i, _ in asks:
                fresh[i].merged.add(person_id)
            continue
        member = members[person_id]
        theirs = everyone
        if picky:
            theirs += tuple(k for k, s in picky if in_audience(member, s.audience, departments))
        days = tuple(member.working_days) if member.working_days else None
        group = (tuple(i for i, _ in asks), member.timezone, days, theirs)
        found = plans.get(group)
        if found is None:
            order = sorted(
                (i for i, _ in asks), key=lambda i: (_last_asked(fresh[i]), fresh[i].schedule.id)
            )
            others = [
                (schedules[k], member.timezone or schedules[k].timezone or defaults.timezone, days)
                for k in theirs
            ]
            until = months[member.timezone or defaults.timezone][1]
            found = order, upcoming.reserved(others, _last_asked(fresh[order[0]]), until)
            plans[group] = found
        order, reserved = found
        if used + 1 + reserved <= cap:
            for i in order[1:]:
                fresh[i].merged.add(person_id)
            continue
        for i, j in asks:
            fresh[i].statuses[j] = "deferred"


def _last_asked(batch: _Batch) -> datetime:
    return budget.last_asked(batch.slot.due_utc, batch.schedule.cadence)


async def _written_before(
    session: AsyncSession, fresh: list[_Batch], now: datetime
) -> dict[tuple[str, str], set[int]]:
    """Per (schedule, period), who has a check-in this tick did not create."""
    known: dict[tuple[str, str], set[int]] = {}
    for schedule_id, period in {b.pair for b in fresh}:
        rows = await session.scalars(
            select(Occurrence.person_id).where(
                Occurrence.schedule_id == schedule_id,
                Occurrence.period == period,
                Occurrence.created_at != now,
            )
        )
        known[schedule_id, period] = set(rows)
    return known


async def _enqueue(
    session: AsyncSession,
    fresh: list[_Batch],
    expiry: dict[tuple[str, str, str], datetime],
    now: datetime,
) -> None:
    """A prompt per planned check-in: one INSERT ... SELECT per period. Its reminder is
    written when it falls due (`queue_reminders`).

    One statement per (schedule, period) reads that period's rows once; a statement per
    due moment would read them once per time zone.
    """
    # Per (schedule, period), the earliest expiry of each due moment.
    moments: dict[tuple[str, str], dict[datetime, datetime]] = defaultdict(dict)
    owners: dict[tuple[str, str], Schedule] = {}
    for b in fresh:
        if "planned" not in b.statuses:
            continue
        expires = expiry[b.schedule.id, b.zone, b.slot.period]
        dues = moments[b.pair]
        known = dues.get(b.slot.due_utc)
        dues[b.slot.due_utc] = min(expires, known) if known else expires
        owners[b.pair] = b.schedule
    outbox = OutboxMessage.__table__
    columns = ["occurrence_id", "person_id", "kind", "status", "attempts"]
    columns += ["next_attempt_at", "created_at"]
    # The theme asked longest ago first: a person's check-ins due together are asked in
    # that order, the later ones right after the first (the attention budget).
    for pair, dues in sorted(
        moments.items(),
        key=lambda item: (budget.last_asked(min(item[1]), owners[item[0]].cadence), item[0]),
    ):
        sends: list[tuple[str, ColumnElement[datetime], list[datetime]]] = [
            ("prompt", literal(now, UTCDateTime()), list(dues))
        ]
        for kind, next_attempt, due_at in sends:
            source = select(
                Occurrence.id,
                Occurrence.person_id,
                literal(kind),
                literal("pending"),
                literal(0),
                next_attempt,
                literal(now, UTCDateTime()),
            ).where(
                Occurrence.schedule_id == pair[0],
                Occurrence.period == pair[1],
                Occurrence.due_at.in_(due_at),
                Occurrence.created_at == now,
                Occurrence.status == "planned",
            )
            await session.execute(
                outbox.insert().from_select(columns, source)  # type: ignore[attr-defined]
            )


def _expiries(batches: list[_Batch]) -> dict[tuple[str, str, str], datetime]:
    """An unfinished check-in expires when the next one of its schedule is due."""
    expiry: dict[tuple[str, str, str], datetime] = {}
    for b in batches:
        key = (b.schedule.id, b.zone, b.slot.period)
        if key not in expiry:
            s = b.schedule
            following = next_slot(s.cadence, s.day, s.time, ZoneInfo(b.zone), b.slot.due_utc)
            expiry[key] = following.due_utc
    return expiry


def _reminder_at(schedule: Schedule, due: datetime, expires_at: datetime) -> datetime | None:
    if schedule.remind_minutes is None:
        return None
    moment = due + timedelta(minutes=schedule.remind_minutes)
    return moment if moment < expires_at else None


def _due(batches: list[_Batch]) -> list[DueCheckin]:
    return [
        DueCheckin(
            email=person.email,
            name=person.name,
            schedule_id=b.schedule.id,
            theme=b.schedule.theme,
            period=b.slot.period,
            timezone=b.zone,
            local_due=b.slot.local_due,
            due_utc=b.slot.due_utc,
            status=status,
            merged=person.id in b.merged,
        )
        for b in batches
        for person, status in zip(b.members, b.statuses, strict=True)
    ]
