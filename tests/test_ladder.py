"""The development ladder: a stage per department and for the organisation, estimated from
what the dialogue stores, suppressed like every figure, with its rules as data."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from bot.bootstrap import build_app
from bot.cli.parser import build_parser
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.reports import hr, hr_output
from bot.reports import works_council as wc
from bot.storage.agreement_models import Agreement, AgreementFollowUp, AgreementVersion
from bot.storage.database import Database
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Answer, Occurrence
from dialogs.banks import load_banks
from dialogs.ladder import LadderRulesError, load_rules, parse_rules
from tests.support.seeded import SeededOrg

YEAR = 2027
SPRING = datetime(YEAR, 3, 10, 9, 0, tzinfo=UTC)
LAST_SPRING = datetime(YEAR - 1, 3, 10, 9, 0, tzinfo=UTC)
AUTUMN = datetime(YEAR, 10, 1, 9, 0, tzinfo=UTC)
TOPICS = ("reciprocity", "equality", "coherence")


class Seed(SeededOrg):
    """An organisation written straight into the tables the bot fills: a boss, departments
    of employees, and their check-ins, relationship answers, agreements and conversations."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, SPRING)

    async def org(self, sizes: dict[str, int]) -> Seed:
        await self.create(sizes)
        return self

    async def checkin(self, person: int, at: datetime, *, completed: bool, score: int = 0) -> None:
        """A relationship check-in; a completed one answers the three outcome questions."""
        async with self.db.session() as session:
            occurrence = Occurrence(
                person_id=person,
                period=f"relationship-{self.serial()}",
                theme="relationship",
                due_at=at,
                status="completed" if completed else "expired",
                question_ids=[],
                created_at=at,
            )
            session.add(occurrence)
            await session.flush()
            if not completed or not score:
                return
            for topic in TOPICS:
                session.add(
                    Answer(
                        occurrence_id=occurrence.id,
                        person_id=person,
                        question_id=f"relationship.{topic}",
                        theme="relationship",
                        topic=topic,
                        kind="scale",
                        value=str(score),
                        visibility="aggregate",
                        answered_at=at,
                    )
                )

    async def contract(self, person: int, year: int, *, i_deal: bool = False) -> int:
        """A signed agreement of `year`; an i-deal gives its reason."""
        at = datetime(year, 2, 1, 9, 0, tzinfo=UTC)
        async with self.db.session() as session:
            row = Agreement(
                employee_id=person,
                manager_id=self.manager,
                drafter_id=self.manager,
                drafter_role="manager",
                year=year,
                status="signed",
                category="development",
                is_i_deal=i_deal,
                cadence="quarterly",
                current_version=1,
                signed_version=1,
                signed_at=at,
                created_at=at,
                updated_at=at,
            )
            session.add(row)
            await session.flush()
            session.add(
                AgreementVersion(
                    agreement_id=row.id,
                    number=1,
                    author_id=self.manager,
                    category="development",
                    text="A course this spring.",
                    is_i_deal=i_deal,
                    i_deal_rationale="It fits the team's plans for next year." if i_deal else None,
                    start_date=date(year, 2, 1),
                    cadence="quarterly",
                    created_at=at,
                )
            )
            return row.id

    async def round(self, agreement: int, person: int, due: datetime, *answers: str) -> None:
        """One follow-up round: the employee's and the manager's answer (None: unanswered)."""
        async with self.db.session() as session:
            for party, role, answer in zip(
                (person, self.manager), ("employee", "manager"), answers, strict=True
            ):
                session.add(
                    AgreementFollowUp(
                        agreement_id=agreement,
                        party_id=party,
                        role=role,
                        period=f"{due:%Y-%m}",
                        due_at=due,
                        answer=answer,
                        answered_at=due if answer else None,
                        created_at=due,
                    )
                )

    async def talked(self, person: int, at: datetime) -> None:
        async with self.db.session() as session:
            session.add(
                Conversation(
                    employee_id=person,
                    manager_id=self.manager,
                    logged_by_id=self.manager,
                    happened_at=at,
                    created_at=at,
                )
            )


async def figures(db: Database, clock: FixedClock, department: str | None = None) -> hr.HrFigures:
    async with db.session() as session:
        return await hr.hr_figures(
            session, year=YEAR, now=clock.now(), banks=load_banks(), department=department
        )


