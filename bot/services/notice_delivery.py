"""What every kind of notice does once it is claimed: try the platform, then record sent or
back off; shared by the agreement notices and the dialogue notices (digests, briefs)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import menus
from bot.services.outbox import backoff
from bot.storage.database import Database
from dialogs.channel import ChatAdapter
from dialogs.messages import Outbound

MAX_ATTEMPTS = 8
UNREACHABLE_RETRY = timedelta(hours=1)
UNREACHABLE = "no chat platform reaches this person (no Slack or Teams id)"


class NoticeRow(Protocol):
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


class Tally(Protocol):
    sent: int
    failed: int
    unreachable: int


async def claim(session: AsyncSession, model: type[Any], notice_id: int) -> Any | None:
    """pending -> sending, counted as an attempt; None when another instance took it."""
    claimed = await session.execute(
        update(model)
        .where(model.id == notice_id, model.status == "pending")
        .values(status="sending", attempts=model.attempts + 1)
        .returning(model.id)
    )
    if claimed.first() is None:
        return None
    return await session.get_one(model, notice_id)


def unreachable(notice: NoticeRow, now: datetime, report: Tally) -> None:
    """Kept pending and visible, never dropped: a channel may be configured later."""
    notice.status, notice.attempts = "pending", notice.attempts - 1
    notice.next_attempt_at = now + UNREACHABLE_RETRY
    notice.last_error = UNREACHABLE
    report.unreachable += 1


async def send_and_record(
    db: Database,
    model: type[Any],
    notice_id: int,
    adapter: ChatAdapter,
    out: Outbound,
    now: datetime,
    report: Tally,
    *,
    forget_payload: bool = False,
) -> None:
    """Send a claimed notice; any platform error before delivery is retried with back-off
    and parked as failed after MAX_ATTEMPTS. `forget_payload` empties the stored message
    once it is delivered (the chat holds it now)."""
    try:
        await adapter.send(out)
    except Exception as exc:
        async with db.session() as session:
            notice = await session.get_one(model, notice_id)
            notice.last_error = f"{type(exc).__name__}: {exc}"[:500]
            failed = notice.attempts >= MAX_ATTEMPTS
            notice.status = "failed" if failed else "pending"
            notice.next_attempt_at = now + backoff(notice.attempts)
            report.failed += failed
        return
    async with db.session() as session:
        notice = await session.get_one(model, notice_id)
        notice.status = "sent"
        notice.sent_at = now
        notice.last_error = None
        await menus.remember(session, [(out.recipient.person_id, out)], now)
        if forget_payload:
            notice.payload = {}
    report.sent += 1
