"""The database handle: async engine, sessions, and migrations through Alembic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets `jaarrond chat` read while `jaarrond run` writes; committed data survives a
    # crashed process. A second writer waits for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """One engine per process; sessions are short and per unit of work."""

    def __init__(self, url: str, connect_args: dict[str, Any] | None = None) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=not url.startswith("sqlite"), connect_args=connect_args or {}
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends cleanly, rolls back otherwise."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def upgrade(self, revision: str = "head") -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_upgrade, revision)

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revisions() -> list[str]:
    """Every revision this version knows, oldest first (walked from the graph, base to head)."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def is_known_revision(revision: str) -> bool:
    return revision in revisions()


# Any fixed number: replicas starting together (init containers) migrate one after another.
MIGRATION_LOCK = 73032027


def _run_upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


class _Rehearsal(Database):
    """A database whose every unit of work happens inside one transaction that is rolled
    back in the end: work runs exactly as it would, and nothing of it is kept."""

    def __init__(self, db: Database, connection: AsyncConnection) -> None:
        self.url = db.url
        self.engine = db.engine
        # Each session is a savepoint of the one transaction: its commit keeps its work for
        # the sessions after it, its rollback undoes only its own.
        self.sessions = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


@asynccontextmanager
async def rehearsal(db: Database) -> AsyncIterator[Database]:
    """The database for a dry run: what is done through it is seen, and then undone."""
    async with db.engine.connect() as connection:
        await connection.begin()
        if db.is_sqlite:
            # pysqlite starts a transaction only before a write; without an explicit one the
            # first savepoint would start it, and releasing that savepoint would commit.
            await connection.exec_driver_sql("BEGIN")
        try:
            yield _Rehearsal(db, connection)
        finally:
            await connection.rollback()
