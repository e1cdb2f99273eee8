"""Retention: each kind of data is deleted when its period (in the settings) has passed.

Runs once a day from the scheduler; each kind is purged in its own transaction, so one
failure does not hold back the rest. A period of 0 keeps that kind until erased by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Delete, and_, delete, func, or_, select

from bot.config import RetentionSettings
from bot.privacy.erasure import erase_person
from bot.storage.database import Database
from bot.storage.dialogue_models import TopicDiscussion
from bot.storage.drift_models import DriftSignal
from bot.storage.models import (
    FINISHED_STATUSES,
    Answer,
    Occurrence,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProcessedEvent,
    Topic,
)

log = logging.getLogger(__name__)
# Check-ins still under way are never purged, however old their due date.
FINISHED = ("completed", "stopped", "expired", "missed", "deferred", "paused", "skipped")


@dataclass
class PurgeReport:
    deleted: dict[str, int] = field(default_factory=dict)
    leavers_erased: int = 0


async def purge(db: Database, retention: RetentionSettings, now: datetime) -> PurgeReport:
    report = PurgeReport()

    def cutoff(days: int) -> datetime | None:
        return now - timedelta(days=days) if days > 0 else None

    messages = cutoff(retention.messages_days)
    if messages is not None:
        # Every kind: what was sent or will never be, and a notice still unsent after the
        # whole period (it may quote answers and notes; a check-in's own prompt and reminder
        # go with the check-in instead).
        unsent_notice = and_(
            OutboxMessage.occurrence_id.is_(None), OutboxMessage.status != OutboxStatus.SENDING
        )
        await _delete(
            db,
            report,
            delete(OutboxMessage).where(
                OutboxMessage.created_at < messages,
                or_(OutboxMessage.status.in_(FINISHED_STATUSES), unsent_notice),
            ),
        )
    answers = cutoff(retention.answers_days)
    if answers is not None:
        old = select(Occurrence.id).where(
            Occurrence.status.in_(FINISHED), Occurrence.due_at < answers
        )
        await _delete(
            db,
            report,
            delete(Answer).where(Answer.answered_at < answers),
            # A finished check-in goes with its answers; its messages go with it.
            delete(OutboxMessage).where(OutboxMessage.occurrence_id.in_(old)),
            delete(Answer).where(Answer.occurrence_id.in_(old)),
            delete(Occurrence).where(Occurrence.id.in_(old)),
            # A drift signal is read from answers: it goes when the answer that raised it does.
            delete(DriftSignal).where(DriftSignal.raised_at < answers),
        )
    topics = cutoff(retention.topics_days)
    if topics is not None:
        old_topics = select(Topic.id).where(Topic.raised_at < topics)
        await _delete(
            db,
            report,
            # Which conversation a topic was discussed in goes with the topic.
            delete(TopicDiscussion).where(TopicDiscussion.topic_id.in_(old_topics)),
            delete(Topic).where(Topic.raised_at < topics),
        )
    events = cutoff(retention.events_days)
    if events is not None:
        await _delete(db, report, delete(ProcessedEvent).where(ProcessedEvent.received_at < events))
    leavers = cutoff(retention.leavers_days)
    if leavers is not None:
        report.leavers_erased = await _erase_leavers(db, leavers, now)
    return report


async def _delete(db: Database, report: PurgeReport, *statements: Delete) -> None:
    async with db.session() as session:
        for statement in statements:
            result = await session.execute(statement)
            table = str(getattr(statement.table, "name", ""))
            rows: int = result.rowcount  # type: ignore[attr-defined]
            report.deleted[table] = report.deleted.get(table, 0) + rows


async def _erase_leavers(db: Database, before: datetime, now: datetime) -> int:
    """People marked as left (inactive) longer than the period are erased, one by one."""
    async with db.session() as session:
        # A full org import records when someone left; a row made inactive otherwise counts
        # from its last change (later than leaving, which only keeps them longer).
        ids = list(
            await session.scalars(
                select(Person.id).where(
                    Person.active.is_(False),
                    Person.erased_at.is_(None),
                    func.coalesce(Person.left_at, Person.updated_at) < before,
                )
            )
        )
    for person_id in ids:
        async with db.session() as session:
            person = await session.get(Person, person_id)
            if person is not None and person.erased_at is None and not person.active:
                await erase_person(session, person, now)
    return len(ids)
