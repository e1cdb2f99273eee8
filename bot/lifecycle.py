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

from bot.clock import Clock
from bot.delivery.dispatcher import Dispatcher, DispatchReport
from bot.scheduler import Ticker, TickReport, TickTimer, start_scheduler
from bot.storage.database import Database
from bot.storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


@dataclass
class TickLoop:
    """The scheduler's tick on a timer, refused once stopping, and its graceful stop.

    `dispatcher` is the one `ticker` sends through: the stop tells it to claim no further
    batch and returns what it claimed but did not finish to the outbox.
    """

    ticker: Ticker
    dispatcher: Dispatcher
    db: Database
    clock: Clock
    seconds: float
    # How long a running tick may go on finishing its sends once a stop begins.
    grace: float
    stopping: bool = False
    running: set[asyncio.Task[object]] = field(default_factory=set)
    timer: TickTimer | None = None

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

    async def send(self) -> DispatchReport:
        """Send what waits in the outbox, without planning anything."""
        return await self.dispatcher.dispatch(person_id=self.ticker.person_id)

    def start(self, *, first_now: bool = True) -> None:
        """Tick every `seconds`; the first tick now, or after `seconds` (the caller just
        ran one itself)."""
        if self.timer is None and not self.stopping:
            self.timer = start_scheduler(self, self.seconds, first_now=first_now)

    async def stop(self) -> int:
        """No new tick, the running one gets `grace` seconds, then unfinished sends go back
        to the outbox; how many did. A second stop does nothing."""
        if self.stopping:
            return 0
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.pause()
        await self._drain()
        if timer is not None:
            await timer.stop()
        return await release(self.db, self.dispatcher.in_flight, self.clock.now())

    async def _drain(self) -> bool:
        """Stop ticking; True when the running tick finished within the grace period."""
        self.stopping = True
        self.dispatcher.stopping = True
        if not self.running:
            return True
        _, late = await asyncio.wait(set(self.running), timeout=self.grace)
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
