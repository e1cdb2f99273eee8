"""HR figures and the works-council overview: what is shown, what is hidden, and why."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from pypdf import PdfReader

from bot.bootstrap import build_app
from bot.cli import main
from bot.cli.parser import build_parser
from bot.config import load_settings
from bot.privacy.registry import REGISTRY, say
from bot.reports.aggregates import Candidate, settle
from bot.reports.hr import HrFigures, hr_figures
from bot.reports.works_council import PROCESS_KEYS, render_html, works_council_overview
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, Person, Topic
from dialogs.banks import Bank, load_banks, parse_bank
from dialogs.report_texts import REPORT_CATALOG
from tests.support.seeded import SeededOrg
from tests.support.testbot import Testbot

NOW = datetime(2027, 6, 15, 9, 0, tzinfo=UTC)
MARCH = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
# A bank whose health question is marked only by the flag, not by its topic, and a theme
# that asks nothing but health.
CUSTOM_BANKS = """
- theme: energy
  title: {nl: Energie, en: Energy}
  intro: {nl: Energie, en: Energy}
  questions:
    - id: energy.level
      topic: energy
      kind: scale
      text: {nl: "Energie?", en: "Energy?"}
      low: {nl: laag, en: low}
      high: {nl: hoog, en: high}
    - id: energy.sleep
      topic: rest
      health: true
      kind: scale
      text: {nl: "Slaap?", en: "Sleep?"}
      low: {nl: slecht, en: bad}
      high: {nl: goed, en: good}
- theme: wellbeing
  title: {nl: Welzijn, en: Wellbeing}
  intro: {nl: Welzijn, en: Wellbeing}
  questions:
    - id: wellbeing.pain
      topic: health
      kind: scale
      text: {nl: "Pijn?", en: "Pain?"}
      low: {nl: geen, en: none}
      high: {nl: veel, en: a lot}
"""


def banks() -> dict[str, Bank]:
    found = load_banks()
    for i, doc in enumerate(yaml.safe_load(CUSTOM_BANKS)):
        bank = parse_bank(doc, f"custom[{i}]")
        found[bank.theme] = bank
    return found


class Org(SeededOrg):
    """A seeded organisation: department name -> person ids, and a manager for everyone."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, NOW, review_month=3)

    async def checkin(
        self,
        person_id: int,
        theme: str,
        answers: list[tuple[str, str, str, str, str]],
        *,
        at: datetime = MARCH,
        status: str = "completed",
    ) -> None:
        """One check-in with answers (question_id, topic, kind, value, visibility)."""
        async with self.db.session() as session:
            occurrence = Occurrence(
                person_id=person_id,
                period=f"{theme}-{at:%Y-%m-%d}",
                theme=theme,
                due_at=at,
                status=status,
                question_ids=[a[0] for a in answers],
                created_at=at,
            )
            session.add(occurrence)
            await session.flush()
            for question_id, topic, kind, value, visibility in answers:
                session.add(
                    Answer(
                        occurrence_id=occurrence.id,
                        person_id=person_id,
                        question_id=question_id,
                        theme=theme,
                        topic=topic,
                        kind=kind,
                        value=value,
                        visibility=visibility,
                        answered_at=at,
                    )
                )

    async def workload(self, person_id: int, value: int, status: str = "completed") -> None:
        """A workload check-in in March, with health answers that must never count."""
        answers = [
            ("workload.demands_level", "demands", "scale", str(value), "aggregate"),
            ("workload.free", "demands", "text", "my private words", "aggregate"),
        ]
        await self.checkin(
            person_id, "workload", answers if status == "completed" else [], status=status
        )
        # Health by topic (even when wrongly stored as shared), by flag, and a health-only
        # theme: none of these may move a figure or even a count.
        await self.checkin(
            person_id,
            "five_ages",
            [
                ("five_ages.health_energy", "health", "scale", "1", "private"),
                ("five_ages.health_fit", "health", "scale", "1", "shared"),
            ],
        )
        await self.checkin(
            person_id,
            "energy",
            [
                ("energy.level", "energy", "scale", "4", "shared"),
                ("energy.sleep", "rest", "scale", "1", "aggregate"),
            ],
        )
        await self.checkin(
            person_id, "wellbeing", [("wellbeing.pain", "health", "scale", "5", "private")]
        )

    async def agreement(
        self, employee: int, category: str, status: str = "signed", i_deal: bool = False
    ) -> int:
        async with self.db.session() as session:
            row = Agreement(
                employee_id=employee,
                manager_id=self.manager,
                drafter_id=self.manager,
                drafter_role="manager",
                year=2027,
                status=status,
                category=category,
                is_i_deal=i_deal,
                cadence="quarterly",
                current_version=1,
                signed_version=1 if status in ("signed", "at_risk", "completed") else None,
                signed_at=MARCH if status in ("signed", "at_risk", "completed") else None,
                created_at=MARCH,
                updated_at=MARCH,
            )
            session.add(row)
            await session.flush()
            return row.id


