"""Re-sealing everything with the newest data key (`jaarrond keys rotate`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Column, Table, bindparam, or_, select, type_coerce, update
from sqlalchemy.types import Text, TypeEngine

from bot.progress import Progress, unseen
from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.database import Database
from bot.storage.models import Answer, Base
from bot.storage.sealed import (
    SealableText,
    SealedJSON,
    SealedText,
    looks_sealed,
    reseal,
    seal,
    sealed_with_newest,
)

log = logging.getLogger(__name__)
ROTATE_BATCH = 500


def sealed_columns() -> Iterator[Column[str]]:
    """Every column of our models whose type seals (or may seal) what it stores."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, SealedText | SealableText | SealedJSON):
                yield column


@dataclass
class RotationReport:
    resealed: dict[str, int] = field(default_factory=dict)
    sealed: dict[str, int] = field(default_factory=dict)
    batches: int = 0


async def rotate(
    db: Database, batch: int = ROTATE_BATCH, progress: Progress = unseen
) -> RotationReport:
    """Re-seal every sealed value with the newest key, and seal clear values that must be.

    One transaction per batch of rows, keyed on the primary key, so an interrupted run
    leaves consistent rows and a second run finishes the job (values the newest key already
    sealed are left alone).
    """
    report = RotationReport()
    columns = list(sealed_columns())
    for done, column in enumerate(columns):
        progress(done, len(columns))
        table = column.table
        assert isinstance(table, Table)
        name = f"{table.name}.{column.name}"
        last = 0
        while True:
            resealed, sealed, last = await _rotate_batch(db, table, column, last, batch)
            report.batches += 1
            report.resealed[name] = report.resealed.get(name, 0) + resealed
            report.sealed[name] = report.sealed.get(name, 0) + sealed
            if last < 0:
                break
    progress(len(columns), len(columns))
    return report


async def _rotate_batch(
    db: Database, table: Table, column: Column[str], after: int, batch: int
) -> tuple[int, int, int]:
    # Every sealed table has a one-column integer primary key (an id, or a person's id).
    (key,) = table.primary_key.columns
    # The stored form (the token), not what the sealing type would hand back.
    raw_type: TypeEngine[Any] = JSON() if isinstance(column.type, SealedJSON) else Text()
    raw = type_coerce(column, raw_type)
    query = select(key, raw).where(key > after, column.isnot(None)).order_by(key).limit(batch)
    if column is Answer.__table__.c.value:
        # Clear answers are left clear only when they are scale or choice answers that are
        # not health-related; a free-text or health answer stored clear is sealed now.
        query = query.where(
            or_(
                type_coerce(column, Text).like("gAAAAA%"),
                Answer.__table__.c.kind == "text",
                Answer.__table__.c.visibility == "private",
            )
        )
    resealed = sealed = 0
    # One statement for the batch (executemany), binding the token as stored, unprocessed.
    statement = (
        update(table)
        .where(key == bindparam("row_id"))
        .values({column.name: bindparam("stored", type_=raw_type)})
    )
    async with db.session() as session:
        rows = (await session.execute(query)).all()
        changes = []
        for row_id, stored in rows:
            new = _new_value(column, stored)
            if new is None:
                continue
            if looks_sealed(stored):
                resealed += 1
            else:
                sealed += 1
            changes.append({"row_id": row_id, "stored": new})
        if changes:
            connection = await session.connection()
            await connection.execute(statement, changes)
    last = rows[-1][0] if len(rows) == batch else -1
    return resealed, sealed, last


def _new_value(column: Column[str], stored: Any) -> str | None:
    if isinstance(column.type, SealedJSON) and not looks_sealed(stored):
        return seal(json.dumps(stored, ensure_ascii=False, separators=(",", ":")))
    if looks_sealed(stored):
        return None if sealed_with_newest(stored) else reseal(stored)
    return seal(stored)
