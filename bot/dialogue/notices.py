"""Messages the bot sends on its own about the dialogue (the weekly digest, the review
brief, an invitation to draft the new third contract): queued in the outbox with the grace
they are sent within, and completed when they are sent (a brief's document is built then)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import notices
from bot.dialogue.brief_files import brief_file, current_brief
from bot.org.people import Defaults
from bot.storage.models import OutboxKind, OutboxMessage
from dialogs.banks import Bank
from dialogs.brief import summary
from dialogs.messages import Outbound, PersonRef
from dialogs.payload import outbound_from_data, outbound_to_data

log = logging.getLogger(__name__)


def notice(
    person_id: int, key: str, kind: OutboxKind, out: Outbound, expires_at: datetime | None = None
) -> notices.Notice:
    """A message to queue as it is now; one still waiting at `expires_at` is recorded as
    expired instead of sent late."""
    return notices.Notice(person_id, kind, key, outbound_to_data(out), expires_at=expires_at)


def stored(message: OutboxMessage, ref: PersonRef) -> Outbound:
    """The message as it was queued, addressed to the person as they are reached today."""
    return outbound_from_data(message.payload or {}, ref)


async def compose_brief(
    session: AsyncSession,
    message: OutboxMessage,
    ref: PersonRef,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> Outbound:
    """The brief's summary and its document, built now from the database. A brief that
    cannot be built does not hold the message back: the summary stored with it goes alone
    (its text says how to ask for the document again), and the error is logged."""
    try:
        async with session.begin_nested():  # a failed read must not undo the claim
            brief = await current_brief(session, message.key or "", ref, now, banks, defaults)
        if brief is not None:
            return replace(summary(brief), recipient=ref, attachment=brief_file(brief))
    except Exception:
        log.exception("could not build the brief of outbox message %s", message.id)
    return stored(message, ref)
