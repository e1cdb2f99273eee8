"""What an agency worker's agreement asks of, and tells, the agency contact by e-mail.

The agency contact is party to the agency's terms (pay, the contract) but outside the chat.
A request (`agency_requests`: sign a version, or answer a follow-up round) and its mail are
written in the caller's transaction, unique per agreement and subject, so asking twice asks
once. The mail is an outbox message of kind `mail` (bot/delivery/dispatcher.py sends it); it is
written when it is sent, from the agreement as it is then, with a fresh one-time link whose
SHA-256 hash replaces the request's previous one. The link opens a page on the bot's own web
server (bot/agreements/agency_web.py); nothing else of the organisation is reachable through it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import records
from bot.delivery import notices
from bot.storage.agreement_models import AgencyRequest, Agreement, AgreementVersion
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus, Person
from bot.storage.sql import insert_new
from dialogs import agency as texts
from dialogs import agreements as ag
from dialogs.dates import local_day
from dialogs.messages import Outbound, PersonRef

SIGN = "sign"
FOLLOW_UP = "follow_up"
SIGNED = "signed"
LINK_DAYS = 14
PATH = "/agency"
_REQUESTS = cast(Table, AgencyRequest.__table__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def version_terms(session: AsyncSession, agreement: Agreement, number: int) -> ag.Terms:
    row = await session.scalar(
        select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == number
        )
    )
    assert row is not None
    return records.terms_of(row)


async def agency_is_party(session: AsyncSession, agreement: Agreement, number: int) -> bool:
    """Whether the agency is party to this version: it has terms of the agency's."""
    if not agreement.agency_contact_email:
        return False
    return "agency" in (await version_terms(session, agreement, number)).parties()


async def ask(
    session: AsyncSession,
    agreement: Agreement,
    kind: str,
    now: datetime,
    *,
    version: int = 0,
    period: str = "",
    at: datetime | None = None,
) -> bool:
    """Ask the agency contact to sign `version` or to answer the round `period` (the mail
    goes at `at`, default at once); False when it was asked already (or the agreement has
    no agency contact)."""
    email = agreement.agency_contact_email
    if not email:
        return False
    row = {
        "agreement_id": agreement.id,
        "kind": kind,
        "version": version,
        "period": period,
        "email": email,
        "created_at": now,
    }
    new = await insert_new(session, _REQUESTS, [row], _REQUESTS.c.id)
    if not new:
        return False
    subject = f"v{version}" if kind == SIGN else period
    notice = notices.Notice(
        agreement.employee_id,
        OutboxKind.MAIL,
        f"a{agreement.id}.agency.{kind}.{subject}",
        payload={"request_id": new[0][0]},
        agreement_id=agreement.id,
        recipient_email=email,
        at=at,
    )
    await notices.queue(session, [notice], now)
    return True


async def tell(
    session: AsyncSession, agreement: Agreement, event: str, now: datetime, **values: object
) -> None:
    """News for the agency contact (everyone signed, completed, dropped)."""
    email = agreement.agency_contact_email
    if not email:
        return
    notice = notices.Notice(
        agreement.employee_id,
        OutboxKind.MAIL,
        f"a{agreement.id}.agency.{event}.v{agreement.current_version}",
        payload={"event": event, "values": dict(values)},
        agreement_id=agreement.id,
        recipient_email=email,
    )
    await notices.queue(session, [notice], now)


async def signed_by_agency(session: AsyncSession, agreement: Agreement, version: int) -> bool:
    answered = await session.scalar(
        select(AgencyRequest.id).where(
            AgencyRequest.agreement_id == agreement.id,
            AgencyRequest.kind == SIGN,
            AgencyRequest.version == version,
            AgencyRequest.answer == SIGNED,
        )
    )
    return answered is not None


async def agency_terms(
    session: AsyncSession, agreement: Agreement, number: int
) -> texts.AgencyTerms:
    """The version as the agency contact may read it: the agency's terms and no more."""
    terms = (await version_terms(session, agreement, number)).of("agency")
    employee = await session.get_one(Person, agreement.employee_id)
    return texts.AgencyTerms(
        agreement_id=agreement.id,
        employee=employee.name,
        agency=agreement.agency or "",
        version=number,
        text=terms.text,
        start=terms.start,
    )


@dataclass
class AgencyMail:
    """Writes the agency's mail when the dispatcher sends it; `base_url` is where the bot's
    web server is reached from outside (the links point there)."""

    base_url: str = "http://127.0.0.1:3978"
    link_days: int = LINK_DAYS

    def link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}{PATH}/{token}"

    async def compose(
        self, session: AsyncSession, message: OutboxMessage, worker: PersonRef, now: datetime
    ) -> Outbound | OutboxStatus:
        """The mail as the agreement is now, or why it is not sent (any more)."""
        agreement = (
            await session.get(Agreement, message.agreement_id) if message.agreement_id else None
        )
        if agreement is None or message.recipient_email is None:
            return OutboxStatus.CANCELLED
        payload: dict[str, Any] = message.payload or {}
        recipient = PersonRef(
            worker.person_id, message.recipient_email, agreement.agency or "", "nl", worker.timezone
        )
        if "event" in payload:
            number = agreement.signed_version or agreement.current_version
            terms = await agency_terms(session, agreement, number)
            mail = texts.news_mail(terms, payload["event"], payload.get("values") or {})
            return Outbound(recipient, mail.body, mail.subject)
        request = await session.get(AgencyRequest, payload.get("request_id"))
        if request is None or request.answered_at is not None:
            return OutboxStatus.SUPERSEDED
        if request.kind == SIGN and (
            agreement.status != "proposed" or agreement.current_version != request.version
        ):
            return OutboxStatus.SUPERSEDED
        if request.kind == FOLLOW_UP and agreement.status not in ag.RUNNING:
            return OutboxStatus.SUPERSEDED
        # A fresh link each time the mail is written: a retry's link replaces the last one.
        token = secrets.token_urlsafe(32)
        request.token_hash = token_hash(token)
        request.expires_at = now + timedelta(days=self.link_days)
        until = local_day(request.expires_at, worker.timezone)
        if request.kind == SIGN:
            terms = await agency_terms(session, agreement, request.version)
            mail = texts.sign_mail(terms, self.link(token), until)
        else:
            number = agreement.signed_version or agreement.current_version
            terms = await agency_terms(session, agreement, number)
            mail = texts.follow_up_mail(terms, request.period, self.link(token), until)
        return Outbound(recipient, mail.body, mail.subject)
