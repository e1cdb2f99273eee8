"""Logs: one structured line per request and per send, and nothing personal or secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.logs import JsonFormatter, ReadableFormatter, RedactSecrets, make_handler, quiet_libraries
from bot.org.people import find_by_email
from bot.storage.database import Database
from bot.storage.models import Answer
from tests.support.slack import SECRET, Stack, close_stack, make_stack
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.terminal import TEST_DATA_KEY
from tests.support.testbot import WEEKLY_ON_MONDAY, Testbot, apply

TOKEN = "xoxb-test-token"
ANSWER = "Minder vergaderingen op vrijdag, mijn knie doet pijn"
TOPIC = "Gesprek over mijn burn-out klachten"


@pytest.fixture
def production_log() -> Iterator[io.StringIO]:
    """The production pipeline (JSON, secrets filtered) at DEBUG, into a buffer."""
    settings = load_settings(
        {
            "JAARROND_PROFILE": "production",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "JAARROND_DATA_KEYS": TEST_DATA_KEY,
        }
    )
    buffer = io.StringIO()
    handler = make_handler(settings, buffer)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    quiet_libraries()
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
async def stack(db: Database, fake: FakeSlackApi) -> AsyncIterator[Stack]:
    made = await make_stack(db, fake)
    yield made
    await close_stack(made)


async def test_a_whole_conversation_logs_no_text_and_no_secret(
    stack: Stack, production_log: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    for label in ("4", "Pace and deadlines", "2", "3", "No", "4"):
        await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), label)
        await stack.settle()
    await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), "Answer")
    await stack.settle()
    assert await stack.submit_modal("UBRAM", ANSWER) == 200
    await stack.settle()
    await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), "Yes, share")
    await stack.settle()
    assert await stack.typed("UBRAM", f"topic {TOPIC}") == 200
    await stack.settle()
    # Scheduled prompts go out through the outbox to Slack.
    await stack.schedules(WEEKLY_ON_MONDAY)
    clock = stack.app.clock
    clock.set(datetime(2027, 3, 22, 8, 5, tzinfo=UTC))  # type: ignore[attr-defined]
    await stack.app.ticker().tick()
    assert [a.value for a in await stack.answers("bram@example.org")][-1] == ANSWER
    # A forged request is refused; what it carried is not logged either.
    assert await stack.typed("UBRAM", ANSWER, secret="forged-secret-0123456789") == 401

    lines = [json.loads(line) for line in production_log.getvalue().splitlines()]
    requests = [line for line in lines if line["logger"] == "bot.http"]
    assert requests and all(r["route"] == "/slack/events" for r in requests)
    assert {r["status"] for r in requests} == {200, 401}
    assert all(isinstance(r["ms"], float) for r in requests)
    sends = [line for line in lines if line["message"].startswith("sent prompt via slack")]
    assert sends and all({"outbox_id", "occurrence_id"} <= s.keys() for s in sends)

    raw = "\n".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )
    for text in (production_log.getvalue(), raw):
        secrets = (SECRET, TOKEN, TEST_DATA_KEY)
        for forbidden in (ANSWER, "Minder vergaderingen", TOPIC, "burn-out", *secrets):
            assert forbidden not in text, forbidden


async def test_a_terminal_check_in_logs_no_text(
    testbot: Testbot, production_log: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await apply(testbot, WEEKLY_ON_MONDAY)
    testbot.clock.set(datetime(2027, 3, 22, 8, 5, tzinfo=UTC))
    await testbot.tick()
    for reply in ("4", "2", "3", "3", "1", "4", ANSWER, "yes"):
        await testbot.say("bram@example.org", reply)
    await testbot.say("bram@example.org", f"topic {TOPIC}")
    await testbot.say("anna@example.org", "digest")
    await testbot.say("bram@example.org", "export")
    assert ANSWER in [a.value for a in await answers_of(testbot, "bram@example.org")]
    sends = [json.loads(line) for line in production_log.getvalue().splitlines()]
    assert any(line["message"] == "sent prompt via console" for line in sends)
    raw = "\n".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )
    for text in (production_log.getvalue(), raw):
        assert ANSWER not in text and "burn-out" not in text


async def answers_of(testbot: Testbot, email: str) -> list[Answer]:
    async with testbot.app.db.session() as session:
        person = await find_by_email(session, email)
        assert person is not None
        return list(await session.scalars(select(Answer).where(Answer.person_id == person.id)))


def test_json_lines_in_production_and_readable_lines_in_development() -> None:
    record = logging.makeLogRecord(
        {
            "name": "bot.x",
            "levelname": "INFO",
            "msg": "sent %s",
            "args": ("prompt",),
            "outbox_id": 7,
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "sent prompt" and line["outbox_id"] == 7
    assert line["level"] == "info" and line["time"].endswith("+00:00")
    readable = ReadableFormatter().format(record)
    assert "sent prompt" in readable and "outbox_id=7" in readable


def test_secrets_are_redacted_wherever_they_appear() -> None:
    record = logging.makeLogRecord(
        {"msg": "token %s failed", "args": (TOKEN,), "url": f"https://x/?t={SECRET}"}
    )
    RedactSecrets([TOKEN, SECRET, "short"]).filter(record)
    assert TOKEN not in record.getMessage() and SECRET not in record.url
    assert "[redacted]" in record.getMessage()