def stage_rows(found: hr.HrFigures) -> dict[tuple[str, str], dict[str, str]]:
    """The CSV's ladder_stage rows by (department, year)."""
    rows = csv.DictReader(io.StringIO(hr_output.render_csv(found)))
    return {(r["department"], r["period"]): r for r in rows if r["table"] == "ladder_stage"}


@pytest.fixture
def autumn() -> FixedClock:
    return FixedClock(AUTUMN)


async def test_a_department_moves_up_a_stage_when_its_indicators_change(
    db: Database, autumn: FixedClock
) -> None:
    seed = await Seed(db).org({"Sales": 6, "Ops": 6})
    sales = seed.people["Sales"]
    # Spring: two of six answered the check-in, and found the relationship poor; no one has
    # a third contract or talked with their manager.
    for n, person in enumerate(sales):
        await seed.checkin(person, SPRING, completed=n < 2, score=2)
    before = await figures(db, autumn)
    assert before.ladder is not None
    spring = before.ladder.at("Sales", YEAR)
    assert spring is not None and spring.estimate is not None
    assert spring.estimate.stage_name == "reactive"
    assert stage_rows(before)[("Sales", str(YEAR))]["subject"] == "reactive"
    # What would move it up is named: every indicator below calculating, with its threshold.
    assert {s.indicator for s in spring.estimate.steps} >= {"checkin_participation"}

    # Over the summer everyone answers, signs a third contract, talks with the manager and
    # finds the relationship good; the clock moves on.
    for person in sales:
        for week in range(3):
            await seed.checkin(person, SPRING + timedelta(weeks=10 + week), completed=True, score=5)
        agreement = await seed.contract(person, YEAR)
        await seed.round(agreement, person, SPRING + timedelta(days=90), "on_track", "partly")
        for month in (4, 6, 8):
            await seed.talked(person, datetime(YEAR, month, 2, 10, 0, tzinfo=UTC))
    autumn.advance(timedelta(days=30))
    after = await figures(db, autumn)
    assert after.ladder is not None
    later = after.ladder.at("Sales", YEAR)
    assert later is not None and later.estimate is not None
    assert later.estimate.stage > spring.estimate.stage
    assert later.estimate.stage_name == "integral"
    assert stage_rows(after)[("Sales", str(YEAR))]["value"] == "4.0"
    # Ops did nothing and stays where it was: no figures, no stage.
    ops = after.ladder.at("Ops", YEAR)
    assert ops is not None and ops.estimate is None
    text = hr_output.render_html(after, "en")
    assert "Integral" in text and "an indication, not a verdict" in text.lower()


async def test_last_years_stage_is_shown_beside_this_years(
    db: Database, autumn: FixedClock
) -> None:
    seed = await Seed(db).org({"Sales": 6})
    for person in seed.people["Sales"]:
        await seed.checkin(person, LAST_SPRING, completed=True, score=2)
        await seed.checkin(person, SPRING, completed=True, score=4)
        await seed.contract(person, YEAR)
    found = await figures(db, autumn)
    rows = stage_rows(found)
    assert rows[("Sales", str(YEAR - 1))]["subject"] == "reactive"
    assert rows[("Sales", str(YEAR))]["subject"] == "integral"
    _, body = hr_output.render_chat(found, "en")
    assert "Development ladder (an indication, not a verdict): 2027: Integral · 2026: Reactive" in (
        body
    )
    _, dutch = hr_output.render_chat(found, "nl")
    assert "Ontwikkelladder (een indicatie, geen oordeel): 2027: Integraal · 2026: Reactief" in (
        dutch
    )