async def figures(db: Database, department: str | None = None) -> HrFigures:
    async with db.session() as session:
        return await hr_figures(session, year=2027, now=NOW, banks=banks(), department=department)


def numbers(f: HrFigures) -> list[Any]:
    return [(r.figure.value, r.figure.count, r.figure.people) for r in f.rows if r.figure.shown]


# ---- the suppression rules, on the organisation's figures ---------------------------------


async def test_a_group_of_four_is_hidden_and_so_is_one_more(db: Database) -> None:
    org = await Org(db).create({"Sales": 6, "Support": 7, "Tiny": 4})
    values = {"Sales": [2, 2, 2, 2, 2, 2], "Support": [4, 4, 4, 5, 5, 5, 5], "Tiny": [1, 1, 1, 1]}
    for dept, ids in org.people.items():
        for person, value in zip(ids, values[dept], strict=True):
            await org.workload(person, value)
    f = await figures(db)
    assert f.find("average", "workload", "Tiny", "2027-03").suppressed  # type: ignore[union-attr]
    # Hiding Tiny alone would let the organisation minus Sales and Support reveal it.
    assert f.find("average", "workload", "Sales", "2027-03").suppressed  # type: ignore[union-attr]
    support = f.find("average", "workload", "Support", "2027-03")
    assert support is not None and support.shown
    assert support.value == pytest.approx(32 / 7)
    assert (support.count, support.people) == (7, 7)
    whole = f.find("average", "workload", None, "2027-03")
    assert whole is not None and whole.shown
    assert whole.value == pytest.approx((12 + 32 + 4) / 17)
    assert whole.people == 17
    participation = f.find("participation", "workload", "Support", "2027-03")
    assert participation is not None and participation.value == 1.0


async def test_figures_are_correct_for_a_group_of_five(db: Database) -> None:
    org = await Org(db).create({"Ops": 5, "Dev": 6})
    for person, value in zip(org.people["Ops"], [1, 2, 3, 4, 5], strict=True):
        await org.workload(person, value)
    for person in org.people["Dev"][:5]:
        await org.workload(person, 4)
    await org.workload(org.people["Dev"][5], 4, status="stopped")
    f = await figures(db)
    ops = f.find("average", "workload", "Ops", "2027-03")
    assert ops is not None and ops.shown
    assert (ops.value, ops.count, ops.people) == (pytest.approx(3.0), 5, 5)
    dev = f.find("average", "workload", "Dev", "2027-03")
    assert dev is not None and (dev.value, dev.people) == (pytest.approx(4.0), 5)
    whole = f.find("average", "workload", None, "2027-03")
    assert whole is not None and whole.value == pytest.approx(3.5)
    dev_part = f.find("participation", "workload", "Dev", "2027-03")
    assert dev_part is not None
    assert (dev_part.value, dev_part.count, dev_part.people) == (pytest.approx(5 / 6), 5, 6)
    whole_part = f.find("participation", "workload", None, "2027-03")
    assert whole_part is not None and whole_part.value == pytest.approx(10 / 11)
    assert f.periods[0] == "2027-01" and len(f.periods) == 12


async def test_a_hidden_month_cannot_be_taken_from_its_quarter(db: Database) -> None:
    org = await Org(db).create({"Ops": 6})
    for person in org.people["Ops"]:
        for month in (1, 2):
            await org.checkin(
                person,
                "workload",
                [("workload.demands_level", "demands", "scale", "3", "aggregate")],
                at=datetime(2027, month, 10, 9, 0, tzinfo=UTC),
            )
    for person in org.people["Ops"][:2]:
        await org.checkin(
            person,
            "workload",
            [("workload.demands_level", "demands", "scale", "5", "aggregate")],
            at=datetime(2027, 3, 10, 9, 0, tzinfo=UTC),
        )
    months = await figures(db)
    assert months.find("average", "workload", None, "2027-03").suppressed  # type: ignore[union-attr]
    async with db.session() as session:
        quarters = await hr_figures(session, year=2027, now=NOW, banks=banks(), period="quarter")
    q1 = quarters.find("average", "workload", None, "2027-Q1")
    shown_months = [
        m
        for m in ("2027-01", "2027-02")
        if months.find("average", "workload", None, m).shown  # type: ignore[union-attr]
    ]
    # Q1 and both other months shown would give March's two answers away.
    assert q1 is not None
    assert q1.suppressed or len(shown_months) < 2


