"""The console's pages over HTTP: the same schedule checks as the file, HR's questions in
the check-ins, the organisation import, reports with downloads; and `jaarrond admin link`."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.console.security import COOKIE
from bot.org.organisation import import_org
from bot.schedules import file as schedules
from bot.schedules import store
from bot.storage.database import Database
from bot.storage.models import Person
from tests.support.console import HR_EN, Console, csrf_of, running_console, seed_agreements, sign_in
from tests.support.terminal import run

FORM = {
    "id": "workload-weekly",
    "theme": "workload",
    "cadence": "weekly",
    "day": "thu",
    "time": "14:00",
    "audience": "all",
    "active": "1",
    **{f"day_{d}": "1" for d in ("mon", "tue", "wed", "thu", "fri")},
}


class Client:
    def __init__(self, http: aiohttp.ClientSession, console: Console, cookie: str) -> None:
        self.http, self.console, self.cookie = http, console, cookie

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(
            self.console.base + path, cookies={COOKIE: self.cookie}
        ) as response:
            return response.status, await response.text()

    async def post(self, path: str, data: dict[str, Any]) -> tuple[int, str]:
        csrf = await csrf_of(self.http, f"{self.console.base}/schedules", self.cookie)
        async with self.http.post(
            self.console.base + path,
            data=data | {"csrf": csrf},
            cookies={COOKIE: self.cookie},
        ) as response:
            return response.status, html.unescape(await response.text())


@pytest.fixture
async def console(db: Database, clock: FixedClock) -> AsyncIterator[Console]:
    async with running_console(db, clock) as running:
        yield running


@pytest.fixture
async def client(console: Console) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        yield Client(http, console, await sign_in(http, console, HR_EN))


async def test_a_schedule_is_created_listed_paused_resumed_and_exported(client: Client) -> None:
    status, body = await client.post("/schedules", FORM)
    assert status == 200 and "workload-weekly" in body
    # The recipients live in two time zones; each gets 14:00 in their own.
    assert "America/New_York: " in body and "Europe/Amsterdam: " in body
    status, body = await client.post("/schedules/workload-weekly/pause", {})
    assert "paused" in body
    db = client.console.bot.app.db
    now = client.console.bot.clock.now()
    [row] = await store.list_schedules(db, now, "Europe/Amsterdam")
    assert not row.active
    await client.post("/schedules/workload-weekly/resume", {})
    status, exported = await client.get("/schedules.yaml")
    assert status == 200
    assert yaml.safe_load(exported)["schedules"][0]["time"] == "14:00"
    # The export is a file `schedules apply` takes, and applying it changes nothing.
    result = await store.apply_schedules(db, exported, ["workload"], now, dry_run=True)
    assert result.unchanged == ["workload-weekly"]


@pytest.mark.parametrize(
    ("audience", "shown"),
    [
        ({"audience": "all"}, "everyone"),
        ({"audience": "department", "department": "Support"}, "department Support"),
        (
            {"audience": "emails", "emails": "bram@example.org\ncarla@example.org"},
            "2 addresses",
        ),
    ],
)
async def test_every_kind_of_audience_is_listed_edited_and_previewed(
    client: Client, audience: dict[str, str], shown: str
) -> None:
    status, body = await client.post("/schedules", FORM | audience)
    assert status == 200, body
    assert shown in body
    # Support's two people live in Amsterdam and New York; everyone adds Kolkata and London.
    assert "Europe/Amsterdam: " in body and "America/New_York: " in body
    assert ("Asia/Kolkata: " in body) == (audience["audience"] == "all")
    status, body = await client.get("/schedules/workload-weekly/edit")
    assert status == 200
    assert f'value="{audience["audience"]}" checked' in body
    status, body = await client.get("/schedules/workload-weekly/preview")
    assert status == 200 and shown in html.unescape(body)


async def test_next_runs_follow_holidays_and_each_persons_working_week(
    console: Console, clock: FixedClock
) -> None:
    # Wednesday 24 March 2027: the next Monday, 29 March, is Easter Monday.
    clock.set(datetime(2027, 3, 24, 12, 0, tzinfo=UTC))
    part_time = "email,name,working_days\nbram@example.org,Bram Jansen,wed thu fri\n"
    await import_org(console.bot.app.db, part_time, clock.now())
    monday = FORM | {"id": "monday", "day": "mon", "time": "09:00", "holidays": "NL"}
    skipping = monday | {"id": "skipping", "audience": "emails", "emails": "bram@example.org"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        client = Client(http, console, await sign_in(http, console, HR_EN))
        await client.post("/schedules", monday)
        status, body = await client.post("/schedules", skipping | {"on_day_off": "skip"})
        assert status == 200
        status, preview = await client.get("/schedules/monday/preview")
    runs = _runs(body, "monday")
    # Anna and Hanna: Tuesday. Bram works Wednesday to Friday: his is on Wednesday.
    assert "Europe/Amsterdam: Tuesday 30 March at 09:00 (2 people)" in runs
    assert "Europe/Amsterdam: Wednesday 31 March at 09:00 (1 person)" in runs
    # The schedule's holidays are the schedule's, wherever its people live.
    assert "America/New_York: Tuesday 30 March at 09:00 (1 person)" in runs
    assert "Europe/London: Tuesday 30 March at 09:00 (1 person)" in runs
    # Skipping every Monday Bram does not work sends him nothing, and the page says so.
    assert _runs(body, "skipping") == [
        "Europe/Amsterdam: not within a year: every time falls on a day off and is skipped"
        " (1 person)"
    ]
    assert status == 200 and _runs(html.unescape(preview), "") == runs


def _runs(body: str, schedule_id: str) -> list[str]:
    """The next-run lines of one schedule's row (or of the page, for the preview)."""
    if schedule_id:
        body = body.split(f'id="schedule-{schedule_id}"', 1)[1].split("</tr>", 1)[0]
    listed = body.split('<ul class="plain runs">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", listed, re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


async def test_form_errors_are_the_files_errors(client: Client) -> None:
    bad = FORM | {"time": "25:00", "day": "someday", "grace": "forever"}
    status, body = await client.post("/schedules", bad)
    assert status == 400
    file_text = yaml.safe_dump({"schedules": [{**_raw(bad)}]})
    with pytest.raises(schedules.ScheduleFileError) as caught:
        schedules.parse_schedules(file_text, ["workload"])
    for error in caught.value.errors:
        assert error in body
    # The form keeps what was typed.
    assert 'value="25:00"' in body
    status, body = await client.post("/schedules", FORM | {"audience": "department"})
    assert status == 400 and "audience" in body


def _raw(form: dict[str, str]) -> dict[str, Any]:
    keys = ("id", "theme", "cadence", "day", "time", "grace")
    raw: dict[str, Any] = {k: form[k] for k in keys}
    return raw | {"audience": "all"}


async def test_edit_and_delete(client: Client) -> None:
    await client.post("/schedules", FORM)
    status, body = await client.get("/schedules/workload-weekly/edit")
    assert status == 200 and 'value="14:00"' in body
    status, body = await client.post("/schedules/workload-weekly", FORM | {"time": "09:30"})
    assert "09:30" in body
    status, body = await client.post("/schedules", FORM)
    assert status == 400 and "already used" in body
    status, body = await client.post("/schedules/workload-weekly/delete", {})
    assert "was deleted" in body and "No schedules yet." in body


async def test_preview_shows_the_first_message_in_each_language(client: Client) -> None:
    await client.post("/schedules", FORM)
    status, body = await client.get("/schedules/workload-weekly/preview")
    assert status == 200
    bank = client.console.bot.app.banks["workload"]
    body = html.unescape(body)
    assert bank.questions[0].text("nl") in body and bank.questions[0].text("en") in body
    assert bank.intro("nl") in body and bank.intro("en") in body
    # The first question is a scale: its numbers once each, with what the ends mean.
    first = bank.questions[0]
    assert first.kind == "scale" and first.low is not None and first.high is not None
    assert '<span class="chip">1</span> <span class="chip">2</span>' in body
    assert "<li>1</li>" not in body
    assert f"1 = {first.low('en')}, 5 = {first.high('en')}" in body


async def test_a_question_in_both_languages_joins_the_check_in(client: Client) -> None:
    question = {
        "theme": "workload",
        "topic": "focus",
        "kind": "yes_no",
        "text_nl": "Kon je deze week geconcentreerd werken?",
        "text_en": "Could you work with focus this week?",
        "visible_to_manager": "1",
    }
    status, body = await client.post("/questions", question)
    assert status == 200
    assert question["text_nl"] in body and question["text_en"] in body
    replies = await client.console.bot.say("bram@example.org", "checkin workload")
    assert replies
    bank = client.console.bot.app.banks["workload"]
    assert bank.questions[-1].text("en") == question["text_en"]
    assert not bank.questions[-1].is_health


async def test_a_health_question_is_never_visible_to_managers(client: Client) -> None:
    question = {
        "theme": "workload",
        "topic": "recovery",
        "kind": "text",
        "text_nl": "Slaap je goed de laatste tijd?",
        "text_en": "Have you been sleeping well lately?",
        "visible_to_manager": "1",
    }
    status, body = await client.post("/questions", question)
    assert status == 400 and "never visible to managers" in body
    del question["visible_to_manager"]
    status, body = await client.post("/questions", question)
    # Not blocked, but warned: it looks like health; saving needs a second, deliberate press.
    assert status == 200 and "looks like it asks about health" in body and "sleep" in body
    assert "Save anyway" in body
    status, body = await client.post("/questions", question | {"confirm": "1"})
    assert "was saved" in body
    [own] = [
        q for q in client.console.bot.app.banks["workload"].questions if "hr_" in q.question_id
    ]
    assert own.is_health
    explicit = question | {"health": "1", "visible_to_manager": "1", "text_en": "Anything?"}
    status, body = await client.post("/questions", explicit | {"text_nl": "Nog iets?"})
    assert status == 400 and "never visible to managers" in body


async def test_org_import_dry_run_errors_and_apply(client: Client) -> None:
    bad = "email,name,manager_email\nnew@example.org,New Person,nobody@example.org\n,No Email,\n"
    status, body = await client.post("/people/import", {"csv": bad, "action": "apply"})
    assert status == 400 and "Nothing was imported" in body
    assert "row 2:" in body and "row 3:" in body
    good = "email,name,manager_email,review_month\nnew@example.org,New Person,anna@example.org,5\n"
    status, body = await client.post("/people/import", {"csv": good, "action": "check"})
    assert "1 new" in body and "Nothing was saved" in body
    status, body = await client.get("/people")
    assert "new@example.org" not in body
    status, body = await client.post("/people/import", {"csv": good, "action": "apply"})
    assert "Imported: 1 new" in body
    status, body = await client.get("/people")
    assert "new@example.org" in body and "Hanna Rutgers" in body
    # A dry run of a change shows each field before and after.
    change = "email,name,review_month\nbram@example.org,Bram Jansen,11\n"
    status, body = await client.post("/people/import", {"csv": change, "action": "check"})
    assert "0 new, 1 changed" in body
    assert "<td><code>review_month</code></td>" in body and "<td>11</td>" in body


async def test_org_import_of_the_whole_organisation_lists_who_leaves(client: Client) -> None:
    """With "the file is the whole organisation" ticked, the check lists who leaves and
    saves nothing; the import then makes them leave."""
    status, body = await client.get("/people")
    assert 'name="full"' in body and "The file is the whole organisation" in body
    everyone = "email,name\n" + "".join(
        f"{name}@example.org,{name.title()}\n" for name in ("anna", "bram", "carla", "hr", "eva")
    )
    status, body = await client.post(
        "/people/import", {"csv": everyone, "action": "check", "full": "1"}
    )
    assert status == 200 and "Leaving (1): dirk@example.org" in body
    assert "Nothing was saved" in body and 'name="full" value="1" checked' in body
    status, body = await client.post("/people/import", {"csv": everyone, "action": "check"})
    assert "Leaving" not in body  # not ticked: nobody missing from the file leaves
    async with client.console.bot.app.db.session() as session:
        dirk = await session.scalar(select(Person).where(Person.email == "dirk@example.org"))
        assert dirk is not None and dirk.active
    status, body = await client.post(
        "/people/import", {"csv": everyone, "action": "apply", "full": "1"}
    )
    assert status == 200 and "Leaving (1): dirk@example.org" in body
    assert 'name="full" value="1" checked' not in body
    async with client.console.bot.app.db.session() as session:
        dirk = await session.scalar(select(Person).where(Person.email == "dirk@example.org"))
        assert dirk is not None and not dirk.active and dirk.left_at is not None
    status, body = await client.get("/people")
    assert '<th scope="row">dirk@example.org</th>' in body
    assert "Monday 22 March 2027" in body.split("dirk@example.org", 1)[1].split("</tr>", 1)[0]
    status, body = await client.post(
        "/people/import", {"csv": everyone, "action": "check", "full": "1"}
    )
    assert "Nobody leaves: everyone is in the file." in body
    # A file that would make most of the organisation leave asks to be confirmed first.
    few = "email,name\nhr@example.org,Hanna Rutgers\n"
    status, body = await client.post("/people/import", {"csv": few, "action": "apply", "full": "1"})
    assert status == 400 and "This file would make 4 of the 5 people leave." in body
    async with client.console.bot.app.db.session() as session:
        assert await session.scalar(select(func.count()).where(Person.active)) == 5
    status, body = await client.post(
        "/people/import", {"csv": few, "action": "apply", "full": "1", "many_leave": "1"}
    )
    assert status == 200 and "Leaving (4)" in body


async def test_reports_with_chart_and_downloads(client: Client) -> None:
    await seed_agreements(client.console)
    status, body = await client.get("/reports")
    assert status == 200 and 'class="chart-label"' in body
    assert "Training and development" in body and "fewer than 5" in body
    status, csv_text = await client.get("/reports/hr.csv")
    assert status == 200
    assert csv_text.splitlines()[0] == (
        "table,department,subject,period,value,count,people,suppressed"
    )
    async with client.http.get(
        f"{client.console.base}/reports/works-council.pdf", cookies={COOKIE: client.cookie}
    ) as response:
        assert (await response.read()).startswith(b"%PDF")


def test_admin_link_on_the_command_line(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "org", "import", "org.csv")
    code, out, _ = run(capsys, "admin", "link", "hr@example.org")
    assert code == 0 and out.startswith("http://127.0.0.1:3978/admin/signin/")
    code, _, err = run(capsys, "admin", "link", "bram@example.org")
    assert code == 2 and "not HR" in err


async def test_the_people_page_shows_employment_and_refuses_an_agency_worker_without_agency(
    client: Client,
) -> None:
    bad = "email,name,employment,agency,agency_contact_email\nbram@example.org,Bram,agency,,\n"
    status, body = await client.post("/people/import", {"csv": bad, "action": "apply"})
    assert status == 400 and "Nothing was imported" in body
    assert "employment is agency but agency and agency_contact_email are empty" in body
    good = (
        "email,name,employment,agency,agency_contact_email\n"
        "bram@example.org,Bram Jansen,agency,Flex & Co,planner@flex.example\n"
    )
    status, body = await client.post("/people/import", {"csv": good, "action": "apply"})
    assert status == 200
    status, body = await client.get("/people")
    # The agency's name is shown as typed (escaped, never markup).
    assert "agency worker (Flex &amp; Co)" in body
