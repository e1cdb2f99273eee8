"""`jaarrond demo`: a simulated stretch of the year through the real bot, same seed same bytes."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.demo import agreements, personas, simulation
from bot.storage.database import Database
from bot.storage.models import Answer
from dialogs.agreement_texts import ta
from dialogs.banks import load_banks
from dialogs.messages import Outbound, PersonRef
from dialogs.texts import t
from tests.support.demo import WEEKS, Run, run_demo


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def five_weeks(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run shared by the read-only checks: simulating is the slow part."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    path.write_text("not a database: the demo must start from scratch")
    return await run_demo(path)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def into_may(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A run just past the moment the manager reads the digest, in the workload peak."""
    weeks = (simulation.DIGEST_AT - personas.START).days // 7 + 1
    return await run_demo(tmp_path_factory.mktemp("may") / "demo.db", weeks=weeks)


def section(output: str, title: str) -> str:
    """The block that starts with the header line '== {title}' up to the next header."""
    start = output.index(f"== {title}")
    end = output.find("\n== ", start + 1)
    return output[start:] if end == -1 else output[start:end]


def digest_title() -> str:
    manager = next(p for p in personas.PEOPLE if p.user == personas.DIGEST_FOR)
    return t("digest.title", manager.locale, manager=manager.name)


def month_row(output: str, label: str) -> list[int]:
    """The numbers on the table row that starts with `label` (a month, or Total)."""
    line = next(line for line in output.splitlines() if line.startswith(f"{label} "))
    return [int(cell) for cell in line.split()[1:]]


def test_a_short_run_prints_a_row_per_month_and_the_totals(five_weeks: Run) -> None:
    for month in ("2027-01", "2027-02"):
        prompts, completed, answers, shared, _topics = month_row(five_weeks.out, month)
        assert prompts > 0 and completed > 0 and answers > completed
        assert shared <= completed
    assert "2027-03 " not in five_weeks.out
    totals = month_row(five_weeks.out, "Total")
    january, february = month_row(five_weeks.out, "2027-01"), month_row(five_weeks.out, "2027-02")
    assert totals == [a + b for a, b in zip(january, february, strict=True)]
    # The change at home leads to a topic raised in February.
    assert february[4] >= 1


def test_a_short_run_prints_the_managers_digest_and_one_persons_year(five_weeks: Run) -> None:
    digest = section(five_weeks.out, digest_title())
    peak = next(p for p in personas.PEOPLE if p.story == "peak")
    assert f"{peak.name} <{peak.email}>" in digest
    overview = section(five_weeks.out, "Year overview")
    home = next(p for p in personas.PEOPLE if p.story == "home")
    assert home.email in overview
    assert t("digest.topics", home.locale) in overview


def test_the_progress_counts_the_weeks_up_to_the_last(five_weeks: Run) -> None:
    weeks = [done for done, total in five_weeks.progress if total == WEEKS]
    assert len(weeks) == len(five_weeks.progress), "every report names the same total"
    assert weeks == sorted(weeks) and weeks[0] >= 1 and weeks[-1] == WEEKS


async def test_the_managers_digest_shows_no_private_answers(five_weeks: Run) -> None:
    db = Database(f"sqlite+aiosqlite:///{five_weeks.path}")
    try:
        async with db.session() as session:
            private = set(
                await session.scalars(
                    select(Answer.question_id).where(Answer.visibility == "private")
                )
            )
    finally:
        await db.dispose()
    banks = load_banks()
    questions = {q.question_id: q for bank in banks.values() for q in bank.questions}
    health = {q.question_id for q in banks["five_ages"].questions if q.is_health}
    assert private and private <= health
    digest = section(five_weeks.out, digest_title())
    for question_id in private | health:
        for locale in ("nl", "en"):
            assert questions[question_id].text(locale) not in digest
    # The person's own view does show them: it is their data.
    home = next(p for p in personas.PEOPLE if p.story == "home")
    overview = section(five_weeks.out, "Year overview")
    assert questions["five_ages.health_energy"].text(home.locale) in overview


async def test_the_same_seed_prints_the_same_bytes_and_another_seed_not(
    tmp_path: Path,
) -> None:
    # One week is enough: every theme is asked in the first week of the year.
    first = await run_demo(tmp_path / "first.db", weeks=1)
    again = await run_demo(tmp_path / "again.db", weeks=1)
    other = await run_demo(tmp_path / "other.db", seed=2, weeks=1)
    assert first.out == again.out
    assert other.out != first.out
    # Not only the header line that names the seed: the answers themselves differ.
    assert other.out.splitlines()[1:] != first.out.splitlines()[1:]


async def test_weeks_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--weeks"):
        await run_demo(tmp_path / "none.db", weeks=0)
    assert not (tmp_path / "none.db").exists()


def ask(actor: personas.Actor, question_id: str, day: date) -> str:
    question = actor.questions[question_id]
    ref = PersonRef(1, actor.persona.email, actor.persona.name, actor.persona.locale, "UTC")
    shown = question.to_question(actor.persona.locale, token="c1.0")
    return actor.respond(Outbound(ref, "", question=shown, key="c1.0"), day, proactive=False)


