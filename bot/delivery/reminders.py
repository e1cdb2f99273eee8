"""Planned check-ins as their time passes: a reminder is written to the outbox when it falls
due (not at planning time, so most are never written), and a check-in closes when its time
is up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal, select, update

from bot.storage.database import Database
from bot.storage.models import UNFINISHED, Occurrence, OutboxMessage, UTCDateTime
from bot.storage.sql import insert_ignoring_conflicts


async def queue_reminders(db: Database, now: datetime) -> int:
    """The reminders that fell due, written to the outbox as the planner once wrote them
    ahead: one per check-in that is not finished (the dispatcher sends it only while the
    check-in is open, after a pause when the person paused). Returns how many."""
    due_now = (
        Occurrence.status.in_(UNFINISHED),
        Occurrence.remind_at.is_not(None),
        Occurrence.remind_at <= now,
    )
    source = select(
        Occurrence.id,
        Occurrence.person_id,
        literal("reminder"),
        literal("pending"),
        literal(0),
        Occurrence.remind_at,
        literal(now, UTCDateTime()),
    ).where(*due_now)
    columns = ["occurrence_id", "person_id", "kind", "status", "attempts"]
    columns += ["next_attempt_at", "created_at"]
    outbox = OutboxMessage.__table__
    async with db.session() as session:
        # The unique (occurrence, kind) key keeps a second instance from writing it twice.
        insert = insert_ignoring_conflicts(session, outbox)  # type: ignore[arg-type]
        written = await session.execute(insert.from_select(columns, source))
        # Done with: the next tick does not read them again.
        await session.execute(update(Occurrence).where(*due_now).values(remind_at=None))
        return int(written.rowcount or 0)  # type: ignore[attr-defined]


async def expire(db: Database, now: datetime) -> int:
    """Close the check-ins whose time is up; answers already given are kept."""
    async with db.session() as session:
        result = await session.execute(
            update(Occurrence)
            .where(
                Occurrence.status.in_(UNFINISHED),
                Occurrence.expires_at.is_not(None),
                Occurrence.expires_at <= now,
            )
            .values(status="expired", closed_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
