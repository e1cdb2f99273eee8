"""Notices: what the bot says on its own besides check-in prompts (an agreement's news, a
follow-up question, a digest, a review brief, a logged conversation, an invitation).

Each is one outbox row, written in the caller's transaction with what it is about, unique
by key so that queueing twice sends once; the dispatcher (bot/delivery/dispatcher.py) sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus
from bot.storage.sql import insert_new

_OUTBOX = cast(Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class Notice:
    person_id: int
    kind: OutboxKind
    key: str
    # What it says, or what it is rebuilt from when it is sent; sealed at rest.
    payload: dict[str, Any] | None = None
    agreement_id: int | None = None
    followup_id: int | None = None
    conversation_id: int | None = None
    # Kind mail: the address it goes to (the person is whom it is about).
    recipient_email: str | None = None
    # When it may go out (default: at once), and after which moment it is not sent at all.
    at: datetime | None = None
    expires_at: datetime | None = None


async def queue(session: AsyncSession, notices: Sequence[Notice], now: datetime) -> int:
    """Store the notices in one statement; a key already stored is kept. How many were new."""
    rows = [
        {
            "person_id": n.person_id,
            "kind": n.kind,
            "key": n.key,
            "payload": n.payload,
            "agreement_id": n.agreement_id,
            "followup_id": n.followup_id,
            "conversation_id": n.conversation_id,
            "recipient_email": n.recipient_email,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": n.at or now,
            "expires_at": n.expires_at,
            "created_at": now,
        }
        for n in notices
    ]
    return len(await insert_new(session, _OUTBOX, rows, _OUTBOX.c.id))


async def existing_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are queued already (whatever became of them)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        found.update(
            key
            for key in await session.scalars(
                select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))
            )
            if key is not None
        )
    return found


async def supersede(
    session: AsyncSession, *, person_id: int, agreement_id: int, kind: OutboxKind
) -> int:
    """The person's unsent notices of this kind about the agreement are no longer true."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.agreement_id == agreement_id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.SUPERSEDED, last_error=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def cancel_question(session: AsyncSession, followup_id: int) -> None:
    """A follow-up question answered (any way): its queued message is not sent any more."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.followup_id == followup_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, last_error="answered before it was sent")
    )
