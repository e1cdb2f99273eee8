"""Running the bot: the long-lived process, and a terminal chat for one person."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import signal
import sys
from pathlib import Path

from bot.bootstrap import App, StartupError, build_runtime, console_adapter
from bot.logs import hush_terminal
from bot.org import organisation as org
from bot.org.org_file import OrgImportError
from bot.org.people import find_by_email, locale_of
from dialogs.messages import Locale
from dialogs.texts import t

log = logging.getLogger(__name__)


async def _person_exists(app: App, email: str) -> int | None:
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        return person.id if person else None


async def _locale_of(app: App, email: str) -> Locale:
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        return locale_of(person, app.defaults) if person else app.defaults.locale


async def _ask(question: str, default: str = "") -> str:
    """One line from the terminal; an empty answer takes `default`, shown in brackets."""
    print(f"{question} [{default}]: " if default else f"{question}: ", end="", flush=True)
    line: str = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    return line.strip() or default


async def _first_run(app: App) -> str:
    """With nobody registered yet, the person at the terminal becomes the first HR admin.
    A refused answer is asked again with the earlier answers offered as defaults."""
    print("Welcome to Jaarrond. Nobody is registered yet; you will be the first (HR) person.")
    print("Welkom bij Jaarrond. Er is nog niemand geregistreerd; jij wordt de eerste (HR).")
    email, name = "", ""
    locale: str = app.defaults.locale
    timezone = app.defaults.timezone
    while True:
        email = await _ask("Email / e-mail", email)
        name = await _ask("Name / naam", name)
        if not email and not name:
            raise StartupError("no console user given; start again with --as EMAIL")
        locale = await _ask("Language / taal (nl, en)", locale)
        timezone = await _ask("Time zone / tijdzone", timezone)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [["email", "name", "locale", "timezone", "hr"], [email, name, locale, timezone, "true"]]
        )
        try:
            await org.import_org(app.db, buffer.getvalue(), app.clock.now())
        except OrgImportError as exc:
            print(exc)
            continue
        print(t("first_run.next", "en" if locale == "en" else "nl", email=email.strip().lower()))
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


async def run(
    app: App,
    console_user: str | None,
    *,
    files_dir: Path | None = None,
    log_file: Path | None = None,
) -> int:
    """Scheduler, HTTP server and the configured chat platforms; console when none is.
    The console chat writes the files it is sent into `files_dir`; `log_file` is named
    in its welcome, as the log lines no longer show in the terminal once it starts."""
    from bot.web import PortUnavailable

    runtime = build_runtime(app, lambda: _console_user(app, console_user), files_dir)
    try:
        await runtime.start()
    except PortUnavailable as exc:
        raise StartupError(str(exc)) from exc
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM,):
        loop.add_signal_handler(sig, stop.set)
    waiting: set[asyncio.Task[object]] = {asyncio.create_task(stop.wait())}
    try:
        if runtime.chat is not None:
            console = runtime.chat
            locale = await _locale_of(app, console.email)
            print(t("console.running", locale, email=console.email))
            if log_file is not None:
                print(t("console.log", locale, path=log_file))
            hush_terminal()
            waiting.add(asyncio.create_task(console.converse()))
        else:
            names = ", ".join(p.platform for p in runtime.platforms)
            log.info("Jaarrond is running for %s; stop with Ctrl-C or SIGTERM", names)
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waiting:
            task.cancel()
        await runtime.stop()
    return 0


async def chat(app: App, email: str, *, tick: bool = True, files_dir: Path | None = None) -> int:
    """A terminal chat for one person. What waits for them is shown first; then, unless
    `tick` is off, the bot ticks as `run` does (planning for everyone, sending only to this
    person), and what it sends shows between the person's inputs."""
    person_id = await _person_exists(app, email)
    if person_id is None:
        raise StartupError(f"no person with email {email}; check 'jaarrond org list'")
    console = console_adapter(email, files_dir)
    app.add_adapter(console)
    hush_terminal()
    ticks = app.tick_loop(person_id=person_id)
    if not tick:
        await ticks.send()
        await console.converse()
        return 0
    await ticks.tick()  # before the first input, so a script sees what waits in order
    ticks.start(first_now=False)
    try:
        await console.converse()
    finally:
        await ticks.stop()
    return 0
