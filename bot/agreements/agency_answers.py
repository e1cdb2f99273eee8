"""The agency contact's answers, given on the page a one-time e-mail link opens: a
signature on one version, or a follow-up answer. A link works once, until it expires, and
only while what it asks is still asked; each answer is recorded in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import agency_mail, negotiation, notices
from bot.org.people import Defaults
from bot.storage.agreement_models import AgencyRequest, Agreement
from dialogs import agency as texts
from dialogs import agreements as ag

Result = Literal["signed", "answered", "gone", "outdated", "unknown_answer"]


@dataclass(frozen=True)
class Opened:
    """A link that still works: what it asks, and the agency's terms it is about."""

    request: AgencyRequest
    terms: texts.AgencyTerms


async def open_link(session: AsyncSession, token: str, now: datetime) -> Opened | None:
    """What the link asks, or None for a link that is unknown, used, replaced or expired,
    or whose question moved on (a newer version, an agreement no longer running)."""
    if not token or len(token) > 100:
        return None
    request = await session.scalar(
        select(AgencyRequest)
        .where(AgencyRequest.token_hash == agency_mail.token_hash(token))
        .with_for_update()
    )
    if (
        request is None
        or request.answered_at is not None
        or request.expires_at is None
        or request.expires_at <= now
    ):
        return None
    agreement = await session.get_one(Agreement, request.agreement_id)
    if request.kind == agency_mail.SIGN:
        number = request.version
    else:
        number = agreement.signed_version or agreement.current_version
    return Opened(request, await agency_mail.agency_terms(session, agreement, number))


def still_asked(request: AgencyRequest, agreement: Agreement) -> bool:
    if request.kind == agency_mail.SIGN:
        return agreement.status == "proposed" and agreement.current_version == request.version
    return agreement.status in ag.RUNNING


async def answer(
    defaults: Defaults, session: AsyncSession, token: str, value: str, now: datetime
) -> Result:
    """Record the agency contact's answer to what the link asks."""
    opened = await open_link(session, token, now)
    if opened is None:
        return "gone"
    request = opened.request
    agreement = await session.get_one(Agreement, request.agreement_id, with_for_update=True)
    if not still_asked(request, agreement):
        return "outdated"
    if request.kind == agency_mail.SIGN:
        if value != agency_mail.SIGNED:
            return "unknown_answer"
        _close(request, agency_mail.SIGNED, now)
        await session.flush()
        await negotiation.agency_signed(defaults, session, agreement, request.version, now)
        return "signed"
    if value not in ag.FOLLOW_UP_ANSWERS:
        return "unknown_answer"
    _close(request, value, now)
    # The employee, party to every term, hears how the agency sees its terms kept.
    key = f"a{agreement.id}.{request.period}.agency_answer.p{agreement.employee_id}"
    values = {"agency": agreement.agency or "", "answer": texts.answer_label(value)}
    await notices.tell(
        session,
        agreement.id,
        agreement.employee_id,
        key,
        "agency_follow_up",
        agreement.employee_id,
        values,
        now,
    )
    return "answered"


def _close(request: AgencyRequest, value: str, now: datetime) -> None:
    request.answer = value
    request.answered_at = now
    # Used once: the link opens nothing any more.
    request.token_hash = None
