"""One answer grammar for every menu: what a typed number or word answers, and that it only
ever answers the question the person was shown last."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.storage.agreement_models import Agreement, AgreementSignature
from bot.storage.models import Answer, Occurrence, Topic
from dialogs import agreements as ag
from dialogs.answers import fold, read, read_answer, read_choice
from dialogs.messages import Choice, Outbound, PersonRef, Question
from tests.support.testbot import Testbot

ANNA, BRAM = "anna@example.org", "bram@example.org"
NOBODY = PersonRef(1, "p@example.org", "P", "en", "Europe/Amsterdam")
SHARE = (
    Choice("yes", "Yes, share", ("Ja, delen", "ja", "yes")),
    Choice("no", "No, keep private", ("Nee, privé houden", "nee", "no")),
)


# ---- the grammar itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "yes"),
        (" 2. ", "no"),
        ("#2", "no"),
        ("Ja, delen", "yes"),
        ("YES, SHARE", "yes"),
        ("nee, prive houden", "no"),  # accents and case do not matter
        ("Nee, privé   houden", "no"),  # nor spacing
        ("ja", "yes"),
        ("no, keep", "no"),  # a start that fits one option
        ("3", None),  # no third option
        ("n", None),  # too short to be a start
        ("maybe", None),
        ("²", None),  # a superscript is no number
    ],
)
def test_an_option_is_chosen_by_number_value_or_label_in_either_language(
    typed: str, value: str | None
) -> None:
    chosen = read_choice(SHARE, typed)
    assert (chosen.value if chosen else None) == value


def test_a_start_that_fits_several_options_chooses_none() -> None:
    answers = tuple(Choice(v, v.replace("_", " ").title()) for v in ag.FOLLOW_UP_ANSWERS)
    assert read_choice(answers, "no") is None  # "Not" and "No longer relevant"
    assert read_choice(answers, "not") is not None and read_choice(answers, "not").value == "not"
    assert read_choice(answers, "no longer").value == "no_longer_relevant"  # type: ignore[union-attr]


def test_buttons_are_named_exactly_and_free_text_is_never_taken_for_one() -> None:
    question = Question("q", "text", "What takes your energy?", token="c1.4")
    stop = Choice("stop", "Stop", ("Stoppen",))
    menu = Outbound(NOBODY, "", question=question, actions=(stop,))
    assert read(menu, "stoppen") == "stop"
    assert read(menu, "Stop the overtime, please") == "Stop the overtime, please"
    assert read_answer(question, "   ") is None
    assert fold("  Privé!  ") == "prive"


def test_a_choice_that_takes_other_text_passes_it_on() -> None:
    months = tuple(Choice(m, f"In {m} months") for m in ("3", "6", "12"))
    review = Question("agreement_review", "choice", "When?", months, other=True)
    assert read_answer(review, "2") == "6"  # the second option, as shown
    assert read_answer(review, "in 12") == "12"
    assert read_answer(review, "2027-09-30") == "2027-09-30"


# ---- labels that were refused before ---------------------------------------------------------


async def _to_share_question(bot: Testbot, email: str) -> Outbound:
    await bot.say(email, "checkin workload")
    while bot.turn.menu is not None and bot.turn.menu.question_id != "share":
        question = bot.turn.menu
        await bot.say(email, "Fine" if question.kind == "text" else "1")
    return bot.last


@pytest.mark.parametrize(("typed", "shared"), [("Ja, delen", True), ("Nee, privé houden", False)])
async def test_the_share_question_takes_its_own_labels_in_either_language(
    testbot: Testbot, typed: str, shared: bool
) -> None:
    asked = await _to_share_question(testbot, BRAM)  # Bram reads English
    assert asked.question is not None and asked.question.question_id == "share"
    await testbot.say(BRAM, typed)
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == (
        "yes" if shared else "no"
    )
    async with testbot.app.db.session() as session:
        occurrence = (await session.scalars(select(Occurrence))).one()
    assert occurrence.status == "completed" and occurrence.shared is shared


async def test_a_scale_end_is_answered_by_its_label(testbot: Testbot) -> None:
    await testbot.say(BRAM, "checkin workload")
    await testbot.say(BRAM, "Veel te veel")  # the Dutch label of 5, for an English reader
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "5"
    await testbot.say(BRAM, "2")
    await testbot.say(BRAM, "Veel invloed")
    async with testbot.app.db.session() as session:
        values = list(await session.scalars(select(Answer.value).order_by(Answer.id)))
    assert values == ["5", "complex_tasks", "5"]


async def test_a_theme_is_chosen_by_its_dutch_or_english_title(testbot: Testbot) -> None:
    started = await testbot.say(ANNA, "checkin werkbelasting")
    assert started[0].title.startswith("Werkbelasting en herstel")
    await testbot.say(ANNA, "stop")
    menu = await testbot.say(ANNA, "checkin")
    assert menu[0].question is not None and menu[0].question.token == "themes"
    chosen = await testbot.say(ANNA, "Workload")  # the English title, for a Dutch reader
    assert chosen[0].title.startswith("Werkbelasting en herstel")
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "workload"
    unknown = await testbot.say(ANNA, "checkin gezondheid")
    assert "Er is geen check-in 'gezondheid'" in unknown[0].text
    assert unknown[0].question is not None  # with the themes to choose from, by number


async def test_a_counterpart_is_chosen_by_name(testbot: Testbot) -> None:
    asked = await testbot.say(ANNA, "afspraak nieuw")  # Anna manages Bram and Carla
    assert (
        asked[0].question is not None and asked[0].question.question_id == "agreement_counterpart"
    )
    await testbot.say(ANNA, "Carla Smith")
    assert testbot.turn.outcome.kind == "recorded"
    assert testbot.last.question is not None
    assert testbot.last.question.question_id == "agreement_category"


# ---- a number answers the question shown last, and nothing else -------------------------------


async def _proposed_by_anna(bot: Testbot) -> int:
    await bot.say(ANNA, "agreement new")
    steps = ("Bram", "werkplek", "Bram werkt op vrijdag thuis.", "nee", "1", "1", "1")
    for answer in steps:  # with Bram, place of work, text, no i-deal, in 3 months, monthly
        await bot.say(ANNA, answer)
    assert bot.turn.outcome.kind == "recorded"
    async with bot.app.db.session() as session:
        agreement = (await session.scalars(select(Agreement))).one()
    assert agreement.status == "proposed"
    return agreement.id


async def test_a_number_signs_the_agreement_shown_and_never_shares_a_check_in(
    testbot: Testbot,
) -> None:
    agreement_id = await _proposed_by_anna(testbot)
    await _to_share_question(testbot, BRAM)  # a check-in waits at its share question
    shown = await testbot.say(BRAM, f"agreement show {agreement_id}")
    assert shown[0].question is not None and shown[0].question.choices[0].value == "accept"
    accepted = await testbot.say(BRAM, "1")
    assert "You accepted version 1" in accepted[0].text
    # The reply lists Sign first: "1" now means Sign.
    assert accepted[0].question is not None and accepted[0].question.choices[0].value == "sign"
    await testbot.say(BRAM, "1")
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "sign"
    async with testbot.app.db.session() as session:
        signed = list(await session.scalars(select(AgreementSignature.signer_id)))
        occurrence = (await session.scalars(select(Occurrence))).one()
        answers = list(await session.scalars(select(Answer.visibility)))
    assert len(signed) == 1
    assert occurrence.status == "open" and occurrence.shared is None
    assert "shared" not in answers
    # The check-in is not lost: `checkin` shows its question again, and then it is the menu.
    again = await testbot.say(BRAM, "checkin")
    assert again[0].question is not None and again[0].question.question_id == "share"
    await testbot.say(BRAM, "2")
    async with testbot.app.db.session() as session:
        occurrence = (await session.scalars(select(Occurrence))).one()
    assert occurrence.status == "completed" and occurrence.shared is False


async def test_every_menu_an_agreement_reply_shows_can_be_answered(testbot: Testbot) -> None:
    agreement_id = await _proposed_by_anna(testbot)
    # After Propose, Anna is shown the agreement with what she can still do.
    menu = testbot.turn.menu
    assert menu is not None and [c.value for c in menu.choices] == ["comment", "amend", "drop"]
    await testbot.say(ANNA, "Aangepaste versie")  # by label
    assert testbot.last.question is not None and testbot.last.question.kind == "text"
    amended = await testbot.say(ANNA, "Bram werkt op maandag en vrijdag thuis.")
    assert "versie 2" in amended[0].text.casefold()
    assert testbot.turn.menu is not None
    await testbot.say(ANNA, "3")  # Drop, by number, from the amended version's menu
    assert testbot.last.question is not None and testbot.last.question.kind == "text"
    await testbot.say(ANNA, "annuleren")
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "cancel"
    # Bram signs the outdated version 1 by a click on the old message: refused, and the reply
    # shows the current version, whose menu a number answers.
    refused = await testbot.click(BRAM, ag.agreement_token(agreement_id, 1), "sign")
    assert testbot.turn.outcome.kind == "refused"
    assert refused[0].question is not None
    await testbot.say(BRAM, "Accept")
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "accept"
    await testbot.say(BRAM, "ondertekenen")  # Sign, in Dutch, for an English reader
    assert testbot.turn.outcome.value == "sign"


async def test_a_follow_up_question_is_answered_by_number_and_by_label(testbot: Testbot) -> None:
    agreement_id = await _proposed_by_anna(testbot)
    await testbot.say(BRAM, f"agreement show {agreement_id}")
    await testbot.say(BRAM, "accept")
    await testbot.say(BRAM, "sign")
    await testbot.say(ANNA, f"afspraak toon {agreement_id}")
    await testbot.say(ANNA, "ondertekenen")
    async with testbot.app.db.session() as session:
        agreement = await session.get_one(Agreement, agreement_id)
        assert agreement.status == "signed" and agreement.next_follow_up_on is not None
        due = agreement.next_follow_up_on
    testbot.clock.set(datetime(due.year, due.month, due.day, 9, 30, tzinfo=UTC))
    await testbot.tick()
    asked = [
        o for o in testbot.adapter.sent if o.question and o.question.question_id == "follow_up"
    ]
    assert {o.recipient.email for o in asked} == {ANNA, BRAM}
    await testbot.say(BRAM, "1")  # On track
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "on_track"
    await testbot.say(ANNA, "Partly")  # English, for a Dutch reader
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "partly"


async def test_a_number_with_no_question_shown_answers_nothing(testbot: Testbot) -> None:
    await testbot.say(BRAM, "2")
    assert testbot.turn.outcome.kind == "unknown"
    assert "didn't understand" in testbot.last.text


# ---- what is cut is said ---------------------------------------------------------------------


async def test_a_topic_or_answer_over_the_limit_says_it_was_shortened(testbot: Testbot) -> None:
    reply = await testbot.say(BRAM, "topic " + "x" * 2500)
    assert "longer than 2000 characters; I kept the first 2000" in reply[0].text
    async with testbot.app.db.session() as session:
        assert len((await session.scalars(select(Topic.text))).one()) == 2000
    await testbot.say(BRAM, "checkin workload")
    while testbot.turn.menu is not None and testbot.turn.menu.kind != "text":
        await testbot.say(BRAM, "1")
    replies = await testbot.say(BRAM, "y" * 4100)
    assert "longer than 4000 characters; I kept the first 4000" in replies[0].text


async def test_dutch_help_lists_the_dutch_words(testbot: Testbot) -> None:
    help_text = (await testbot.say(ANNA, "hulp"))[0].text
    for word in ("overslaan", "onderwerp TEKST", "pauze tot DATUM", "afspraken", "voorbereiding"):
        assert word in help_text
    assert "pause until" not in help_text and "agreements:" not in help_text


async def test_a_follow_up_answer_can_be_explained_by_typing_its_button(
    testbot: Testbot,
) -> None:
    agreement_id = await _proposed_by_anna(testbot)
    await testbot.say(BRAM, f"agreement show {agreement_id}")
    await testbot.say(BRAM, "accept")
    await testbot.say(BRAM, "sign")
    await testbot.say(ANNA, f"afspraak toon {agreement_id}")
    await testbot.say(ANNA, "ondertekenen")
    async with testbot.app.db.session() as session:
        due = (await session.get_one(Agreement, agreement_id)).next_follow_up_on
    assert due is not None
    testbot.clock.set(datetime(due.year, due.month, due.day, 9, 30, tzinfo=UTC))
    await testbot.tick()
    thanks = await testbot.say(BRAM, "2")
    assert "Type 'add a comment'" in thanks[0].text
    asked = await testbot.say(BRAM, "Toelichting toevoegen")  # the button, in Dutch
    assert testbot.turn.outcome.kind == "recorded" and testbot.turn.outcome.value == "comment"
    assert asked[0].question is not None and asked[0].question.kind == "text"
    saved = await testbot.say(BRAM, "The Friday part works, Monday not yet.")
    assert testbot.turn.outcome.kind == "recorded"
    assert "saved" in saved[0].text


async def test_discussed_numbers_are_the_numbers_shown(testbot: Testbot) -> None:
    carla = "carla@example.org"
    await testbot.say(BRAM, "topic Training budget")
    await testbot.say(carla, "topic Roosters")
    await testbot.say(ANNA, "gesproken met Bram")
    listed = await testbot.say(ANNA, "gesproken met Carla")
    assert listed[0].question is not None
    assert [c.label for c in listed[0].question.choices] == ["Roosters"]
    marked = await testbot.say(ANNA, "besproken 1")
    assert "Roosters" in marked[0].text and "Training budget" not in marked[0].text
    async with testbot.app.db.session() as session:
        statuses = dict((await session.execute(select(Topic.text, Topic.status))).all())
    assert statuses == {"Training budget": "open", "Roosters": "discussed"}
    # The question is answered: a number now answers nothing, and without a shown list
    # the command says how it works.
    assert testbot.turn.menu is None
    usage = await testbot.say(ANNA, "besproken 1")
    assert "gesproken" in usage[0].text and testbot.turn.outcome.kind == "none"


async def test_hr_home_says_when_there_are_no_schedules(testbot: Testbot) -> None:
    home = await testbot.say("hr@example.org", "home")
    assert "Nog geen schema's" in home[0].text
