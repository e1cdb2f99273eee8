"""The outbox as operators see it: every kind of message, who it is for, what it is about,
where it stands and why it waits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxKind, OutboxMessage, OutboxStatus, Person


@dataclass(frozen=True)
class OutboxRow:
    id: int
    email: str
    kind: str
    about: str
    status: str
    attempts: int
    next_attempt_at: datetime
    platform: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def about(message: OutboxMessage, theme: str | None, period: str | None) -> str:
    """What a message is about, in a few words (never what it says)."""
    if message.kind in (OutboxKind.PROMPT, OutboxKind.REMINDER):
        return f"{theme} check-in {period}"
    if message.kind == OutboxKind.AGREEMENT:
        return f"agreement #{message.agreement_id}"
    if message.kind == OutboxKind.FOLLOW_UP:
        return f"agreement #{message.agreement_id} follow-up"
    if message.kind == OutboxKind.MAIL:
        # The e-mail goes to the agency contact, about the person listed.
        return f"agreement #{message.agreement_id} e-mail to {message.recipient_email}"
    if message.kind == OutboxKind.TALKED:
        return f"conversation #{message.conversation_id}"
    return message.key or "-"


async def _read(
    session: AsyncSession, where: Sequence[object], order: Sequence[object], limit: int
) -> list[OutboxRow]:
    query = (
        select(OutboxMessage, Person.email, Occurrence.theme, Occurrence.period)
        .join(Person, Person.id == OutboxMessage.person_id)
        .outerjoin(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(*order)  # type: ignore[arg-type]
        .limit(limit)
    )
    return [
        OutboxRow(
            id=m.id,
            email=email,
            kind=m.kind,
            about=about(m, theme, period),
            status=m.status,
            attempts=m.attempts,
            next_attempt_at=m.next_attempt_at,
            platform=m.platform,
            last_error=m.last_error,
            created_at=m.created_at,
            sent_at=m.sent_at,
        )
        for m, email, theme, period in await session.execute(query)
    ]


async def list_outbox(
    db: Database,
    *,
    kinds: Sequence[str] = (),
    statuses: Sequence[str] = (),
    limit: int = 500,
) -> list[OutboxRow]:
    """Messages of every kind (or those named), newest first."""
    where = []
    if kinds:
        where.append(OutboxMessage.kind.in_(kinds))
    if statuses:
        where.append(OutboxMessage.status.in_(statuses))
    async with db.session() as session:
        return await _read(session, where, [OutboxMessage.id.desc()], limit)


async def waiting(db: Database, now: datetime, limit: int = 1000) -> list[OutboxRow]:
    """What is due to go out now (each person's in the order it was made), oldest first."""
    where = [OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now]
    order = [OutboxMessage.next_attempt_at, OutboxMessage.id]
    async with db.session() as session:
        return await _read(session, where, order, limit)
