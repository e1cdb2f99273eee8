"""The attention budget: follow-up questions ride along with a check-in, and no person gets
more separate prompts in a month than JAARROND_MAX_PROMPTS_PER_MONTH; what is merged or
deferred is said in `tick --json`, on the person's home view and in the HR figures."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.reports.hr import hr_figures
from bot.reports.hr_output import render_csv, render_html
from bot.storage.agreement_models import AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage
from dialogs import agreements as ag
from dialogs.messages import Outbound
from tests.support.terminal import run
from tests.support.testbot import QUIET, Testbot, apply, make_testbot, signed_agreement

ORG = """email,name,manager_email,locale,timezone,department,hr,review_month
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,Support,false,
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,false,6
"""
ANNA, BRAM = "anna@example.org", "bram@example.org"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _schedules(*rhythms: tuple[str, str, str, str]) -> str:
    """A schedules file for everyone: (theme, cadence, day, local time) per schedule."""
    lines = ["schedules:"]
    for theme, cadence, day, at in rhythms:
        lines += [f"  - id: {theme}-{cadence}", f"    theme: {theme}", f"    cadence: {cadence}"]
        lines += [f'    day: "{day}"', f'    time: "{at}"', "    audience: all"]
    return "\n".join(lines) + "\n"


WORKLOAD = ("workload", "weekly", "thu", "14:00")
# Weekly workload, the five ages on the first Tuesday of each month and the relationship on
# the first Wednesday of each quarter: 68 check-ins a year, 5.7 a month.
THREE_RHYTHMS = _schedules(
    WORKLOAD,
    ("five_ages", "monthly", "tue", "10:00"),
    ("relationship", "quarterly", "wed", "11:00"),
)
MONTHLY_ONLY = _schedules(("five_ages", "monthly", "20", "10:00"))
WEEKLY = _schedules(WORKLOAD)
# The five ages on the first Thursday, at the same moment as the weekly workload.
TWO_AT_ONCE = _schedules(WORKLOAD, ("five_ages", "monthly", "thu", "14:00"))
HOME = "Bram works from home on Mondays."


async def _budget_bot(db: Database, start: datetime, env: dict[str, str] | None = None) -> Testbot:
    bot = await make_testbot(db, FixedClock(start), ORG, {**QUIET, **(env or {})})
    return bot


async def _monthly_agreement(bot: Testbot) -> int:
    """Anna and Bram sign an agreement with a monthly follow-up; the news of it goes out."""
    terms = ag.Terms(
        category="place_of_work",
        text=HOME,
        start=bot.clock.now().date(),
        review=date(2028, 6, 30),
        cadence="monthly",
    )
    agreement_id = await signed_agreement(bot, ANNA, BRAM, terms)
    await bot.app.dispatcher().dispatch()
    bot.adapter.sent.clear()
    return agreement_id


async def _answer_all(bot: Testbot, email: str, asked: Outbound) -> list[Outbound]:
    """Answer `asked` and whatever is asked right after it, as a willing person would; the
    questions asked, in order."""
    questions = []
    for _ in range(40):
        question = asked.question
        if question is None:
            break
        questions.append(asked)
        if question.kind == "text":
            replies = await bot.say(email, "Fewer meetings.")
        else:
            value = "3" if question.kind == "scale" else question.choices[0].value
            replies = await bot.click(email, question.token, value)
        following = [r for r in replies if r.question is not None]
        if not following:
            break
        asked = following[-1]
    return questions


def _asks(out: Outbound) -> bool:
    """A prompt: a check-in's question (a bank's question id), a follow-up question, or a
    review brief (agreement news is not a prompt)."""
    if out.question is not None:
        return out.question.question_id == "follow_up" or "." in out.question.question_id
    return out.title.startswith("Review brief")


async def _year(bot: Testbot, first: date, days: int) -> tuple[Counter[tuple[str, str]], int]:
    """Every day at 13:30 UTC a tick, then both answer everything they are asked. The
    separate prompts per person and local month, and the follow-up questions asked at the
    end of a check-in. (A second tick a minute later plans what the first left to another
    planner holding the lock: tests on one PostgreSQL server share it.)"""
    separate: Counter[tuple[str, str]] = Counter()
    along = 0
    for offset in range(days * 2):
        day = first + timedelta(days=offset // 2)
        minute = 30 + offset % 2
        bot.clock.set(datetime(day.year, day.month, day.day, 13, minute, tzinfo=UTC))
        before = len(bot.adapter.sent)
        await bot.tick()
        for out in bot.adapter.sent[before:]:
            if not _asks(out):
                continue
            email = out.recipient.email
            separate[email, f"{bot.clock.now().astimezone(AMSTERDAM):%Y-%m}"] += 1
            asked = await _answer_all(bot, email, out)
            followed = [q for q in asked if q.question and q.question.question_id == "follow_up"]
            if out.question is not None and out.question.question_id != "follow_up":
                along += len(followed)
    return separate, along


async def test_a_year_of_three_rhythms_stays_within_the_budget_and_every_follow_up_is_answered(
    db: Database,
) -> None:
    bot = await _budget_bot(db, datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    await apply(bot, THREE_RHYTHMS)
    await _monthly_agreement(bot)
    # Monday 4 January 2027 to Thursday 6 January 2028: the twelfth round is on the 4th.
    separate, along = await _year(bot, date(2027, 1, 4), 368)

    assert separate and max(separate.values()) <= 6, separate
    async with bot.app.db.session() as session:
        rounds = list(await session.scalars(select(AgreementFollowUp)))
        occurrences = list(await session.scalars(select(Occurrence)))
    # Twelve monthly rounds for each party, every one answered, each at the end of a
    # check-in, none as a prompt of its own.
    assert len(rounds) == 2 * 12
    assert all(r.answer == "on_track" for r in rounds)
    assert {r.asked for r in rounds} == {"along"}
    assert along == len(rounds)
    # The cap bit in the months with five Thursdays and a relationship check-in (April,
    # July): the workload check-in, the theme asked most recently, gave way.
    deferred = [o for o in occurrences if o.status == "deferred"]
    assert deferred and {o.theme for o in deferred} == {"workload"}
    assert {f"{o.due_at.astimezone(AMSTERDAM):%Y-%m}" for o in deferred} >= {"2027-04", "2027-07"}
    # Everything else that fell due was asked and answered.
    assert {o.status for o in occurrences} == {"completed", "deferred"}


async def test_without_a_cap_nothing_is_deferred(db: Database) -> None:
    bot = await _budget_bot(
        db, datetime(2027, 3, 29, 8, 0, tzinfo=UTC), {"JAARROND_MAX_PROMPTS_PER_MONTH": "0"}
    )
    await apply(bot, THREE_RHYTHMS)
    separate, _ = await _year(bot, date(2027, 3, 29), 35)
    assert separate[BRAM, "2027-04"] == 7  # five Thursdays, the five ages, the relationship
    async with bot.app.db.session() as session:
        statuses = set(await session.scalars(select(Occurrence.status)))
    assert "deferred" not in statuses


async def test_a_follow_up_with_no_check_in_in_its_window_still_goes_alone(db: Database) -> None:
    bot = await _budget_bot(db, datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    await apply(bot, MONTHLY_ONLY)  # the 20th; the follow-up falls on the 4th
    await _monthly_agreement(bot)
    bot.clock.set(datetime(2027, 2, 4, 8, 5, tzinfo=UTC))  # 09:05 in Amsterdam
    await bot.tick()
    bot.clock.set(datetime(2027, 2, 4, 8, 6, tzinfo=UTC))
    await bot.tick()
    alone = [o for o in bot.adapter.to(BRAM) if _asks(o)]
    assert [o.question.question_id for o in alone if o.question] == ["follow_up"]
    await _answer_all(bot, BRAM, alone[0])
    async with bot.app.db.session() as session:
        row = (
            await session.scalars(
                select(AgreementFollowUp).where(AgreementFollowUp.answer.is_not(None))
            )
        ).one()
    assert (row.asked, row.answer) == ("alone", "on_track")


async def test_a_follow_up_waiting_for_a_check_in_that_is_not_finished_goes_alone_at_the_end(
    db: Database,
) -> None:
    bot = await _budget_bot(db, datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    await apply(bot, WEEKLY)
    await _monthly_agreement(bot)
    # Thursday 4 February: the follow-up (09:00) waits for the check-in at 14:00, which
    # Bram leaves unanswered; it is not asked while the check-in is open.
    for hour in (8, 13, 20):
        bot.clock.set(datetime(2027, 2, 4, hour, 5, tzinfo=UTC))
        await bot.tick()
    asked = [o.question.question_id for o in bot.adapter.to(BRAM) if o.question and _asks(o)]
    assert asked == ["workload.demands_level"]
    # A week after its moment, the question goes alone: never lost.
    bot.clock.set(datetime(2027, 2, 11, 8, 5, tzinfo=UTC))
    await bot.tick()
    asked = [o.question.question_id for o in bot.adapter.to(BRAM) if o.question]
    assert asked.count("follow_up") == 1 and asked.index("follow_up") > 0
    async with bot.app.db.session() as session:
        rows = {r.role: r.asked for r in await session.scalars(select(AgreementFollowUp))}
    assert rows == {"employee": "alone", "manager": "alone"}


async def test_a_follow_up_due_during_a_check_in_is_asked_at_its_end(db: Database) -> None:
    bot = await _budget_bot(db, datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    await _monthly_agreement(bot)
    # Planned the day before, to go alone at 09:00 on Thursday 4 February: no check-in comes.
    bot.clock.set(datetime(2027, 2, 3, 8, 5, tzinfo=UTC))
    await bot.tick()
    bot.clock.set(datetime(2027, 2, 4, 7, 55, tzinfo=UTC))
    first = (await bot.say(BRAM, "checkin workload"))[-1]
    bot.clock.set(datetime(2027, 2, 4, 8, 5, tzinfo=UTC))
    await bot.tick()
    assert not [o for o in bot.adapter.to(BRAM) if o.question]  # it waits for the end
    assert [o.question.question_id for o in bot.adapter.to(ANNA) if o.question] == ["follow_up"]
    asked = await _answer_all(bot, BRAM, first)
    assert asked[-1].question is not None and asked[-1].question.question_id == "follow_up"
    async with bot.app.db.session() as session:
        rows = {r.role: r for r in await session.scalars(select(AgreementFollowUp))}
        messages = await session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.kind == "follow_up")
        )
        assert set(messages) == {"sent"}
    assert (rows["employee"].asked, rows["employee"].answer) == ("along", "on_track")
    assert rows["manager"].asked == "alone"


# ---- what the budget says ----------------------------------------------------------------


def _tick(capsys: pytest.CaptureFixture[str], at: str) -> dict[str, object]:
    code, out, err = run(capsys, "tick", "--at", at, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_tick_json_and_home_say_what_was_merged_and_deferred(
    workdir: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JAARROND_DATABASE_URL", database_url)
    monkeypatch.setenv("JAARROND_MAX_PROMPTS_PER_MONTH", "2")
    (workdir / "schedules.yaml").write_text(TWO_AT_ONCE, encoding="utf-8")
    if not database_url.startswith("sqlite"):
        run(capsys, "db", "upgrade")  # SQLite migrates itself; PostgreSQL on purpose
    run(capsys, "org", "import", "org.csv")
    run(capsys, "--now", "2027-03-29T07:00:00Z", "schedules", "apply", "schedules.yaml")

    def thursday(day: int) -> dict[str, object]:
        """The tick at 14:05 in Amsterdam; then Anna and Bram are sent what waits for them,
        and answer nothing."""
        ticked = _tick(capsys, f"2027-04-{day:02d}T12:05:00Z")
        for email in (ANNA, BRAM):
            run(capsys, "--now", f"2027-04-{day:02d}T12:06:00Z", "chat", "--as", email)
        return ticked

    # Thursday 1 April: the five ages and the workload at once. The five ages (asked longest
    # ago) opens the conversation, the workload check-in is merged behind it: one prompt.
    first = thursday(1)
    merged = first["merged"]
    assert isinstance(merged, list)
    assert {(m["email"], m["theme"]) for m in merged} >= {(ANNA, "workload"), (BRAM, "workload")}
    assert first["deferred"] == []
    # A week later the second prompt fills the month; the third Thursday's is deferred.
    assert thursday(8)["deferred"] == []
    deferred = thursday(15)["deferred"]
    assert isinstance(deferred, list)
    assert {(d["email"], d["theme"], d["period"], d["status"]) for d in deferred} >= {
        (ANNA, "workload", "2027-W15", "deferred"),
        (BRAM, "workload", "2027-W15", "deferred"),
    }
    _, out, _ = run(capsys, "--now", "2027-04-15T12:10:00Z", "chat", "--as", BRAM, stdin="home\n")
    assert "This month 2 separate prompts (at most 2)" in out
    assert "deferred: Workload and recovery (2027-W15)" in out
    _, out, _ = run(capsys, "--now", "2027-04-15T12:10:00Z", "chat", "--as", ANNA, stdin="home\n")
    assert "Deze maand 2 losse vragen (hooguit 2)" in out
    assert "uitgesteld: Werkbelasting en herstel (2027-W15)" in out


def test_the_budget_setting_is_checked() -> None:
    assert load_settings({"JAARROND_MAX_PROMPTS_PER_MONTH": "0"}).max_prompts_per_month == 0
    assert load_settings({}).max_prompts_per_month == 6
    with pytest.raises(ConfigError, match="JAARROND_MAX_PROMPTS_PER_MONTH"):
        load_settings({"JAARROND_MAX_PROMPTS_PER_MONTH": "six"})


async def test_hr_sees_prompts_per_person_per_month_suppressed_below_five(
    testbot: Testbot,
) -> None:
    """Five people, none of the departments as large: the organisation's figure is shown,
    each department's is not."""
    await apply(testbot, WEEKLY)
    for day in (25, 26):  # Thursday 25 March everywhere, Kolkata first
        for hour in (9, 13, 19):
            testbot.clock.set(datetime(2027, 3, day, hour, 0, tzinfo=UTC))
            await testbot.tick()
    async with testbot.app.db.session() as session:
        figures = await hr_figures(
            session, year=2027, now=testbot.clock.now(), banks=testbot.app.banks
        )
    whole = figures.find("prompts", "separate", None, "2027-03")
    assert whole is not None and whole.shown
    assert (whole.value, whole.count, whole.people) == (1.0, 5, 5)
    support = figures.find("prompts", "separate", "Support", "2027-03")
    assert support is not None and support.suppressed and support.value is None
    assert "prompts,Support,separate,2027-03,,,,true" in render_csv(figures)
    assert "Attention budget: prompts per person per month" in render_html(figures, "en")
