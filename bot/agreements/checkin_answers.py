"""Check-in answers about agreements count: a shared answer that an agreement was not kept
(to a question its bank marks `about: agreements`, one of that question's `not_kept`
values) puts the person's running agreements at risk at once, and both parties are asked
the follow-up question now instead of at the agreement's next follow-up. The manager's
digest and both home views then list it as reported in a check-in.

Only shared answers count: this runs when a check-in is shared, and reads only its shared
answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.followups import plan_early_round
from bot.org.people import Defaults
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.models import Answer, Occurrence, Person
from dialogs import agreements as ag
from dialogs.banks import Bank


async def says_not_kept(session: AsyncSession, occurrence: Occurrence, bank: Bank) -> bool:
    """Did this check-in's shared answers say an agreement was not kept?"""
    about = {q.question_id: q for q in bank.questions if q.about_agreements}
    if not about:
        return False
    rows = await session.execute(
        select(Answer.question_id, Answer.value).where(
            Answer.occurrence_id == occurrence.id,
            Answer.visibility == "shared",
            Answer.question_id.in_(about),
        )
    )
    return any(str(value) in about[question_id].not_kept for question_id, value in rows)


async def after_share(
    session: AsyncSession,
    person: Person,
    occurrence: Occurrence,
    banks: Mapping[str, Bank],
    defaults: Defaults,
    now: datetime,
) -> list[int]:
    """Mark the person's running agreements at risk and ask both parties early; the ids of
    the agreements marked."""
    bank = banks.get(occurrence.theme)
    if bank is None or not await says_not_kept(session, occurrence, bank):
        return []
    agreements = list(
        await session.scalars(
            select(Agreement)
            .where(Agreement.employee_id == person.id, Agreement.status.in_(ag.RUNNING))
            .order_by(Agreement.id)
            .with_for_update()
        )
    )
    for agreement in agreements:
        if agreement.status != "at_risk":
            agreement.status = "at_risk"
            agreement.updated_at = now
        if not await _asked_early_already(session, agreement):
            await plan_early_round(defaults, session, agreement, now)
    return [a.id for a in agreements]


async def _asked_early_already(session: AsyncSession, agreement: Agreement) -> bool:
    """An early round still waiting for an answer: asking again adds nothing (a check-in
    every week would otherwise ask every week)."""
    waiting = await session.scalar(
        select(AgreementFollowUp.id).where(
            AgreementFollowUp.agreement_id == agreement.id,
            AgreementFollowUp.asked_because == ag.ASKED_AFTER_CHECKIN,
            AgreementFollowUp.answer.is_(None),
        )
    )
    return waiting is not None
