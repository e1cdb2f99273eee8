"""A turn that meets a busy database is tried again, a few times, before it fails.

SQLite takes one writer at a time: a writer waits up to its busy timeout for the lock, but a
transaction that read first and then finds another writer's newer data fails at once
("database is locked"). PostgreSQL can refuse a transaction in a serialization conflict or a
deadlock. Either way the transaction rolled back completely (a turn commits as one), so
running the turn again is safe; one still failing after the last attempt goes up to the
adapter, which asks the person to try again.

On SQLite a turn holds the database's one write lock from its first statement (it records
the event's id first) to its commit, so the turns of one process take turns here, in the
order they came, instead of in SQLite's busy handler, which polls with growing sleeps (up
to 100 ms a time) and lets the unlucky wait for seconds. Everything else the work does
(reading a request, calling Slack or Teams) still runs side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError

from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, Turn

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

ATTEMPTS = 5
FIRST_PAUSE = 0.05
# SQLSTATEs PostgreSQL answers when a transaction lost to another and may simply run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` says only that the database was busy, not that the work is wrong."""
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    text = str(original).lower()
    return any(phrase in text for phrase in SQLITE_BUSY)


def retry_when_busy(
    handler: InboundHandler,
    *,
    one_writer: bool = False,
    attempts: int = ATTEMPTS,
    sleep: Sleep = asyncio.sleep,
) -> InboundHandler:
    """`handler`, run again after a short, growing and jittered pause when the database was
    busy (jitter: two turns that collided should not collide again). `one_writer` (SQLite):
    one turn at a time in this process."""
    writer = asyncio.Lock() if one_writer else contextlib.nullcontext()

    async def handle(inbound: Inbound) -> Turn:
        pause = FIRST_PAUSE
        for attempt in range(1, attempts + 1):
            try:
                async with writer:
                    return await handler(inbound)
            except DBAPIError as exc:
                if attempt == attempts or not is_busy(exc):
                    raise
                log.info(
                    "the database was busy (attempt %d of %d); trying again", attempt, attempts
                )
            await sleep(pause * (0.5 + random.random()))
            pause *= 2
        raise AssertionError("unreachable")  # the loop returns or raises

    return handle
