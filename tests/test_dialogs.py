"""The pure conversation logic: banks, commands and the check-in state machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs import checkin
from dialogs.answers import read_answer
from dialogs.banks import Bank, BankError, load_banks
from dialogs.commands import Command, parse_command
from dialogs.messages import PersonRef

BANKS = load_banks()
NL = PersonRef(1, "p@example.org", "Piet", "nl", "Europe/Amsterdam")
EN = PersonRef(1, "p@example.org", "Pat", "en", "Europe/Amsterdam")


def _start(bank: Bank) -> checkin.CheckinState:
    return checkin.CheckinState(7, bank.theme, tuple(q.question_id for q in bank.questions))


def _ctx(bank: Bank, person: PersonRef = EN, manager: str | None = "Mia") -> checkin.Context:
    return checkin.Context(person, bank, manager, snooze_until="Monday 29 March at 09:00")


def test_builtin_banks_cover_the_domain_in_both_languages() -> None:
    assert set(BANKS) == {"workload", "five_ages", "relationship"}
    assert {q.topic for q in BANKS["workload"].questions} == {
        "demands",
        "effort_balance",
        "recovery",
    }
    assert {q.topic for q in BANKS["five_ages"].questions} == {
        "calendar",
        "professional",
        "private_situation",
        "psychosocial",
        "health",
    }
    kinds = {q.kind for bank in BANKS.values() for q in bank.questions}
    assert kinds == {"scale", "choice", "yes_no", "text"}
    for bank in BANKS.values():
        for question in bank.questions:
            assert question.text.nl and question.text.en
            assert question.text.nl != question.text.en


def test_health_questions_are_never_free_text() -> None:
    health = [q for q in BANKS["five_ages"].questions if q.is_health]
    assert health and all(q.kind != "text" for q in health)


def test_hr_adds_a_bank_without_code(tmp_path: Path) -> None:
    (tmp_path / "onboarding.yaml").write_text(
        """theme: onboarding
title: {nl: Inwerken, en: Onboarding}
intro: {nl: "Hoe gaat het inwerken?", en: "How is onboarding going?"}
questions:
  - id: onboarding.buddy
    kind: yes_no
    text: {nl: "Heb je een buddy?", en: "Do you have a buddy?"}
