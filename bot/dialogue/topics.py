"""Topics an employee raises for the conversation with their manager."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person, Topic
from dialogs.graphemes import cut, storable

MAX_TOPIC_LENGTH = 2000


def clean_text(text: str, limit: int) -> str:
    """Keep what the person wrote, minus characters no database or chat can carry; a long
    text is cut on a character boundary (never between a letter and its accent)."""
    return cut(storable(text).strip(), limit)


def too_long(text: str, limit: int) -> bool:
    """Whether clean_text cuts this text: the person is told what was kept."""
    return len(storable(text).strip()) > limit


async def raise_topic(session: AsyncSession, person: Person, text: str, now: datetime) -> Topic:
    topic = Topic(
        person_id=person.id,
        text=clean_text(text, MAX_TOPIC_LENGTH),
        status="open",
        raised_at=now,
    )
    session.add(topic)
    await session.flush()
    return topic


async def open_topics(session: AsyncSession, person_ids: list[int]) -> list[Topic]:
    found = await session.scalars(
        select(Topic)
        .where(Topic.person_id.in_(person_ids), Topic.status == "open")
        .order_by(Topic.raised_at)
    )
    return list(found)
