"""Coaching tips: the banks and their checks, the tips at each moment of the dialogue in
both languages, the `coach` command's situations, and the rule that no tip is about health.
(The same moments on the console, Slack and Teams: the coaching journey in
tests/support/journeys.py.)"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.dialogue.home import build_home
from bot.org.people import find_by_email
from bot.storage.database import Database
from bot.storage.models import Base
from dialogs import agreements as ag
from dialogs.banks import HEALTH_TOPICS, BankError, load_banks
from dialogs.hr_questions import HEALTH_WORDS
from dialogs.messages import LOCALES, Outbound
from dialogs.tips import MOMENTS, PARTIES, load_tips, use_tips
from tests.support.testbot import Testbot, make_testbot, signed_agreement

ORG = """email,name,manager_email,locale,timezone,department,review_month
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,Support,
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,9
"""
ANNA, BRAM = "anna@example.org", "bram@example.org"
MONDAY = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)

# What each moment says first, per language, so a test can tell the moments apart.
TITLES = {
    "review_brief": {"nl": "Tips voor het gesprek", "en": "Tips for the conversation"},
    "at_risk": {"nl": "Voor het gesprek over deze afspraak", "en": "Before you talk about"},
    "talked": {"nl": "Na jullie gesprek", "en": "After your conversation"},
    "agreement_new": {"nl": "Bij het maken van een afspraak", "en": "While making an agreement"},
    "general": {"nl": "Gesprekstips", "en": "Conversation tips"},
}


def texts(messages: list[Outbound]) -> str:
    return "\n".join(f"{m.title}\n{m.text}" for m in messages)


@pytest.fixture
async def bot(db: Database) -> Testbot:
    return await make_testbot(db, FixedClock(MONDAY), ORG)


# ---- the banks -------------------------------------------------------------------------


def test_every_moment_has_tips_for_both_parties_in_both_languages() -> None:
    tips = load_tips()
    assert set(tips) == set(MOMENTS)
    for moment, bank in tips.items():
        for party in PARTIES:
            chosen = bank.select(party)
            assert chosen, (moment, party)
            for tip in chosen:
                assert tip.text.nl and tip.text.en and tip.text.nl != tip.text.en
    review = tips["review_brief"]
    for about in MOMENTS["review_brief"]:
        assert all(review.select(party, about) for party in PARTIES), about


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text.casefold()))


def test_no_tip_is_about_health() -> None:
    """Checked here against the health word list on its own (whole words, and words that
    start with one, such as 'gezondheidsklachten'), not through the loader's check."""
    health_ages = {q.topic for q in load_banks()["five_ages"].questions if q.is_health}
    assert health_ages == set(HEALTH_TOPICS)
    for moment, bank in load_tips().items():
        assert not set(MOMENTS[moment]) & (health_ages | {"five_ages"})
        for tip in bank.tips:
            assert tip.about not in health_ages | {"five_ages"}, tip.tip_id
            for locale in LOCALES:
                words = _words(tip.text(locale))
                hits = [
                    w
                    for w in HEALTH_WORDS
                    if w in words or any(word.startswith(w) for word in words if len(w) >= 4)
                ]
                assert not hits, (tip.tip_id, locale, hits)


GOOD_TIP = """  - id: mine.listen
    for: [employee, manager]
    text:
      nl: "Luister eerst."
      en: "Listen first."
"""


