"""Query pieces both reports share: periods in SQL, departments, the year's window."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Integer, String, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import Department

PeriodKind = Literal["month", "quarter"]
# The label of people without a department; a real department is never named like this.
NO_DEPARTMENT = "(none)"


def year_window(year: int) -> tuple[datetime, datetime]:
    """The calendar year in UTC: periods are UTC months, the same for every reader."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def period_expr(session: AsyncSession, column: Any, kind: PeriodKind) -> ColumnElement[str]:
    """'2027-03' (month) or '2027-Q1' (quarter) of a UTC timestamp column, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(utc, "YYYY-MM" if kind == "month" else 'YYYY-"Q"Q')
    if kind == "month":
        return func.strftime("%Y-%m", column)
    month = cast(func.strftime("%m", column), Integer)
    quarter = cast((month + 2) // 3, String)
    return func.strftime("%Y", column).concat(literal("-Q")).concat(quarter)


def all_periods(year: int, kind: PeriodKind) -> tuple[str, ...]:
    if kind == "month":
        return tuple(f"{year}-{m:02d}" for m in range(1, 13))
    return tuple(f"{year}-Q{q}" for q in range(1, 5))


async def department_names(session: AsyncSession) -> dict[int, str]:
    rows = await session.execute(select(Department.id, Department.name))
    return {row.id: row.name for row in rows}
