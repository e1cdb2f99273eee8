"""The bot with its HTTP server on loopback, for the console's security and browser tests."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from bot.bootstrap import build_app, load_hr_questions
from bot.clock import FixedClock
from bot.config import load_settings
from bot.console.app import console_hook
from bot.console.security import COOKIE
from bot.org.organisation import import_org
from bot.storage.database import Database
from bot.web import build_web_app, start_web
from tests.support.testbot import ORG_CSV, RecordingAdapter, Testbot

if TYPE_CHECKING:
    from playwright.async_api import Page

LINK = re.compile(r"(http://\S+/admin/signin/\S+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HR = "hr@example.org"  # reads Dutch
HR_EN = "eva@example.org"  # reads English
CONSOLE_ORG_CSV = ORG_CSV + "eva@example.org,Eva Evers,,en,Europe/London,HR,true\n"


# Debian's Chromium, driven by Playwright; a container has no sandbox and no GPU, and the
# browser must not call home.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = Path(
    os.environ.get("JAARROND_TEST_ARTIFACTS", Path(__file__).parent.parent / "artifacts")
)


def require_chromium() -> None:
    """Skip the calling test module on a developer machine without Chromium; never in CI."""
    if not IN_CI and not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@asynccontextmanager
async def browser_page() -> AsyncIterator[Page]:
    """A fresh headless Chromium tab; leaving fails if the page asked anything of the outside
    world (everything the console needs comes from the bot)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        outside: list[str] = []

        def watch(request: Any) -> None:
            if not request.url.startswith(("http://127.0.0.1", "data:", "about:")):
                outside.append(request.url)

        context.on("request", watch)
        try:
            yield await context.new_page()
        finally:
            await browser.close()
        assert outside == []


async def shot(page: Page, name: str) -> None:
    """A full-page screenshot in the artifacts folder, to look at after the run."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=True)


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


MARCH = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
# Ops (7 people) is shown; Legal (2) is too small, and Sales (6) is hidden with it, or the
# organisation's figure minus Ops and Sales would give Legal away.
SIZES = {"Ops": (7, 4), "Sales": (6, 2), "Legal": (2, 1)}
# Ops and Legal agree on development (9 in all), Sales on working hours (6).
CATEGORY = {"Ops": "development", "Sales": "working_hours", "Legal": "development"}


async def seed_report_figures(console: Console) -> None:
    """A workload check-in in March for everyone, a health answer that must not count, and
    an agreement each."""
    from sqlalchemy import select

    from bot.storage.agreement_models import Agreement
    from bot.storage.models import Answer, Occurrence, Person

    app = console.bot.app
    rows = "".join(
        f"{dept.lower()}{i}@example.org,{dept} {i},anna@example.org,{dept}\n"
        for dept, (size, _) in SIZES.items()
        for i in range(1, size + 1)
    )
    await import_org(app.db, "email,name,manager_email,department\n" + rows, MARCH)
    async with app.db.session() as session:
        people = {e: pid for e, pid in await session.execute(select(Person.email, Person.id))}
        for dept, (size, score) in SIZES.items():
            for i in range(1, size + 1):
                person = people[f"{dept.lower()}{i}@example.org"]
                signed = CATEGORY[dept] == "development"
                session.add(
                    Agreement(
                        employee_id=person,
                        manager_id=people["anna@example.org"],
                        drafter_id=person,
                        drafter_role="employee",
                        year=2027,
                        status="signed" if signed else "proposed",
                        category=CATEGORY[dept],
                        is_i_deal=False,
                        cadence="quarterly",
                        current_version=1,
                        signed_version=1 if signed else None,
                        signed_at=MARCH if signed else None,
                        created_at=MARCH,
                        updated_at=MARCH,
                    )
                )
                for theme, question, topic, value, visibility in (
                    ("workload", "workload.demands_level", "demands", str(score), "aggregate"),
                    ("five_ages", "five_ages.health_energy", "health", "3", "private"),
                ):
                    occurrence = Occurrence(
                        person_id=person,
                        period=f"{theme}-2027-03-10",
                        theme=theme,
                        due_at=MARCH,
                        status="completed",
                        question_ids=[question],
                        created_at=MARCH,
                    )
                    session.add(occurrence)
                    await session.flush()
                    session.add(
                        Answer(
                            occurrence_id=occurrence.id,
                            person_id=person,
                            question_id=question,
                            theme=theme,
                            topic=topic,
                            kind="scale",
                            value=value,
                            visibility=visibility,
                            answered_at=MARCH,
                        )
                    )
