"""SIGTERM: no new work, the send in progress finishes or returns to the outbox, bounded."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.delivery.dispatcher import Dispatcher
from bot.org.organisation import import_org
from bot.schedules.store import apply_schedules
from bot.storage.database import Database
from bot.storage.models import OutboxMessage
from dialogs.banks import load_banks
from tests.support.databases import Templates
from tests.support.slack import SECRET, member
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.terminal import TEST_DATA_KEY
from tests.support.testbot import WEEKLY_ON_MONDAY

ROOT = Path(__file__).resolve().parent.parent
DUE = "2027-03-22T08:05:00Z"  # Monday 09:05 in Amsterdam: the weekly check-in is due
# One claimed batch and three more: the batch is in flight when the stop comes, the rest
# must never be claimed.
BATCH = Dispatcher.min_batch
PEOPLE = BATCH + 3
ORG = "email,name,timezone,slack_user_id\n" + "".join(
    f"p{i}@example.org,Person {i},Europe/Amsterdam,UP{i:03d}\n" for i in range(PEOPLE)
)


class SlowSlack(FakeSlackApi):
    """Posting a message takes `delay` seconds; tells when the first post arrives."""

    delay: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        self.posting = asyncio.Event()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.posting.set()
            await asyncio.sleep(self.delay)
        return await super()._api(request)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def database(tmp_path: Path, database_templates: Templates) -> AsyncIterator[Database]:
    from datetime import UTC, datetime

    db = database_templates.sqlite_copy(tmp_path / "bot.db")
    earlier = datetime(2027, 3, 22, 7, 0, tzinfo=UTC)
    await import_org(db, ORG, earlier)
    await apply_schedules(db, WEEKLY_ON_MONDAY, load_banks(()).keys(), earlier)
    yield db
    await db.dispose()


async def _run_until_sigterm(
    db: Database, tmp_path: Path, delay: float, grace: float
) -> tuple[float, dict[str, int], str]:
    slack = SlowSlack(users=[member("UP000", "p0@example.org")])
    slack.delay = delay
    await slack.start()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "JAARROND_DATABASE_URL": db.url,
        "JAARROND_NOW": DUE,
        "JAARROND_PORT": str(_free_port()),
        "JAARROND_SHUTDOWN_SECONDS": str(grace),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        # The batch's sends overlap; Slack's workspace pace and Tier 3 opens (one DM opened
        # per person, 50 a minute) would only make the test slow.
        "SLACK_WORKSPACE_MESSAGES_PER_SECOND": "0",
        "SLACK_OPENS_PER_MINUTE": "0",
        "JAARROND_DATA_KEYS": TEST_DATA_KEY,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await asyncio.wait_for(slack.posting.wait(), timeout=60)
        ready = f"http://127.0.0.1:{env['JAARROND_PORT']}/readyz"
        async with aiohttp.ClientSession() as http, http.get(ready) as response:
            assert response.status == 200
            assert (await response.json())["platforms"] == {"slack": True}
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        output, _ = await asyncio.wait_for(process.communicate(), timeout=grace + 20)
        took = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await slack.close()
    assert process.returncode == 0, output.decode()
    async with db.session() as session:
        statuses = list(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.kind == "prompt")
            )
        )
    return took, {s: statuses.count(s) for s in set(statuses)}, output.decode()


async def test_sigterm_lets_the_send_in_progress_finish_and_takes_no_new_one(
    database: Database, tmp_path: Path
) -> None:
    took, statuses, output = await _run_until_sigterm(database, tmp_path, delay=0.5, grace=15)
    assert statuses == {"sent": BATCH, "pending": PEOPLE - BATCH}, output
    assert took < 10


async def test_sigterm_returns_a_send_that_overruns_the_grace_to_the_outbox(
    database: Database, tmp_path: Path
) -> None:
    took, statuses, output = await _run_until_sigterm(database, tmp_path, delay=60, grace=1)
    assert statuses == {"pending": PEOPLE}, output
    assert took < 10
    async with database.session() as session:
        returned = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.attempts == 1))
        ).all()
    assert len(returned) == BATCH
    assert {message.last_error for message in returned} == {"interrupted by a stop"}