async def test_a_department_of_six_in_an_organisation_of_seven_is_hidden(db: Database) -> None:
    org = await Org(db).create({"Sales": 6, "Support": 1})
    for person in org.people["Sales"]:
        await org.workload(person, 2)
    await org.workload(org.people["Support"][0], 5)
    f = await figures(db)
    whole = f.find("average", "workload", None, "2027-03")
    sales = f.find("average", "workload", "Sales", "2027-03")
    support = f.find("average", "workload", "Support", "2027-03")
    assert whole is not None and whole.shown and whole.people == 7
    assert sales is not None and sales.suppressed
    assert support is not None and support.suppressed
    part = f.find("participation", "workload", "Sales", "2027-03")
    assert part is not None and part.suppressed


async def test_a_filter_leaving_one_person_shows_nothing(db: Database) -> None:
    org = await Org(db).create({"Sales": 9, "Solo": 1})
    for person in org.people["Sales"]:
        await org.workload(person, 3)
    await org.workload(org.people["Solo"][0], 1)
    await org.agreement(org.people["Solo"][0], "pay", i_deal=True)
    solo = await figures(db, department="Solo")
    assert solo.rows and all(r.department == "Solo" for r in solo.rows)
    assert numbers(solo) == []
    # The filtered report shows exactly the cells of the full one.
    full = await figures(db)
    for row in (await figures(db, department="Sales")).rows:
        assert full.find(row.table, row.subject, "Sales", row.period) == row.figure


async def test_agreement_counts_hide_small_groups_and_near_duplicates(db: Database) -> None:
    org = await Org(db).create({"Sales": 12})
    staff = org.people["Sales"]
    for person in staff[:6]:
        await org.agreement(person, "pay", i_deal=person != staff[0])
    for person in staff[6:11]:
        await org.agreement(person, "development", status="at_risk", i_deal=True)
    for person in staff:
        await org.agreement(person, "working_hours")
    f = await figures(db)
    pay = f.find("agreements_by_category", "pay")
    assert pay is not None and pay.shown and pay.count == 6
    # Five i-deals next to six pay agreements would single out the one that is not.
    deals = f.find("i_deals_by_category", "pay")
    assert deals is not None and deals.suppressed
    development = f.find("agreements_by_category", "development")
    assert development is not None and development.count == 5
    at_risk = f.find("agreements_by_status", "at_risk")
    assert at_risk is not None and at_risk.count == 5
    total = f.find("agreements_total", "all")
    assert total is not None and total.count == 23

    # Two dropped agreements: hidden, and one more cell in each line that adds up to the
    # total, so "total minus the shown ones" gives nothing away.
    for person in staff[:2]:
        await org.agreement(person, "other", status="dropped")
    f = await figures(db)
    hidden_categories = [
        s
        for s in f.subjects("agreements_by_category")
        if f.find("agreements_by_category", s).suppressed  # type: ignore[union-attr]
    ]
    assert "other" in hidden_categories and len(hidden_categories) >= 2
    # The development agreements are all i-deals: hiding the category hides them too.
    assert "development" in hidden_categories
    assert f.find("i_deals_by_category", "development").suppressed  # type: ignore[union-attr]
    hidden_statuses = [
        s
        for s in f.subjects("agreements_by_status")
        if f.find("agreements_by_status", s).suppressed  # type: ignore[union-attr]
    ]
    assert "dropped" in hidden_statuses and len(hidden_statuses) >= 2


async def test_health_never_enters_a_figure(db: Database) -> None:
    org = await Org(db).create({"Sales": 8})
    for person in org.people["Sales"]:
        await org.workload(person, 3)
    f = await figures(db)
    assert "wellbeing" not in f.themes
    assert f.find("participation", "wellbeing", None, "2027-03") is None
    energy = f.find("average", "energy", None, "2027-03")
    # Only energy.level (4) counts; the flagged sleep question (1) does not.
    assert energy is not None and energy.value == pytest.approx(4.0) and energy.count == 8
    assert f.find("average", "five_ages", None, "2027-03") is None
    async with db.session() as session:
        overview = await works_council_overview(session, year=2027, now=NOW, banks=banks())
    topics = {i.key for i in overview.group("topics")}
    assert "health" not in topics and "rest" not in topics
    assert topics == {"demands", "energy"}