def _file(moment: str, tips: str) -> str:
    return f'moment: {moment}\ntitle:\n  nl: "Titel"\n  en: "Title"\ntips:\n{tips}'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            _file(
                "talked",
                GOOD_TIP + "  - id: mine.rest\n    for: [employee]\n    text:\n"
                '      nl: "Zorg dat je genoeg slaap krijgt."\n      en: "Get some rest."\n',
            ),
            r"talked\.yaml, line 13: tips\[1\] \(mine\.rest\)\.text: mentions slaap; .*never "
            r"about a person's health: rephrase it",
        ),
        (
            _file(
                "talked", GOOD_TIP + "  - id: mine.two\n    for: [boss]\n    text: {nl: a, en: b}\n"
            ),
            r"line 12: tips\[1\] \(mine\.two\)\.for: list who the tip is for: \[employee\]",
        ),
        (
            _file(
                "talked",
                GOOD_TIP
                + "  - id: mine.three\n    for: [manager]\n"
                + "    text:\n      nl: Alleen Nederlands\n",
            ),
            r"line 13: tips\[1\] \(mine\.three\)\.text: missing text for en",
        ),
        (
            _file("talked", GOOD_TIP.replace("    for:", "    about: health\n    for:")),
            r"line 7: tips\[0\] \(mine\.listen\)\.about: at talked a tip can be about nothing",
        ),
        (
            _file("review_brief", GOOD_TIP.replace("    for:", "    about: health\n    for:")),
            r"line 7: tips\[0\] \(mine\.listen\)\.about: at review_brief a tip can be about "
            r"topic, perception_gap",
        ),
        (
            _file("talked", GOOD_TIP + GOOD_TIP),
            r"line 11: tips\[1\] \(mine\.listen\): the id is used twice",
        ),
        (
            _file("talked", GOOD_TIP.replace("    text:", "    txt: 1\n    text:")),
            r"line 6: tips\[0\] \(mine\.listen\): unknown field txt; a tip has only about, for, "
            r"id, text",
        ),
        (
            _file("talked", GOOD_TIP.replace("[employee, manager]", "[employee]")),
            r"talked\.yaml, line 5: no tip for the manager without 'about'; .*add one with "
            r"'for: \[manager\]'",
        ),
        (
            _file("agreement_new", GOOD_TIP),
            r"no tip for the employee about: i_deal",
        ),
        (
            _file("smalltalk", GOOD_TIP),
            r"line 1: 'moment' must be one of review_brief, at_risk",
        ),
        ("moment: talked\ntips: [\n", r"(?s)talked\.yaml: not valid YAML .*line 3"),
        (
            _file("talked", GOOD_TIP.replace('"Listen first."', '"' + "word " * 60 + '"')),
            r"line 10: tips\[0\] \(mine\.listen\)\.text\.en: 299 characters; keep a tip under 280",
        ),
    ],
    ids=[
        "health",
        "party",
        "language",
        "health-about",
        "about",
        "duplicate",
        "typo",
        "one-side",
        "i-deal",
        "moment",
        "yaml",
        "long",
    ],
)
def test_a_bad_tips_file_is_refused_with_file_line_item_and_fix(
    tmp_path: Path, content: str, expected: str
) -> None:
    name = "review_brief" if "review_brief" in content else "talked"
    (tmp_path / f"{name}.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(BankError, match=expected) as caught:
        load_tips([tmp_path])
    assert str(caught.value).startswith(str(tmp_path / f"{name}.yaml"))


def test_a_moment_is_one_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(_file("general", GOOD_TIP), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(_file("general", GOOD_TIP), encoding="utf-8")
    with pytest.raises(BankError, match=r"b\.yaml: moment 'general' already has a tips file"):
        load_tips([tmp_path])


@pytest.fixture
def builtin_tips_after() -> Iterator[None]:
    """The tips in use are the process's: whatever a test installs, the built-in ones
    are in use again after it."""
    yield
    use_tips()


@pytest.mark.usefixtures("builtin_tips_after")
async def test_hr_replaces_a_moments_tips_with_its_own_file(db: Database, tmp_path: Path) -> None:
    own = GOOD_TIP.replace("Listen first.", "Our own way: listen first, then talk.")
    (tmp_path / "general.yaml").write_text(_file("general", own), encoding="utf-8")
    bot = await make_testbot(db, FixedClock(MONDAY), ORG, env={"JAARROND_TIPS_DIR": str(tmp_path)})
    general = texts(await bot.say(BRAM, "coach"))
    assert "Our own way: listen first, then talk." in general
    assert "Listen to understand" not in general
    # The other moments keep the built-in tips.
    assert "what both sides give and get" in texts(await bot.say(BRAM, "agreement new"))
    # A folder with a broken file stops the start with the file's error.
    (tmp_path / "general.yaml").write_text(_file("general", "  - id: x\n"), encoding="utf-8")
    with pytest.raises(BankError, match=r"general\.yaml, line 6: tips\[0\] \(x\)\.for: list"):
        await make_testbot(db, FixedClock(MONDAY), ORG, env={"JAARROND_TIPS_DIR": str(tmp_path)})
    # Without the folder, the built-in tips are back.
    back = await make_testbot(db, FixedClock(MONDAY), ORG, env={})
    assert "Listen to understand" in texts(await back.say(BRAM, "coach"))


# ---- the moments -----------------------------------------------------------------------


async def test_the_review_brief_has_an_opening_question_per_item_and_the_tips(bot: Testbot) -> None:
    await bot.say(BRAM, "topic Training budget")
    english = texts(await bot.say(BRAM, "brief"))
    dutch = texts(await bot.say(ANNA, "brief Bram"))
    # Items: the open topic, the year ahead, the new contract; each with its question.
    assert english.count("Opening question:") == 3
    assert "Say in one sentence why you raised this topic" in english
    assert "What do you want to learn or do differently next year" in english
    assert "Before you answer, sum up what the other just said" in english
    assert "Prepare: pick two or three things" in english
    assert dutch.count("Openingsvraag:") == 3
    assert "Wat maakt dit onderwerp belangrijk voor je" in dutch
    assert "Vat samen wat de ander zei voordat je zelf antwoordt" in dutch
    assert "Bereid je ook zelf voor" in dutch and "Bereid je voor:" not in dutch


async def test_the_brief_document_shows_the_openers_and_the_tips(bot: Testbot) -> None:
    await bot.say(BRAM, "topic Training budget")
    for email, command, expected in (
        (BRAM, "brief", ("Opening question: Say in one sentence", "Tips for the conversation")),
        (ANNA, "brief Bram", ("Openingsvraag: Wat maakt dit onderwerp", "Tips voor het gesprek")),
    ):
        (reply,) = await bot.say(email, command)
        assert reply.attachment is not None
        pdf = PdfReader(io.BytesIO(reply.attachment.content))
        words = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        for text in expected:
            assert text in words, (email, text)


async def test_a_new_agreement_asks_what_both_give_and_get_and_why_an_i_deal(
    bot: Testbot,
) -> None:
    opened = texts(await bot.say(BRAM, "agreement new"))
    assert "While making an agreement" in opened
    assert "what both sides give and get" in opened
    assert "write it in your own words" in opened
    assert "colleagues can understand" not in opened
    await bot.say(BRAM, "1")
    await bot.say(BRAM, "Bram works from home on Mondays.")
    i_deal = texts(await bot.say(BRAM, "yes"))
    assert "so colleagues can understand it" in i_deal
    dutch = texts(await bot.say(ANNA, "afspraak nieuw"))
    assert "wat beide kanten geven en krijgen" in dutch
    assert "Zou je medewerker het net zo opschrijven?" in dutch


async def _at_risk(bot: Testbot) -> int:
    terms = ag.Terms(
        category="development",
        text="Bram follows a course.",
        start=MONDAY.date(),
        cadence="monthly",
    )
    agreement_id = await signed_agreement(bot, ANNA, BRAM, terms)
    bot.clock.set(datetime(2027, 4, 22, 7, 0, tzinfo=UTC))
    await bot.tick()
    asked = {o.recipient.email: o for o in bot.adapter.sent if o.question}
    for email, answer in ((BRAM, "on_track"), (ANNA, "not")):
        question = asked[email].question
        assert question is not None
        await bot.click(email, question.token, answer)
    return agreement_id


async def test_an_agreement_at_risk_comes_with_how_to_name_the_gap(bot: Testbot) -> None:
    before = len(bot.adapter.sent)
    await _at_risk(bot)
    bot.clock.set(bot.clock.now() + timedelta(minutes=5))
    await bot.tick()
    told = texts([o for o in bot.adapter.sent[before:] if o.recipient.email == BRAM])
    assert "Before you talk about this agreement" in told
    lines = told.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if needle in line)
        for needle in ("Start with the content", "Then name what is going on", "Finally say")
    ]
    assert order == sorted(order)
    assert "Seeing it differently does not mean one of you is wrong" in told
    shown = texts(await bot.say(ANNA, "afspraak toon 1"))
    assert "Voor het gesprek over deze afspraak" in shown
    assert "Vat samen wat je medewerker vertelt" in shown


