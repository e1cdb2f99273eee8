"""Leavers: people a full organisation import no longer lists, and people who come back.

Leaving takes effect at once, in the import's own transaction (all or nothing): the person
is inactive from then on (no planning, no sending, no chat), nothing waiting for them goes
out, their unfinished check-ins close, their reports have no manager until an import names
one, and the leavers' retention period starts (`left_at`). Their data stays until that
period ends (or HR erases it sooner); someone who comes back finds it again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    UNFINISHED,
    Menu,
    Occurrence,
    OutboxMessage,
    OutboxStatus,
    Person,
)

# Ids per statement: well within every database's limit on bound parameters.
CHUNK = 500
LEFT_NOTE = "the person left the organisation"


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


async def leave(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> None:
    """The people left the organisation at `now`."""
    await _mark(session, person_ids, now, left=True)
    for ids in _chunks(person_ids):
        await session.execute(
            update(Person).where(Person.manager_id.in_(ids)).values(manager_id=None, updated_at=now)
        )
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.person_id.in_(ids),
                OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.HELD)),
            )
            .values(status=OutboxStatus.CANCELLED, last_error=LEFT_NOTE)
        )
        await session.execute(
            update(Occurrence)
            .where(Occurrence.person_id.in_(ids), Occurrence.status.in_(UNFINISHED))
            .values(status="expired", closed_at=now)
        )
        # A question they were asked can no longer be answered.
        await session.execute(delete(Menu).where(Menu.person_id.in_(ids)))


async def come_back(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> None:
    """The people, who had left, are in the organisation again: they take part as before."""
    await _mark(session, person_ids, now, left=False)


async def _mark(
    session: AsyncSession, person_ids: Sequence[int], now: datetime, *, left: bool
) -> None:
    for ids in _chunks(person_ids):
        await session.execute(
            update(Person)
            .where(Person.id.in_(ids))
            .values(active=not left, left_at=now if left else None, updated_at=now)
        )