def test_overlapping_groups_differing_by_one_person() -> None:
    """The difference attack between two filters that are not nested in a total."""
    six = Candidate("six", 6, 3.0, members=frozenset(range(6)), scope="workload-03")
    seven = Candidate("seven", 7, 3.1, members=frozenset(range(7)), scope="workload-03")
    shown = settle([six, seven])
    assert shown["six"].shown and shown["seven"].suppressed
    far = Candidate("far", 11, 3.1, members=frozenset(range(11)), scope="workload-03")
    assert settle([six, far])["far"].shown
    other = Candidate("other", 7, 3.1, members=frozenset(range(7)), scope="another measure")
    assert settle([six, other])["other"].shown
    four = Candidate("four", 4, 3.0, members=frozenset(range(4)))
    assert settle([four])["four"].suppressed
    text = Candidate("text", 9, 1.0, members=frozenset(range(9)))
    assert settle([text], sensitivity="text")["text"].suppressed
    assert settle([text])["text"].shown


# ---- the works-council overview -----------------------------------------------------------


async def seed_year(db: Database) -> Org:
    org = await Org(db).create({"Sales": 10, "Support": 8})
    everyone = org.people["Sales"] + org.people["Support"]
    for person in everyone:
        await org.workload(person, 3)
    for person in everyone[:12]:
        await org.agreement(person, "development")
    for person in everyone[12:15]:
        await org.agreement(person, "pay", status="dropped")
    for person in everyone[:6]:
        await org.agreement(person, "working_hours", status="at_risk", i_deal=True)
    async with db.session() as session:
        for person in everyone[:10]:
            session.add(
                Topic(person_id=person, text="secret words", status="open", raised_at=MARCH)
            )
    async with db.session() as session:
        rows = (
            await session.execute(
                Agreement.__table__.select().where(Agreement.category == "development")
            )
        ).all()
        for row in rows:
            for role, party in (("employee", row.employee_id), ("manager", org.manager)):
                session.add(
                    AgreementFollowUp(
                        agreement_id=row.id,
                        party_id=party,
                        role=role,
                        period="2027-Q1",
                        due_at=MARCH,
                        answer="on_track" if role == "employee" else None,
                        answered_at=MARCH if role == "employee" else None,
                        created_at=MARCH,
                    )
                )
    return org


async def test_works_council_overview(db: Database) -> None:
    await seed_year(db)
    async with db.session() as session:
        overview = await works_council_overview(session, year=2027, now=NOW, banks=banks())
    employees = overview.find("process", "employees")
    assert employees is not None and employees.count == 18
    # Signing an agreement is not holding the review: none was recorded this year.
    held = overview.find("process", "reviews_held")
    assert held is not None and held.count == 0 and not held.suppressed
    share = overview.find("process", "signed_share")
    assert share is not None and share.value == pytest.approx(12 / 18)
    rate = overview.find("process", "followup_rate")
    assert rate is not None and rate.value == pytest.approx(0.5)
    briefs = overview.find("process", "briefs_sent")  # none went out in this seeded year
    assert briefs is not None and briefs.count == 0 and not briefs.suppressed
    # workload, five_ages and energy; the health-only theme is not even counted
    checkins = overview.find("process", "checkins")
    assert checkins is not None and (checkins.count, checkins.people) == (54, 18)
    demands = overview.find("topics", "demands")  # the free-text answers are not read
    assert demands is not None and (demands.count, demands.people) == (18, 18)
    assert overview.find("outcomes", "dropped").suppressed  # type: ignore[union-attr]
    # Three pay agreements are hidden, so working hours (6) is hidden with them; its six
    # i-deals (the same people) must not show it after all.
    assert overview.find("categories", "pay").suppressed  # type: ignore[union-attr]
    assert overview.find("categories", "working_hours").suppressed  # type: ignore[union-attr]
    assert overview.find("i_deals", "working_hours").suppressed  # type: ignore[union-attr]
    assert overview.find("outcomes", "kept").count == 12  # type: ignore[union-attr]
    # Ten raised topics are enough for a free-text figure; their words never appear.
    raised = overview.find("raised_topics", "all")
    assert raised is not None and raised.count == 10
    assert "records" not in [i.group for i in overview.items]
    # What the system records closes the overview, in the privacy registry's words.
    page = render_html(overview, "nl")
    assert say(REGISTRY["answers"].holds, "nl") in page
    assert REGISTRY["agreements"].seen_by_text("nl") in page


