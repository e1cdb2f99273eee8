"""The dispatcher: drains the outbox, everything the bot says on its own, through each
person's channel.

Each message moves pending -> sending (committed before the platform is called) -> sent.
A message left in `sending` by a process that died is set back to pending; before any
message is sent again, an adapter that can (Slack) is asked whether the interrupted send
arrived after all, so it is not sent twice.

A person's messages go out in the order they were made: one is taken only when none made
before it is due, retrying or in flight, so a retry holds back the ones after it. E-mail to
an agency contact about a person (kind `mail`) is a queue of its own per address, sent by
the configured mail sender (bot/delivery/mail.py) as if it were a chat platform. What each
kind says, and whether it is still wanted, is decided when it is sent (outbox_rules.py).
"""

from __future__ import annotations

import asyncio
import logging
import time as time_
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot import metrics
from bot.agreements.agency_mail import AgencyMail
from bot.checkins import menus
from bot.checkins.pauses import is_paused
from bot.checkins.service import CheckinService
from bot.clock import Clock
from bot.delivery.liveness import Liveness
from bot.delivery.mail import NOT_CONFIGURED, MailChannel, MailSender
from bot.delivery.queue import Queued, backoff, due, keyed, message_key, route, unreachable
from bot.delivery.rules import ASKING_KINDS, CHECKIN_KINDS, PAUSED_KINDS, Rules, Settled
from bot.org.people import person_ref
from bot.schedules.worktime import next_working_morning
from bot.storage.database import Database
from bot.storage.models import (
    Occurrence,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Person,
    Schedule,
)
from dialogs.channel import ChatAdapter, finder
from dialogs.dates import local_day
from dialogs.messages import MessageRef, Outbound

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
UNREACHABLE_RETRY = timedelta(hours=1)


_OUTBOX = cast(Table, OutboxMessage.__table__)
# A message delivered is in the chat now: what a notice said is not kept (data minimisation).
# `sent_at` and `message_ref` come with each row, so the statement is built once.
_RECORD_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("message"))
    .values(status=OutboxStatus.SENT, last_error=None, claimed_by=None, payload=None)
)
# What the claim decided about a message read as a row: the columns in each row's values.
_WRITE_CLAIMED = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("message"))
# The batch, locked. Several dispatchers may run (one per instance): the row lock makes each
# message one dispatcher's; SKIP LOCKED lets the others move on instead of waiting. Read as
# rows: prompts and reminders, nearly all of the outbox, need no entity (see _Claimed).
_LOCK_BATCH = (
    select(
        _OUTBOX.c.id,
        _OUTBOX.c.kind,
        _OUTBOX.c.person_id,
        _OUTBOX.c.occurrence_id,
        _OUTBOX.c.attempts,
        _OUTBOX.c.expires_at,
        _OUTBOX.c.last_error,
    )
    .where(
        _OUTBOX.c.id.in_(bindparam("ids", expanding=True)),
        _OUTBOX.c.status == OutboxStatus.PENDING,
    )
    .order_by(_OUTBOX.c.next_attempt_at, _OUTBOX.c.id)
    .with_for_update(skip_locked=True)
)


class _Claimed:
    """A prompt or reminder as the claim read it, with what the claim sets on it.

    Their rules read the check-in, not the message, so no entity is needed: loading one and
    flushing its changes costs more than the rest of the claim's database work. What is set
    is kept in `changes` and written for the whole batch together (`_write_claimed`).
    """

    id: int
    kind: str
    person_id: int
    occurrence_id: int | None
    attempts: int
    expires_at: datetime | None
    last_error: str | None
    status: str
    platform: str | None
    claimed_by: str | None
    next_attempt_at: datetime
    payload: dict[str, Any] | None
    changes: dict[str, Any]

    def __init__(self, row: RowMapping) -> None:
        self.__dict__.update(row, status=OutboxStatus.PENDING, changes={})

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value
        self.changes[name] = value


