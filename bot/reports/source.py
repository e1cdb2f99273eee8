"""Query pieces both reports share: periods in SQL, departments, the year's window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Integer, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.reports.aggregates import health_only_themes
from bot.storage.models import Department, Occurrence
from dialogs.banks import Bank

PeriodKind = Literal["month", "quarter"]
# The label of people without a department; a real department is never named like this.
NO_DEPARTMENT = "(none)"


def year_window(year: int) -> tuple[datetime, datetime]:
    """The calendar year in UTC: periods are UTC months, the same for every reader."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def month_number(session: AsyncSession, column: Any) -> ColumnElement[int]:
    """The UTC month (1-12) of a timestamp column, in SQL. Reports cover one calendar year,
    so the number is enough, and grouping by an integer is cheaper than by formatted text."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("month", func.timezone("UTC", column)), Integer)
    return cast(func.strftime("%m", column), Integer)


def period_label(year: int, kind: PeriodKind, number: int) -> str:
    """'2027-03' for month 3, '2027-Q1' for quarter 1."""
    return f"{year}-{number:02d}" if kind == "month" else f"{year}-Q{number}"


async def prepare(session: AsyncSession) -> None:
    """Give a report's grouping queries room on PostgreSQL: the default work_mem makes a
    year of answers spill to disk. SET LOCAL ends with the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL work_mem = '256MB'"))


def all_periods(year: int, kind: PeriodKind) -> tuple[str, ...]:
    if kind == "month":
        return tuple(f"{year}-{m:02d}" for m in range(1, 13))
    return tuple(f"{year}-Q{q}" for q in range(1, 5))


async def department_names(session: AsyncSession) -> dict[int, str]:
    rows = await session.execute(select(Department.id, Department.name))
    return {row.id: row.name for row in rows}


def asked_checkins(
    start: datetime, end: datetime, banks: Mapping[str, Bank]
) -> list[ColumnElement[bool]]:
    """The check-ins asked in [start, end) that figures may count: a check-in the attention
    budget deferred was never asked, and health-only themes stay out of every figure."""
    conditions = [
        Occurrence.due_at >= start,
        Occurrence.due_at < end,
        Occurrence.status != "deferred",
    ]
    excluded = health_only_themes(banks)
    if excluded:
        conditions.append(Occurrence.theme.not_in(excluded))
    return conditions
