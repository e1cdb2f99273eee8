"""What each kind of outbox message needs when the dispatcher is about to send it: whether
it is still wanted (or cancelled, superseded, expired), whether a pause holds it, and what
it says now. The dispatcher (bot/delivery/dispatcher.py) is the same for every kind.

- prompt, reminder: the check-in decides (a reminder only while it is open; a prompt waits
  as `held` behind another open check-in);
- agreement: written from the agreement as it is now; a newer notice to the same person
  about it superseded the older one when it was queued;
- follow_up: the question as the agreement now reads; superseded once answered, once the
  agreement stopped running, or once a newer round asked again; it waits while the person
  is in the middle of a check-in, to be asked at its end (bot/agreements/ride_along.py);
- talked: written from the conversation now, listing only the topics still open;
- digest, invitation: as queued; brief: its summary and document built now;
- mail (to an agency contact): written from the agreement now, with a fresh one-time link;
  superseded once answered, or once the version to sign or the running agreement moved on;
- every kind: expired past its `expires_at`, cancelled when the person no longer takes part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import notices as agreement_notices
from bot.agreements import ride_along
from bot.agreements.agency_mail import AgencyMail
from bot.checkins.service import CheckinService
from bot.delivery.queue import Queued
from bot.dialogue import conversations
from bot.dialogue import notices as dialogue_notices
from bot.storage.models import Occurrence, OutboxKind, OutboxMessage, OutboxStatus
from dialogs.messages import Outbound, PersonRef

CHECKIN_KINDS = frozenset({OutboxKind.PROMPT, OutboxKind.REMINDER})
# Kinds whose sending depends on the check-in the person has open.
ASKING_KINDS = CHECKIN_KINDS | {OutboxKind.FOLLOW_UP}
# Kinds a person's pause holds back until its end (the rest are news they should not miss).
PAUSED_KINDS = frozenset({OutboxKind.PROMPT, OutboxKind.REMINDER, OutboxKind.FOLLOW_UP})


@dataclass(frozen=True)
class Settled:
    """The message ends without being sent, as `status`, for the reason in `note`."""

    status: OutboxStatus
    note: str | None = None


def _still_wanted(kind: str, occurrence: Occurrence, retry: bool) -> bool:
    """A prompt goes out while its check-in waits; a reminder only while it is open.

    An earlier attempt opened the check-in: its retry is still wanted until the person has
    answered the first question (then the prompt evidently arrived).
    """
    status = occurrence.status
    if kind == OutboxKind.REMINDER:
        return status == "open"
    if retry and status == "open":
        return occurrence.position == 0
    return status in ("planned", "snoozed", "queued")


# Only prompts and reminders are decided from what their check-in says; every other kind
# reads what it is about from the message, so the dispatcher claims those as entities.
_ENTITY = "a message of this kind is claimed as an OutboxMessage"


async def _occurrence(session: AsyncSession, message: Queued) -> Occurrence:
    assert message.occurrence_id is not None
    return await session.get_one(Occurrence, message.occurrence_id)


@dataclass
class Rules:
    checkins: CheckinService
    agency: AgencyMail = field(default_factory=AgencyMail)

    async def settle(
        self,
        session: AsyncSession,
        message: Queued,
        now: datetime,
        occurrence: Occurrence | None = None,
    ) -> Settled | None:
        """Why the message is not sent at all (any more), or None when it still goes out.
        `occurrence`: a prompt's or reminder's check-in, when the caller has it at hand."""
        if message.expires_at is not None and now >= message.expires_at:
            return Settled(OutboxStatus.EXPIRED, "not sent within its grace")
        kind = message.kind
        if kind in CHECKIN_KINDS:
            occurrence = occurrence or await _occurrence(session, message)
            if _still_wanted(kind, occurrence, retry=message.attempts > 0):
                return None
            # A retry of a prompt that evidently arrived (its check-in went on) was sent.
            return Settled(OutboxStatus.SENT if message.attempts else OutboxStatus.CANCELLED)
        if kind == OutboxKind.FOLLOW_UP:
            assert isinstance(message, OutboxMessage), _ENTITY
            status = await agreement_notices.question_status(session, message)
            return Settled(status) if status is not None else None
        return None

    async def waits_until(
        self,
        session: AsyncSession,
        message: Queued,
        now: datetime,
        open_now: dict[int, Occurrence],
    ) -> datetime | None:
        """Until when a wanted message waits before it is composed, or None: a follow-up
        question waits for the end of the check-in the person is answering."""
        if message.kind != OutboxKind.FOLLOW_UP:
            return None
        assert isinstance(message, OutboxMessage), _ENTITY
        current = open_now.get(message.person_id)
        return await ride_along.waits_until(session, message, now, current)

    async def compose(
        self,
        session: AsyncSession,
        message: Queued,
        ref: PersonRef,
        now: datetime,
        open_now: dict[int, Occurrence],
        occurrence: Occurrence | None = None,
    ) -> Outbound | Settled:
        """What the message says now; for a prompt this opens its check-in (or holds it)."""
        kind = message.kind
        if kind in CHECKIN_KINDS:
            occurrence = occurrence or await _occurrence(session, message)
            if kind == OutboxKind.REMINDER:
                return await self.checkins.remind(session, occurrence)
            out = await self.checkins.deliver(session, occurrence, now, open_now)
            return out if out is not None else Settled(OutboxStatus.HELD)
        assert isinstance(message, OutboxMessage), _ENTITY
        if kind == OutboxKind.AGREEMENT:
            news = await agreement_notices.compose_news(session, message, ref)
            return news if isinstance(news, Outbound) else Settled(news)
        if kind == OutboxKind.FOLLOW_UP:
            await ride_along.sent_alone(session, message, now)
            return await agreement_notices.compose_question(session, message, ref)
        if kind == OutboxKind.TALKED:
            note = None
            if message.conversation_id is not None:
                note = await conversations.talked_note(session, message.conversation_id, ref)
            return note if note is not None else Settled(OutboxStatus.CANCELLED)
        if kind == OutboxKind.MAIL:
            mail = await self.agency.compose(session, message, ref, now)
            return mail if isinstance(mail, Outbound) else Settled(mail)
        if kind == OutboxKind.BRIEF:
            checkins = self.checkins
            return await dialogue_notices.compose_brief(
                session, message, ref, now, checkins.banks, checkins.defaults
            )
        return dialogue_notices.stored(message, ref)

    async def shown(
        self, session: AsyncSession, message: OutboxMessage, ref: PersonRef
    ) -> Outbound | None:
        """The question a message showed, for one found delivered after a crash (its menu is
        the person's now); None for kinds that ask nothing."""
        kind = message.kind
        if kind in CHECKIN_KINDS and message.occurrence_id is not None:
            occurrence = await session.get_one(Occurrence, message.occurrence_id)
            if occurrence.status != "open":
                return None
            return await self.checkins.remind(session, occurrence)
        if kind == OutboxKind.FOLLOW_UP and message.followup_id is not None:
            if await agreement_notices.question_status(session, message) is not None:
                return None
            return await agreement_notices.compose_question(session, message, ref)
        if kind == OutboxKind.AGREEMENT:
            news = await agreement_notices.compose_news(session, message, ref)
            return news if isinstance(news, Outbound) else None
        return None