def test_the_workload_peak_climbs_to_5_in_spring_and_recovers_after() -> None:
    questions = {q.question_id: q for bank in load_banks().values() for q in bank.questions}
    peak = next(p for p in personas.PEOPLE if p.story == "peak")
    # No skipping here: this is about the values the story produces.
    answering = dataclasses.replace(peak, skip_rate=0.0)
    answers = {
        day: [
            ask(
                personas.Actor(answering, random.Random(seed), questions),
                "workload.demands_level",
                day,
            )
            for seed in range(20)
        ]
        for day in (date(2027, 1, 14), date(2027, 5, 1), date(2027, 9, 2))
    }
    assert all(int(a) <= 4 for a in answers[date(2027, 1, 14)])
    assert answers[date(2027, 5, 1)].count("5") >= 15
    assert all(int(a) <= 4 for a in answers[date(2027, 9, 2)])


def test_the_stories_weigh_when_they_should() -> None:
    assert personas.story_level("peak", date(2027, 1, 20)) == 0
    assert personas.story_level("peak", date(2027, 4, 20)) == 1
    assert personas.story_level("peak", date(2027, 7, 1)) == 0
    assert personas.story_level("home", date(2027, 1, 20)) == 0
    assert personas.story_level("home", date(2027, 2, 2)) > 0.8
    assert (
        0
        < personas.story_level("drift", date(2027, 3, 1))
        < personas.story_level("drift", date(2027, 11, 1))
    )
    assert personas.story_level("steady", date(2027, 4, 20)) == 0


def agreement_lines(output: str) -> dict[str, str]:
    """Per agreement in the Agreements section: its title line, then its status line."""
    lines = section(output, "Agreements").splitlines()
    return {
        line.split(":")[0].strip(): lines[i + 1]
        for i, line in enumerate(lines)
        if line.startswith("  #")
    }


def test_both_agreements_are_drafted_accepted_and_signed_in_the_first_weeks(
    five_weeks: Run,
) -> None:
    agreements = agreement_lines(five_weeks.out)
    assert list(agreements) == [
        "#1 Anna de Vries with Bram Jansen",
        "#2 Daan Mulder with Eva de Groot",
    ]
    assert "signed 2027-01-12, status now signed" in agreements["#1 Anna de Vries with Bram Jansen"]
    assert "signed 2027-02-02, status now signed" in agreements["#2 Daan Mulder with Eva de Groot"]
    assert "(i-deal)" in section(five_weeks.out, "Agreements")


def test_the_digest_shows_the_agreement_that_drifted_into_a_perception_gap(
    into_may: Run,
) -> None:
    manager = next(p for p in personas.PEOPLE if p.user == personas.DIGEST_FOR)
    peak = next(p for p in personas.PEOPLE if p.story == "peak")
    digest = section(into_may.out, digest_title())
    assert f"{simulation.DIGEST_AT:%Y-%m-%d %H:%M} UTC" in digest
    attention = digest.split(ta("attention.title", manager.locale), 1)[1].split("\n\n")[0]
    gap = next(line for line in attention.splitlines() if peak.name in line)
    assert "#1" in gap
    assert ta("answer.not", manager.locale) in gap
    assert ta("answer.on_track", manager.locale) in gap
    # The other team's agreement is kept by both: it needs no attention.
    assert "Eva de Groot" not in attention


def test_the_gap_is_flagged_months_before_the_review(into_may: Run) -> None:
    agreements = agreement_lines(into_may.out)
    bram = agreements["#1 Anna de Vries with Bram Jansen"]
    assert "status now at_risk" in bram
    flagged = bram.split("gap first flagged ")[1].strip()
    assert "2027-03" <= flagged < f"{simulation.DIGEST_AT:%Y-%m}"
    assert "no gap flagged" in agreements["#2 Daan Mulder with Eva de Groot"]


def test_follow_up_answers_follow_the_workload_peak() -> None:
    peak = next(p for p in personas.PEOPLE if p.story == "peak")
    steady = next(p for p in personas.PEOPLE if p.user == personas.DIGEST_FOR)
    assert agreements.follow_up_answer(peak, date(2027, 2, 12)) == "on_track"
    assert agreements.follow_up_answer(peak, date(2027, 4, 12)) == "not"
    assert agreements.follow_up_answer(peak, date(2027, 9, 13)) == "on_track"
    assert agreements.follow_up_answer(steady, date(2027, 4, 12)) == "on_track"


def test_the_works_council_overview_shows_a_stage_and_its_indicators(five_weeks: Run) -> None:
    ladder = section(five_weeks.out, "Works-council overview: development ladder")
    assert "An indication, not a verdict." in ladder
    stage = ladder.split("2027: ", 1)[1].split(" · ", 1)[0]
    assert stage in ("Reactive", "Calculating", "Proactive", "Integral")
    assert "What puts it there:" in ladder
    assert "Check-in participation: " in ladder and "Experienced reciprocity (1-5): " in ladder
