"""APScheduler wiring: one tick a minute (and one at start) that plans and dispatches."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import RetentionSettings
from bot.dialogue_config import DialogueSettings
from bot.services.agreements import follow_up_tick
from bot.services.dialogue_tick import dialogue_tick
from bot.services.outbox import Dispatcher
from bot.services.people import Defaults
from bot.services.planner import DueCheckin, expire, plan
from bot.services.retention import purge
from bot.storage.database import Database
from dialogs.banks import Bank

log = logging.getLogger(__name__)
TICK_SECONDS = 60


@dataclass
class Ticker:
    """The database holds the schedules; APScheduler only decides when to look."""

    db: Database
    clock: Clock
    banks: dict[str, Bank]
    defaults: Defaults
    dispatcher: Dispatcher
    # The first tick after a start records what fell due while the bot was down as missed.
    caught_up: bool = False
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    # Retention periods; the purge runs on the first tick of each UTC day (None: never).
    retention: RetentionSettings | None = None
    purged_on: date | None = None

    async def tick(self) -> list[DueCheckin]:
        now = self.clock.now()
        if self.retention is not None and self.purged_on != now.date():
            self.purged_on = now.date()
            purged = await purge(self.db, self.retention, now)
            if any(purged.deleted.values()) or purged.leavers_erased:
                log.info(
                    "retention: deleted %s, %d leavers erased",
                    purged.deleted,
                    purged.leavers_erased,
                )
        await expire(self.db, now)
        due = await plan(self.db, now, self.banks, self.defaults, catch_up=not self.caught_up)
        self.caught_up = True
        metrics.PROMPTS_PLANNED.inc(len(due))
        if due:
            log.info("tick: planned %d check-ins", len(due))
        report = await self.dispatcher.dispatch()
        agreements = await follow_up_tick(self.db, now, self.defaults, self.dispatcher.adapters)
        if agreements.planned or agreements.sent or agreements.failed:
            log.info(
                "tick: agreements: %d follow-ups planned, %d notices sent, %d failed",
                agreements.planned,
                agreements.sent,
                agreements.failed,
            )
        talk = await dialogue_tick(
            self.db, now, self.banks, self.defaults, self.dialogue, self.dispatcher.adapters
        )
        if talk.digests or talk.briefs or talk.invitations or talk.sent or talk.failed:
            log.info(
                "tick: dialogue: %d digests, %d briefs, %d invitations queued; %d sent, %d failed",
                talk.digests,
                talk.briefs,
                talk.invitations,
                talk.sent,
                talk.failed,
            )
        if due or report.sent or report.failed:
            log.info(
                "tick: %d due, %d sent, %d held, %d unreachable, %d failed",
                len(due),
                report.sent,
                report.held,
                report.unreachable,
                report.failed,
            )
        return due


class Tick(Protocol):
    async def tick(self) -> list[DueCheckin]: ...


@dataclass
class _OneAtATime:
    """Runs a tick in the background unless one is still running (a long dispatch): the
    scheduler's own guard would log a warning for every interval a long tick spans."""

    ticker: Tick
    running: asyncio.Task[object] | None = field(default=None)

    async def run(self) -> None:
        if self.running is not None and not self.running.done():
            return
        self.running = asyncio.get_running_loop().create_task(self.ticker.tick())
        self.running.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[object]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a tick failed", exc_info=task.exception())


def start_scheduler(ticker: Tick, seconds: float = TICK_SECONDS) -> AsyncIOScheduler:
    """Start ticking in the running event loop; the first tick runs right away."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        _OneAtATime(ticker).run,
        "interval",
        seconds=seconds,
        next_run_time=SystemClock().now(),
        coalesce=True,
        max_instances=1,
        id="tick",
    )
    scheduler.start()
    return scheduler


async def stop_scheduler(scheduler: AsyncIOScheduler) -> None:
    """No new ticks; a tick still running is cancelled (its sends are reconciled at start)."""
    job = scheduler.get_job("tick")
    scheduler.shutdown(wait=False)
    guard = getattr(job.func, "__self__", None) if job is not None else None
    if isinstance(guard, _OneAtATime) and guard.running is not None:
        guard.running.cancel()
        await asyncio.gather(guard.running, return_exceptions=True)
