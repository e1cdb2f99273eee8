"""A graceful stop: no new work, in-flight sends finish or go back to the outbox, bounded.

On SIGTERM (Kubernetes, systemd, `docker stop`) the scheduler takes no new tick, the tick
that is running gets a grace period to finish its sends, and is cancelled after it. A
message of any kind this process had claimed (`sending`) but not finished is pending
again, so another replica, or this one after a restart, sends it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update

from bot.scheduler import Ticker, TickReport
from bot.storage.database import Database
from bot.storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


@dataclass
class GuardedTicker:
    """The scheduler's tick, refused once stopping, and remembered while it runs."""

    ticker: Ticker
    stopping: bool = False
    running: set[asyncio.Task[object]] = field(default_factory=set)

    async def tick(self) -> TickReport | None:
        if self.stopping:
            return None
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            return await self.ticker.tick()
        finally:
            if task is not None:
                self.running.discard(task)

    async def drain(self, grace: float) -> bool:
        """Stop ticking; True when the running tick finished within `grace` seconds."""
        self.stopping = True
        self.ticker.dispatcher.stopping = True
        if not self.running:
            return True
        _, late = await asyncio.wait(set(self.running), timeout=grace)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=1.0)
        return not late


async def release(db: Database, message_ids: Collection[int], now: datetime) -> int:
    """Messages claimed by this process but not finished go back to pending, due now."""
    if not message_ids:
        return 0
    async with db.session() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(list(message_ids)),
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(
                status=OutboxStatus.PENDING, next_attempt_at=now, last_error="interrupted by a stop"
            )
        )
    released = int(getattr(result, "rowcount", 0) or 0)
    if released:
        log.info("stop: %d unfinished sends returned to the outbox", released)
    return released
