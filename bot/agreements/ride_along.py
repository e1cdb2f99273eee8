"""Agreement follow-up questions ride along with a check-in instead of arriving alone
(rule 1 of the attention budget, bot/checkins/budget.py).

When a round is planned, a party who has a check-in open or due within the question's
window gets the question's message set to the end of the window. When a check-in is
completed, the person's questions whose moment has come are asked right after its closing
message, in the same conversation, and their messages count as sent. A question that found
no check-in goes out alone at the end of its window: it is never lost. The dispatcher holds
a question that comes due while the person is in the middle of a check-in in the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import notices as agreement_notices
from bot.checkins.budget import ABANDONED_AFTER, ALONE, ALONG, WAITING, ride_window
from bot.org.people import Defaults, person_ref
from bot.schedules.audience import in_audience
from bot.schedules.days_off import next_send
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.models import (
    Department,
    Occurrence,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Person,
    Schedule,
)
from dialogs.messages import Outbound


async def follow_up_at(
    session: AsyncSession, person: Person, due: datetime, cadence: str, defaults: Defaults
) -> datetime:
    """When a follow-up question's message may go out: at `due` when it goes alone, or at
    the end of its window when the person has a check-in open or due within it (it is then
    asked at the end of that check-in, and goes alone only if none came)."""
    end = due + ride_window(cadence)
    unfinished = await session.scalar(
        select(Occurrence.id)
        .where(
            Occurrence.person_id == person.id,
            Occurrence.status.in_((*WAITING, "open", "snoozed")),
        )
        .limit(1)
    )
    if unfinished is not None:
        return end
    departments = {i: n for i, n in await session.execute(select(Department.id, Department.name))}
    zone_name = person_ref(person, defaults).timezone
    for schedule in await session.scalars(select(Schedule).where(Schedule.active)):
        if not in_audience(person, schedule.audience, departments):
            continue
        zone = ZoneInfo(person.timezone or schedule.timezone or zone_name)
        after = due - timedelta(microseconds=1)
        slot = next_send(schedule, zone, after, person.working_days)
        if slot is not None and slot.due_utc < end:
            return end
    return due


async def waits_until(
    session: AsyncSession, message: OutboxMessage, now: datetime, current: Occurrence | None
) -> datetime | None:
    """Until when a follow-up question waits behind the check-in the person has open (it
    is asked at that check-in's end), or None when it goes now: nothing open, the check-in
    was abandoned, or the question's window is over."""
    if current is None or current.opened_at is None or now - current.opened_at >= ABANDONED_AFTER:
        return None
    row = await session.get(AgreementFollowUp, message.followup_id) if message.followup_id else None
    if row is None:
        return None
    agreement = await session.get_one(Agreement, row.agreement_id)
    end = row.due_at + ride_window(agreement.cadence)
    return end if now < end else None


async def sent_alone(session: AsyncSession, message: OutboxMessage, now: datetime) -> None:
    """The dispatcher sends the question as a prompt of its own."""
    row = await session.get(AgreementFollowUp, message.followup_id) if message.followup_id else None
    if row is not None and row.asked is None:
        row.asked, row.asked_at = ALONE, now


async def asked_along(
    session: AsyncSession, person: Person, now: datetime, defaults: Defaults
) -> list[Outbound]:
    """The person's follow-up questions whose moment has come and whose message still
    waits, asked now at the end of a check-in: their messages count as sent, not as
    prompts of their own."""
    found = await session.execute(
        select(OutboxMessage, AgreementFollowUp)
        .join(AgreementFollowUp, AgreementFollowUp.id == OutboxMessage.followup_id)
        .where(
            OutboxMessage.person_id == person.id,
            OutboxMessage.kind == OutboxKind.FOLLOW_UP,
            OutboxMessage.status == OutboxStatus.PENDING,
            # A retry may have arrived already: the dispatcher asks the platform first.
            OutboxMessage.attempts == 0,
            AgreementFollowUp.due_at <= now,
        )
        .order_by(OutboxMessage.id)
    )
    ref = person_ref(person, defaults)
    out = []
    for message, row in found:
        if await agreement_notices.question_status(session, message) is not None:
            continue  # answered or over: the dispatcher settles its message
        out.append(await agreement_notices.compose_question(session, message, ref))
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.payload = None
        message.last_error = None
        row.asked, row.asked_at = ALONG, now
    return out
