"""No surprises, by design: a simulated year of a small team on a fixed clock.

Bram shares his weekly relationship check-ins; over four months his sense of being an equal
partner slides a step. Carla's answers slide the same way but she keeps them to herself,
and Bram's monthly five-ages check-ins, shared, show his energy running down: health data.
The manager's digest flags Bram's slide, in words, within two weeks of it crossing the
threshold, and only after Bram was told first; nothing of Carla's or about health ever
appears; a logged conversation clears it, and the trend returning ends it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.org.people import find_by_email
from bot.storage.database import Database
from bot.storage.drift_models import DriftSignal
from dialogs.banks import BankQuestion
from dialogs.messages import Outbound
from tests.support.testbot import Testbot, apply, make_testbot

ORG = """email,name,manager_email,locale,timezone,department
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,Support
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support
carla@example.org,Carla Smit,anna@example.org,en,Europe/Amsterdam,Support
"""
ANNA, BRAM, CARLA = (f"{n}@example.org" for n in ("anna", "bram", "carla"))
SCHEDULES = """
schedules:
  - id: relationship-weekly
    theme: relationship
    cadence: weekly
    day: thu
    time: "14:00"
    audience: {emails: [bram@example.org, carla@example.org]}
  - id: five-ages-monthly
    theme: five_ages
    cadence: monthly
    day: 15
    time: "10:00"
    audience: {emails: [bram@example.org]}
