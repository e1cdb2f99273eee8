"""Backup and restore: every table round-trips, across SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, select

from bot.backup import BackupError, backup, read_manifest, restore
from bot.clock import FixedClock
from bot.storage.database import Database, head_revision, revisions
from tests.support.databases import BACKENDS, Templates, blank_database
from tests.support.testbot import make_testbot

NOW = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
ANSWER = "Te veel vergaderingen; ik wil het over 'focus' hebben."


def _dump(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    metadata = MetaData()
    metadata.reflect(connection)
    found = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = connection.execute(select(table).order_by(*order)).mappings()
        found[table.name] = [_comparable(dict(r)) for r in rows]
    return found


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite keeps naive UTC datetimes where PostgreSQL keeps aware ones."""
    return {
        k: v.replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo else v
        for k, v in row.items()
    }


async def _dump_db(db: Database) -> dict[str, list[dict[str, Any]]]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_dump)


async def _fill(db: Database) -> None:
    """A realistic database: an organisation, a schedule, a check-in answered in free text."""
    bot = await make_testbot(db, FixedClock(NOW))
    await bot.say("bram@example.org", "checkin workload")
    for answer in ("3", ANSWER, "yes"):
        await bot.say("bram@example.org", answer)
    await bot.say("bram@example.org", "topic Meer focus-tijd")


@pytest.mark.parametrize("target", BACKENDS)
@pytest.mark.parametrize("source", BACKENDS)
async def test_round_trip_keeps_every_row(
    source: str, target: str, tmp_path: Path, database_templates: Templates
) -> None:
    file = tmp_path / "backup.zip"
    async with database_templates.fresh(source, tmp_path) as db:
        await _fill(db)
        original = await _dump_db(db)
        manifest = await backup(db, file, NOW)
    assert manifest.revision == head_revision()
    assert manifest.tables == {name: len(rows) for name, rows in original.items()}
    assert manifest.tables["people"] == 5 and manifest.tables["answers"] >= 1
    async with blank_database(target, tmp_path, "target") as db:
        # A database without any schema is migrated to the backup's revision first.
        await restore(db, file)
        assert await db.current_revision() == manifest.revision
        assert await _dump_db(db) == original
        # New rows continue after the restored ids (PostgreSQL sequences were moved on).
        bot = await make_testbot(db, FixedClock(NOW), "email,name\nnew@example.org,New Person\n")
        await bot.say("new@example.org", "topic Iets nieuws")
        assert len((await _dump_db(db))["topics"]) == len(original["topics"]) + 1


@pytest.mark.parametrize("backend", BACKENDS)
async def test_restore_refuses_a_non_empty_database_unless_forced(
    backend: str, tmp_path: Path, database_templates: Templates
) -> None:
    file = tmp_path / "backup.zip"
    async with database_templates.fresh(backend, tmp_path) as db:
        await _fill(db)
        original = await _dump_db(db)
        await backup(db, file, NOW)
        with pytest.raises(BackupError, match="not empty"):
            await restore(db, file)
        await make_testbot(db, FixedClock(NOW), "email,name\nextra@example.org,Extra\n")
        await restore(db, file, force=True)
        assert await _dump_db(db) == original


@pytest.mark.parametrize("backend", BACKENDS)
async def test_restore_refuses_a_mismatched_revision_and_changes_nothing(
    backend: str, tmp_path: Path, database_templates: Templates
) -> None:
    file = tmp_path / "backup.zip"
    async with blank_database(backend, tmp_path, "old") as db:
        await db.upgrade(revisions()[-2])
        await backup(db, file, NOW)
    async with database_templates.fresh(backend, tmp_path) as db:
        with pytest.raises(BackupError, match="revision"):
            await restore(db, file)
        assert all(rows == [] for rows in (await _dump_db(db)).values())


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_failing_restore_leaves_the_database_as_it_was(
    backend: str, tmp_path: Path, database_templates: Templates
) -> None:
    file, broken = tmp_path / "backup.zip", tmp_path / "broken.zip"
    async with database_templates.fresh(backend, tmp_path) as db:
        await _fill(db)
        await backup(db, file, NOW)
        with zipfile.ZipFile(file) as src, zipfile.ZipFile(broken, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "tables/answers.jsonl":
                    data += b'{"id": 1}\n'  # a duplicate key, and no other columns
                dst.writestr(item, data)
        before = await _dump_db(db)
        with pytest.raises(Exception):  # noqa: B017  (the database's own error)
            await restore(db, broken, force=True)
        assert await _dump_db(db) == before


def test_the_manifest_holds_revision_and_counts(tmp_path: Path) -> None:
    file = tmp_path / "x.zip"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": 99}))
    with pytest.raises(BackupError, match="format"):
        read_manifest(file)
    file.write_text("not a zip")
    with pytest.raises(BackupError, match="not a Jaarrond backup"):
        read_manifest(file)


def test_backup_and_restore_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    org = tmp_path / "org.csv"
    org.write_text("email,name\nanna@example.org,Anna\n")
    monkeypatch.setenv("JAARROND_DATABASE_URL", f"sqlite:///{tmp_path}/a.db")
    assert main(["org", "import", str(org)]) == 0
    assert main(["backup", str(tmp_path / "b.zip")]) == 0
    assert "schema revision" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.zip")]) == 2
    assert "not empty" in capsys.readouterr().err
    monkeypatch.setenv("JAARROND_DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    assert main(["restore", str(tmp_path / "b.zip")]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["org", "list"]) == 0
    assert "anna@example.org" in capsys.readouterr().out
