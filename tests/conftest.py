"""Shared fixtures: a migrated database on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from bot.config import normalise_database_url
from bot.storage.database import Database
from bot.storage.sealed import install_keys
from tests.testbot import Testbot, make_testbot

POSTGRES_URL = os.environ.get("JAARROND_TEST_DATABASE_URL", "")
# Sealed columns need a data key in every test; a fixed one keeps failures reproducible.
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1mb3ItamFhcnJvbmQtdGVzdHM="
install_keys([TEST_DATA_KEY])


def _backends() -> list[object]:
    return [
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES_URL, reason="JAARROND_TEST_DATABASE_URL not set"),
            ],
        ),
    ]


@pytest.fixture(params=_backends())
async def db(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[Database]:
    """A freshly migrated database; PostgreSQL tests get a schema of their own."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/test.db")
        await database.upgrade()
        yield database
        await database.dispose()
        return
    url = normalise_database_url(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(url, connect_args={"server_settings": {"search_path": schema}})
    try:
        await database.upgrade()
        yield database
    finally:
        await database.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 3, 22, 8, 0, tzinfo=UTC))


@pytest.fixture
async def testbot(db: Database, clock: FixedClock) -> Testbot:
    """The whole bot in memory on a migrated database, with a small organisation."""
    return await make_testbot(db, clock)