# ---- the command line ---------------------------------------------------------------------


async def run_cli(db: Database, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The `jaarrond` parser and handler, on the test database (both backends)."""
    from bot.clock import FixedClock

    app = build_app(load_settings({}), FixedClock(NOW), db=db)
    args = build_parser().parse_args(list(argv))
    assert await args.handler(app, args) == 0
    return capsys.readouterr().out


async def test_cli_formats(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    await seed_year(db)
    html = await run_cli(db, capsys, "report", "hr", "--year", "2027", "--locale", "en")
    assert "<svg" in html and "<title>" in html and "secret words" not in html
    assert "my private words" not in html
    assert_svgs_are_well_formed(html)
    rows = list(
        csv.DictReader(io.StringIO(await run_cli(db, capsys, "report", "hr", "--format", "csv")))
    )
    assert rows and set(rows[0]) >= {"table", "department", "value", "suppressed"}
    assert any(r["table"] == "average" and r["value"] for r in rows)
    data = json.loads(
        await run_cli(db, capsys, "report", "hr", "--format", "json", "--department", "Sales")
    )
    assert data["department"] == "Sales" and data["rows"]
    quarterly = json.loads(
        await run_cli(db, capsys, "report", "hr", "--format", "json", "--period", "quarter")
    )
    assert "2027-Q1" in {r["period"] for r in quarterly["rows"]}
    wc_html = await run_cli(
        db, capsys, "report", "works-council", "--year", "2027", "--locale", "nl"
    )
    assert "<svg" in wc_html and "ondernemingsraad" in wc_html and "secret words" not in wc_html
    assert_svgs_are_well_formed(wc_html)
    pdf = tmp_path / "wc.pdf"
    await run_cli(
        db,
        capsys,
        "report",
        "works-council",
        "--year",
        "2027",
        "--format",
        "pdf",
        "--out",
        str(pdf),
        "--locale",
        "en",
    )
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "works council" in text and "Agreements by category" in text
    assert "secret words" not in text


def test_cli_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JAARROND_DATABASE_URL", f"sqlite:///{tmp_path}/j.db")
    assert main(["db", "upgrade"]) == 0
    assert main(["--now", "2027-06-15T09:00:00Z", "report", "hr", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["year"] == 2027
    assert main(["report", "hr", "--department", "Nowhere"]) == 2
    assert "no department named" in capsys.readouterr().err
    assert main(["report", "works-council", "--year", "2027", "--format", "pdf"]) == 2


# ---- chat -------------------------------------------------------------------------------


async def test_hr_asks_for_the_figures_in_chat(testbot: Testbot) -> None:
    org = Org(testbot.app.db)
    async with testbot.app.db.session() as session:
        support = (
            await session.execute(
                Person.__table__.select().where(Person.email.like("%example.org"))
            )
        ).all()
    ids = {row.email: row.id for row in support}
    for email in ("anna@example.org", "bram@example.org", "carla@example.org"):
        await org.workload(ids[email], 3)
    testbot.clock.set(NOW)
    replies = await testbot.say("hr@example.org", "rapport")
    assert "minder dan 5" in replies[-1].text
    assert "HR-cijfers 2027" in (replies[-1].title or "")
    replies = await testbot.say("bram@example.org", "report")
    assert "HR figures" not in replies[-1].text and "Type 'help'" in replies[-1].text


def test_every_report_text_exists_in_dutch_and_english() -> None:
    assert REPORT_CATALOG.problems() == []
    for name in PROCESS_KEYS:
        assert f"wc.{name}" in REPORT_CATALOG, name
    for name in ("kept", "at_risk", "dropped", "open"):
        assert f"wc.outcome.{name}" in REPORT_CATALOG, name
    for table in ("average", "participation"):
        assert f"hr.chart.{table}" in REPORT_CATALOG
    root = Path(__file__).parent.parent
    for source in root.glob("bot/reports/*.py"):
        for key in re.findall(r"""\btr\(\s*"([a-z_.]+)\"""", source.read_text()):
            assert key in REPORT_CATALOG, f"{source.name}: {key}"


def assert_svgs_are_well_formed(html: str) -> None:
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert svgs
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