"""
START = datetime(2027, 1, 4, 7, 0, tzinfo=UTC)  # Monday 4 January 2027, 08:00 in Amsterdam
WEEKS = 52
# Bram's (and Carla's) answers about being an equal partner, week by week: twenty weeks
# at 4, then over four months a slide to 3, where they stay until late November, when
# they come back.
EQUAL = [4] * 20 + [4, 4, 3, 4, 4, 3, 4, 3, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3] + [3] * 8 + [4] * 6
# Bram's energy (a health question), month by month: from full to very low.
ENERGY = [5, 5, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
EQUAL_QUESTION = "In conversations with your manager, do you feel like an equal partner?"
LINE = "Worth a conversation: feels less of an equal partner since"


def crossing_week() -> int:
    """The first week the moving average of the last six answers is a step below the four
    it used to be: the threshold as the issue states it."""
    return next(w for w in range(6, len(EQUAL)) if sum(EQUAL[w - 5 : w + 1]) / 6 <= 3)


def answer_for(question: BankQuestion, week: int, month: int) -> str:
    """What the script answers: the two series above where they apply, a steady 4 on every
    other scale, the first option of a choice, no to a yes/no question, a line of text."""
    if question.question_id == "relationship.equality_partner":
        return str(EQUAL[week])
    if question.question_id == "five_ages.health_energy":
        return str(ENERGY[month])
    return {"scale": "4", "choice": "1", "yes_no": "no"}.get(question.kind, "Fine, thanks")


class Year:
    """The simulated year: one tick a day, every check-in answered as soon as it opens."""

    def __init__(self, bot: Testbot) -> None:
        self.bot = bot
        # Every digest Anna got, with the day; and when each message reached each person.
        self.digests: list[tuple[date, str]] = []

    async def day(self, moment: datetime, shares: Callable[[str], bool]) -> None:
        bot = self.bot
        bot.clock.set(moment)
        before = len(bot.adapter.sent)
        await bot.tick()
        for out in bot.adapter.sent[before:]:
            if out.recipient.email == ANNA and out.title.startswith("Team digest"):
                self.digests.append((moment.date(), out.text))
        week = (moment - START).days // 7
        month = moment.month - 1
        for email in (BRAM, CARLA):
            opened = [o for o in bot.adapter.sent[before:] if o.recipient.email == email]
            if opened and opened[-1].question is not None:
                await self.answer(email, opened[-1], week, month, shares(email))

    async def answer(self, email: str, asked: Outbound, week: int, month: int, share: bool) -> None:
        question = asked.question
        for _ in range(40):
            if question is None:
                return
            if question.question_id == "share":
                await self.bot.say(email, "yes" if share else "no")
            else:
                await self.bot.say(email, answer_for(self.asked(question.question_id), week, month))
            # The reply asks the next question, or (once shared) opens a check-in that
            # waited behind this one.
            question = next((o.question for o in self.bot.replies if o.question), None)
        raise AssertionError(f"{email}'s check-in never ended")

    def asked(self, question_id: str) -> BankQuestion:
        bank = self.bot.app.banks[question_id.split(".", 1)[0]]
        return bank.question(question_id)

    def flagged(self) -> list[tuple[date, str]]:
        return [(day, text) for day, text in self.digests if LINE in text]


async def _year(db: Database) -> Year:
    bot = await make_testbot(db, FixedClock(START), ORG, env={})
    await apply(bot, SCHEDULES)
    return Year(bot)


async def _bram_block(digest: str) -> str:
    return digest.split("Bram Jansen <bram@example.org>", 1)[1].split("Carla Smit", 1)[0]


async def test_a_shared_slow_drift_is_flagged_in_words_after_the_employee_saw_it(
    db: Database,
) -> None:
    year = await _year(db)
    bot = year.bot
    crosses = START.date() + timedelta(weeks=crossing_week(), days=3)  # that week's Thursday
    talked_on: date | None = None
    for offset in range(WEEKS * 7):
        moment = START + timedelta(days=offset, hours=6, minutes=30)  # 13:30 UTC
        # The days something is due: the digest (Monday), the weekly check-in (Thursday),
        # the monthly one (the 15th, or the Monday after a weekend).
        if moment.weekday() in (0, 3) or moment.day == 15:
            await year.day(moment, shares=lambda email: email == BRAM)
        if talked_on is None and year.flagged() and moment.weekday() == 2:
            # The Wednesday after the first flag: Anna and Bram talk, and she logs it.
            bot.clock.set(moment)
            talked = await bot.say(ANNA, "talked with Bram about how our conversations go")
            assert "Logged: a conversation between Bram Jansen and Anna de Vries" in talked[0].text
            talked_on = moment.date()
            # Bram's home no longer lists it either.
            home = (await bot.say(BRAM, "home"))[0].text
            assert "What your manager reads" not in home

    flagged = year.flagged()
    assert flagged, "the slide was never flagged"
    first_day, first = flagged[0]
    # Not before the threshold was crossed, and within two weeks of it.
    assert crosses <= first_day <= crosses + timedelta(days=14)
    assert all(crosses <= day for day, _ in flagged)
    # In words, with the question and since when; never a score of the person.
    bram = await _bram_block(first)
    line = next(line.strip() for line in bram.splitlines() if LINE in line)
    assert line.startswith(f"{LINE} ") and f"(“{EQUAL_QUESTION}”)" in line
    month = line.removeprefix(f"{LINE} ").split(" (", 1)[0]
    assert month in {"June 2027", "July 2027", "August 2027"}
    assert "score" not in bram.lower()

    # Bram was told first: the note quoting that very line reached him before the digest.
    notes = [i for i, o in enumerate(bot.adapter.sent) if o.title == "Before your manager reads it"]
    assert len(notes) == 1, [bot.adapter.sent[i].text.split("\n")[1] for i in notes]
    note = bot.adapter.sent[notes[0]]
    assert note.recipient.email == BRAM and line in note.text
    digest_at = next(
        i for i, o in enumerate(bot.adapter.sent) if o.recipient.email == ANNA and LINE in o.text
    )
    assert notes[0] < digest_at

    # The conversation cleared it from every digest after it, though the answers stayed low.
    assert talked_on is not None
    assert [day for day, _ in flagged if day > talked_on] == []
    assert any(day > talked_on for day, _ in year.digests)
    # Carla's slide (not shared) and Bram's energy (health) never reach a digest, and
    # nothing else of Bram's was flagged.
    energy = bot.app.banks["five_ages"].question("five_ages.health_energy").text("en")
    for _, text in year.digests:
        assert text.count("Worth a conversation") == text.count(LINE) <= 1
        assert "Worth a conversation" not in text.split("Carla Smit <carla@example.org>")[1]
        assert energy not in text
    assert not [o for o in bot.adapter.to(CARLA) if o.title == "Before your manager reads it"]
    async with db.session() as session:
        bram_id = (await find_by_email(session, BRAM)).id  # type: ignore[union-attr]
        signals = list(await session.scalars(select(DriftSignal).order_by(DriftSignal.id)))
    assert [(s.person_id, s.question_id, s.direction) for s in signals] == [
        (bram_id, "relationship.equality_partner", "lower")
    ]
    # Late November the answers came back: the signal ended.
    assert signals[0].ended_at is not None and signals[0].ended_at.month in (11, 12)
    # Seen by Bram from when the note reached him (kept: sent messages are purged later).
    shown = signals[0].shown_at
    assert shown is not None and crosses <= shown.date() <= first_day
    # The monthly five-ages trends read back a year, not the digest's half year: the
    # December digest charts every month since January (half a year held six points).
    learning = bot.app.banks["five_ages"].question("five_ages.professional_learning")
    last = (await _bram_block(year.digests[-1][1])).split(learning.text("en"), 1)[1]
    chart = last.split("\n")[1].strip().split(" ", 1)[0]
    assert set(chart) == {"▆"} and len(chart) >= 11
    # Bram finds it in his export.
    exported = json.loads((await bot.say(BRAM, "export"))[0].attachment.content)  # type: ignore[union-attr]
    assert [s["question_id"] for s in exported["drift_signals"]] == [
        "relationship.equality_partner"
    ]


async def test_the_employee_sees_it_at_home_first_and_only_then_the_manager(
    db: Database,
) -> None:
    """Seen at home counts as seen: the digest shows it from then on, even while the note
    has not reached the employee (here Bram cannot be reached). His check-ins are ones he
    asked for himself: their cadence is read from the time between them."""
    bot = await make_testbot(db, FixedClock(START), ORG)
    week = crossing_week()
    # Bram's weekly relationship check-ins, each one he starts himself, up to the one that
    # crosses the threshold; then he is out of reach.
    for number in range(week + 1):
        bot.clock.set(START + timedelta(weeks=number, days=3, hours=6))
        await bot.say(BRAM, "checkin relationship")
        for question in bot.app.banks["relationship"].questions:
            await bot.say(BRAM, answer_for(question, number, 0))
        await bot.say(BRAM, "yes")
        bot.adapter.reachable = {ANNA, CARLA} if number == week else None
        await bot.tick()
    assert not [o for o in bot.adapter.sent if o.title == "Before your manager reads it"]
    bot.clock.set(START + timedelta(weeks=week + 1, hours=9))  # the Monday after
    digest = (await bot.say(ANNA, "digest"))[0].text
    assert LINE not in digest  # raised, but Bram has not seen it anywhere yet
    home = (await bot.say(BRAM, "home"))[0].text
    assert "What your manager reads in the team digest:" in home
    assert LINE in home and "once the two of you have talked about it" in home
    digest = (await bot.say(ANNA, "digest"))[0].text
    assert LINE in await _bram_block(digest)
