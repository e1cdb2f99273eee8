"""Prometheus metrics: process counters, and outbox figures read from the database per scrape.

Counters live in one registry of this module (the usual Prometheus pattern), so the places
that count need no wiring. Outbox depth and age come from the database when Prometheus
scrapes: the database is the truth shared by every replica, a counter would drift.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

PROMPTS_PLANNED = Counter(
    "jaarrond_prompts_planned",
    "Check-ins planned by the scheduler tick",
    registry=REGISTRY,
)
MESSAGES_SENT = Counter(
    "jaarrond_messages_sent",
    "Outbox messages delivered (prompts, reminders, notices, ...), by chat platform and kind",
    ["platform", "kind"],
    registry=REGISTRY,
)
MESSAGES_FAILED = Counter(
    "jaarrond_messages_failed",
    "Outbox delivery attempts that failed (retried later or given up), by platform and kind",
    ["platform", "kind"],
    registry=REGISTRY,
)
ANSWERS_RECEIVED = Counter(
    "jaarrond_answers_received",
    "Check-in answers recorded",
    registry=REGISTRY,
)
RATE_LIMIT_WAITS = Counter(
    "jaarrond_rate_limit_waits",
    "Times a chat platform asked us to slow down and we waited, by platform",
    ["platform"],
    registry=REGISTRY,
)
RATE_LIMIT_SECONDS = Counter(
    "jaarrond_rate_limit_wait_seconds",
    "Seconds spent waiting for chat platform rate limits, by platform",
    ["platform"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "jaarrond_http_request_duration_seconds",
    "Inbound HTTP request latency, by route and status",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

Sleep = Callable[[float], Awaitable[None]]


def rate_limited_sleep(platform: str, sleep: Sleep = asyncio.sleep) -> Sleep:
    """A sleep for an adapter's rate-limit back-off that counts each wait."""

    async def counted(seconds: float) -> None:
        RATE_LIMIT_WAITS.labels(platform).inc()
        RATE_LIMIT_SECONDS.labels(platform).inc(seconds)
        await sleep(seconds)

    return counted


@dataclass
class OutboxSnapshot:
    pending: int = 0
    oldest_pending_at: datetime | None = None
    # (kind, status) -> messages
    by_kind: dict[tuple[str, str], int] | None = None


class OutboxCollector(Collector):
    """Outbox depth by kind and status and the age of the oldest pending message.

    A collector's `collect` is synchronous and the database is async, so the /metrics
    handler refreshes the snapshot right before the registry is rendered.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.snapshot = OutboxSnapshot()

    async def refresh(self) -> None:
        async with self.db.session() as session:
            rows = await session.execute(
                select(OutboxMessage.kind, OutboxMessage.status, func.count()).group_by(
                    OutboxMessage.kind, OutboxMessage.status
                )
            )
            by_kind = {(str(kind), str(status)): int(count) for kind, status, count in rows}
            oldest = await session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at.is_not(None),
                )
            )
        pending = sum(n for (_, status), n in by_kind.items() if status == OutboxStatus.PENDING)
        self.snapshot = OutboxSnapshot(pending, oldest, by_kind)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "jaarrond_outbox_messages",
            "Outbox messages by kind and status (every kind and status, zero included)",
            labels=["kind", "status"],
        )
        counted = self.snapshot.by_kind or {}
        for kind in OutboxKind:
            for status in OutboxStatus:
                depth.add_metric([kind.value, status.value], counted.get((kind, status), 0))
        yield depth
        age = GaugeMetricFamily(
            "jaarrond_outbox_oldest_pending_age_seconds",
            "How long the oldest pending message has been due (0 when none is overdue)",
        )
        oldest = self.snapshot.oldest_pending_at
        age.add_metric([], max(0.0, (self.clock.now() - oldest).total_seconds()) if oldest else 0)
        yield age


def render(*registries: CollectorRegistry) -> bytes:
    return b"".join(generate_latest(registry) for registry in registries)
