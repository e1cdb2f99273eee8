"""Agreement notices: what a party is told, queued with the agreement's change and
delivered by the tick, each notice at most once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notice_delivery import claim, send_and_record, unreachable
from bot.services.outbox import route
from bot.services.pauses import is_paused, local_today
from bot.services.people import Defaults, person_ref
from bot.storage.agreement_models import AgreementNotice
from bot.storage.database import Database
from bot.storage.models import Person
from bot.storage.sql import insert_new
from dialogs.channel import ChatAdapter
from dialogs.messages import Outbound
from dialogs.payload import outbound_from_data, outbound_to_data

FOLLOW_UP_TIME = time(9, 0)


def follow_up_moment(day: date, timezone: str) -> datetime:
    """09:00 local on the day, or on the Monday after when it falls in a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, FOLLOW_UP_TIME, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


async def queue_notice(
    session: AsyncSession,
    agreement_id: int,
    person_id: int,
    key: str,
    out: Outbound,
    now: datetime,
    *,
    kind: str = "notice",
    at: datetime | None = None,
) -> None:
    """Store the message for the tick to send; a notice with the same key is stored once."""
    row = {
        "agreement_id": agreement_id,
        "person_id": person_id,
        "key": key,
        "kind": kind,
        "payload": outbound_to_data(out),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at or now,
        "created_at": now,
    }
    table = AgreementNotice.__table__
    await insert_new(session, table, [row], table.c.id)  # type: ignore[arg-type]


@dataclass
class NoticeReport:
    planned: int = 0
    sent: int = 0
    held: int = 0
    unreachable: int = 0
    failed: int = 0


async def send_notices(
    db: Database, now: datetime, defaults: Defaults, adapters: Mapping[str, ChatAdapter]
) -> NoticeReport:
    """Deliver queued notices. A notice is claimed (pending -> sending) before it is sent
    and never returns to pending after a send began, so none is ever sent twice."""
    report = NoticeReport()
    async with db.session() as session:
        ids = list(
            await session.scalars(
                select(AgreementNotice.id)
                .where(AgreementNotice.status == "pending", AgreementNotice.next_attempt_at <= now)
                .order_by(AgreementNotice.next_attempt_at, AgreementNotice.id)
                .limit(500)
            )
        )
    for notice_id in ids:
        await _deliver(db, notice_id, now, defaults, adapters, report)
    return report


async def _deliver(
    db: Database,
    notice_id: int,
    now: datetime,
    defaults: Defaults,
    adapters: Mapping[str, ChatAdapter],
    report: NoticeReport,
) -> None:
    async with db.session() as session:
        notice = await claim(session, AgreementNotice, notice_id)
        if notice is None:
            return  # another instance took it
        person = await session.get_one(Person, notice.person_id)
        ref = person_ref(person, defaults)
        if not person.active:
            notice.status = "cancelled"
            return
        today = local_today(ref.timezone, now)
        if notice.kind == "follow_up" and is_paused(person, today) and person.paused_until:
            notice.status, notice.attempts = "pending", notice.attempts - 1
            notice.next_attempt_at = follow_up_moment(person.paused_until, ref.timezone)
            report.held += 1
            return
        adapter = route(ref, adapters)
        if adapter is None:
            unreachable(notice, now, report)
            return
        out = outbound_from_data(notice.payload, ref)
        notice.platform = adapter.platform
    await send_and_record(db, AgreementNotice, notice_id, adapter, out, now, report)
