"""The database handle: async engine, sessions, and migrations through Alembic.

Alembic is imported only when a migration runs: it costs a third of a second at start, and
every command checks the schema's revision, which a small read of the migration files and
the `alembic_version` table answers.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from alembic.config import Config

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
            return await conn.run_sync(_current_revision)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _current_revision(connection: Connection) -> str | None:
    """What `alembic_version` holds, read as Alembic's MigrationContext would."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    if len(rows) > 1:
        raise RuntimeError("the database has more than one schema revision (branched history)")
    return rows[0][0] if rows else None


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _assigned(module: ast.Module, name: str) -> str | None:
    """The string a migration file assigns to `name` at its top level (typed or not)."""
    for node in module.body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        if value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = ast.literal_eval(value)
            return found if isinstance(found, str) else None
    return None


@functools.cache
def revisions() -> tuple[str, ...]:
    """Every revision this version knows, oldest first: the chain from the migration files'
    `revision` and `down_revision` (a test holds it equal to Alembic's own walk)."""
    parents: dict[str | None, str] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        revision = _assigned(module, "revision")
        if revision is not None:
            parents[_assigned(module, "down_revision")] = revision
    chain: list[str] = []
    parent: str | None = None
    while parent in parents:
        parent = parents[parent]
        chain.append(parent)
    return tuple(chain)


def head_revision() -> str | None:
    walked = revisions()
    return walked[-1] if walked else None


def is_known_revision(revision: str) -> bool:
    return revision in revisions()


# Any fixed number: replicas starting together (init containers) migrate one after another.
MIGRATION_LOCK = 73032027


def _run_upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    from alembic import command

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