class Channel(Protocol):
    """What a message is sent through: a chat platform, or the mail sender."""

    @property
    def platform(self) -> str: ...

    async def send(self, out: Outbound) -> MessageRef: ...


@dataclass(frozen=True)
class _Send:
    message_id: int
    person_id: int
    adapter: Channel
    out: Outbound
    occurrence_id: int | None
    kind: str


class _Recorder:
    """One connection for a batch's records, each in a transaction of its own. A record is a
    few small statements for a handful of sends: taking a connection from the pool for each
    (and, on PostgreSQL, checking it is alive) and giving it back cost as much as the writes.
    A write that fails closes it, so the next one starts on a fresh connection."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        if self._session is None:
            self._connection = await self._db.engine.connect()
            self._session = self._db.sessions(bind=self._connection)
        try:
            async with self._session.begin():
                yield self._session
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        session, connection = self._session, self._connection
        self._session = self._connection = None
        if session is not None:
            await session.close()
        if connection is not None:
            await connection.close()


@dataclass
class _Batch:
    """What a claimed batch's rules read, by id; `schedules` only held (see _load)."""

    occurrences: dict[int, Occurrence]
    people: dict[int, Person]
    schedules: list[Schedule]


@dataclass
class DispatchReport:
    sent: int = 0
    held: int = 0
    # Interrupted sends set back to pending, and of those found delivered after all.
    recovered: int = 0
    found: int = 0
    unreachable: int = 0
    failed: int = 0
    # Not sent, and never will be: superseded, expired or cancelled on the way out.
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Dispatcher:
    db: Database
    clock: Clock
    checkins: CheckinService
    adapters: Mapping[str, ChatAdapter]
    liveness: Liveness | None = None
    # E-mail to agency contacts: the sender (None: mail is off and waits) and the links in it.
    mail: MailSender | None = None
    agency: AgencyMail = field(default_factory=AgencyMail)
    # Claimed (`sending`) by this process and not finished: a stop returns them to pending.
    in_flight: set[int] = field(default_factory=set)
    # Set by a graceful stop: the batch being sent finishes, no further one is claimed.
    stopping: bool = False
    # Messages claimed per transaction, and people sent to at once. A batch is in `sending`
    # together: after a crash each of its messages is checked (on Slack, a Tier 3 call), and
    # a graceful stop waits for it. So a batch is what goes out in about `batch_seconds` at
    # the pace the last one went (rate limits), between `min_batch` and `batch` messages:
    # large when sending is fast (fewer transactions per message), small when throttled.
    batch: int = 100
    min_batch: int = 20
    batch_seconds: float = 2.0
    concurrency: int = 8
    _batch_size: int = field(default=0, init=False, repr=False)
    _rules: Rules = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.liveness is None:
            self.liveness = Liveness(self.db)
        self._rules = Rules(self.checkins, self.agency)

    @property
    def owner(self) -> str:
        assert self.liveness is not None
        return self.liveness.owner

    async def dispatch(self, *, person_id: int | None = None, limit: int = 1000) -> DispatchReport:
        """Send what is due; `person_id` only that person's (a console chat speaks for one)."""
        assert self.liveness is not None
        async with self.liveness.sending():
            return await self._dispatch(person_id, limit)

    async def _dispatch(self, person_id: int | None, limit: int) -> DispatchReport:
        report = DispatchReport()
        now = self.clock.now()
        assert self.liveness is not None
        report.recovered += await self.liveness.recover(now)
        if report.recovered:
            log.warning("outbox: %d interrupted sends to check and resend", report.recovered)
        seen = 0
        while seen < limit and not self.stopping:
            size = self._batch_size or min(self.batch, self.min_batch)
            batch = await self._due(now, person_id, min(size, limit - seen))
            if not batch:
                break
            seen += len(batch)
            fresh = [i for i, attempts in batch if not attempts]
            for message_id, attempts in batch:
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
            query = due(now).limit(limit)
            if person_id is not None:
                query = query.where(OutboxMessage.person_id == person_id)
            return [(i, attempts) for i, attempts in await session.execute(query)]

    async def _find_sent(self, message_id: int, report: DispatchReport) -> bool:
        """A retry: did the earlier attempt arrive after all? Then it is sent, not resent."""
        async with self.db.session() as session:
            message = await session.get_one(OutboxMessage, message_id)
            if (
                message.status != OutboxStatus.PENDING
                or not message.attempts
                or message.platform is None
            ):
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
            reason = f"checking whether it arrived: {type(exc).__name__}: {exc}"[:500]
            log.warning(
                "outbox message %s (%s) via %s: %s",
                message_id,
                message.kind,
                message.platform,
                reason,
                extra={"outbox_id": message_id},
            )
            async with self.db.session() as session:
                message = await session.get_one(OutboxMessage, message_id)
                message.last_error = reason
                message.next_attempt_at = self.clock.now() + backoff(message.attempts)
            return True
        if found is None:
            return False
        async with self.db.session() as session:
            claimed = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
                .with_for_update(skip_locked=True)
            )
            row = claimed.first()
            if row is not None:
                now = self.clock.now()
                # What it asked is the person's menu now, as if just sent.
                shown = await self._rules.shown(session, row, ref)
                if shown is not None:
                    await menus.remember(session, [(row.person_id, shown)], now)
                row.status = OutboxStatus.SENT
                row.sent_at = now
                row.last_error = None
                row.payload = None
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
            rows = (await session.execute(_LOCK_BATCH, {"ids": ids})).mappings().all()
            if not rows:
                return []
            messages = await self._messages(session, rows)
            batch = await self._load(session, messages)
            # Every person's open check-in, read once: delivering a prompt must know it.
            # Kept current as prompts open check-ins, so a second message to the same
            # person sees the first one's; changes are flushed together at commit.
            asking = {m.person_id for m in messages if m.kind in ASKING_KINDS}
            open_now = await self.checkins.open_occurrences(session, asking) if asking else {}
            with session.no_autoflush:
                for message in messages:
                    send = await self._prepare(session, message, batch, now, open_now, report)
                    if send is not None:
                        sends.append(send)
            await self._write_claimed(session, messages)
        del batch
        self.in_flight.update(send.message_id for send in sends)
        return sends

    @staticmethod
    async def _messages(
        session: AsyncSession, rows: Sequence[RowMapping]
    ) -> list[OutboxMessage | _Claimed]:
        """The locked messages in order: prompts and reminders as rows, the other kinds (whose
        rules read the message itself) as entities, loaded in one query."""
        others = [row["id"] for row in rows if row["kind"] not in CHECKIN_KINDS]
        entities: dict[int, OutboxMessage] = {}
        if others:
            found = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(others)))
            entities = {message.id: message for message in found}
        return [
            entities[row["id"]] if row["kind"] not in CHECKIN_KINDS else _Claimed(row)
            for row in rows
        ]

    @staticmethod
    async def _write_claimed(
        session: AsyncSession, messages: list[OutboxMessage | _Claimed]
    ) -> None:
        """What the claim set on the rows, one statement for the rows that changed alike
        (nearly always all of them: status, attempts, platform, claimant)."""
        alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for message in messages:
            if isinstance(message, _Claimed) and message.changes:
                columns = tuple(sorted(message.changes))
                alike.setdefault(columns, []).append({"message": message.id, **message.changes})
        for values in alike.values():
            await session.execute(_WRITE_CLAIMED, values)

    @staticmethod
    async def _load(session: AsyncSession, messages: Sequence[Queued]) -> _Batch:
        """The batch's check-ins, schedules and people in a few queries. Held by the caller
        while the batch is prepared: the session keeps only weak references to unchanged
        objects, and the service finds the schedules and people in it."""
        occurrence_ids = {m.occurrence_id for m in messages if m.occurrence_id is not None}
        occurrences = (
            (
                await session.scalars(select(Occurrence).where(Occurrence.id.in_(occurrence_ids)))
            ).all()
            if occurrence_ids
            else []
        )
        schedule_ids = {o.schedule_id for o in occurrences if o.schedule_id is not None}
        schedules = (
            (await session.scalars(select(Schedule).where(Schedule.id.in_(schedule_ids)))).all()
            if schedule_ids
            else []
        )
        people = await session.scalars(
            select(Person).where(Person.id.in_({m.person_id for m in messages}))
        )
        return _Batch({o.id: o for o in occurrences}, {p.id: p for p in people}, list(schedules))

    async def _prepare(
        self,
        session: AsyncSession,
        message: OutboxMessage | _Claimed,
        batch: _Batch,
        now: datetime,
        open_now: dict[int, Occurrence],
        report: DispatchReport,
    ) -> _Send | None:
        person = batch.people[message.person_id]
        if not person.active:
            gone = Settled(OutboxStatus.CANCELLED, "the person no longer takes part")
            return self._settle(message, gone, report)
        occurrence = (
            batch.occurrences.get(message.occurrence_id)
            if message.occurrence_id is not None
            else None
        )
        settled = await self._rules.settle(session, message, now, occurrence)
        if settled is not None:
            return self._settle(message, settled, report)
        ref = person_ref(person, self.checkins.defaults)
        if message.kind in PAUSED_KINDS and is_paused(person, local_day(now, ref.timezone)):
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
        waits = await self._rules.waits_until(session, message, now, open_now)
        if waits is not None:
            message.next_attempt_at = waits
            message.last_error = "waits for the end of the check-in the person is answering"
            return None
        adapter: Channel | None
        if message.kind == OutboxKind.MAIL:
            adapter = MailChannel(self.mail) if self.mail is not None else None
            reason = NOT_CONFIGURED
        else:
            adapter = route(ref, self.adapters)
            reason = f"no chat platform reaches this person ({unreachable(ref, self.adapters)})"
        if adapter is None:
            # Kept pending and visible, never dropped: a channel may be configured later.
            if message.last_error != reason:
                log.warning(
                    "outbox message %s (%s) is waiting: %s",
                    message.id,
                    message.kind,
                    reason,
                    extra={"outbox_id": message.id},
                )
            message.last_error = reason
            message.next_attempt_at = now + UNREACHABLE_RETRY
            report.unreachable += 1
            return None
        composed = await self._rules.compose(session, message, ref, now, open_now, occurrence)
        if isinstance(composed, Settled):
            return self._settle(message, composed, report)
        message.status = OutboxStatus.SENDING
        message.attempts += 1
        message.platform = adapter.platform
        message.claimed_by = self.owner
        out = keyed(composed, message_key(message))
        return _Send(
            message.id, message.person_id, adapter, out, message.occurrence_id, message.kind
        )

    @staticmethod
    def _settle(
        message: OutboxMessage | _Claimed, settled: Settled, report: DispatchReport
    ) -> None:
        message.status = settled.status
        if settled.status == OutboxStatus.HELD:
            report.held += 1
            return
        if settled.status != OutboxStatus.SENT:
            report.dropped += 1
            message.last_error = settled.note
            message.payload = None
            log.info(
                "outbox message %s (%s) not sent: %s",
                message.id,
                message.kind,
                settled.status,
                extra={"outbox_id": message.id},
            )

    async def _send_all(self, sends: list[_Send], now: datetime, report: DispatchReport) -> None:
        """Send a claimed batch, a few people at a time; one person's messages in order."""
        if not sends:
            return
        by_person: dict[int, list[_Send]] = {}
        for send in sends:
            by_person.setdefault(send.person_id, []).append(send)
        slots = asyncio.Semaphore(self.concurrency)
        done: list[tuple[_Send, MessageRef | Exception]] = []
        writing = asyncio.Lock()
        recorder = _Recorder(self.db)

        async def record() -> None:
            # Whoever gets the lock writes everything finished so far, in one transaction:
            # few commits, yet a message is marked sent moments after it arrived, so a crash
            # leaves little to check or (where the platform cannot tell) to send twice.
            # While a write runs, a sender that finished waits for it instead of sending on:
            # so a crash finds at most the write's messages plus one per sender unrecorded.
            if writing.locked():
                async with writing:
                    pass
            if len(done) < self.concurrency:
                return
            async with writing:
                finished = done[:]
                del done[:]
                if finished:
                    await self._record(recorder, finished, now, report)

        async def one_person(queue: list[_Send]) -> None:
            async with slots:
                for send in queue:
                    platform = send.adapter.platform
                    try:
                        done.append((send, await send.adapter.send(send.out)))
                    except Exception as exc:  # any platform error: retried, never lost
                        metrics.MESSAGES_FAILED.labels(platform, send.kind).inc()
                        done.append((send, exc))
                    else:
                        metrics.MESSAGES_SENT.labels(platform, send.kind).inc()
                        keys = {"outbox_id": send.message_id, "occurrence_id": send.occurrence_id}
                        log.info("sent %s via %s", send.kind, platform, extra=keys)
                    await record()

        try:
            # Every sender ends before the batch does, also when a record failed: none is
            # left writing through a connection closed under it. The first failure is raised
            # once the rest is recorded.
            ended = await asyncio.gather(
                *(one_person(queue) for queue in by_person.values()), return_exceptions=True
            )
            if done:
                await self._record(recorder, done, now, report)
        finally:
            await recorder.close()
        for end in ended:
            if isinstance(end, BaseException):
                raise end

    async def _record(
        self,
        recorder: _Recorder,
        finished: list[tuple[_Send, MessageRef | Exception]],
        now: datetime,
        report: DispatchReport,
    ) -> None:
        sent = [
            {
                "message": send.message_id,
                "sent_at": now,
                "message_ref": {"channel": result.channel, "message_id": result.message_id},
            }
            for send, result in finished
            if not isinstance(result, Exception)
        ]
        errors = {
            send.message_id: result for send, result in finished if isinstance(result, Exception)
        }
        # menus.remember keeps those that ask something (a question, or buttons of their own).
        # A mail went to someone else (an agency contact): it is no menu of the person's.
        asked = [
            (send.person_id, send.out)
            for send, result in finished
            if not isinstance(result, Exception) and send.kind != OutboxKind.MAIL
        ]
        async with recorder.transaction() as session:
            if sent:
                # One statement for all of them (an UPDATE by primary key, executed many),
                # on the table: the ORM's bulk update costs more than the write itself.
                await session.execute(_RECORD_SENT, sent)
            if asked:
                # What a person was asked last is their menu: a typed number answers it.
                await menus.remember(session, asked, now)
            if errors:
                failed = await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.id.in_(list(errors)))
                )
                for message in failed:
                    message.claimed_by = None
                    self._failed(message, now, errors[message.id], report)
        # Only once recorded: a stop in the middle of the write still returns them (a retry
        # first asks the platform whether the message arrived, where it can tell).
        self.in_flight.difference_update(send.message_id for send, _ in finished)
        report.sent += len(sent)

    def _failed(
        self, message: OutboxMessage, now: datetime, exc: Exception, report: DispatchReport
    ) -> None:
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning(
            "sending outbox message %s (%s) via %s failed (attempt %d): %s",
            message.id,
            message.kind,
            message.platform,
            message.attempts,
            message.last_error,
            extra={"outbox_id": message.id},
        )
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            report.failed += 1
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = now + backoff(message.attempts)
        report.errors.append(message.last_error)