async def test_a_department_below_the_minimum_shows_no_stage(
    db: Database, autumn: FixedClock
) -> None:
    seed = await Seed(db).org({"Sales": 6, "Ops": 7, "Tiny": 4})
    for person in seed.people["Sales"] + seed.people["Ops"] + seed.people["Tiny"]:
        await seed.checkin(person, SPRING, completed=True, score=5)
        await seed.talked(person, SPRING)
    # Two i-deals: too few people behind the figure, in any department or overall.
    for person in seed.people["Sales"][:2]:
        await seed.contract(person, YEAR, i_deal=True)
    found = await figures(db, autumn)
    assert found.ladder is not None
    tiny = found.ladder.at("Tiny", YEAR)
    assert tiny is not None and tiny.suppressed and tiny.estimate is None
    rows = stage_rows(found)
    assert rows[("Tiny", str(YEAR))]["suppressed"] == "true"
    assert rows[("Tiny", str(YEAR))]["subject"] == ""
    # The whole organisation and the largest department still get their stage. Sales is
    # large enough, but its figures would give Tiny's away (the organisation minus Sales and
    # Ops), so they are hidden with it: too few figures remain for a stage.
    assert rows[("", str(YEAR))]["suppressed"] == "false"
    assert rows[("Ops", str(YEAR))]["suppressed"] == "false"
    assert ("Sales", str(YEAR)) not in rows
    sales = found.ladder.at("Sales", YEAR)
    assert sales is not None and not sales.suppressed and sales.estimate is None
    assert all(f.suppressed for f in sales.figures.values())
    data = json.loads(hr_output.render_json(found))
    tiny_rows = [r for r in data["rows"] if r["table"] == "ladder" and r["department"] == "Tiny"]
    assert tiny_rows and all(r["suppressed"] and r["value"] is None for r in tiny_rows)
    deals = [
        r
        for r in data["rows"]
        if r["table"] == "ladder" and r["subject"] == "i_deals_per_100" and r["period"] == "2027"
    ]
    hidden = {r["department"] for r in deals if r["suppressed"]}
    assert {None, "Sales"} <= hidden
    # A department without any i-deal shows 0: "nobody" singles out no one.
    assert [r["value"] for r in deals if r["department"] == "Ops"] == [0.0]
    english = hr_output.render_html(found, "en")
    assert "fewer than 5 employees: no stage" in english
    dutch = hr_output.render_html(found, "nl")
    assert "minder dan 5 medewerkers: geen trede" in dutch
    # Asked for on its own, the small department shows no stage either.
    alone = await figures(db, autumn, department="Tiny")
    assert alone.ladder is not None and alone.ladder.scopes == ("Tiny",)
    assert "fewer than 5 employees: no stage" in hr_output.render_chat(alone, "en")[1]


async def test_perception_gaps_count_as_resolved_when_a_later_round_agrees(
    db: Database, autumn: FixedClock
) -> None:
    seed = await Seed(db).org({"Sales": 6})
    for n, person in enumerate(seed.people["Sales"]):
        agreement = await seed.contract(person, YEAR)
        await seed.round(agreement, person, SPRING, "not", "on_track")
        if n < 3:
            await seed.round(agreement, person, SPRING + timedelta(days=91), "partly", "on_track")
    found = await figures(db, autumn)
    data = json.loads(hr_output.render_json(found))
    (gaps,) = [
        r
        for r in data["rows"]
        if r["table"] == "ladder"
        and r["subject"] == "gaps_resolved"
        and r["department"] is None
        and r["period"] == "2027"
    ]
    assert gaps["value"] == pytest.approx(0.5)
    (both,) = [
        r
        for r in data["rows"]
        if r["table"] == "ladder"
        and r["subject"] == "followup_both_sides"
        and r["department"] is None
        and r["period"] == "2027"
    ]
    assert both["value"] == pytest.approx(1.0)


async def run_cli(
    db: Database, clock: FixedClock, capsys: pytest.CaptureFixture[str], *argv: str
) -> str:
    app = build_app(load_settings({}), clock, db=db)
    args = build_parser().parse_args(list(argv))
    assert await args.handler(app, args) == 0
    return capsys.readouterr().out


