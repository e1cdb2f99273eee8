"""APScheduler wiring: one tick a minute (and one at start) that plans check-ins and
follow-ups, queues digests and briefs, and sends what the outbox holds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.agreements.service import plan_follow_ups
from bot.clock import Clock, SystemClock
from bot.config import RetentionSettings
from bot.delivery.dispatcher import Dispatcher, DispatchReport
from bot.delivery.planner import DueCheckin, plan
from bot.delivery.reminders import expire, queue_reminders
from bot.dialogue.tick import DialogueReport, brief_tick, digest_tick
from bot.dialogue_config import DialogueSettings
from bot.org.people import Defaults
from bot.privacy.retention import PurgeReport, purge
from bot.schedules.questions import QuestionBanks
from bot.storage.database import Database
from bot.tick_steps import STEPS
from dialogs.banks import Bank

log = logging.getLogger(__name__)
TICK_SECONDS = 60


@dataclass
class TickReport:
    """What one tick did (or, rehearsed, would do)."""

    at: datetime
    checkins: list[DueCheckin] = field(default_factory=list)
    followups: int = 0
    dialogue: DialogueReport = field(default_factory=DialogueReport)
    sent: DispatchReport = field(default_factory=DispatchReport)
    purged: PurgeReport | None = None


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
    # Send only this person's messages: a console chat speaks for one person, and must not
    # take everyone else's messages only to find that it cannot reach them.
    person_id: int | None = None
    # HR's own questions, read again each tick: a question saved on another replica joins
    # `banks` (the same dict) before this tick plans or asks anything. None: `banks` as is.
    questions: QuestionBanks | None = None

    async def tick(self, steps: Collection[str] = STEPS, *, send: bool = True) -> TickReport:
        """Do the steps at the clock's moment; without `send` what falls due only waits."""
        now = self.clock.now()
        report = TickReport(now)
        if self.questions is not None:
            await self.questions.refresh()
        if set(STEPS) <= set(steps):
            report.purged = await self._purge(now)
        if "checkins" in steps:
            await expire(self.db, now)
            await queue_reminders(self.db, now)
            report.checkins = await plan(
                self.db, now, self.banks, self.defaults, catch_up=not self.caught_up
            )
            self.caught_up = True
            metrics.PROMPTS_PLANNED.inc(len(report.checkins))
        if "followups" in steps:
            report.followups = await plan_follow_ups(self.db, now, self.defaults)
        # Prompts first: the dialogue's work below can take a while on a digest morning.
        sending = send and "notices" in steps
        if sending:
            await self._send(report.sent)
        talk = report.dialogue
        if "digests" in steps:
            await digest_tick(self.db, now, self.banks, self.defaults, self.dialogue, talk)
        if "briefs" in steps:
            await brief_tick(self.db, now, self.banks, self.defaults, self.dialogue, talk)
        if sending and (talk.digests or talk.briefs or talk.invitations):
            await self._send(report.sent)
        _log(report)
        return report

    async def _purge(self, now: datetime) -> PurgeReport | None:
        if self.retention is None or self.purged_on == now.date():
            return None
        self.purged_on = now.date()
        purged = await purge(self.db, self.retention, now)
        if any(purged.deleted.values()) or purged.leavers_erased:
            log.info(
                "retention: deleted %s, %d leavers erased", purged.deleted, purged.leavers_erased
            )
        return purged

    async def _send(self, total: DispatchReport) -> None:
        sent = await self.dispatcher.dispatch(person_id=self.person_id)
        for name in ("sent", "held", "recovered", "found", "unreachable", "failed", "dropped"):
            setattr(total, name, getattr(total, name) + getattr(sent, name))
        total.errors += sent.errors


def _log(report: TickReport) -> None:
    talk, sent = report.dialogue, report.sent
    if report.checkins or report.followups or talk.digests or talk.briefs or talk.invitations:
        log.info(
            "tick: planned %d check-ins, %d follow-up questions; queued %d digests, %d briefs, "
            "%d invitations",
            len(report.checkins),
            report.followups,
            talk.digests,
            talk.briefs,
            talk.invitations,
        )
    if sent.sent or sent.failed or sent.dropped:
        log.info(
            "tick: %d sent, %d held, %d unreachable, %d failed, %d not sent (superseded, "
            "expired or cancelled)",
            sent.sent,
            sent.held,
            sent.unreachable,
            sent.failed,
            sent.dropped,
        )


class Tick(Protocol):
    async def tick(self) -> object: ...


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


@dataclass
class TickTimer:
    """The scheduler calling the tick every interval, and the tick it started last."""

    scheduler: AsyncIOScheduler
    guard: _OneAtATime

    def pause(self) -> None:
        """No new tick; the one running goes on (shutting down would cancel it)."""
        if self.scheduler.running:
            self.scheduler.pause()

    async def stop(self) -> None:
        """No new ticks; a tick still running is cancelled (its sends are reconciled at start)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = self.guard.running
        if running is not None and not running.done():
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)


def start_scheduler(
    ticker: Tick, seconds: float = TICK_SECONDS, *, first_now: bool = True
) -> TickTimer:
    """Start ticking in the running event loop; the first tick runs right away, or after
    `seconds` when the caller just ran one itself."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    guard = _OneAtATime(ticker)
    first = SystemClock().now() + (timedelta(0) if first_now else timedelta(seconds=seconds))
    scheduler.add_job(
        guard.run,
        "interval",
        seconds=seconds,
        next_run_time=first,
        coalesce=True,
        max_instances=1,
        id="tick",
    )
    scheduler.start()
    return TickTimer(scheduler, guard)
