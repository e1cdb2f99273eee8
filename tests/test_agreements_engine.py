"""The third contract through the engine, in every channel's shape (typed and clicked)."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import agreements as ag
from tests.support.agreements import ANNA, BRAM, CARLA, DIRK, TEXT, draft_as_bram, token_of
from tests.support.testbot import Testbot


async def test_draft_propose_accept_and_sign_in_chat(testbot: Testbot) -> None:
    agreement_id = await draft_as_bram(testbot)
    assert "proposed to Anna de Vries" in testbot.last.text
    await testbot.tick()
    # The same tick may bring Anna her weekly digest: the proposal is the one with buttons.
    proposal = next(o for o in reversed(testbot.adapter.to(ANNA)) if o.question is not None)
    assert TEXT in proposal.text and "stelt een afspraak voor" in proposal.text  # Dutch
    await testbot.click(ANNA, token_of(proposal), "accept")
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "sign")
    await testbot.tick()
    await testbot.click(BRAM, token_of(testbot.adapter.to(BRAM)[-1]), "sign")
    assert "part of your third contract" in testbot.last.text
    listed = await testbot.say(BRAM, "agreements")
    assert f"#{agreement_id} " in listed[0].text and "signed" in listed[0].text
    dutch = await testbot.say(ANNA, "afspraken")
    assert "Afspraken met mijn team" in dutch[0].text


async def test_typed_text_goes_to_the_open_agreement_dialog(testbot: Testbot) -> None:
    await testbot.say(BRAM, "agreement new")
    await testbot.say(BRAM, "4")
    # Free text that is not a command is the agreement's wording, not a check-in answer.
    asked = await testbot.say(BRAM, TEXT)
    assert asked[0].question is not None
    assert asked[0].question.question_id == "agreement_i_deal"
    # A command still works in the middle of the dialog, and the dialog stays open.
    await testbot.say(BRAM, "help")
    assert (await testbot.say(BRAM, "no"))[0].question is not None


async def test_the_list_buttons_open_an_agreement(testbot: Testbot) -> None:
    agreement_id = await draft_as_bram(testbot)
    listed = await testbot.say(BRAM, "agreements")
    assert listed[0].key == ag.MENU_KEY
    shown = await testbot.click(BRAM, ag.MENU_KEY, f"agreement show {agreement_id}")
    assert TEXT in shown[0].text


async def test_a_third_person_gets_not_found_through_the_engine(testbot: Testbot) -> None:
    agreement_id = await draft_as_bram(testbot)
    for email in (CARLA, DIRK):
        missing = await testbot.say(email, "agreement show 999")
        shown = await testbot.say(email, f"agreement show {agreement_id}")
        assert shown[0].text == missing[0].text
        clicked = await testbot.click(email, ag.agreement_token(agreement_id, 1), "sign")
        assert clicked[0].text == missing[0].text


async def test_follow_ups_are_sent_by_the_tick(testbot: Testbot) -> None:
    agreement_id = await draft_as_bram(testbot)
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "accept")
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "sign")
    await testbot.click(BRAM, ag.agreement_token(agreement_id, 1), "sign")
    testbot.clock.set(datetime(2027, 6, 22, 7, 0, tzinfo=UTC))
    before = len(testbot.adapter.sent)
    await testbot.tick()
    await testbot.tick()
    asked = [
        o for o in testbot.adapter.sent[before:] if o.question and o.question.token[:2] == "af"
    ]
    assert sorted(o.recipient.email for o in asked) == [ANNA, BRAM]
    by_person = {o.recipient.email: token_of(o) for o in asked}
    await testbot.click(BRAM, by_person[BRAM], "on_track")
    replies = await testbot.click(ANNA, by_person[ANNA], "not")
    assert any("verschillend" in r.text for r in replies)  # Anna reads Dutch
