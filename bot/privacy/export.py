"""The person's right of access and portability: everything stored about them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversations import export_dialogue
from bot.privacy.audit import views_of
from bot.storage.agreement_models import (
    Agreement,
    AgreementComment,
    AgreementDialog,
    AgreementFollowUp,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.drift_models import DriftSignal
from bot.storage.models import Answer, Base, Department, Occurrence, OutboxMessage, Person, Topic
from bot.storage.teams_references import TeamsConversation

EXPORT_FILENAME = "jaarrond-export.json"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # a sealed value reads as a str subclass; export plain text
    return value


def _row(obj: Base, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """Every column of a row, so a column added later is exported without a change here."""
    skip = set(leave_out)
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in obj.__mapper__.column_attrs
        if column.key not in skip
    }


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
    messages = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.person_id == person.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
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
            "working_days": person.working_days,
            "employment": person.employment,
            "agency": person.agency,
            "agency_contact_email": person.agency_contact_email,
            "paused_until": _plain(person.paused_until),
            "active": person.active,
            "left_at": _iso(person.left_at),
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
        },
        "answers": [
            {
                "question_id": a.question_id,
                "theme": a.theme,
                "topic": a.topic,
                "kind": a.kind,
                "value": str(a.value),
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
            {"text": str(t.text), "status": t.status, "raised_at": t.raised_at.isoformat()}
            for t in topics
        ],
        **await export_dialogue(session, person),
        "drift_signals": await _drift_signals(session, person),
        # What the bot sent them, not the text: a digest quotes other people's answers.
        "messages": [_row(m, ("id", "person_id", "payload")) for m in messages],
        "views_of_your_data": [
            {
                "viewer": name if row.viewer_id is not None else "operator (command line)",
                "what": row.what,
                "object": row.object_id,
                "viewed_at": row.viewed_at.isoformat(),
            }
            for row, name in await views_of(session, person, limit=None)
        ],
        "agreements": await _agreements(session, person),
        "agreement_dialog": await _dialog(session, person),
        "teams_conversation": await _teams_conversation(session, person),
    }


async def _agreements(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """Each agreement the person is a party to, with its whole negotiation record."""
    found = await session.scalars(
        select(Agreement)
        .where(or_(Agreement.employee_id == person.id, Agreement.manager_id == person.id))
        .order_by(Agreement.id)
    )
    result = []
    for agreement in found:
        ident = agreement.id

        async def rows(model: Any, *order: Any, agreement_id: int = ident) -> list[dict[str, Any]]:
            query = select(model).where(model.agreement_id == agreement_id).order_by(*order)
            return [_row(r, ("agreement_id",)) for r in await session.scalars(query)]

        entry = _row(agreement)
        entry["versions"] = await rows(AgreementVersion, AgreementVersion.number)
        entry["signatures"] = await rows(AgreementSignature, AgreementSignature.id)
        entry["comments"] = await rows(AgreementComment, AgreementComment.id)
        entry["follow_ups"] = await rows(AgreementFollowUp, AgreementFollowUp.id)
        notices = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.agreement_id == ident, OutboxMessage.person_id == person.id)
            .order_by(OutboxMessage.id)
        )
        entry["notices_to_you"] = [_row(n, ("agreement_id", "person_id")) for n in notices]
        result.append(entry)
    return result


async def _drift_signals(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """Lasting changes found in their shared answers, worth a conversation."""
    found = await session.scalars(
        select(DriftSignal).where(DriftSignal.person_id == person.id).order_by(DriftSignal.id)
    )
    return [_row(row, ("id", "person_id", "note_key")) for row in found]


async def _dialog(session: AsyncSession, person: Person) -> dict[str, Any] | None:
    """What the person is in the middle of writing (an agreement draft, a comment)."""
    dialog = await session.scalar(
        select(AgreementDialog).where(AgreementDialog.person_id == person.id)
    )
    return _row(dialog, ("person_id",)) if dialog is not None else None


async def _teams_conversation(session: AsyncSession, person: Person) -> dict[str, Any] | None:
    if not person.teams_user_id:
        return None
    row = await session.get(TeamsConversation, person.teams_user_id)
    return _row(row) if row is not None else None


def export_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
