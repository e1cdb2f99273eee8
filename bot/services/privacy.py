"""The person's right of access and portability: everything stored about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.conversations import export_dialogue
from bot.storage.models import Answer, Department, Occurrence, Person, Topic


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def export_person(session: AsyncSession, person: Person, now: datetime) -> dict[str, Any]:
    """A machine-readable copy of the person's data (GDPR art. 15 and 20)."""
    manager = await session.get(Person, person.manager_id) if person.manager_id else None
    department = (
        await session.get(Department, person.department_id) if person.department_id else None
    )
    answers = await session.scalars(
        select(Answer).where(Answer.person_id == person.id).order_by(Answer.answered_at, Answer.id)
    )
    occurrences = await session.scalars(
        select(Occurrence).where(Occurrence.person_id == person.id).order_by(Occurrence.due_at)
    )
    topics = await session.scalars(
        select(Topic).where(Topic.person_id == person.id).order_by(Topic.raised_at)
    )
    return {
        "exported_at": now.isoformat(),
        "person": {
            "email": person.email,
            "name": person.name,
            "manager_email": manager.email if manager else None,
            "department": department.name if department else None,
            "locale": person.locale,
            "timezone": person.timezone,
            "slack_user_id": person.slack_user_id,
            "teams_user_id": person.teams_user_id,
            "hr": person.is_hr,
            "review_month": person.review_month,
        },
        "answers": [
            {
                "question_id": a.question_id,
                "theme": a.theme,
                "topic": a.topic,
                "kind": a.kind,
                "value": a.value,
                "visibility": a.visibility,
                "answered_at": a.answered_at.isoformat(),
            }
            for a in answers
        ],
        "checkins": [
            {
                "theme": o.theme,
                "schedule": o.schedule_id,
                "period": o.period,
                "status": o.status,
                "shared": o.shared,
                "due_at": o.due_at.isoformat(),
                "closed_at": _iso(o.closed_at),
            }
            for o in occurrences
        ],
        "topics": [
            {"text": t.text, "status": t.status, "raised_at": t.raised_at.isoformat()}
            for t in topics
        ],
        **await export_dialogue(session, person),
    }