async def test_the_brief_opens_an_agreement_with_a_gap_without_blame(bot: Testbot) -> None:
    await _at_risk(bot)
    english = texts(await bot.say(BRAM, "brief"))
    assert "you see it differently\n    Opening question: How do you see this agreement going?" in (
        english
    )
    dutch = texts(await bot.say(ANNA, "voorbereiding Bram"))
    assert "Openingsvraag: Hoe zie jij deze afspraak lopen?" in dutch


async def test_after_a_talk_both_are_asked_whether_they_summarised(bot: Testbot) -> None:
    logged = texts(await bot.say(ANNA, "gesproken met Bram Goed gesprek"))
    assert "Na jullie gesprek" in logged and "allebei samengevat" in logged
    before = len(bot.adapter.sent)
    bot.clock.set(MONDAY + timedelta(minutes=5))
    await bot.tick()
    told = texts(bot.adapter.sent[before:])
    assert "After your conversation" in told and "Did you both sum up" in told
    assert "Put it ready for next time with 'topic'" in told


async def test_coach_gives_the_tips_for_the_situation_now(bot: Testbot) -> None:
    general = texts(await bot.say(BRAM, "coach"))
    assert "Nothing in particular is coming up" in general
    assert "Listen to understand" in general and "Do not wait for the annual review" in general
    assert "Voer korte, geregelde gesprekken" in texts(await bot.say(ANNA, "coach"))

    await bot.say(ANNA, "gesproken met Bram")
    talked = texts(await bot.say(BRAM, "coach"))
    assert "You talked on Monday 22 March 2027" in talked and "Did you both sum up" in talked
    assert "Nothing in particular" not in talked

    await _at_risk(bot)  # a month later: the talk is no longer recent
    at_risk = texts(await bot.say(BRAM, "coach"))
    assert "Agreement #1 calls for a conversation" in at_risk
    assert "Start with the content" in at_risk and "You talked on" not in at_risk
    assert "Afspraak #1 vraagt om een gesprek" in texts(await bot.say(ANNA, "coach"))

    bot.clock.set(datetime(2027, 8, 18, 8, 0, tzinfo=UTC))  # 14 days before September
    review = texts(await bot.say(BRAM, "coach"))
    assert "Your annual review is in September 2027" in review
    assert "Prepare: pick two or three things" in review
    manager = texts(await bot.say(ANNA, "coach"))
    assert "Het jaargesprek met Bram Jansen komt eraan (september 2027)" in manager
    assert "Bereid je ook zelf voor" in manager


