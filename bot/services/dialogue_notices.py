"""Messages the bot sends on its own about the dialogue (the weekly digest, the review
brief, an invitation, a logged conversation): stored with what caused them, delivered by
the tick, each at most once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notice_delivery import claim, send_and_record, unreachable
from bot.services.outbox import route
from bot.services.people import Defaults, person_ref
from bot.storage.database import Database
from bot.storage.dialogue_models import DialogueNotice
from bot.storage.models import Person
from bot.storage.sql import insert_new
from dialogs.channel import ChatAdapter
from dialogs.messages import Attachment, Outbound, PersonRef
from dialogs.payload import outbound_from_data, outbound_to_data

log = logging.getLogger(__name__)

# Builds the file a notice carries, at send time (a review brief's document): files are
# never stored with the notice. None: the message goes without one.
NoticeFile = Callable[
    [AsyncSession, DialogueNotice, PersonRef, datetime], Awaitable[Attachment | None]
]


async def queue_notice(
    session: AsyncSession,
    person_id: int,
    key: str,
    kind: str,
    out: Outbound,
    now: datetime,
    *,
    at: datetime | None = None,
) -> bool:
    """Store the message for the tick to send; a key is stored once. True when new."""
    return bool(await queue_notices(session, [(person_id, key, out)], kind, now, at=at))


async def queue_notices(
    session: AsyncSession,
    messages: Sequence[tuple[int, str, Outbound]],
    kind: str,
    now: datetime,
    *,
    at: datetime | None = None,
) -> int:
    """Store several (person id, key, message) in one statement; returns how many were new."""
    rows = [
        {
            "person_id": person_id,
            "key": key,
            "kind": kind,
            "payload": outbound_to_data(out),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": at or now,
            "created_at": now,
        }
        for person_id, key, out in messages
    ]
    table = DialogueNotice.__table__
    return len(await insert_new(session, table, rows, table.c.id))  # type: ignore[arg-type]


async def existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            await session.scalars(select(DialogueNotice.key).where(DialogueNotice.key.in_(chunk)))
        )
    return found


@dataclass
class DialogueReport:
    digests: int = 0
    briefs: int = 0
    invitations: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0


async def send_notices(
    db: Database,
    now: datetime,
    defaults: Defaults,
    adapters: Mapping[str, ChatAdapter],
    report: DialogueReport,
    *,
    attach: NoticeFile | None = None,
) -> None:
    """Deliver what waits. A notice is claimed (pending -> sending) before it is sent and
    never returns to pending after a send began, so none is sent twice."""
    async with db.session() as session:
        ids = list(
            await session.scalars(
                select(DialogueNotice.id)
                .where(DialogueNotice.status == "pending", DialogueNotice.next_attempt_at <= now)
                .order_by(DialogueNotice.next_attempt_at, DialogueNotice.id)
                .limit(500)
            )
        )
    for notice_id in ids:
        await _deliver(db, notice_id, now, defaults, adapters, report, attach)


async def _deliver(
    db: Database,
    notice_id: int,
    now: datetime,
    defaults: Defaults,
    adapters: Mapping[str, ChatAdapter],
    report: DialogueReport,
    attach: NoticeFile | None,
) -> None:
    async with db.session() as session:
        notice = await claim(session, DialogueNotice, notice_id)
        if notice is None:
            return  # another instance took it
        person = await session.get_one(Person, notice.person_id)
        if not person.active:
            notice.status = "cancelled"
            return
        ref = person_ref(person, defaults)
        adapter = route(ref, adapters)
        if adapter is None:
            unreachable(notice, now, report)
            return
        out = outbound_from_data(notice.payload, ref)
        if attach is not None:
            out = await _with_file(session, attach, notice, out, now)
        notice.platform = adapter.platform
    await send_and_record(
        db, DialogueNotice, notice_id, adapter, out, now, report, forget_payload=True
    )


async def _with_file(
    session: AsyncSession, attach: NoticeFile, notice: DialogueNotice, out: Outbound, now: datetime
) -> Outbound:
    """The message with its file. A file that cannot be made does not hold the message
    back (its text says how to ask for the file again); the error is logged."""
    try:
        async with session.begin_nested():  # a failed read must not undo the claim
            file = await attach(session, notice, out.recipient, now)
    except Exception:
        log.exception("could not build the file of notice %s; sending it without", notice.key)
        return out
    return out if file is None else replace(out, attachment=file)
