"""Which dispatcher processes are alive: a send left in `sending` by a dead one is a crash to
reconcile; one left by a live one is a send in flight that nobody else may touch.

PostgreSQL: while a process dispatches (the only time it has sends in flight) it holds a
session-level advisory lock named after itself on a connection of its own; the server drops
it the moment the process dies, so "can I take that lock?" answers "is it sending?".
SQLite is one machine: the owner name carries host and process id, and the operating system
knows whether that process still runs.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database
from bot.storage.models import OutboxMessage, OutboxStatus

# The first key of the two-key advisory locks; the planner's lock uses the one-key form.
LOCK_CLASS = 0x4A41_4152


def _owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    stat = Path(f"/proc/{pid}/stat")
    try:
        # A killed process nobody reaped yet is a zombie: dead for our purposes.
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class Liveness:
    """This process's name as a dispatcher, and a test of whether another is alive."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.owner = _owner_name()
        self._held: AsyncConnection | None = None
        self._holders = 0

    @asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        """Hold our own lock while sends may be in flight (nested uses share it)."""
        self._holders += 1
        try:
            if self._holders == 1 and not self.db.is_sqlite:
                connection = await self.db.engine.connect()
                key = _key(self.owner)
                await connection.execute(select(func.pg_advisory_lock(LOCK_CLASS, key)))
                await connection.commit()  # a session-level lock outlives the transaction
                self._held = connection
            yield
        finally:
            self._holders -= 1
            if self._holders == 0:
                await self._release()

    async def _release(self) -> None:
        connection, self._held = self._held, None
        if connection is None:
            return
        try:
            await connection.execute(select(func.pg_advisory_unlock(LOCK_CLASS, _key(self.owner))))
            await connection.commit()
        finally:
            await connection.close()

    async def alive(self, owner: str | None) -> bool:
        if owner is None:
            return False  # claimed before owners were recorded: nobody is sending it now
        if owner == self.owner:
            return True
        if self.db.is_sqlite:
            host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if host != socket.gethostname() or not pid.isdigit():
                return False  # a SQLite file is not shared between machines
            return _process_running(int(pid))
        async with self.db.engine.connect() as connection:
            key = _key(owner)
            got = await connection.scalar(select(func.pg_try_advisory_lock(LOCK_CLASS, key)))
            if got:
                await connection.scalar(select(func.pg_advisory_unlock(LOCK_CLASS, key)))
            await connection.commit()
            return not got

    async def recover(self, now: datetime) -> int:
        """Messages a dead process left in `sending` go back to pending, to be checked before
        they are sent again. Returns how many."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_by).where(
                    OutboxMessage.status == OutboxStatus.SENDING
                )
            )
            stuck = [(i, owner) for i, owner in rows if owner != self.owner]
        verdicts: dict[str | None, bool] = {}
        recovered = 0
        for message_id, owner in stuck:
            if owner not in verdicts:
                verdicts[owner] = await self.alive(owner)
            if verdicts[owner]:
                continue  # in flight in a live process
            async with self.db.session() as session:
                claimed = await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        OutboxMessage.status == OutboxStatus.SENDING,
                    )
                    .with_for_update(skip_locked=True)
                )
                message = claimed.first()
                if message is None or message.claimed_by != owner:
                    continue
                message.status = OutboxStatus.PENDING
                message.claimed_by = None
                message.next_attempt_at = now
                message.last_error = "the process sending it stopped; checked before resending"
                recovered += 1
        return recovered

    async def die(self) -> None:
        """What a crash does to our database session (tests): the lock is gone at once."""
        if self._held is not None:
            await self._held.invalidate()
            await self._held.close()
            self._held = None


def _key(owner: str) -> object:
    return func.hashtext(owner)
