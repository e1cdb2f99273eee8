"""The console's Reports page over HTTP: the HR figures per theme and department with their
charts, the agreements, the works-council overview, the filter and the downloads."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pypdf import PdfReader

from bot.clock import FixedClock
from bot.console.security import COOKIE
from bot.storage.database import Database
from tests.support.console import (
    HR_EN,
    Console,
    running_console,
    seed_report_figures,
    sign_in,
)


class Client:
    def __init__(self, http: aiohttp.ClientSession, console: Console, cookie: str) -> None:
        self.http, self.console, self.cookie = http, console, cookie

    async def get(self, path: str) -> tuple[aiohttp.ClientResponse, bytes]:
        async with self.http.get(
            self.console.base + path, cookies={COOKIE: self.cookie}
        ) as response:
            return response, await response.read()

    async def page(self, path: str) -> str:
        response, body = await self.get(path)
        assert response.status == 200, body
        return html.unescape(body.decode("utf-8"))


@pytest.fixture
async def client(db: Database, clock: FixedClock) -> AsyncIterator[Client]:
    async with running_console(db, clock) as console:
        await seed_report_figures(console)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            yield Client(http, console, await sign_in(http, console, HR_EN))


def row_of(body: str, name: str) -> str:
    """The table row whose header cell is `name` (the first such row)."""
    start = body.index(f'<th scope="row">{name}</th>')
    return body[start : body.index("</tr>", start)]


async def test_the_page_shows_big_groups_hides_small_ones_and_no_health(client: Client) -> None:
    response, raw = await client.get("/reports")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    text = raw.decode("utf-8")
    # Nothing inline that the policy would block: charts are styled by the stylesheet.
    assert "style=" not in text and "<script" not in text and "<style" not in text
    body = html.unescape(text)
    assert "HR figures 2027: participation and averages (Whole organisation)" in body
    # Average score in March: Ops (7 people, all 4) is shown; Legal (2) is hidden, and so is
    # Sales (6), or the organisation minus the others would give Legal away.
    workload = body[body.index("Workload and recovery: average score (1-5)") :]
    assert '<th scope="col">Mar</th>' in workload  # months by name, not "2027-03"
    assert ">4.00<" in row_of(workload, "Ops")
    assert '<td class="suppressed">fewer than 5</td>' in row_of(workload, "Legal")
    assert ">1.00<" not in workload and ">2.00<" not in workload
    assert ">2.80<" in row_of(workload, "Whole organisation")  # (7*4 + 6*2 + 2*1) / 15
    # Charts: a line over the months for each theme, bars for the agreements.
    assert body.count("<svg") >= 4 and 'class="chart-dot"' in body
    assert 'class="chart-bar"' in body
    # Agreements of the whole organisation are shown; Legal's two are not, and neither are
    # Ops's seven, or the organisation's nine minus Ops would give Legal away.
    assert "I-deals by category" in body
    agreements = body[body.index("Agreements by category") :]
    assert "Training and development: 9; Working hours: 6" in agreements
    assert "signed: 9" in agreements and "proposed: 6" in agreements
    assert '<td class="suppressed">fewer than 5</td>' in row_of(agreements, "Legal")
    # The works-council overview for the year, with its records.
    assert "Works-council overview 2027" in body
    # Health answers count nowhere: not as a topic, not as an average of their theme.
    assert '<th scope="row">health</th>' not in body
    stage = body[body.index("<h4>Work and life stage: average score") :]
    assert stage.index("Nothing to show yet.") < stage.index("<h4>", 1)
    # The filter: labelled fields in a GET form.
    assert '<form method="get"' in body
    assert '<label for="report-year">Year</label>' in body
    assert '<label for="report-department">Department</label>' in body


async def test_the_department_filter_and_the_year(client: Client) -> None:
    body = await client.page("/reports?year=2027&department=Ops")
    assert '<option value="Ops" selected>' in body
    assert "(Ops)" in body and ">4.00<" in body
    assert "Whole organisation</th>" not in body.split("Works-council overview")[0]
    legal = await client.page("/reports?year=2027&department=Legal")
    hr_part = legal.split("Agreements 2027")[0]
    assert "fewer than 5" in hr_part and ">1.00<" not in hr_part
    # A year without check-ins says so.
    empty = await client.page("/reports?year=2026")
    assert "No check-ins in this year yet." in empty
    for bad in ("year=1999", "year=abc", "department=Nowhere"):
        response, _ = await client.get(f"/reports?{bad}")
        assert response.status == 400


async def test_the_downloads_parse(client: Client) -> None:
    response, raw = await client.get("/reports/hr.csv?year=2027")
    assert response.status == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    cell = {
        (r["table"], r["department"], r["subject"], r["period"]): r
        for r in rows
        if r["period"] in ("2027-03", "")
    }
    ops = cell[("average", "Ops", "workload", "2027-03")]
    assert float(ops["value"]) == pytest.approx(4.0) and ops["suppressed"] == "false"
    legal = cell[("average", "Legal", "workload", "2027-03")]
    assert legal["suppressed"] == "true" and legal["value"] == "" and legal["people"] == ""
    assert not any(r["subject"] == "five_ages" and r["table"] == "average" for r in rows)

    response, raw = await client.get("/reports/hr.json?year=2027&department=Ops")
    assert response.status == 200
    data = json.loads(raw)
    assert data["department"] == "Ops" and {r["department"] for r in data["rows"]} == {"Ops"}

    response, raw = await client.get("/reports/works-council.pdf?year=2027")
    assert response.status == 200 and response.content_type == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
    assert "Annual overview for the works council 2027" in text
    assert "Training and development: 9" in text
    assert not re.search(r"^health:", text, re.MULTILINE)

    response, raw = await client.get("/reports/works-council.html?year=2027")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert b"<svg" in raw


async def test_the_page_in_dutch(db: Database, clock: FixedClock) -> None:
    async with running_console(db, clock) as console:
        await seed_report_figures(console)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            client = Client(http, console, await sign_in(http, console))
            body = await client.page("/reports")
    assert '<label for="report-department">Afdeling</label>' in body
    assert "minder dan 5" in body and "Overzicht voor de ondernemingsraad 2027" in body


async def test_the_page_shows_the_development_ladder(client: Client) -> None:
    body = await client.page("/reports?year=2027")
    ladder = body[body.index('<h2 id="report-ladder">') : body.index('id="report-wc"')]
    assert "Development ladder of labour relations 2027" in ladder
    assert "An indication, not a verdict." in ladder
    assert "Whole organisation: estimated stage" in ladder
    # Legal has two people: no stage, whatever its figures.
    assert "fewer than 5 employees: no stage" in row_of(ladder, "Legal")
    ops = await client.page("/reports?year=2027&department=Ops")
    only = ops[ops.index('<h2 id="report-ladder">') : ops.index('id="report-wc"')]
    assert "Ops: estimated stage" in only and "Stage by department" not in only
