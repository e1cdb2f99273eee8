"""What an agreement's parties are told by the bot on its own: the other party's news, how
both views of it compare, and the follow-up question.

Queued in the outbox with the change that caused it, and written when it is sent, from the
agreement as it is then: a notice is never sent with a state that has moved on. A newer
notice to a person about an agreement supersedes their older unsent one; a follow-up
question that was answered, or whose round is over, is not sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import records
from bot.delivery import notices
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus, Person
from dialogs import agreements as ag
from dialogs.messages import Outbound, PersonRef
from dialogs.payload import outbound_from_data

FOLLOW_UP_TIME = time(9, 0)
PERCEPTION = "perception"


def follow_up_moment(day: date, timezone: str) -> datetime:
    """09:00 local on the day, or on the Monday after when it falls in a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, FOLLOW_UP_TIME, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


async def tell(
    session: AsyncSession,
    agreement_id: int,
    person_id: int,
    key: str,
    event: str,
    actor_id: int,
    values: Mapping[str, object],
    now: datetime,
) -> None:
    """The other party's news (`event`, e.g. "accepted", with its values), for `person_id`."""
    payload = {"event": event, "actor_id": actor_id, "values": dict(values)}
    await _queue(session, agreement_id, person_id, key, payload, now)


async def tell_perception(
    session: AsyncSession,
    agreement_id: int,
    person_id: int,
    key: str,
    outcome: str,
    answers: Mapping[ag.Role, str | None],
    now: datetime,
) -> None:
    """How both parties' follow-up answers compare (at risk, back on track, ...)."""
    payload = {"event": PERCEPTION, "outcome": outcome, "answers": dict(answers)}
    await _queue(session, agreement_id, person_id, key, payload, now)


async def _queue(
    session: AsyncSession,
    agreement_id: int,
    person_id: int,
    key: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    await moot(session, agreement_id, person_id)
    notice = notices.Notice(
        person_id, OutboxKind.AGREEMENT, key, payload=payload, agreement_id=agreement_id
    )
    await notices.queue(session, [notice], now)


async def moot(session: AsyncSession, agreement_id: int, person_id: int) -> None:
    """The person's unsent news about the agreement is superseded: they are told newer news,
    or they acted on it themselves and see it as it is."""
    await notices.supersede(
        session, person_id=person_id, agreement_id=agreement_id, kind=OutboxKind.AGREEMENT
    )


async def ask(
    session: AsyncSession,
    agreement_id: int,
    followup_id: int,
    person_id: int,
    now: datetime,
    at: datetime,
) -> None:
    """The follow-up question for one party, asked at `at` (written when it is sent)."""
    notice = notices.Notice(
        person_id,
        OutboxKind.FOLLOW_UP,
        ag.followup_token(followup_id),
        agreement_id=agreement_id,
        followup_id=followup_id,
        at=at,
    )
    await notices.queue(session, [notice], now)


async def answered(session: AsyncSession, followup_id: int) -> None:
    """The question was answered before its message went out: the message is not sent."""
    await notices.cancel_question(session, followup_id)


# ---- at send time -----------------------------------------------------------------------


async def compose_news(
    session: AsyncSession, message: OutboxMessage, ref: PersonRef
) -> Outbound | OutboxStatus:
    """An agreement notice as the agreement is now, or why it is not sent."""
    agreement = await session.get(Agreement, message.agreement_id) if message.agreement_id else None
    if agreement is None:
        return OutboxStatus.CANCELLED
    payload = message.payload or {}
    if "event" not in payload:
        # Queued by an earlier version, with its text fixed at the time: true only while the
        # agreement has not changed since.
        if agreement.updated_at > message.created_at:
            return OutboxStatus.SUPERSEDED
        return outbound_from_data(payload, ref)
    view = await records.view(session, agreement)
    if ref.person_id not in (view.employee.person_id, view.manager.person_id):
        return OutboxStatus.CANCELLED
    if payload["event"] == PERCEPTION:
        answers = cast(dict[ag.Role, str | None], payload.get("answers") or {})
        return ag.perception_notice(view, payload["outcome"], answers, ref)
    names = await records.party_names(session, {int(payload["actor_id"])})
    actor = names.get(int(payload["actor_id"]), "")
    return ag.notice(view, ref, payload["event"], actor, **payload.get("values", {}))


async def question_status(session: AsyncSession, message: OutboxMessage) -> OutboxStatus | None:
    """Why a follow-up question is not sent (any more), or None while it is still asked."""
    row = await session.get(AgreementFollowUp, message.followup_id) if message.followup_id else None
    if row is None:
        return OutboxStatus.CANCELLED
    if row.answer is not None:
        return OutboxStatus.SUPERSEDED
    agreement = await session.get_one(Agreement, row.agreement_id)
    if agreement.status not in ag.RUNNING:
        return OutboxStatus.SUPERSEDED
    newer = await session.scalar(
        select(AgreementFollowUp.id).where(
            AgreementFollowUp.agreement_id == row.agreement_id,
            AgreementFollowUp.party_id == row.party_id,
            AgreementFollowUp.id > row.id,
        )
    )
    return OutboxStatus.SUPERSEDED if newer is not None else None


async def compose_question(
    session: AsyncSession, message: OutboxMessage, ref: PersonRef
) -> Outbound:
    """The follow-up question as the agreement now reads."""
    row = await session.get_one(AgreementFollowUp, message.followup_id)
    agreement = await session.get_one(Agreement, row.agreement_id)
    view = await records.view(session, agreement)
    return ag.follow_up_prompt(view, row.id, ref, row.asked_because)


async def tell_other(
    session: AsyncSession,
    agreement: Agreement,
    actor: Person,
    event: str,
    key: str,
    now: datetime,
    **values: object,
) -> ag.AgreementView:
    """Queue the news for the other party, with what they can do next (written when it is
    sent, from the agreement as it is then); the fresh view comes back for the actor's own
    reply."""
    # The actor now sees the agreement as it is: their unsent news about it is moot.
    await moot(session, agreement.id, actor.id)
    view = await records.view(session, agreement)
    other_id = view.other(actor.id).person_id
    key = f"{key}.p{other_id}"
    await tell(session, agreement.id, other_id, key, event, actor.id, values, now)
    return view
