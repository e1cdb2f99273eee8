"""Backup and restore of every table, as JSON lines in a zip with a manifest.

Generic over tables: the database is reflected, so a table added by a later migration (or
kept by a library, like slack_sdk's OAuth stores) is included without a change here. Tables
the models describe are read and written through the models' types (aware UTC datetimes,
JSON), the others through their reflected types. Values are stored as JSON with dates as ISO
text, so a SQLite backup restores into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, delete, func, insert, select, text, update
from sqlalchemy import types as sqltypes
from sqlalchemy.types import TypeEngine

from bot.progress import Progress, unseen
from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.database import Database, is_known_revision
from bot.storage.models import Base

FORMAT = 1
MANIFEST = "manifest.json"
SKIPPED = {"alembic_version"}
BATCH = 1000


class BackupError(Exception):
    """A backup cannot be read or does not fit this database; the message says why."""


@dataclass(frozen=True)
class Manifest:
    revision: str | None
    tables: dict[str, int]
    dialect: str
    created_at: str
    format: int = FORMAT


def _tables(connection: Connection) -> list[Table]:
    """Every table of the database, parents before children, typed by the models if known
    (column by column: a database at an earlier revision may lack a column the models have)."""
    reflected = MetaData()
    reflected.reflect(connection)
    ordered = [t for t in reflected.sorted_tables if t.name not in SKIPPED]
    for table in ordered:
        model = Base.metadata.tables.get(table.name)
        for column in table.columns:
            known = model.c.get(column.name) if model is not None else None
            if known is not None:
                column.type = _as_stored(known.type)
    return ordered


def _as_stored(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    """Values as the database holds them: a model's own column type (an encrypted or
    otherwise transformed value) is read and written raw, so a backup never holds more than
    the database does. Only datetimes keep the model's type, which makes them aware UTC on
    every database and so portable between SQLite and PostgreSQL."""
    if isinstance(kind, sqltypes.TypeDecorator) and not isinstance(
        kind.impl_instance, sqltypes.DateTime
    ):
        return kind.impl_instance
    return kind


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    return value


def _base_type(column_type: sqltypes.TypeEngine[Any]) -> sqltypes.TypeEngine[Any]:
    if isinstance(column_type, sqltypes.TypeDecorator):
        return _base_type(column_type.impl_instance)
    return column_type


def _typed(value: Any, column_type: sqltypes.TypeEngine[Any]) -> Any:
    """A JSON value back into the Python value the column's type expects."""
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), base = next(iter(value.items())), _base_type(column_type)
        if tag == "$date":
            if isinstance(base, sqltypes.Date) and not isinstance(base, sqltypes.DateTime):
                return date.fromisoformat(raw)
            moment = datetime.fromisoformat(raw)
            keeps_zone = isinstance(base, sqltypes.DateTime) and base.timezone
            if moment.tzinfo is not None and not keeps_zone and column_type is base:
                return moment.replace(tzinfo=None)  # a naive column of a library's table
            return moment
        if tag == "$bytes":
            return base64.b64decode(raw)
        if tag == "$decimal":
            return Decimal(raw)
    return value


def _backup(connection: Connection, path: Path, created_at: str, progress: Progress) -> Manifest:
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        tables = _tables(connection)
        for done, table in enumerate(tables):
            progress(done, len(tables))
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order))
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                for row in rows.mappings():
                    line = {k: _plain(v) for k, v in row.items()}
                    out.write(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
                    count += 1
            counts[table.name] = count
        manifest = Manifest(revision, counts, connection.dialect.name, created_at)
        archive.writestr(MANIFEST, json.dumps(manifest.__dict__, indent=2))
    return manifest


def read_manifest(path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise BackupError(f"{path} is not a Jaarrond backup: {exc}") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {data.get('format')}, expected {FORMAT}")
    return Manifest(**data)


def _row_count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)


def _restore(
    connection: Connection, path: Path, manifest: Manifest, force: bool, progress: Progress
) -> None:
    tables = _tables(connection)
    names = {t.name for t in tables}
    unknown = sorted(set(manifest.tables) - names)
    if unknown:
        raise BackupError(f"the backup has tables this database lacks: {', '.join(unknown)}")
    filled = [t.name for t in tables if _row_count(connection, t)]
    if filled and not force:
        raise BackupError(
            "the database is not empty (" + ", ".join(filled) + "); restore into a fresh "
            "database, or add --force to replace everything in it"
        )
    for table in reversed(tables):
        connection.execute(delete(table))
    with zipfile.ZipFile(path) as archive:
        for done, table in enumerate(tables):
            progress(done, len(tables))
            if table.name not in manifest.tables:
                continue
            _load_table(connection, table, archive.read(f"tables/{table.name}.jsonl"))
            restored = _row_count(connection, table)
            if restored != manifest.tables[table.name]:
                raise BackupError(
                    f"{table.name}: {restored} rows restored, the manifest says "
                    f"{manifest.tables[table.name]}"
                )
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, tables)


def _load_table(connection: Connection, table: Table, data: bytes) -> None:
    columns = {c.name: c for c in table.columns}
    # A row may point at a later row of its own table (a manager added after the report):
    # such columns are filled in after every row is in.
    self_refs = [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table.name == table.name and fk.parent.nullable
    ]
    keys = [c.name for c in table.primary_key.columns]
    rows: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for line in data.splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        row = {k: _typed(v, columns[k].type) for k, v in raw.items() if k in columns}
        if self_refs and keys and any(row.get(name) is not None for name in self_refs):
            later.append({name: row[name] for name in [*keys, *self_refs]})
            row.update(dict.fromkeys(self_refs))
        rows.append(row)
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])
    for row in later:
        where = [table.c[k] == row[k] for k in keys]
        connection.execute(
            update(table).where(*where).values({name: row[name] for name in self_refs})
        )


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Rows came in with their ids: the id sequences continue after the highest one."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar()
            if sequence is None:
                continue
            highest = connection.execute(select(func.max(column))).scalar()
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": highest or 1, "called": highest is not None},
            )


async def backup(
    db: Database, path: Path, created_at: datetime, progress: Progress = unseen
) -> Manifest:
    """Everything in one consistent read (one transaction); `progress` counts tables."""
    async with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        manifest = await conn.run_sync(_backup, path, created_at.isoformat(), progress)
    progress(len(manifest.tables), len(manifest.tables))
    return manifest


async def restore(
    db: Database, path: Path, *, force: bool = False, progress: Progress = unseen
) -> Manifest:
    """Into a database at the backup's revision; all or nothing (one transaction);
    `progress` counts tables.

    A database without any schema yet is first migrated to the backup's revision.
    """
    manifest = read_manifest(path)
    if manifest.revision is not None and not is_known_revision(manifest.revision):
        raise BackupError(
            f"the backup is at schema revision {manifest.revision}, which this version does "
            "not know: restore it with the Jaarrond version that made it"
        )
    current = await db.current_revision()
    if current is None and manifest.revision is not None:
        await db.upgrade(manifest.revision)
        current = await db.current_revision()
    if current != manifest.revision:
        raise BackupError(
            f"the backup is at schema revision {manifest.revision}, the database at {current}; "
            "restore into a database at the backup's revision (run the Jaarrond version that "
            "made it), then upgrade"
        )
    async with db.engine.begin() as conn:
        await conn.run_sync(_restore, path, manifest, force, progress)
    return manifest
