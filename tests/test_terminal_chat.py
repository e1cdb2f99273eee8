"""`jaarrond chat`: what waits for the person is shown when it starts, and what the bot sends
while it runs appears between their inputs, never in the middle of the prompt or a reply."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console import BetweenInputs, ConsoleAdapter, render
from bot.dialogue.conversations import talked
from bot.org.organisation import import_org
from bot.org.people import Defaults, find_by_email
from bot.storage.database import Database
from dialogs.messages import Inbound, Outbound, PersonRef, Turn
from tests.support.databases import Templates
from tests.support.processes import JAARROND, until
from tests.support.terminal import DATA_DIR, TEST_DATA_KEY, run
from tests.support.testbot import ORG_CSV

BRAM = PersonRef(2, "bram@example.org", "Bram Jansen", "en", "Europe/Amsterdam")


async def test_a_message_sent_meanwhile_shows_above_a_fresh_prompt() -> None:
    read, write = os.pipe()
    out = io.StringIO()
    console = ConsoleAdapter(BRAM.email, os.fdopen(read), out, interactive=True)
    chat = BetweenInputs(console, out, interactive=True)
    news = Outbound(BRAM, "Anna logged that the two of you talked.")
    early = Outbound(BRAM, "Waiting since yesterday.")

    async def engine(inbound: Inbound) -> Turn:
        await chat.send(news)  # the tick sends while a reply is being made
        return Turn((Outbound(BRAM, f"You said {inbound.text}."),))

    chat.mount(engine)
    await chat.send(early)  # before the chat starts: no prompt to make room for
    conversing = asyncio.create_task(chat.converse())
    await until(lambda: out.getvalue().endswith("> "), "the first prompt", seconds=20, every=0.02)
    await chat.send(news)
    assert out.getvalue() == f"{render(early)}> \r\x1b[K{render(news)}> "
    shown = len(out.getvalue())
    os.write(write, b"hello\n")
    await until(
        lambda: out.getvalue().endswith("You said hello.\n> "),
        "the reply and a fresh prompt",
        seconds=20,
        every=0.02,
    )
    # While the input is handled the prompt is not on screen: nothing to clear.
    assert out.getvalue()[shown:] == f"{render(news)}You said hello.\n> "
    os.write(write, b"quit\n")
    await asyncio.wait_for(conversing, 10)
    os.close(write)


async def _log_talk(db: Database, note: str) -> None:
    """Anna logs a conversation with Bram (another process, as far as the chat knows)."""
    async with db.session() as session:
        anna = await find_by_email(session, "anna@example.org")
        assert anna is not None
        await talked(session, anna, f"with Bram {note}", anna.created_at, Defaults())


async def _read_until(stream: asyncio.StreamReader, text: str, seconds: float = 20) -> str:
    """The chat's lines up to the one showing `text`; fails if that takes over `seconds`."""
    seen = ""

    async def read() -> None:
        nonlocal seen
        while text not in seen:
            line = await stream.readline()
            assert line, f"the chat ended before showing {text!r}: {seen}"
            seen += line.decode()

    try:
        await asyncio.wait_for(read(), seconds)
    except TimeoutError:
        pytest.fail(f"the chat showed no {text!r} within {seconds:g} s; it showed: {seen}")
    return seen


async def test_chat_keeps_ticking_and_shows_what_arrives_while_it_runs(
    tmp_path: Path, database_templates: Templates
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "JAARROND_", "Microsoft"))
    } | {
        "JAARROND_DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
        "JAARROND_DATA_KEYS": TEST_DATA_KEY,
        "JAARROND_TICK_SECONDS": "0.2",
        "JAARROND_DIGEST_SCHEDULE": "off",
        "JAARROND_NOW": "2027-03-22T08:00:00Z",
    }
    db = database_templates.sqlite_copy(tmp_path / "bot.db")
    try:
        await import_org(db, ORG_CSV, datetime(2027, 3, 22, 7, 0, tzinfo=UTC))
        await _log_talk(db, "before the chat")
        process = await asyncio.create_subprocess_exec(
            JAARROND,
            "chat",
            "--as",
            BRAM.email,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdin is not None and process.stdout is not None
        # What waited is shown when the chat starts, before any input is read.
        await _read_until(process.stdout, "before the chat")
        process.stdin.write(b"help\n")
        await _read_until(process.stdout, "Commands:")
        await _log_talk(db, "while it runs")
        await _read_until(process.stdout, "while it runs")
        process.stdin.close()
        await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0
    finally:
        await db.dispose()


def test_no_tick_shows_what_waits_and_plans_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("JAARROND_", "SLACK_", "Microsoft")) and name != DATA_DIR:
            monkeypatch.delenv(name)
    (tmp_path / "org.csv").write_text(ORG_CSV, encoding="utf-8")
    run(capsys, "org", "import", "org.csv")
    monday = "2027-03-22T08:05:00Z"  # 09:05 in Amsterdam: Anna's weekly digest is due
    _, quiet, _ = run(capsys, "--now", monday, "chat", "--as", "anna@example.org", "--no-tick")
    assert "Teamoverzicht" not in quiet
    _, ticked, _ = run(capsys, "--now", monday, "chat", "--as", "anna@example.org")
    assert "== Teamoverzicht voor Anna de Vries ==" in ticked  # Anna reads Dutch
