"""Running the bot: the long-lived process, and a terminal chat for one person."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import signal
import sys

from bot.bootstrap import App, StartupError, console_adapter
from bot.scheduler import start_scheduler
from bot.services import org
from bot.services.people import find_by_email
from bot.web import build_web_app, start_web

log = logging.getLogger(__name__)


async def _person_exists(app: App, email: str) -> int | None:
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        return person.id if person else None


async def _ask(question: str) -> str:
    print(question, end="", flush=True)
    line: str = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip()


async def _first_run(app: App) -> str:
    """With nobody registered yet, the person at the terminal becomes the first HR admin."""
    print("Welcome to Jaarrond. Nobody is registered yet; you will be the first (HR) person.")
    print("Welkom bij Jaarrond. Er is nog niemand geregistreerd; jij wordt de eerste (HR).")
    while True:
        email = await _ask("Email / e-mail: ")
        name = await _ask("Name / naam: ")
        if not email and not name:
            raise StartupError("no console user given; start again with --as EMAIL")
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["email", "name", "hr"], [email, name, "true"]])
        try:
            await org.import_org(app.db, buffer.getvalue(), app.clock.now())
        except org.OrgImportError as exc:
            print(exc)
            continue
        return email.strip().lower()


async def _console_user(app: App, email: str | None) -> str:
    if email:
        if await _person_exists(app, email) is None:
            raise StartupError(
                f"no person with email {email}; import the organisation first "
                "('jaarrond org import FILE.csv') or check 'jaarrond org list'"
            )
        return email
    if not sys.stdin.isatty():
        raise StartupError("say who is chatting in the console: jaarrond run --as EMAIL")
    people = await org.list_people(app.db)
    if not people:
        return await _first_run(app)
    while True:
        answer = await _ask("Who are you? / Wie ben je? (email): ")
        if await _person_exists(app, answer) is not None:
            return answer.strip().lower()
        print(f"Unknown: {answer!r}. Try again, or Ctrl-C to stop.")


async def run(app: App, console_user: str | None) -> int:
    """Scheduler, HTTP server and the configured chat platforms; console when none is."""
    platforms_configured = app.settings.slack.configured or app.settings.teams.enabled
    if platforms_configured:
        raise StartupError(
            "Slack and Teams support is not part of this build yet; unset the SLACK_* and "
            "MicrosoftApp* settings to run with the console chat"
        )
    email = await _console_user(app, console_user)
    console = console_adapter(email)
    app.add_adapter(console)
    web = await start_web(build_web_app(app.db, []), app.settings.host, app.settings.port)
    log.info("HTTP server on http://%s:%s", app.settings.host, app.settings.port)
    scheduler = start_scheduler(app.ticker())
    print(f"Jaarrond is running. You are {email}. Type 'help', or 'quit' to stop.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM,):
        loop.add_signal_handler(sig, stop.set)
    conversation = asyncio.create_task(console.converse())
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({conversation, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        scheduler.shutdown(wait=False)
        conversation.cancel()
        stopper.cancel()
        await web.cleanup()
    return 0


async def chat(app: App, email: str) -> int:
    """A terminal chat for one person; prompts already due for them are shown first."""
    person_id = await _person_exists(app, email)
    if person_id is None:
        raise StartupError(f"no person with email {email}; check 'jaarrond org list'")
    console = console_adapter(email)
    app.add_adapter(console)
    await app.dispatcher().dispatch(person_id=person_id)
    await console.converse()
    return 0