async def test_coach_is_listed_in_help_in_both_languages(bot: Testbot) -> None:
    assert "coach: conversation tips" in texts(await bot.say(BRAM, "help"))
    assert "coach: gesprekstips" in texts(await bot.say(ANNA, "hulp"))


async def test_the_home_view_offers_the_tips(bot: Testbot) -> None:
    """App Home (Slack) and the home card (Teams) show the home view's actions as buttons
    that carry their command; `coach` is one of them, labelled in the person's language."""
    async with bot.app.db.session() as session:
        for email, label in ((BRAM, "Conversation tips"), (ANNA, "Gesprekstips")):
            person = await find_by_email(session, email)
            assert person is not None
            view = await build_home(session, person, MONDAY, bot.app.banks, bot.app.defaults)
            assert ("coach", label) in view.actions
    assert "Listen to understand" in texts(await bot.say(BRAM, "coach"))


async def test_nothing_is_recorded_about_who_read_tips(bot: Testbot) -> None:
    """Asking for tips changes no table: the row counts of every table stay as they were,
    and no table is about tips."""

    async def counts() -> dict[str, int]:
        async with bot.app.db.session() as session:
            found = {}
            for table in Base.metadata.sorted_tables:
                found[table.name] = await session.scalar(select(func.count()).select_from(table))
            return found

    await bot.say(BRAM, "help")
    before = await counts()
    await bot.say(BRAM, "coach")
    await bot.say(ANNA, "coach")
    after = await counts()
    assert {k: v for k, v in after.items() if v != before[k]} == {}
    assert not [t for t in Base.metadata.tables if "tip" in t or "coach" in t]


def test_a_review_is_near_from_the_briefs_window_until_its_month_ends() -> None:
    # The window coach uses is the brief's: from 14 days before the month's first day.
    from bot.dialogue.coaching import review_near

    assert review_near(9, date(2027, 8, 17), 14) is None
    assert review_near(9, date(2027, 8, 18), 14) == date(2027, 9, 1)
    assert review_near(9, date(2027, 9, 30), 14) == date(2027, 9, 1)
    assert review_near(None, date(2027, 8, 18), 14) is None
