"""`jaarrond demo`: a simulated stretch of the year through the real bot, same seed same bytes."""

from __future__ import annotations

import dataclasses
import io
import random
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot import demo
from bot.config import load_settings
from bot.storage.database import Database
from bot.storage.models import Answer
from dialogs.banks import load_banks
from dialogs.messages import Outbound, PersonRef
from dialogs.texts import t

# Five weeks reach into February: every theme has been asked once, and the change at
# home has happened, so there are private answers and a raised topic to look for.
WEEKS = 5


@dataclasses.dataclass(frozen=True)
class Run:
    out: str
    progress: str
    path: Path


async def run_demo(path: Path, *, seed: int = 1, weeks: int = WEEKS) -> Run:
    out, progress = io.StringIO(), io.StringIO()
    code = await demo.run_demo(
        load_settings({}), seed=seed, weeks=weeks, path=str(path), out=out, progress=progress
    )
    assert code == 0
    return Run(out.getvalue(), progress.getvalue(), path)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def five_weeks(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run shared by the read-only checks: simulating is the slow part."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    path.write_text("not a database: the demo must start from scratch")
    return await run_demo(path)


def section(output: str, title: str) -> str:
    """The block that starts with the header line '== {title}' up to the next header."""
    start = output.index(f"== {title}")
    end = output.find("\n== ", start + 1)
    return output[start:] if end == -1 else output[start:end]


def digest_title() -> str:
    manager = next(p for p in demo.PEOPLE if p.user == demo.DIGEST_FOR)
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
    peak = next(p for p in demo.PEOPLE if p.story == "peak")
    assert f"{peak.name} <{peak.email}>" in digest
    overview = section(five_weeks.out, "Year overview")
    home = next(p for p in demo.PEOPLE if p.story == "home")
    assert home.email in overview
    assert t("digest.topics", home.locale) in overview


def test_the_progress_bar_counts_the_weeks_and_names_the_database(five_weeks: Run) -> None:
    assert f"week {WEEKS}/{WEEKS}" in five_weeks.progress
    assert five_weeks.progress.startswith("\r[")
    assert str(five_weeks.path) in five_weeks.progress


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
    home = next(p for p in demo.PEOPLE if p.story == "home")
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


def ask(actor: demo.Actor, question_id: str, day: date) -> str:
    question = actor.questions[question_id]
    ref = PersonRef(1, actor.persona.email, actor.persona.name, actor.persona.locale, "UTC")
    shown = question.to_question(actor.persona.locale, token="c1.0")
    return actor.respond(Outbound(ref, "", question=shown, key="c1.0"), day, proactive=False)


def test_the_workload_peak_climbs_to_5_in_spring_and_recovers_after() -> None:
    questions = {q.question_id: q for bank in load_banks().values() for q in bank.questions}
    peak = next(p for p in demo.PEOPLE if p.story == "peak")
    # No skipping here: this is about the values the story produces.
    answering = dataclasses.replace(peak, skip_rate=0.0)
    answers = {
        day: [
            ask(
                demo.Actor(answering, random.Random(seed), questions),
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
    assert demo.story_level("peak", date(2027, 1, 20)) == 0
    assert demo.story_level("peak", date(2027, 4, 20)) == 1
    assert demo.story_level("peak", date(2027, 7, 1)) == 0
    assert demo.story_level("home", date(2027, 1, 20)) == 0
    assert demo.story_level("home", date(2027, 2, 2)) > 0.8
    assert (
        0
        < demo.story_level("drift", date(2027, 3, 1))
        < demo.story_level("drift", date(2027, 11, 1))
    )
    assert demo.story_level("steady", date(2027, 4, 20)) == 0
