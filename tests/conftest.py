"""Shared fixtures: migrated databases (SQLite, and PostgreSQL when configured) copied from
a per-session template, empty ones, the bot in memory, and the command line."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import FixedClock
from bot.storage.database import Database
from bot.storage.sealed import install_keys
from tests.support.databases import BACKENDS, Templates, admin_engine, postgres_server
from tests.support.slack import Stack, close_stack, make_stack, member
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.terminal import DATA_DIR, TEST_DATA_KEY
from tests.support.testbot import ORG_CSV, WEEKLY_ON_THURSDAY, Testbot, make_testbot

# Sealed columns need a data key in every test; a fixed one keeps failures reproducible.
install_keys([TEST_DATA_KEY])


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """The session's migrated templates, which every fresh database is copied from."""
    templates = Templates(tmp_path_factory.mktemp("template"))
    yield templates
    templates.drop()


@pytest.fixture(params=BACKENDS)
async def db(
    request: pytest.FixtureRequest, tmp_path: Path, database_templates: Templates
) -> AsyncIterator[Database]:
    """A freshly migrated database of the test's own, copied from the session's template."""
    async with database_templates.fresh(request.param, tmp_path) as database:
        yield database


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh, empty database, for code that connects by itself (the `jaarrond`
    command): a SQLite file, or on PostgreSQL a database of its own, dropped after."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/{uuid.uuid4().hex[:12]}.db"
        return
    server = postgres_server()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = admin_engine(server)
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(params=BACKENDS)
async def databases(
    request: pytest.FixtureRequest, tmp_path: Path, database_templates: Templates
) -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    """Makes as many fresh databases of one backend as a test needs (one per surface of a
    journey); all are dropped after the test."""
    async with AsyncExitStack() as stack:

        async def make() -> Database:
            return await stack.enter_async_context(
                database_templates.fresh(request.param, tmp_path)
            )

        yield make


@pytest.fixture(autouse=True)
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the terminal writes files in this test; never the person's own data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR, str(folder))
    return folder


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 3, 22, 8, 0, tzinfo=UTC))


@pytest.fixture
async def testbot(db: Database, clock: FixedClock) -> Testbot:
    """The whole bot in memory on a migrated database, with a small organisation."""
    return await make_testbot(db, clock)


# ---- Slack, as a workspace of three -------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    """The fake Slack Web API, with Anna, Bram and Carla (in New York) in its workspace."""
    api = await FakeSlackApi(
        users=[
            member("UANNA", "anna@example.org"),
            member("UBRAM", "bram@example.org"),
            member("UCARLA", "carla@example.org", "America/New_York"),
        ]
    ).start()
    yield api
    await api.close()


@pytest.fixture
async def stack(db: Database, fake: FakeSlackApi) -> AsyncIterator[Stack]:
    """The Slack adapter and the bot on the test's database, served over loopback."""
    made = await make_stack(db, fake)
    yield made
    await close_stack(made)


# ---- the command line, as an operator uses it ------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory with an org file and a schedules file, and no settings but
    the test's data folder: the default SQLite file lands here."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("JAARROND_", "SLACK_", "Microsoft")) and name != DATA_DIR:
            monkeypatch.delenv(name)
    (tmp_path / "org.csv").write_text(ORG_CSV, encoding="utf-8")
    (tmp_path / "schedules.yaml").write_text(WEEKLY_ON_THURSDAY, encoding="utf-8")
    return tmp_path
