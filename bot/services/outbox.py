"""The dispatcher: drains the outbox, one prompt at a time, through the person's channel.

Each message moves pending -> sending (committed before the platform is called) -> sent.
A message left in `sending` by a process that died is set back to pending; before any
message is sent again, an adapter that can (Slack) is asked whether the interrupted send
arrived after all, so it is not sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import time as time_
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.clock import Clock
from bot.services import menus
from bot.services.checkins import CheckinService
from bot.services.liveness import Liveness
from bot.services.pauses import is_paused, local_today
from bot.services.people import person_ref
from bot.services.worktime import next_working_morning
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage, Person, Schedule
from dialogs.channel import ChatAdapter, finder
from dialogs.messages import MessageRef, Outbound, PersonRef

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
UNREACHABLE_RETRY = timedelta(hours=1)
PLATFORM_PREFERENCE = ("slack", "teams", "console")


def backoff(attempts: int) -> timedelta:
    """Exponential back-off for transient failures: 30 s, 1 min, 2 min, ... at most 1 h."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


def route(person: PersonRef, adapters: Mapping[str, ChatAdapter]) -> ChatAdapter | None:
    """The channel a proactive prompt takes: the first running platform that reaches them."""
    for platform in PLATFORM_PREFERENCE:
        adapter = adapters.get(platform)
        if adapter is not None and adapter.can_reach(person):
            return adapter
    return None


def _still_wanted(kind: str, occurrence: Occurrence, retry: bool) -> bool:
    """A prompt goes out while its check-in waits; a reminder only while it is open.

    An earlier attempt opened the check-in: its retry is still wanted until the person has
    answered the first question (then the prompt evidently arrived).
    """
    status = occurrence.status
    if kind == "reminder":
        return status == "open"
    if retry and status == "open":
        return occurrence.position == 0
    return status in ("planned", "snoozed", "queued")


def message_key(message: OutboxMessage) -> str:
    """What the platform message carries to be found again: unique per outbox message."""
    return f"c{message.occurrence_id}.{message.kind}.{message.id}"


_OUTBOX = cast(Table, OutboxMessage.__table__)
_RECORD_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("message"))
    .values(status="sent", last_error=None, claimed_by=None)
)


@dataclass(frozen=True)
class _Send:
    message_id: int
    person_id: int
    adapter: ChatAdapter
    out: Outbound
    occurrence_id: int
    kind: str


