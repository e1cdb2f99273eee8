"""The console in a real browser: headless Chromium (Debian's package) driven by Playwright
against the bot's server on loopback. Screenshots of the main pages are saved as artifacts.

Skipped only on a developer machine without Chromium; in CI (CI=true) these tests must run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.storage.database import Database
from tests.support.console import (
    HR_EN,
    Console,
    browser_page,
    require_chromium,
    running_console,
    seed_report_figures,
    shot,
)
from tests.support.databases import Templates

require_chromium()

from playwright.async_api import Page, expect  # noqa: E402


@pytest.fixture
async def database(tmp_path: Path, database_templates: Templates) -> AsyncIterator[Database]:
    database = database_templates.sqlite_copy(tmp_path / "browser.db")
    yield database
    await database.dispose()


@pytest.fixture
async def console(database: Database, clock: FixedClock) -> AsyncIterator[Console]:
    async with running_console(database, clock) as running:
        yield running


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with browser_page() as page:
        yield page


async def test_an_hr_admin_works_through_the_console(console: Console, page: Page) -> None:
    # Sign in with the one-time link from chat.
    await page.goto(await console.link_for(HR_EN))
    await shot(page, "signin")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()

    # The keyboard reaches the skip link first.
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    # Create a schedule: a bad time first, with the file's error message.
    await page.get_by_role("link", name="New schedule").click()
    await page.get_by_label("Id", exact=True).fill("workload-weekly")
    await page.get_by_label("Theme").select_option("workload")
    await page.get_by_label("Day", exact=True).fill("thu")
    await page.get_by_label("Time", exact=True).fill("25:00")
    await page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("time '25:00' is not a time of day; use HH:MM")
    await shot(page, "schedule-error")
    await page.get_by_label("Time", exact=True).fill("09:00")
    await page.get_by_role("button", name="Save").click()
    row = page.locator("#schedule-workload-weekly")
    await expect(row).to_contain_text("active")
    await expect(row).to_contain_text("Europe/Amsterdam")
    await expect(row).to_contain_text("America/New_York")
    await shot(page, "schedules")

    # Pause it.
    await page.get_by_role("button", name="Pause workload-weekly").click()
    await expect(page.get_by_role("status")).to_contain_text("is paused")
    await expect(row).to_contain_text("paused")
    await shot(page, "schedules-paused")

    await page.get_by_role("link", name="Preview workload-weekly").click()
    await expect(page.get_by_role("heading", name="In Dutch")).to_be_visible()
    await shot(page, "schedule-preview")

    # Add a question in both languages.
    await page.get_by_role("link", name="Question banks").click()
    await page.get_by_role("link", name="Add a question to workload").click()
    await page.get_by_label("Topic").fill("focus")
    await page.get_by_label("Kind of question").select_option("yes_no")
    await page.get_by_label("Question in Dutch").fill("Kon je deze week geconcentreerd werken?")
    await page.get_by_label("Question in English").fill("Could you work with focus this week?")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_contain_text("was saved")
    mine = page.locator("tr.own")
    await expect(mine).to_contain_text("Kon je deze week geconcentreerd werken?")
    await expect(mine).to_contain_text("Could you work with focus this week?")
    await shot(page, "questions")

    # Import a CSV with errors: every error is listed, nothing is imported.
    await page.get_by_role("link", name="People").click()
    bad = "email,name,manager_email\nnew@example.org,New Person,nobody@example.org\n,No Email,\n"
    await page.get_by_label("Or paste the CSV here").fill(bad)
    await page.get_by_role("button", name="Import", exact=True).click()
    errors = page.get_by_role("alert")
    await expect(errors).to_contain_text("Nothing was imported")
    await expect(errors.locator("li")).to_have_count(2)
    await shot(page, "people")

    # A report with its chart, for one department chosen with the filter form.
    await seed_report_figures(console)
    # The charts are drawn by the stylesheet: the page's policy blocks nothing on it.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else None)
    await page.get_by_role("link", name="Reports").click()
    bars = page.get_by_role("img", name="Agreements by category · Whole organisation")
    await expect(bars.locator("rect")).to_have_count(2)
    await shot(page, "reports")
    await page.get_by_label("Department").select_option("Ops")
    await page.get_by_role("button", name="Show").click()
    chart = page.get_by_role("img", name="Workload and recovery: average score (1-5) · Ops")
    await expect(chart).to_be_visible()
    await expect(chart.locator("circle")).to_have_count(1)
    await expect(page.locator("td.suppressed").first).to_have_text("fewer than 5")
    assert blocked == []

    # Signing out ends the session: going back shows the sign-in hint, in the installation's
    # language, since nobody is known any more.
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    await page.goto(f"{console.base}/schedules")
    await expect(page.get_by_role("heading", name="Log in via de chat")).to_be_visible()
