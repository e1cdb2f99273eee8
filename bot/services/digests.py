"""The manager's team digest, built only from what reports chose to share."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.agreements import AgreementService
from bot.services.people import Defaults, reports_of
from bot.services.topics import open_topics
from bot.storage.models import Answer, Person
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.digest import QuestionTrend, RaisedTopic, ReportDigest, TeamDigest
from dialogs.messages import Locale

DIGEST_WINDOW = timedelta(weeks=26)


def _is_health(answer: Answer, banks: dict[str, Bank]) -> bool:
    """Health by the stored topic or by the bank's flag; either keeps it out of any digest."""
    if answer.topic in HEALTH_TOPICS:
        return True
    bank = banks.get(answer.theme)
    try:
        return bank is not None and bank.question(answer.question_id).is_health
    except KeyError:
        return False


async def shared_answers(
    session: AsyncSession, person_ids: list[int], since: datetime, banks: dict[str, Bank]
) -> list[Answer]:
    """Answers a manager may see: shared by the employee, never health-related."""
    found = await session.scalars(
        select(Answer)
        .where(
            Answer.person_id.in_(person_ids),
            Answer.visibility == "shared",
            Answer.topic.not_in(HEALTH_TOPICS),
            Answer.answered_at >= since,
        )
        .order_by(Answer.answered_at, Answer.id)
    )
    return [a for a in found if not _is_health(a, banks)]


def _trends(answers: list[Answer], banks: dict[str, Bank], locale: Locale) -> list[QuestionTrend]:
    by_question: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    trends = []
    for question_id, series in by_question.items():
        last = series[-1]
        bank = banks.get(last.theme)
        try:
            question = bank.question(question_id) if bank else None
        except KeyError:
            question = None
        trends.append(
            QuestionTrend(
                question_id=question_id,
                theme=last.theme,
                topic=last.topic,
                kind=last.kind,
                prompt=question.text(locale) if question else question_id,
                values=tuple(a.value for a in series),
                latest=question.label_of(last.value, locale) if question else last.value,
                latest_at=last.answered_at,
            )
        )
    return trends


async def team_digest(
    session: AsyncSession,
    manager: Person,
    now: datetime,
    banks: dict[str, Bank],
    locale: Locale,
    defaults: Defaults | None = None,
) -> TeamDigest:
    since = now - DIGEST_WINDOW
    reports = await reports_of(session, manager)
    ids = [r.id for r in reports]
    answers = await shared_answers(session, ids, since, banks)
    topics = await open_topics(session, ids)
    answers_by_person: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        answers_by_person[answer.person_id].append(answer)
    topics_by_person: dict[int, list[RaisedTopic]] = defaultdict(list)
    for topic in topics:
        topics_by_person[topic.person_id].append(RaisedTopic(topic.text, topic.raised_at))
    attention = await AgreementService(defaults or Defaults()).attention_for_manager(
        session, manager, now
    )
    return TeamDigest(
        agreements=tuple(attention),
        manager_email=manager.email,
        manager_name=manager.name,
        since=since,
        generated_at=now,
        reports=tuple(
            ReportDigest(
                email=r.email,
                name=r.name,
                trends=tuple(_trends(answers_by_person[r.id], banks, locale)),
                topics=tuple(topics_by_person[r.id]),
            )
            for r in reports
        ),
    )
