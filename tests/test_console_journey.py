"""HR's journey through the admin console in Chromium, on SQLite and on PostgreSQL.

A schedule for each kind of audience is made through the form; after each one, every page
the console links to is opened (the links are followed, not listed here, so a new page is
visited too) and must answer, carry the console's frame and show what it is for. Then one
schedule is edited, paused, resumed and deleted.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import pytest
import yaml

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

require_chromium()

from playwright.async_api import Page, expect  # noqa: E402


@dataclass(frozen=True)
class Made:
    """A schedule the journey makes, and how the console must show it."""

    id: str
    fields: dict[str, str]  # label -> value typed or chosen
    audience_label: str  # the radio button
    audience: str  # how the list and the preview name the audience
    runs: tuple[str, ...]  # its lines in the next-run column
    extra: dict[str, str] = field(default_factory=dict)  # labelled fields past the audience


# The clock stands on Monday 22 March 2027, 08:00 UTC. Five people of the org file, and the
# report figures' fifteen without a zone of their own (so the installation's, Amsterdam).
SCHEDULES = (
    Made(
        "everyone-weekly",
        {"Id": "everyone-weekly", "Day": "thu", "Time": "09:00"},
        "Everyone",
        "everyone",
        (
            "America/New_York: Thursday 25 March at 09:00 (1 person)",
            "Asia/Kolkata: Thursday 25 March at 09:00 (1 person)",
            "Europe/Amsterdam: Thursday 25 March at 09:00 (18 people)",
            "Europe/London: Thursday 25 March at 09:00 (1 person)",
        ),
    ),
    Made(
        "support-monthly",
        {"Id": "support-monthly", "Day": "mon", "Time": "10:00"},
        "One department",
        "department Support",
        # The first Monday of April, 5 April; Easter Monday (29 March) is still March.
        (
            "America/New_York: Monday 5 April at 10:00 (1 person)",
            "Europe/Amsterdam: Monday 5 April at 10:00 (2 people)",
        ),
        {"Department": "Support"},
    ),
    Made(
        "pair-biweekly",
        {"Id": "pair-biweekly", "Day": "fri", "Time": "11:30"},
        "These people",
        "2 addresses",
        # This pair's Friday is Good Friday; with Dutch holidays it moves past the weekend
        # and Easter Monday to Tuesday.
        ("Europe/Amsterdam: Tuesday 30 March at 11:30 (2 people)",),
        {"Email addresses (one per line)": "bram@example.org\nanna@example.org"},
    ),
)
QUESTION = {
    "nl": "Kon je deze week geconcentreerd werken?",
    "en": "Could you work with focus this week?",
}
CADENCE = {"everyone-weekly": "weekly", "support-monthly": "monthly", "pair-biweekly": "biweekly"}
HOLIDAYS = {"pair-biweekly": "NL"}


@pytest.fixture
async def console(db: Database, clock: FixedClock) -> AsyncIterator[Console]:
    async with running_console(db, clock) as running:
        await seed_report_figures(running)
        yield running


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    async with browser_page() as page:
        # A script error or a refused stylesheet shows up here.
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
        yield page
        assert problems == []


async def test_hr_makes_a_schedule_for_every_audience_and_every_page_answers(
    console: Console, page: Page, request: pytest.FixtureRequest
) -> None:
    backend = request.node.callspec.params["db"]
    await page.goto(await console.link_for(HR_EN))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()

    # One question of HR's own, so its edit page is among the pages to visit.
    await page.get_by_role("link", name="Question banks").click()
    await page.get_by_role("link", name="Add a question to workload").click()
    await page.get_by_label("Topic").fill("focus")
    await page.get_by_label("Kind of question").select_option("yes_no")
    await page.get_by_label("Question in Dutch").fill(QUESTION["nl"])
    await page.get_by_label("Question in English").fill(QUESTION["en"])
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_contain_text("was saved")

    made: list[Made] = []
    for schedule in SCHEDULES:
        await _create(page, schedule)
        made.append(schedule)
        # Screenshots once, when every kind of audience is on the pages.
        shots = f"journey-{backend}" if len(made) == len(SCHEDULES) else None
        await _visit_everything(page, console.base, made, shots)

    # Edit: a later time shows in the list and in every zone's next run.
    await page.get_by_role("link", name="Schedules", exact=True).click()
    await page.get_by_role("link", name="Edit support-monthly").click()
    await page.get_by_label("Time", exact=True).fill("10:30")
    await page.get_by_role("button", name="Save").click()
    made[1] = replace(made[1], runs=tuple(r.replace("10:00", "10:30") for r in made[1].runs))
    row = page.locator("#schedule-support-monthly")
    await expect(row).to_contain_text("monthly · mon · 10:30")
    await expect(row.locator(".runs li")).to_have_text(list(made[1].runs))

    # Pause and resume: a paused schedule has no next run; resumed, it has them again.
    await page.get_by_role("button", name="Pause pair-biweekly").click()
    await expect(page.get_by_role("status")).to_have_text("Schedule 'pair-biweekly' is paused.")
    row = page.locator("#schedule-pair-biweekly")
    await expect(row.locator(".status")).to_have_text("paused")
    await expect(row.locator(".runs li")).to_have_count(0)
    await shot(page, f"journey-{backend}/schedules-paused")
    await page.get_by_role("button", name="Resume pair-biweekly").click()
    await expect(page.get_by_role("status")).to_have_text("Schedule 'pair-biweekly' is resumed.")
    await expect(row.locator(".status")).to_have_text("active")
    await expect(row.locator(".runs li")).to_have_text(list(made[2].runs))

    # Delete: it has planned nothing yet, so it goes, and every page still answers.
    await page.get_by_role("button", name="Delete everyone-weekly").click()
    await expect(page.get_by_role("status")).to_have_text("Schedule 'everyone-weekly' was deleted.")
    await expect(page.locator("#schedule-everyone-weekly")).to_have_count(0)
    await _visit_everything(page, console.base, made[1:])

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Signed out")).to_be_visible()


async def _create(page: Page, schedule: Made) -> None:
    await page.get_by_role("link", name="Schedules", exact=True).click()
    await page.get_by_role("link", name="New schedule").click()
    await expect(page.get_by_role("heading", name="New schedule")).to_be_visible()
    for label, value in schedule.fields.items():
        await page.get_by_label(label, exact=True).fill(value)
    await page.get_by_label("Theme").select_option("workload")
    await page.get_by_label("Cadence").select_option(CADENCE[schedule.id])
    await page.get_by_label(schedule.audience_label, exact=True).check()
    for label, value in schedule.extra.items():
        await page.get_by_label(label, exact=True).fill(value)
    if schedule.id in HOLIDAYS:
        await page.get_by_label("Public holidays of country").fill(HOLIDAYS[schedule.id])
    await page.get_by_role("button", name="Save").click()
    row = page.locator(f"#schedule-{schedule.id}")
    await expect(row).to_contain_text(schedule.audience)
    await expect(row.locator(".runs li")).to_have_text(list(schedule.runs))


@dataclass
class Visit:
    """One page opened by following a link, and what it said."""

    path: str
    query: str
    heading: str
    text: str


async def _visit_everything(
    page: Page, base: str, made: list[Made], shots: str | None = None
) -> None:
    """Open every page reachable by the console's links, from the schedules list on, and
    fetch every download; each must answer 200 and show what it is for."""
    queue, seen, downloads = [f"{base}/schedules"], {f"{base}/schedules"}, []
    visits: list[Visit] = []
    while queue:
        url = queue.pop(0)
        response = await page.goto(url)
        assert response is not None and response.status == 200, url
        parts = urlsplit(url)
        path = parts.path.removeprefix(urlsplit(base).path)
        visit = Visit(
            path,
            parts.query,
            await page.locator("h1").inner_text(),
            await page.locator("main").inner_text(),
        )
        visits.append(visit)
        await _looks_like_the_console(page)
        await _shows_what_it_should(page, visit, made)
        if shots:
            await shot(page, f"{shots}/{_name(visit)}")
        links = await page.locator("a[href]").evaluate_all(
            "links => links.map(a => [a.href.split('#')[0], a.hasAttribute('download')])"
        )
        for href, is_download in links:
            if href.startswith(base) and href not in seen:
                seen.add(href)
                (downloads if is_download else queue).append(href)
    paths = {v.path for v in visits}
    every_page = {"/schedules", "/schedules/new", "/questions", "/questions/new", "/people"}
    assert every_page | {"/questions/1/edit", "/reports"} <= paths
    for schedule in made:
        assert {f"/schedules/{schedule.id}/edit", f"/schedules/{schedule.id}/preview"} <= paths
    for href in downloads:
        await _download_answers(page, href, made)


async def _looks_like_the_console(page: Page) -> None:
    # The stylesheet arrived and applies (the frame is a flex row), the menu marks the
    # section we are in, and the person is signed in.
    await expect(page.locator("header.top")).to_have_css("display", "flex")
    await expect(page.locator('nav a[aria-current="page"]')).to_have_count(1)
    await expect(page.get_by_text("Signed in as Eva Evers")).to_be_visible()


async def _shows_what_it_should(page: Page, visit: Visit, made: list[Made]) -> None:
    by_id = {m.id: m for m in made}
    text = visit.text
    if visit.path == "/schedules":
        assert visit.heading == "Schedules"
        await expect(page.locator("tbody tr")).to_have_count(len(made))
        for schedule in made:
            row = page.locator(f"#schedule-{schedule.id}")
            await expect(row).to_contain_text(schedule.audience)
            await expect(row.locator(".status")).to_have_text("active")
        return
    if visit.path == "/schedules/new":
        assert visit.heading == "New schedule"
        await expect(page.get_by_label("Everyone", exact=True)).to_be_checked()
        return
    found = re.fullmatch(r"/schedules/([^/]+)/(edit|preview)", visit.path)
    if found:
        schedule = by_id[found[1]]
        if found[2] == "edit":
            assert visit.heading == f"Edit schedule '{schedule.id}'"
            await expect(page.get_by_label("Id", exact=True)).to_have_value(schedule.id)
            await expect(page.get_by_label(schedule.audience_label, exact=True)).to_be_checked()
            for label, value in schedule.extra.items():
                await expect(page.get_by_label(label, exact=True)).to_have_value(value)
        else:
            assert visit.heading == f"Preview of '{schedule.id}'"
            assert "In Dutch" in text and "In English" in text
            assert schedule.audience in text
            for run in schedule.runs:
                assert run in text
        return
    if visit.path == "/questions":
        assert visit.heading == "Question banks"
        for theme in ("workload", "five_ages", "relationship"):
            await expect(
                page.get_by_role("link", name=f"Add a question to {theme}")
            ).to_be_visible()
        own = page.locator("tr.own")
        await expect(own).to_contain_text(QUESTION["nl"])
        await expect(own).to_contain_text(QUESTION["en"])
        return
    if visit.path == "/questions/1/edit":
        assert visit.heading == "Edit question workload.hr_1"
        await expect(page.get_by_label("Question in Dutch")).to_have_value(QUESTION["nl"])
        await expect(page.get_by_label("Question in English")).to_have_value(QUESTION["en"])
        return
    if visit.path == "/questions/new":
        theme = visit.query.removeprefix("theme=")
        assert visit.heading == f"New question in {theme}"
        await expect(page.get_by_label("Question in English")).to_be_visible()
        return
    if visit.path == "/people":
        assert visit.heading == "People"
        assert "Eva Evers" in text and "eva@example.org" in text and "21 people" in text
        return
    if visit.path == "/reports":
        assert visit.heading == "Reports"
        await expect(
            page.get_by_role("img", name="Agreements by category · Whole organisation")
        ).to_be_visible()
        await expect(page.locator("td.suppressed").first).to_have_text("fewer than 5")
        return
    raise AssertionError(f"a page the journey does not know: {visit.path} ({visit.heading})")


async def _download_answers(page: Page, href: str, made: list[Made]) -> None:
    response = await page.request.get(href)
    assert response.status == 200, href
    body = await response.body()
    path = urlsplit(href).path
    if path.endswith("/schedules.yaml"):
        listed = yaml.safe_load(body)["schedules"]
        assert [s["id"] for s in listed] == sorted(m.id for m in made)
        audiences = {s["id"]: s["audience"] for s in listed}
        if "support-monthly" in audiences:
            assert audiences["support-monthly"] == {"department": "Support"}
        if "pair-biweekly" in audiences:
            assert audiences["pair-biweekly"] == {
                "emails": ["bram@example.org", "anna@example.org"]
            }
    elif path.endswith(".pdf"):
        assert body.startswith(b"%PDF")
    elif path.endswith(".csv"):
        assert body.startswith(b"table,department,subject,period")
    elif path.endswith(".json"):
        assert body.lstrip().startswith(b"{")
    elif path.endswith(".html"):
        assert b"<svg" in body
    else:
        raise AssertionError(f"a download the journey does not know: {href}")


def _name(visit: Visit) -> str:
    """A screenshot's file name: the page's path, and its query for the question forms."""
    name = visit.path.strip("/").replace("/", "-") or "home"
    return f"{name}-{visit.query.split('=')[-1]}" if visit.query else name
