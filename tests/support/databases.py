"""Databases for tests: migrated ones copied from a template made once per test session, and
empty ones for the tests that run the migrations themselves.

Running every migration costs about 0.3 s on either backend; a copy of a migrated SQLite file
costs a few milliseconds, and a PostgreSQL database created from a migrated template database
about 50 ms (STRATEGY WAL_LOG; FILE_COPY needs a checkpoint and took twice as long, and
replaying a dumped schema three times as long). The templates are built at a session's first
use, from the migrations as they are then, so a changed migration is in the next session.
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.config import normalise_database_url
from bot.storage.database import Database

POSTGRES_URL = os.environ.get("JAARROND_TEST_DATABASE_URL", "")

BACKENDS: list[Any] = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="JAARROND_TEST_DATABASE_URL not set"),
        ],
    ),
]


def postgres_server() -> URL:
    return make_url(normalise_database_url(POSTGRES_URL))


def admin_engine(server: URL) -> AsyncEngine:
    # CREATE and DROP DATABASE cannot run inside a transaction; no pool, as each test has an
    # event loop of its own and a pooled connection belongs to the loop that opened it.
    return create_async_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _in_own_loop(work: Any) -> None:
    """Runs a coroutine to its end on a thread of its own: the template is built while the
    test's event loop is not there yet (or already running), and must not touch it."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(work)
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)

    thread = threading.Thread(target=target, name="database-template")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.upgrade()
    finally:
        await database.dispose()


class _Dropper:
    """Drops PostgreSQL databases on a thread of its own, while the next tests run: a DROP
    DATABASE waits for every backend of the server to let go of the files (and, busy, took
    up to seconds), which no test needs to wait for."""

    def __init__(self) -> None:
        self._names: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._failures: list[BaseException] = []

    def retire(self, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=lambda: asyncio.run(self._drop_each()), name="database-dropper"
            )
            self._thread.start()
        self._names.put(name)

    def close(self) -> None:
        """Waits until every database handed over is dropped; raises the first failure."""
        if self._thread is not None:
            self._names.put(None)
            self._thread.join()
            self._thread = None
        if self._failures:
            raise self._failures[0]

    async def _drop_each(self) -> None:
        admin = admin_engine(postgres_server())
        try:
            while (name := await asyncio.to_thread(self._names.get)) is not None:
                try:
                    async with admin.connect() as conn:
                        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                except Exception as error:  # reported when the session ends
                    self._failures.append(error)
        finally:
            await admin.dispose()


class Templates:
    """A migrated SQLite file and a migrated PostgreSQL database, each built at its first use
    in a session, and the fresh databases copied from them."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._sqlite: Path | None = None
        self._postgres: str | None = None
        self._dropper = _Dropper()

    def sqlite_file(self) -> Path:
        with self._lock:
            if self._sqlite is None:
                path = self._folder / "template.db"
                _in_own_loop(_migrate(f"sqlite+aiosqlite:///{path}"))
                # Closing the last connection folds the write-ahead log into the file, so the
                # file alone is the whole database, and a copy of it is too.
                wal = path.with_name(path.name + "-wal")
                if wal.exists() and wal.stat().st_size:
                    raise RuntimeError(f"the template's write-ahead log was left in {wal}")
                self._sqlite = path
            return self._sqlite

    def postgres_database(self) -> str:
        with self._lock:
            if self._postgres is None:
                server = postgres_server()
                name = f"{server.database}_template_{uuid.uuid4().hex[:8]}"

                async def build() -> None:
                    admin = admin_engine(server)
                    try:
                        async with admin.connect() as conn:
                            await conn.execute(text(f'CREATE DATABASE "{name}"'))
                    finally:
                        await admin.dispose()
                    await _migrate(server.set(database=name).render_as_string(False))

                _in_own_loop(build())
                self._postgres = name
            return self._postgres

    def drop(self) -> None:
        """At the session's end: waits for the copies to be dropped, then drops the
        PostgreSQL template (the SQLite one is in the session's temporary folder)."""
        if self._postgres is not None:
            self._dropper.retire(self._postgres)
            self._postgres = None
        self._dropper.close()

    def sqlite_copy(self, path: Path) -> Database:
        """A migrated SQLite database in the file `path`, copied from the template."""
        shutil.copy(self.sqlite_file(), path)
        return Database(f"sqlite+aiosqlite:///{path}")

    @asynccontextmanager
    async def fresh(self, backend: str, folder: Path) -> AsyncIterator[Database]:
        """A migrated database of its own: a copied SQLite file, or a PostgreSQL database made
        from the template and dropped after (in the background)."""
        if backend == "sqlite":
            database = self.sqlite_copy(folder / f"{uuid.uuid4().hex[:12]}.db")
            try:
                yield database
            finally:
                await database.dispose()
            return
        template = self.postgres_database()
        server = postgres_server()
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = admin_engine(server)
        try:
            async with admin.connect() as conn:
                await conn.execute(
                    text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY WAL_LOG')
                )
            database = Database(server.set(database=name).render_as_string(False))
        finally:
            await admin.dispose()
        try:
            yield database
        finally:
            await database.dispose()
            self._dropper.retire(name)


@asynccontextmanager
async def blank_database(
    backend: str, folder: Path, name: str = "blank"
) -> AsyncIterator[Database]:
    """An empty database (no schema at all), for tests that run the migrations themselves: a
    SQLite file, or on PostgreSQL a schema of its own, dropped after."""
    if backend == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{folder}/{name}.db")
        try:
            yield database
        finally:
            await database.dispose()
        return
    url = normalise_database_url(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield database
    finally:
        await database.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
