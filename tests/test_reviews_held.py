"""The annual review, recorded: `review held` logs it, the other party confirms (or says it
did not take place), the works-council overview counts the employees with a review held in
the year, and the manager's digest says how long ago each report's last one was."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FixedClock
from bot.reports.works_council import works_council_overview
from bot.storage.database import Database
from tests.support.testbot import Testbot, make_testbot

ANNA, BRAM, CARLA, DIRK = (f"{n}@example.org" for n in ("anna", "bram", "carla", "dirk"))
BOSS = "boss@example.org"
REPORTS = [f"r{n}@example.org" for n in range(1, 8)]
# Report 1 reads Dutch; everyone else English.
ROWS = [f"{BOSS},Bo Baas,,en,Europe/Amsterdam"] + [
    f"{email},Report {n},{BOSS},{'nl' if n == 1 else 'en'},Europe/Amsterdam"
    for n, email in enumerate(REPORTS, start=1)
]
TEAM = "\n".join(["email,name,manager_email,locale,timezone", *ROWS]) + "\n"


def _block(digest: str, name: str) -> str:
    """One report's part of a digest."""
    return digest.split(name, 1)[1].split("\n\n", 1)[0]


async def test_a_review_logged_by_the_employee_is_confirmed_by_the_manager(
    testbot: Testbot,
) -> None:
    bot = testbot
    await bot.say(BRAM, "topic My growth path")
    [logged] = await bot.say(BRAM, "review held good talk about growth")
    assert "Recorded: the annual review between Bram Jansen and Anna de Vries" in logged.text
    assert "Shared note: good talk about growth" in logged.text
    # Anna (Dutch) is told and asked whether it took place.
    await bot.tick()
    [told] = [o for o in bot.adapter.to(ANNA) if "jaargesprek" in o.text]
    assert "Bram Jansen heeft vastgelegd dat jullie op" in told.text
    assert "good talk about growth" in told.text
    assert told.question is not None and told.question.token.startswith("review.")
    # Only she can answer: not Bram, who logged it, nor anyone else.
    for email in (BRAM, DIRK):
        await bot.click(email, told.question.token, "yes")
        assert bot.turn.outcome.kind == "refused"
    [confirmed] = await bot.say(ANNA, "ja")
    assert "Bevestigd: het jaargesprek is gehouden" in confirmed.text
    assert bot.turn.outcome.kind == "recorded"
    # Then, as after `talked`, which open topics it covered.
    assert confirmed.question is not None and confirmed.question.token.startswith("talked.")
    assert [c.label for c in confirmed.question.choices] == ["My growth path"]
    await bot.click(ANNA, told.question.token, "no")
    assert bot.turn.outcome.kind == "refused"  # answered once, for good
    await bot.tick()
    assert "Anna de Vries confirmed that the two of you held the annual review" in "\n".join(
        o.text for o in bot.adapter.to(BRAM)
    )
    # The digest says how long ago it was, per report.
    digest = (await bot.say(ANNA, "overzicht"))[0].text
    assert "Laatste jaargesprek: deze maand" in _block(digest, "Bram Jansen")
    assert "Laatste jaargesprek" not in _block(digest, "Carla Smith")
    bot.clock.set(datetime(2027, 6, 22, 8, 0, tzinfo=UTC))
    digest = (await bot.say(ANNA, "overzicht"))[0].text
    assert "Laatste jaargesprek: 3 maanden geleden" in _block(digest, "Bram Jansen")
    exported = (await bot.say(BRAM, "export"))[0].attachment
    assert exported is not None
    text = exported.content.decode("utf-8")
    assert '"review": true' in text and '"review_confirmed": true' in text


async def test_review_needs_the_word_held_and_a_partner(testbot: Testbot) -> None:
    for typed in ("review", "review soon"):
        [usage] = await testbot.say(BRAM, typed)
        assert "review held [with NAME] [note]" in usage.text
    [usage] = await testbot.say(ANNA, "jaargesprek")
    assert "jaargesprek gehouden [met NAAM] [notitie]" in usage.text
    [unknown] = await testbot.say(ANNA, "jaargesprek gehouden met Zoe")
    assert "Zoe" in unknown.text
    [alone] = await testbot.say(DIRK, "review held")
    assert "no manager" in alone.text


async def test_reviews_held_counts_the_employees_with_a_review_held_that_year(
    db: Database,
) -> None:
    bot = await make_testbot(db, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)), TEAM)
    await bot.say(BOSS, "review held with Report 7")  # the year before
    bot.clock.set(datetime(2027, 3, 22, 9, 0, tzinfo=UTC))
    for n in range(1, 7):
        [logged] = await bot.say(BOSS, f"review held with Report {n}")
        assert f"Report {n}" in logged.text
    # Recorded by both sides: one employee, counted once (Dutch words).
    [own] = await bot.say(REPORTS[0], "jaargesprek gehouden")
    assert "Vastgelegd: het jaargesprek tussen Report 1 en Bo Baas" in own.text
    # Report 6 says it did not take place: it does not count, and the manager hears so.
    await bot.tick()
    [disputed] = await bot.say(REPORTS[5], "no")
    assert "does not count as held" in disputed.text
    await bot.tick()
    assert any("Report 6 answered that the annual review" in o.text for o in bot.adapter.to(BOSS))
    async with db.session() as session:
        year = await works_council_overview(
            session, year=2027, now=bot.clock.now(), banks=bot.app.banks
        )
        before = await works_council_overview(
            session, year=2026, now=bot.clock.now(), banks=bot.app.banks
        )
    held = year.find("process", "reviews_held")
    assert held is not None and held.count == 5 and held.shown
    earlier = before.find("process", "reviews_held")
    assert earlier is not None and earlier.suppressed  # one person: fewer than five
    digest = (await bot.say(BOSS, "digest"))[0].text
    assert "Last review held: this month" in _block(digest, "Report 1 <")
    assert "Last review held" not in _block(digest, "Report 6 <")
    assert "Last review held: 3 months ago" in _block(digest, "Report 7 <")