@dataclass
class DispatchReport:
    sent: int = 0
    held: int = 0
    # Interrupted sends set back to pending, and of those found delivered after all.
    recovered: int = 0
    found: int = 0
    unreachable: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Dispatcher:
    db: Database
    clock: Clock
    checkins: CheckinService
    adapters: Mapping[str, ChatAdapter]
    liveness: Liveness | None = None
    # Claimed (`sending`) by this process and not finished: a stop returns them to pending.
    in_flight: set[int] = field(default_factory=set)
    # Set by a graceful stop: the batch being sent finishes, no further one is claimed.
    stopping: bool = False
    # Messages claimed per transaction, and people sent to at once. A batch is in `sending`
    # together: after a crash each of its messages is checked (on Slack, a Tier 3 call), and
    # a graceful stop waits for it. So a batch is what goes out in about `batch_seconds` at
    # the pace the last one went (rate limits), between `min_batch` and `batch` messages:
    # large when sending is fast (fewer transactions per prompt), small when it is throttled.
    batch: int = 100
    min_batch: int = 20
    batch_seconds: float = 2.0
    concurrency: int = 8
    _batch_size: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.liveness is None:
            self.liveness = Liveness(self.db)

    @property
    def owner(self) -> str:
        assert self.liveness is not None
        return self.liveness.owner

    async def dispatch(self, *, person_id: int | None = None, limit: int = 1000) -> DispatchReport:
        assert self.liveness is not None
        async with self.liveness.sending():
            return await self._dispatch(person_id, limit)

    async def _dispatch(self, person_id: int | None, limit: int) -> DispatchReport:
        report = DispatchReport()
        now = self.clock.now()
        await self.recover(now, report)
        seen = 0
        while seen < limit and not self.stopping:
            size = self._batch_size or min(self.batch, self.min_batch)
            due = await self._due(now, person_id, min(size, limit - seen))
            if not due:
                break
            seen += len(due)
            fresh = [i for i, attempts in due if not attempts]
            for message_id, attempts in due:
                if attempts and not await self._find_sent(message_id, report):
                    fresh.append(message_id)
            sends = await self._claim(fresh, now, report)
            started = time_.monotonic()
            await self._send_all(sends, now, report)
            self._pace(len(sends), time_.monotonic() - started)
        return report

    def _pace(self, sent: int, seconds: float) -> None:
        """The next batch's size, from how fast this one went out (only full batches tell)."""
        if sent < self.min_batch:
            return
        fits = sent * self.batch_seconds / max(seconds, 1e-3)
        self._batch_size = max(1, min(self.batch, max(self.min_batch, int(fits))))

    async def _due(self, now: datetime, person_id: int | None, limit: int) -> list[tuple[int, int]]:
        async with self.db.session() as session:
            query = (
                select(OutboxMessage.id, OutboxMessage.attempts)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
            if person_id is not None:
                query = query.where(OutboxMessage.person_id == person_id)
            return [(i, attempts) for i, attempts in await session.execute(query)]

    async def recover(self, now: datetime, report: DispatchReport) -> None:
        """Messages a dead process left in `sending` go back to pending, to be checked."""
        assert self.liveness is not None
        async with self.db.session() as session:
            rows = await session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_by).where(
                    OutboxMessage.status == "sending"
                )
            )
            stuck = [(i, owner) for i, owner in rows if owner != self.owner]
        verdicts: dict[str | None, bool] = {}
        for message_id, owner in stuck:
            if owner not in verdicts:
                verdicts[owner] = await self.liveness.alive(owner)
            if verdicts[owner]:
                continue  # in flight in a live process
            async with self.db.session() as session:
                claimed = await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
                    .with_for_update(skip_locked=True)
                )
                message = claimed.first()
                if message is None or message.claimed_by != owner:
                    continue
                message.status = "pending"
                message.claimed_by = None
                message.next_attempt_at = now
                message.last_error = "the process sending it stopped; checked before resending"
                report.recovered += 1
        if report.recovered:
            log.warning("outbox: %d interrupted sends to check and resend", report.recovered)

    async def _find_sent(self, message_id: int, report: DispatchReport) -> bool:
        """A retry: did the earlier attempt arrive after all? Then it is sent, not resent."""
        async with self.db.session() as session:
            message = await session.get_one(OutboxMessage, message_id)
            if message.status != "pending" or not message.attempts or message.platform is None:
                return False
            adapter = finder(self.adapters.get(message.platform))
            if adapter is None:
                return False  # the platform cannot tell: the message is sent again
            person = await session.get_one(Person, message.person_id)
            ref = person_ref(person, self.checkins.defaults)
            key = message_key(message)
        try:
            found = await adapter.find_sent(ref, key)
        except Exception as exc:  # cannot check now: try again later rather than risk a double
            log.warning("checking outbox message %s failed: %s", message_id, type(exc).__name__)
            async with self.db.session() as session:
                message = await session.get_one(OutboxMessage, message_id)
                message.last_error = f"checking whether it arrived: {type(exc).__name__}: {exc}"
                message.next_attempt_at = self.clock.now() + backoff(message.attempts)
            return True
        if found is None:
            return False
        async with self.db.session() as session:
            claimed = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
                .with_for_update(skip_locked=True)
            )
            row = claimed.first()
            if row is not None:
                row.status = "sent"
                row.sent_at = self.clock.now()
                row.last_error = None
                row.message_ref = {"channel": found.channel, "message_id": found.message_id}
                report.found += 1
                report.sent += 1
        return True

    async def _claim(self, ids: list[int], now: datetime, report: DispatchReport) -> list[_Send]:
        """One transaction for a batch: lock, render, and mark as sending what goes out."""
        if not ids:
            return []
        sends: list[_Send] = []
        async with self.db.session() as session:
            # Several dispatchers may run (one per instance): the row lock makes each message
            # one dispatcher's; SKIP LOCKED lets the others move on instead of waiting.
            claimed = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .with_for_update(skip_locked=True)
            )
            messages = list(claimed)
            if not messages:
                return []
            # Loaded together, so the per-message work below finds them in the session (held
            # here: the session only keeps weak references to unchanged objects).
            occurrences = (
                await session.scalars(
                    select(Occurrence).where(Occurrence.id.in_({m.occurrence_id for m in messages}))
                )
            ).all()
            schedule_ids = {o.schedule_id for o in occurrences if o.schedule_id is not None}
            loaded = [
                *occurrences,
                *(await session.scalars(select(Schedule).where(Schedule.id.in_(schedule_ids)))),
                *(
                    await session.scalars(
                        select(Person).where(Person.id.in_({m.person_id for m in messages}))
                    )
                ),
            ]
            # Every person's open check-in, read once: delivering a prompt must know it.
            # Kept current as prompts open check-ins, so a second message to the same
            # person sees the first one's; changes are flushed together at commit.
            open_now = await self.checkins.open_occurrences(
                session, (m.person_id for m in messages)
            )
            with session.no_autoflush:
                for message in messages:
                    send = await self._prepare(session, message, now, open_now, report)
                    if send is not None:
                        sends.append(send)
        del loaded
        self.in_flight.update(send.message_id for send in sends)
        return sends

    async def _prepare(
        self,
        session: AsyncSession,
        message: OutboxMessage,
        now: datetime,
        open_now: dict[int, Occurrence],
        report: DispatchReport,
    ) -> _Send | None:
        occurrence = await session.get_one(Occurrence, message.occurrence_id)
        person = await session.get_one(Person, message.person_id)
        if not _still_wanted(message.kind, occurrence, retry=message.attempts > 0):
            message.status = "sent" if message.attempts else "cancelled"
            return None
        ref = person_ref(person, self.checkins.defaults)
        if is_paused(person, local_today(ref.timezone, now)):
            assert person.paused_until is not None
            # Held, not dropped: it goes out on the first working morning after the pause.
            resume_at = next_working_morning(
                datetime.combine(person.paused_until, time(), tzinfo=ZoneInfo(ref.timezone))
                - timedelta(days=1),
                ref.timezone,
            )
            message.next_attempt_at = resume_at.astimezone(UTC)
            message.last_error = f"paused until {person.paused_until.isoformat()}"
            return None
        adapter = route(ref, self.adapters)
        if adapter is None:
            # Kept pending and visible, never dropped: a channel may be configured later.
            message.last_error = "no chat platform reaches this person (no Slack or Teams id)"
            message.next_attempt_at = now + UNREACHABLE_RETRY
            report.unreachable += 1
            return None
        out: Outbound | None
        if message.kind == "reminder":
            out = await self.checkins.remind(session, occurrence)
        else:
            out = await self.checkins.deliver(session, occurrence, now, open_now)
        if out is None:
            message.status = "held"
            report.held += 1
            return None
        message.status = "sending"
        message.attempts += 1
        message.platform = adapter.platform
        message.claimed_by = self.owner
        out = replace(out, key=message_key(message))
        return _Send(
            message.id, message.person_id, adapter, out, message.occurrence_id, message.kind
        )

    async def _send_all(self, sends: list[_Send], now: datetime, report: DispatchReport) -> None:
        """Send a claimed batch, a few people at a time; one person's messages in order."""
        if not sends:
            return
        by_person: dict[int, list[_Send]] = {}
        for send in sends:
            by_person.setdefault(send.person_id, []).append(send)
        slots = asyncio.Semaphore(self.concurrency)
        shown = {send.message_id: (send.person_id, send.out) for send in sends}
        done: list[tuple[int, MessageRef | Exception]] = []
        writing = asyncio.Lock()

        async def record() -> None:
            # Whoever gets the lock writes everything finished so far, in one transaction:
            # few commits, yet a message is marked sent moments after it arrived, so a crash
            # leaves little to check or (where the platform cannot tell) to send twice.
            if len(done) < self.concurrency:
                return
            async with writing:
                finished = done[:]
                del done[:]
                if finished:
                    await self._record(finished, now, report, shown)

        async def one_person(queue: list[_Send]) -> None:
            async with slots:
                for send in queue:
                    platform = send.adapter.platform
                    try:
                        done.append((send.message_id, await send.adapter.send(send.out)))
                    except Exception as exc:  # any platform error: retried, never lost
                        metrics.PROMPTS_FAILED.labels(platform).inc()
                        done.append((send.message_id, exc))
                    else:
                        metrics.PROMPTS_SENT.labels(platform).inc()
                        keys = {"outbox_id": send.message_id, "occurrence_id": send.occurrence_id}
                        log.info("sent %s via %s", send.kind, platform, extra=keys)
                    await record()

        await asyncio.gather(*(one_person(queue) for queue in by_person.values()))
        if done:
            await self._record(done, now, report, shown)

    async def _record(
        self,
        finished: list[tuple[int, MessageRef | Exception]],
        now: datetime,
        report: DispatchReport,
        shown: Mapping[int, tuple[int, Outbound]],
    ) -> None:
        sent = [
            {
                "message": message_id,
                "message_ref": {"channel": result.channel, "message_id": result.message_id},
            }
            for message_id, result in finished
            if not isinstance(result, Exception)
        ]
        errors = {i: result for i, result in finished if isinstance(result, Exception)}
        ids = [message_id for message_id, result in finished if not isinstance(result, Exception)]
        async with self.db.session() as session:
            if sent:
                # One statement for all of them (an UPDATE by primary key, executed many),
                # on the table: the ORM's bulk update costs more than the write itself.
                await session.execute(_RECORD_SENT.values(sent_at=now), sent)
                # What reached the person is the question their next typed answer is for.
                await menus.remember(session, (shown[i] for i in ids), now)
            if errors:
                failed = await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id.in_(list(errors)))
                )
                for message in failed:
                    message.claimed_by = None
                    self._failed(message, now, errors[message.id], report)
        # Only once recorded: a stop in the middle of the write still returns them (a retry
        # first asks the platform whether the message arrived, where it can tell).
        self.in_flight.difference_update(message_id for message_id, _ in finished)
        report.sent += len(sent)

    def _failed(
        self, message: OutboxMessage, now: datetime, exc: Exception, report: DispatchReport
    ) -> None:
        log.warning("sending outbox message %s failed: %s", message.id, type(exc).__name__)
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"
            report.failed += 1
        else:
            message.status = "pending"
            message.next_attempt_at = now + backoff(message.attempts)
        report.errors.append(message.last_error)


@dataclass(frozen=True)
class OutboxRow:
    """One message as operators see it: who, what, where it stands and why."""

    id: int
    email: str
    theme: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    platform: str | None
    last_error: str | None
    sent_at: datetime | None


async def list_outbox(
    db: Database, statuses: tuple[str, ...] = (), limit: int = 500
) -> list[OutboxRow]:
    async with db.session() as session:
        query = (
            select(OutboxMessage, Person.email, Occurrence.theme)
            .join(Person, Person.id == OutboxMessage.person_id)
            .join(Occurrence, Occurrence.id == OutboxMessage.occurrence_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        if statuses:
            query = query.where(OutboxMessage.status.in_(statuses))
        rows = await session.execute(query)
        return [
            OutboxRow(
                id=m.id,
                email=email,
                theme=theme,
                kind=m.kind,
                status=m.status,
                attempts=m.attempts,
                next_attempt_at=m.next_attempt_at,
                platform=m.platform,
                last_error=m.last_error,
                sent_at=m.sent_at,
            )
            for m, email, theme in rows
        ]