""",
        encoding="utf-8",
    )
    banks = load_banks([tmp_path])
    question = banks["onboarding"].question("onboarding.buddy").to_question("en")
    assert read_answer(question, "1") == "yes"
    assert read_answer(question, "nee") == "no"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("theme: x\ntitle: {nl: a, en: b}\nintro: {nl: a, en: b}\nquestions: []", "non-empty"),
        (
            "theme: x\ntitle: {nl: a}\nintro: {nl: a, en: b}\nquestions: [{id: x.a, kind: text,"
            " text: {nl: a, en: b}}]",
            "missing text for en",
        ),
        (
            "theme: x\ntitle: {nl: a, en: b}\nintro: {nl: a, en: b}\nquestions: [{id: x.a,"
            " kind: stars, text: {nl: a, en: b}}]",
            "'kind' must be one of",
        ),
        (
            "theme: workload\ntitle: {nl: a, en: b}\nintro: {nl: a, en: b}\nquestions: [{id: x.a,"
            " kind: text, text: {nl: a, en: b}}]",
            "already defined",
        ),
    ],
)
def test_a_broken_bank_file_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "broken.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(BankError, match=message):
        load_banks([tmp_path])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", Command("help")),
        ("HULP", Command("help")),
        ("/checkin workload", Command("checkin", "workload")),
        ("onderwerp thuiswerken", Command("topic", "thuiswerken")),
        ("overslaan", Command("skip")),
        ("stop the overtime", None),  # an answer, not the stop command
        ("3", None),
    ],
)
def test_commands_in_either_language(text: str, expected: Command | None) -> None:
    assert parse_command(text) == expected


def test_a_checkin_walks_every_question_then_asks_to_share() -> None:
    bank = BANKS["relationship"]
    state, ctx = _start(bank), _ctx(bank)
    first = checkin.prompt(state, ctx)
    assert first.question is not None and first.question.token == "c7.0"
    assert bank.intro("en") in first.text
    for question in bank.questions:
        # Typed "2" is read against the question shown: the second option.
        value = read_answer(checkin.current_question(state, ctx), "2")
        assert value is not None
        result = checkin.step(state, checkin.Reply(value), ctx)
        [record] = result.effects
        assert isinstance(record, checkin.RecordAnswer)
        assert record.question_id == question.question_id
        assert result.outcome.kind == "recorded" and result.outcome.token == state.token
        state = result.state
        ctx = checkin.Context(ctx.person, bank, "Mia", (*ctx.answers, (record.question_id, value)))
    assert state.asking_to_share
    done = checkin.step(state, checkin.Reply("yes"), ctx)
    assert done.state.status == "completed"
    assert done.effects == (checkin.Close("completed", shared=True),)
    assert "Mia" in done.out[0].text


def test_health_answers_are_recorded_as_private() -> None:
    bank = BANKS["five_ages"]
    position = next(i for i, q in enumerate(bank.questions) if q.is_health)
    state = checkin.CheckinState(
        7, bank.theme, tuple(q.question_id for q in bank.questions), position
    )
    out = checkin.prompt(state, _ctx(bank))
    assert out.question is not None and "private" in out.question.hint
    result = checkin.step(state, checkin.Reply("4"), _ctx(bank))
    assert result.effects[0] == checkin.RecordAnswer(
        bank.questions[position].question_id, "4", True
    )


def test_free_text_prompts_warn_against_medical_details() -> None:
    bank = BANKS["workload"]
    position = next(i for i, q in enumerate(bank.questions) if q.kind == "text")
    state = checkin.CheckinState(
        7, bank.theme, tuple(q.question_id for q in bank.questions), position
    )
    for person, warning in ((EN, "medical details"), (NL, "medische details")):
        out = checkin.prompt(state, _ctx(bank, person))
        assert out.question is not None and warning in out.question.hint


def test_invalid_answers_say_what_is_valid_in_the_persons_language() -> None:
    bank = BANKS["workload"]
    state = _start(bank)
    result = checkin.step(state, checkin.Reply("9"), _ctx(bank, NL))
    assert result.state == state and result.effects == ()
    assert result.outcome.kind == "again"
    assert "'9' is geen van de keuzes" in result.out[0].text


def test_without_a_manager_nothing_is_offered_for_sharing() -> None:
    bank = BANKS["relationship"]
    last = len(bank.questions) - 1
    ids = tuple(q.question_id for q in bank.questions)
    state = checkin.CheckinState(7, bank.theme, ids, last)
    ctx = checkin.Context(EN, bank, None, ((ids[0], "3"),))
    result = checkin.step(state, checkin.Reply("fine"), ctx)
    assert result.state.status == "completed"
    assert checkin.Close("completed", shared=False) in result.effects


def test_later_and_stop() -> None:
    bank = BANKS["workload"]
    later = checkin.step(_start(bank), checkin.Control("later"), _ctx(bank))
    assert later.state.status == "snoozed" and later.effects == (checkin.Snooze(),)
    assert "Monday 29 March at 09:00" in later.out[0].text
    stop = checkin.step(_start(bank), checkin.Control("stop"), _ctx(bank))
    assert stop.effects == (checkin.Close("stopped"),)


def test_a_stale_token_changes_nothing() -> None:
    bank = BANKS["workload"]
    state = checkin.CheckinState(7, bank.theme, tuple(q.question_id for q in bank.questions), 2)
    result = checkin.step(state, checkin.Reply("3", token="c7.1"), _ctx(bank))
    assert result.state == state and result.effects == ()
    assert result.outcome.kind == "refused"
    assert "already" in result.out[0].text
