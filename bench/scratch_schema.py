"""A PostgreSQL schema of its own for one benchmark run, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.config import normalise_database_url
from bot.storage.database import Database


def bench_database_url() -> str:
    return normalise_database_url(
        os.environ.get("JAARROND_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )


@asynccontextmanager
async def scratch_schema(url: str) -> AsyncIterator[str | None]:
    """Yields the new schema's name, or None (after saying so) when PostgreSQL is unreachable."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database(url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL: not reachable ({exc.__class__.__name__}); skipped")
        await admin.dispose()
        yield None
        return
    try:
        yield schema
    finally:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
