"""How the schedules pages describe a schedule: who gets it, and when it next really goes
out in each time zone its recipients live in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.schedules.audience import in_audience
from bot.schedules.days_off import next_send
from bot.schedules.store import ScheduleRow
from bot.storage.database import Database
from bot.storage.models import Department, Person
from dialogs.messages import Locale
from dialogs.texts import format_moment

AudienceKind = Literal["all", "department", "emails"]


@dataclass(frozen=True)
class AudienceView:
    """A schedule's audience with every field present, whatever its kind, so a template
    never reaches for a key one kind lacks."""

    kind: AudienceKind
    department: str = ""
    emails: tuple[str, ...] = ()

    @classmethod
    def of(cls, audience: Mapping[str, Any]) -> AudienceView:
        """From the stored mapping: {"all": True}, {"department": NAME} or {"emails": [...]}."""
        if audience.get("all"):
            return cls("all")
        if "department" in audience:
            return cls("department", department=str(audience["department"]))
        return cls("emails", emails=tuple(str(e) for e in audience.get("emails", ())))


@dataclass(frozen=True)
class Recipient:
    """What the next-run column needs of a person (the planner's view of them)."""

    email: str
    department_id: int | None
    timezone: str | None
    working_days: tuple[str, ...] | None


@dataclass(frozen=True)
class Organisation:
    people: list[Recipient]
    departments: dict[int, str]


@dataclass(frozen=True)
class ZoneRun:
    """When the schedule next sends to `people` recipients in one zone; `local` is empty
    when every one of its slots falls on their days off and is skipped."""

    timezone: str
    local: str
    people: int


@dataclass(frozen=True)
class ScheduleView:
    schedule: ScheduleRow
    audience: AudienceView
    runs: tuple[ZoneRun, ...]


async def organisation(db: Database) -> Organisation:
    async with db.session() as session:
        rows = await session.execute(
            select(Person.email, Person.department_id, Person.timezone, Person.working_days).where(
                Person.active
            )
        )
        people = [
            Recipient(email, department, zone, tuple(days) if days else None)
            for email, department, zone, days in rows
        ]
        names = await session.execute(select(Department.id, Department.name))
        return Organisation(people, {department_id: name for department_id, name in names})


def view(
    row: ScheduleRow, org: Organisation, default_tz: str, now: datetime, locale: Locale
) -> ScheduleView:
    return ScheduleView(
        row, AudienceView.of(row.audience), next_runs(row, org, default_tz, now, locale)
    )


def next_runs(
    row: ScheduleRow, org: Organisation, default_tz: str, now: datetime, locale: Locale
) -> tuple[ZoneRun, ...]:
    """When the schedule next really asks, per time zone of its recipients.

    People of one zone whose working weeks put the prompt on different days are listed
    apart, each with the moment that reaches them.
    """
    if not row.active:
        return ()
    groups: Counter[tuple[str, tuple[str, ...] | None]] = Counter()
    for person in org.people:
        if in_audience(person, row.audience, org.departments):
            groups[person.timezone or row.timezone or default_tz, person.working_days] += 1
    runs: Counter[tuple[str, datetime | None]] = Counter()
    for (zone, days), count in groups.items():
        slot = next_send(row, ZoneInfo(zone), now, days)
        runs[zone, slot.local_due if slot else None] += count
    return tuple(
        ZoneRun(zone, format_moment(local, locale) if local else "", count)
        for (zone, local), count in sorted(runs.items(), key=_by_zone_then_moment)
    )


def _by_zone_then_moment(
    item: tuple[tuple[str, datetime | None], int],
) -> tuple[str, bool, datetime | None]:
    (zone, local), _ = item
    return (zone, local is None, local)
