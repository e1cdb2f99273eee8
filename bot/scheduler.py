"""APScheduler wiring: one tick a minute (and one at start) that plans and dispatches."""

from __future__ import annotations

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


def start_scheduler(ticker: Tick) -> AsyncIOScheduler:
    """Start ticking in the running event loop; the first tick runs right away."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        ticker.tick,
        "interval",
        seconds=TICK_SECONDS,
        next_run_time=SystemClock().now(),
        coalesce=True,
        max_instances=1,
        id="tick",
    )
    scheduler.start()
    return scheduler
