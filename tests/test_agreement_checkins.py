"""Check-in answers about agreements count: a shared "something wasn't kept" puts the
employee's running agreements at risk at once and asks both parties the follow-up question
early; an answer kept private changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import OutboxMessage
from dialogs import agreements as ag
from dialogs.messages import Outbound
from tests.support.testbot import Testbot, make_testbot, signed_agreement

ORG = """email,name,manager_email,locale,timezone,department
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,Support
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support
"""
ANNA, BRAM = "anna@example.org", "bram@example.org"
SIGNED = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
# Three weeks later: the first monthly follow-up (22 April) is a week away.
CHECKIN = datetime(2027, 4, 15, 12, 0, tzinfo=UTC)
TEXT = "Bram leads the Friday retrospective."


async def _relationship_checkin(bot: Testbot, agreements: str, share: str) -> list[Outbound]:
    """The relationship check-in, answering the agreements question by its label; the
    replies to the share."""
    await bot.say(BRAM, "checkin relationship")
    for question in bot.app.banks["relationship"].questions:
        if question.question_id == "relationship.reciprocity_agreements":
            await bot.say(BRAM, agreements)
        elif question.kind == "text":
            await bot.say(BRAM, "More time to talk")
        else:
            await bot.say(BRAM, "4")
    assert bot.last.question is not None and bot.last.question.question_id == "share"
    return await bot.say(BRAM, share)


async def _state(bot: Testbot, agreement_id: int) -> tuple[str, date | None, list[tuple[str, str]]]:
    async with bot.app.db.session() as session:
        agreement = await session.get_one(Agreement, agreement_id)
        rounds = await session.execute(
            select(AgreementFollowUp.period, AgreementFollowUp.asked_because)
            .where(AgreementFollowUp.agreement_id == agreement_id)
            .order_by(AgreementFollowUp.id)
        )
        return (
            agreement.status,
            agreement.next_follow_up_on,
            [(period, because or "") for period, because in rounds],
        )


async def _bot(db: Database) -> tuple[Testbot, int]:
    bot = await make_testbot(db, FixedClock(SIGNED), ORG)
    terms = ag.Terms("development", TEXT, SIGNED.date(), cadence="monthly")
    return bot, await signed_agreement(bot, ANNA, BRAM, terms)


async def test_a_shared_not_kept_marks_the_agreement_and_asks_both_early(db: Database) -> None:
    bot, agreement_id = await _bot(db)
    bot.clock.set(CHECKIN)
    # Kept to himself, the answer changes nothing.
    await _relationship_checkin(bot, "Something wasn't kept", "no")
    assert await _state(bot, agreement_id) == ("signed", date(2027, 4, 22), [])
    # Shared, it counts at once: at risk, and both are asked today instead of on the 22nd,
    # whose round it replaces (the one after that stays in its rhythm).
    shared_at = len(bot.adapter.sent)
    replies = await _relationship_checkin(bot, "Something wasn't kept", "yes")
    both = [("2027-04-15", "checkin"), ("2027-04-15", "checkin")]
    assert await _state(bot, agreement_id) == ("at_risk", date(2027, 5, 22), both)
    async with bot.app.db.session() as session:
        queued = list(
            await session.execute(
                select(
                    OutboxMessage.kind, OutboxMessage.status, OutboxMessage.next_attempt_at
                ).where(
                    OutboxMessage.agreement_id == agreement_id, OutboxMessage.kind == "follow_up"
                )
            )
        )
    # Bram is asked at once, below the closing message of the check-in that said so (it
    # rides along); Anna with the next tick.
    assert sorted(s for _, s, _ in queued) == ["pending", "sent"]
    assert all(k == "follow_up" and at == CHECKIN for k, _, at in queued)
    await bot.tick()
    sent = [*replies, *bot.adapter.sent[shared_at:]]
    asked = {o.recipient.email: o for o in sent if o.question and "not kept" in o.text.lower()}
    asked |= {o.recipient.email: o for o in sent if o.question and "niet is nagekomen" in o.text}
    assert "You said in a check-in that something you agreed was not kept" in asked[BRAM].text
    assert "Bram Jansen gaf in een check-in aan dat er iets niet is nagekomen" in asked[ANNA].text
    assert TEXT in asked[BRAM].text and TEXT in asked[ANNA].text
    # A conversation is likely: how to talk about it comes with the question.
    assert "Before you talk about this agreement" in asked[BRAM].text
    assert "Kijk samen vooruit" in asked[ANNA].text
    # The digest and both home views say so.
    digest = (await bot.say(ANNA, "overzicht"))[0].text
    assert (
        "#1 Opleiding en ontwikkeling (Bram Jansen): op donderdag 15 april 2027 in een check-in "
        "gemeld als niet nagekomen; de opvolging is vervroegd." in digest
    )
    home = (await bot.say(BRAM, "home"))[0].text
    assert "reported as not kept in a check-in on Thursday 15 April 2027" in home
    # The same answer a week later, while the early round waits: nothing asked twice.
    bot.clock.set(CHECKIN + timedelta(days=7))
    await _relationship_checkin(bot, "Something wasn't kept", "yes")
    assert len((await _state(bot, agreement_id))[2]) == 2
    # Both say it is on track again: it is no longer at risk, and off the digest.
    for email in (BRAM, ANNA):
        question = asked[email].question
        assert question is not None
        await bot.click(email, question.token, "on_track")
    assert (await _state(bot, agreement_id))[0] == "signed"
    digest = (await bot.say(ANNA, "overzicht"))[0].text
    assert "check-in gemeld" not in digest


async def test_other_answers_about_agreements_change_nothing(db: Database) -> None:
    bot, agreement_id = await _bot(db)
    bot.clock.set(CHECKIN)
    for label in ("Mostly kept", "Unclear what we agreed", "They are being kept"):
        await _relationship_checkin(bot, label, "yes")
    assert await _state(bot, agreement_id) == ("signed", date(2027, 4, 22), [])
