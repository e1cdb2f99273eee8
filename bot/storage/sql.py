"""Small SQL helpers that differ per database dialect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def insert_ignoring_conflicts(session: AsyncSession, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


async def insert_new(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *returning: Any
) -> list[tuple[Any, ...]]:
    """Insert the rows that do not clash with a unique key; return the new rows' columns."""
    if not rows:
        return []
    statement = insert_ignoring_conflicts(session, table).returning(*returning)
    result = await session.execute(statement, list(rows))
    return [tuple(row) for row in result]


async def upsert(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str]
) -> None:
    """Insert the rows, or where the key exists already, overwrite its other columns."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table)
    changed = {c: statement.excluded[c] for c in rows[0] if c not in key}
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_=changed), list(rows)
    )
