"""Small SQL helpers that differ per database dialect."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def insert_ignoring_conflicts(session: AsyncSession, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    return _insert_ignoring(session.get_bind().dialect.name, table)


# Statements are built once per table and shape: building one costs more CPU than running
# it on a small row (SQLAlchemy then finds its compiled form in its cache).
@functools.cache
def _insert_ignoring(dialect: str, table: Table, returning: tuple[Any, ...] = ()) -> Insert:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).on_conflict_do_nothing()
    return statement.returning(*returning) if returning else statement  # type: ignore[no-any-return]


async def insert_new(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *returning: Any
) -> list[tuple[Any, ...]]:
    """Insert the rows that do not clash with a unique key; return the new rows' columns."""
    if not rows:
        return []
    statement = _insert_ignoring(session.get_bind().dialect.name, table, returning)
    result = await session.execute(statement, list(rows))
    return [tuple(row) for row in result]


async def upsert(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str]
) -> None:
    """Insert the rows, or where the key exists already, overwrite its other columns."""
    if not rows:
        return
    statement = _upsert(session.get_bind().dialect.name, table, tuple(rows[0]), tuple(key))
    await session.execute(statement, list(rows))


@functools.cache
def _upsert(dialect: str, table: Table, columns: tuple[str, ...], key: tuple[str, ...]) -> Insert:
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    changed = {c: statement.excluded[c] for c in columns if c not in key}
    return statement.on_conflict_do_update(index_elements=list(key), set_=changed)  # type: ignore[no-any-return]
