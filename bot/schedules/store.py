"""The schedules in the database: applying a checked schedules file (all of it or nothing),
listing them with their next run, and deleting one. The file is the source of truth for the
schedules it names; schedules it does not name are left alone."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedules.days_off import next_send
from bot.schedules.file import ScheduleFileError, ScheduleSpec, parse_data, parse_file
from bot.storage.database import Database
from bot.storage.models import Department, Occurrence, Person, Schedule


@dataclass(frozen=True)
class ScheduleRow(ScheduleSpec):
    """A stored schedule as listed: its spec, since when it counts, and its next due moment."""

    active_from: datetime
    next_due_utc: datetime | None


@dataclass(frozen=True)
class ApplyResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


async def apply_schedules(
    db: Database,
    text: str,
    themes: Collection[str],
    now: datetime,
    *,
    dry_run: bool = False,
) -> ApplyResult:
    """Create or update every schedule in the file, or nothing when anything is wrong.

    `dry_run` reports what would change and writes nothing.
    """
    specs, errors = parse_file(text, themes)
    return await _apply(db, specs, errors, now, dry_run)


async def apply_schedule_data(
    db: Database,
    data: Mapping[str, Any],
    themes: Collection[str],
    now: datetime,
    *,
    dry_run: bool = False,
) -> ApplyResult:
    """`apply_schedules` for the file's contents as a mapping, with the same checks and texts."""
    specs, errors = parse_data(data, themes)
    return await _apply(db, specs, errors, now, dry_run)


async def _apply(
    db: Database, specs: list[ScheduleSpec], errors: list[str], now: datetime, dry_run: bool
) -> ApplyResult:
    _require_aware(now)
    async with db.session() as session:
        errors += await _audience_errors(session, specs)
        if errors:
            raise ScheduleFileError(errors)
        rows = await session.scalars(select(Schedule).where(Schedule.id.in_([s.id for s in specs])))
        existing = {row.id: row for row in rows}
        created: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        for spec in specs:
            row = existing.get(spec.id)
            if row is None:
                created.append(spec.id)
                if not dry_run:
                    session.add(_new_row(spec, now))
            elif _spec_of(row) == spec:
                unchanged.append(spec.id)
            else:
                updated.append(spec.id)
                if not dry_run:
                    _update_row(row, spec, now)
    return ApplyResult(created=created, updated=updated, unchanged=unchanged)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")


async def _audience_errors(session: AsyncSession, specs: list[ScheduleSpec]) -> list[str]:
    departments = {s.audience["department"] for s in specs if "department" in s.audience}
    emails = {e for s in specs for e in s.audience.get("emails", [])}
    known_departments = set(
        await session.scalars(select(Department.name).where(Department.name.in_(departments)))
        if departments
        else []
    )
    known_emails = set(
        await session.scalars(
            select(func.lower(Person.email)).where(func.lower(Person.email).in_(emails))
        )
        if emails
        else []
    )
    errors: list[str] = []
    for spec in specs:
        department = spec.audience.get("department")
        if department is not None and department not in known_departments:
            errors.append(
                f"schedule '{spec.id}': audience department '{department}' does not exist; "
                "check the spelling or import the people of that department first"
            )
        errors += [
            f"schedule '{spec.id}': audience email '{email}' is not a person in the database; "
            "check the address or import that person first"
            for email in spec.audience.get("emails", [])
            if email not in known_emails
        ]
    return errors


def _new_row(spec: ScheduleSpec, now: datetime) -> Schedule:
    row = Schedule(id=spec.id)
    _copy_spec(row, spec)
    # A new schedule starts now: periods that already passed are never fired.
    row.active_from = now
    row.updated_at = now
    return row


def _update_row(row: Schedule, spec: ScheduleSpec, now: datetime) -> None:
    if spec.active and not row.active:
        # Re-activated: the periods it was switched off for are not caught up on.
        row.active_from = now
    _copy_spec(row, spec)
    row.updated_at = now


def _copy_spec(row: Schedule, spec: ScheduleSpec) -> None:
    row.theme = spec.theme
    row.cadence = spec.cadence
    row.day = spec.day
    row.time = spec.time
    row.audience = dict(spec.audience)
    row.timezone = spec.timezone
    row.locale = spec.locale
    row.working_days = list(spec.working_days)
    row.grace_minutes = spec.grace_minutes
    row.remind_minutes = spec.remind_minutes
    row.holidays = spec.holidays
    row.on_day_off = spec.on_day_off
    row.active = spec.active


def _spec_of(row: Schedule) -> ScheduleSpec:
    return ScheduleSpec(
        id=row.id,
        theme=row.theme,
        cadence=row.cadence,
        day=row.day,
        time=row.time,
        audience=dict(row.audience),
        timezone=row.timezone,
        locale=row.locale,
        working_days=tuple(row.working_days),
        grace_minutes=row.grace_minutes,
        active=row.active,
        remind_minutes=row.remind_minutes,
        holidays=row.holidays,
        on_day_off=row.on_day_off,
    )


async def list_schedules(db: Database, now: datetime, default_timezone: str) -> list[ScheduleRow]:
    """Every stored schedule by id, with when it is next due (None when inactive)."""
    _require_aware(now)
    async with db.session() as session:
        rows = list(await session.scalars(select(Schedule)))
    # Sorted here, not in SQL, so the order does not depend on the database's collation.
    return [_listed(row, now, default_timezone) for row in sorted(rows, key=lambda r: r.id)]


def _listed(row: Schedule, now: datetime, default_timezone: str) -> ScheduleRow:
    spec = _spec_of(row)
    next_due = None
    if spec.active:
        zone = ZoneInfo(spec.timezone or default_timezone)
        sent = next_send(row, zone, now)  # days off applied as the planner applies them
        next_due = sent.due_utc if sent is not None else None
    return ScheduleRow(
        **asdict(spec),
        active_from=row.active_from,
        next_due_utc=next_due,
    )


async def delete_schedule(db: Database, schedule_id: str) -> bool:
    """Remove a schedule that never planned a check-in; False when it has (pause it instead,
    so the history of its check-ins keeps its schedule) or does not exist."""
    async with db.session() as session:
        row = await session.get(Schedule, schedule_id)
        used = await session.scalar(
            select(func.count())
            .select_from(Occurrence)
            .where(Occurrence.schedule_id == schedule_id)
        )
        if row is None or used:
            return False
        await session.delete(row)
        return True
