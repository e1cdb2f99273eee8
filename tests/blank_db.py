"""An empty database (no schema at all) on SQLite or in a PostgreSQL schema of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import normalise_database_url
from bot.storage.database import Database
from tests.conftest import POSTGRES_URL

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="JAARROND_TEST_DATABASE_URL not set"),
        ],
    ),
]


@asynccontextmanager
async def blank_database(
    backend: str, folder: Path, name: str = "blank"
) -> AsyncIterator[Database]:
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
