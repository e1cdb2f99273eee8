"""Upgrades never lose data: from every earlier revision, filled with rows, up to head.

Generic over the migrations: the revisions are walked from Alembic's graph and the tables
of each revision are reflected and filled with values made up per column type, respecting
foreign keys. A column a migration is meant to drop or rewrite is named in CHANGED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, select, text

from bot.bootstrap import StartupError, build_app, ensure_schema
from bot.clock import SystemClock
from bot.config import load_settings
from bot.storage.database import alembic_config, head_revision, revisions
from tests.support.databases import BACKENDS, blank_database
from tests.support.made_up import FIXED, ROWS, Rows, fill

# Tables a later migration folds into another: table -> (where its rows go, the column that
# finds each row there). Their rows get new ids; every other column must arrive unchanged.
MOVED: dict[str, tuple[str, str]] = {
    "agreement_notices": ("outbox", "key"),
    "dialogue_notices": ("outbox", "key"),
}
# (revision upgraded from, table, column) whose values a later migration changes on purpose:
# an agreement notice's kind "notice" is the outbox kind "agreement" (0011).
CHANGED: set[tuple[str, str, str]] = {
    (revision, "agreement_notices", "kind") for revision in revisions() if revision < "0011"
}


def _earlier_revisions() -> Iterator[str]:
    yield from revisions()[:-1]


def _read(connection: Connection) -> Rows:
    metadata = MetaData()
    metadata.reflect(connection)
    found: Rows = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        found[table.name] = [
            dict(r) for r in connection.execute(select(table).order_by(*order)).mappings()
        ]
    return found


def _run(connection: Connection, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("revision", list(_earlier_revisions()))
async def test_upgrade_to_head_keeps_every_row(backend: str, revision: str, tmp_path: Path) -> None:
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade(revision)
        async with db.engine.begin() as conn:
            await conn.run_sync(fill, FIXED)
        async with db.engine.connect() as conn:
            before = await conn.run_sync(_read)
        assert before and all(len(rows) == ROWS for rows in before.values())
        await db.upgrade()
        assert await db.current_revision() == head_revision()
        async with db.engine.connect() as conn:
            after = await conn.run_sync(_read)
        for table, rows in before.items():
            if table in MOVED and table not in after:
                _moved(revision, table, rows, after)
                continue
            assert table in after, f"{table} disappeared"
            arrived = sum(
                len(before[name])
                for name, (target, _) in MOVED.items()
                if target == table and name in before and name not in after
            )
            assert len(after[table]) == len(rows) + arrived, table
            for old, new in zip(rows, after[table][: len(rows)], strict=True):
                for column, value in old.items():
                    if (revision, table, column) in CHANGED:
                        continue
                    assert column in new, f"{table}.{column} disappeared"
                    assert new[column] == value, f"{table}.{column} changed"


def _moved(revision: str, table: str, rows: list[dict[str, Any]], after: Rows) -> None:
    target, column = MOVED[table]
    found = {row[column]: row for row in after[target]}
    for old in rows:
        assert old[column] in found, f"a row of {table} did not arrive in {target}"
        new = found[old[column]]
        for name, value in old.items():
            if name == "id" or (revision, table, name) in CHANGED:
                continue
            assert name in new, f"{table}.{name} has no place in {target}"
            assert new[name] == value, f"{table}.{name} changed on its way to {target}"


@pytest.mark.parametrize("backend", BACKENDS)
async def test_downgrade_one_step_from_head_and_back(backend: str, tmp_path: Path) -> None:
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await conn.run_sync(_run, "downgrade", "-1")
        assert await db.current_revision() == revisions()[-2]
        await db.upgrade()
        assert await db.current_revision() == head_revision()


def test_the_revision_graph_is_one_line_from_base_to_head() -> None:
    walked = revisions()
    assert walked[-1] == head_revision()
    assert len(walked) == len(set(walked)) >= 2
    # The quick reading of the migration files agrees with Alembic's own.
    script = ScriptDirectory.from_config(alembic_config())
    assert list(walked) == [r.revision for r in reversed(list(script.walk_revisions()))]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_database_from_a_newer_version_is_refused(backend: str, tmp_path: Path) -> None:
    future = f"f{uuid.uuid4().hex[:8]}"
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade()
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": future})
        app = build_app(load_settings({}), SystemClock(), db=db)
        with pytest.raises(StartupError, match=f"revision {future}.*newer version"):
            await ensure_schema(app)
        assert await db.current_revision() == future  # left untouched


def test_jaarrond_refuses_to_run_against_a_newer_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAARROND_DATABASE_URL", f"sqlite:///{tmp_path}/bot.db")
    assert main(["db", "upgrade"]) == 0
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    for argv in (["run", "--as", "x@example.org"], ["db", "upgrade"], ["org", "list"]):
        assert main(argv) == 2
        error = capsys.readouterr().err
        assert "ffff_from_the_future" in error and "newer version" in error