async def test_both_documents_show_the_stage_in_both_languages(
    db: Database, autumn: FixedClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    seed = await Seed(db).org({"Sales": 6})
    for person in seed.people["Sales"]:
        await seed.checkin(person, SPRING, completed=True, score=4)
        await seed.contract(person, YEAR)
    for locale, words in (
        ("en", ("Development ladder", "Integral", "An indication, not a verdict")),
        ("nl", ("Ontwikkelladder", "Integraal", "Een indicatie, geen oordeel")),
    ):
        for report in ("hr", "works-council"):
            out = tmp_path / f"{report}-{locale}.pdf"
            await run_cli(
                db,
                autumn,
                capsys,
                "report",
                report,
                "--year",
                str(YEAR),
                "--format",
                "pdf",
                "--locale",
                locale,
                "--out",
                str(out),
            )
            text = " ".join(page.extract_text() for page in PdfReader(out).pages)
            text = " ".join(text.split())
            assert all(word in text for word in words), (report, locale)
            assert "SPDI 2025" in text and "Huiskamp" in text
        html = await run_cli(
            db, autumn, capsys, "report", "works-council", "--year", str(YEAR), "--locale", locale
        )
        assert words[1] in html
    async with db.session() as session:
        overview = await wc.works_council_overview(
            session, year=YEAR, now=autumn.now(), banks=load_banks()
        )
    # The works council sees the organisation only.
    assert overview.ladder is not None and overview.ladder.scopes == (None,)


# ---- the rules file ---------------------------------------------------------------------------


def builtin() -> dict[str, object]:
    text = (Path(__file__).parent.parent / "dialogs" / "ladder.yaml").read_text(encoding="utf-8")
    data: dict[str, object] = yaml.safe_load(text)
    return data


def with_indicator(**changes: object) -> dict[str, object]:
    data = builtin()
    indicators = list(data["indicators"])  # type: ignore[call-overload]
    indicators[0] = {**indicators[0], **changes}
    data["indicators"] = indicators
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            with_indicator(thresholds={"calculating": 0.6, "proactive": 0.5, "integral": 0.8}),
            "indicators[0] (checkin_participation).thresholds: each stage needs more than the "
            "one before",
        ),
        (
            with_indicator(thresholds={"calculating": 0.4, "proactive": 0.6, "integral": 80}),
            "thresholds: each must be a share from 0 to 1",
        ),
        (
            with_indicator(thresholds={"calculating": 0.4, "proactive": 0.6}),
            "thresholds: give exactly calculating, proactive, integral",
        ),
        (
            with_indicator(id="happiness"),
            "indicators[0]: 'id' must be one of checkin_participation",
        ),
        (with_indicator(source="a blog"), "indicators[0] (checkin_participation).source: name one"),
        (with_indicator(why={"nl": "Omdat."}), "why: missing text for en"),
        ({**builtin(), "quorum": 1.5}, "quorum must be a share above 0 and at most 1"),
        ({**builtin(), "stages": {"reactive": {"nl": "a", "en": "b"}}}, "'stages' must describe"),
        ({**builtin(), "minimum_indicators": 20}, "minimum_indicators is 20 but only 9"),
    ],
)
def test_a_broken_rules_file_is_refused_with_the_field_named(
    data: dict[str, object], message: str
) -> None:
    with pytest.raises(LadderRulesError) as caught:
        parse_rules(data, "mine.yaml")
    assert str(caught.value).startswith("mine.yaml")
    assert message in str(caught.value)


def test_a_rules_file_is_checked_when_the_settings_are_read(tmp_path: Path) -> None:
    broken = tmp_path / "ladder.yaml"
    broken.write_text("quorum: [0.6\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings({"JAARROND_LADDER_RULES": str(broken)})
    assert "JAARROND_LADDER_RULES" in str(caught.value) and "not valid YAML" in str(caught.value)
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings({"JAARROND_LADDER_RULES": str(tmp_path / "missing.yaml")})


async def test_the_rules_file_decides_the_stage(
    db: Database, autumn: FixedClock, tmp_path: Path
) -> None:
    seed = await Seed(db).org({"Sales": 6})
    for person in seed.people["Sales"]:
        await seed.checkin(person, SPRING, completed=True, score=3)
        await seed.talked(person, SPRING)
    lenient = builtin()
    lenient["quorum"] = 0.1
    path = tmp_path / "lenient.yaml"
    path.write_text(yaml.safe_dump(lenient, allow_unicode=True), encoding="utf-8")
    settings = load_settings({"JAARROND_LADDER_RULES": str(path)})
    app = build_app(settings, autumn, db=db)
    async with db.session() as session:
        own = await hr.hr_figures(
            session, year=YEAR, now=autumn.now(), banks=app.banks, ladder_rules=app.ladder_rules
        )
    usual = await figures(db, autumn)
    assert own.ladder is not None and usual.ladder is not None
    mine, theirs = own.ladder.at(None, YEAR), usual.ladder.at(None, YEAR)
    assert mine is not None and mine.estimate is not None
    assert theirs is not None and theirs.estimate is not None
    # Participation is integral; a conversation each and scores of 3 are calculating. The
    # built-in rules want 60% of the indicators at a stage, these one in ten.
    assert theirs.estimate.stage_name == "calculating"
    assert mine.estimate.stage_name == "integral"
    assert own.ladder.rules.source_file == str(path)
    assert load_rules().source_file == "dialogs/ladder.yaml"
