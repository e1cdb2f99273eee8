"""The bot with its HTTP server on loopback, for the console's security and browser tests."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from bot.bootstrap import build_app, load_hr_questions
from bot.clock import FixedClock
from bot.config import load_settings
from bot.console.app import console_hook
from bot.console.security import COOKIE
from bot.services.org import import_org
from bot.storage.database import Database
from bot.web import build_web_app, start_web
from tests.testbot import ORG_CSV, RecordingAdapter, Testbot

LINK = re.compile(r"(http://\S+/admin/signin/\S+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HR = "hr@example.org"  # reads Dutch
HR_EN = "eva@example.org"  # reads English
CONSOLE_ORG_CSV = ORG_CSV + "eva@example.org,Eva Evers,,en,Europe/London,HR,true\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Console:
    bot: Testbot
    base: str  # the console's URL, e.g. http://127.0.0.1:PORT/admin

    async def link_for(self, email: str) -> str:
        """The sign-in link the chat command `admin` sends this person."""
        replies = await self.bot.say(email, "admin")
        found = LINK.search(replies[-1].text)
        assert found, replies[-1].text
        return found.group(1)


@asynccontextmanager
async def running_console(db: Database, clock: FixedClock) -> AsyncIterator[Console]:
    port = free_port()
    settings = load_settings({"JAARROND_PORT": str(port)})
    app = build_app(settings, clock, db=db)
    adapter = RecordingAdapter()
    app.add_adapter(adapter)
    await import_org(db, CONSOLE_ORG_CSV, clock.now())
    await load_hr_questions(app)
    assert app.console is not None
    runner = await start_web(build_web_app(db, [console_hook(app.console)]), "127.0.0.1", port)
    try:
        yield Console(Testbot(app, clock, adapter), f"http://127.0.0.1:{port}/admin")
    finally:
        await runner.cleanup()


async def sign_in(http: aiohttp.ClientSession, console: Console, email: str = HR) -> str:
    """Follow the chat link and press the button; the session cookie's value."""
    link = await console.link_for(email)
    async with http.get(link) as page:
        assert page.status == 200
        token = link.rsplit("/", 1)[1]
    async with http.post(
        f"{console.base}/signin", data={"token": token}, allow_redirects=False
    ) as response:
        assert response.status == 303, await response.text()
        return response.cookies[COOKIE].value


async def csrf_of(http: aiohttp.ClientSession, url: str, cookie: str) -> str:
    async with http.get(url, cookies={COOKIE: cookie}) as page:
        found = CSRF.search(await page.text())
        assert found
        return found.group(1)


async def seed_agreements(console: Console) -> None:
    """Six signed development agreements (shown) and two working-hours ones (too few)."""
    from bot.storage.agreement_models import Agreement
    from bot.storage.models import Person

    app = console.bot.app
    now = console.bot.clock.now()
    staff = [f"staff{i}@example.org" for i in range(1, 9)]
    rows = "".join(f"{email},Staff {i},anna@example.org\n" for i, email in enumerate(staff, 1))
    await import_org(app.db, "email,name,manager_email\n" + rows, now)
    async with app.db.session() as session:
        from sqlalchemy import select

        ids = {email: pid for email, pid in await session.execute(select(Person.email, Person.id))}
        for i, email in enumerate(staff):
            category, status = ("development", "signed") if i < 6 else ("working_hours", "proposed")
            session.add(
                Agreement(
                    employee_id=ids[email],
                    manager_id=ids["anna@example.org"],
                    drafter_id=ids[email],
                    drafter_role="employee",
                    year=now.year,
                    status=status,
                    category=category,
                    is_i_deal=False,
                    cadence="quarterly",
                    current_version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
