"""The manager's team digest, built only from what reports chose to share."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.service import AgreementService
from bot.dialogue import drift as drift_signals
from bot.dialogue.conversations import last_reviews
from bot.dialogue.topics import open_topics
from bot.dialogue_config import DialogueSettings
from bot.org.people import Defaults
from bot.storage.agreement_models import Agreement, AgreementVersion
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Answer, Occurrence, Person, Schedule
from dialogs import agreements as ag
from dialogs import drift
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.digest import (
    DueAgreement,
    Monitoring,
    QuestionTrend,
    RaisedTopic,
    ReportDigest,
    TeamDigest,
)
from dialogs.messages import Locale

DIGEST_WINDOW = timedelta(weeks=26)
# Agreements whose review date or next follow-up falls this close are listed as due.
REVIEW_DUE_WITHIN = timedelta(days=30)
FOLLOW_UP_DUE_WITHIN = timedelta(days=14)
# Participation figures (only with monitoring on) look back this far.
MONITORING_WINDOW = timedelta(weeks=12)
ASKED = ("completed", "expired", "stopped")


class AnswerRow(Protocol):
    """The columns of an answer the overviews read (a row, not a loaded object: cheaper)."""

    @property
    def person_id(self) -> int: ...
    @property
    def question_id(self) -> str: ...
    @property
    def theme(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def answered_at(self) -> datetime: ...


ANSWER_COLUMNS = (
    Answer.person_id,
    Answer.question_id,
    Answer.theme,
    Answer.topic,
    Answer.kind,
    Answer.value,
    Answer.visibility,
    Answer.answered_at,
)


def is_health(answer: AnswerRow, banks: dict[str, Bank]) -> bool:
    """Health by the stored topic or by the bank's flag; either keeps it out of any digest."""
    if answer.topic in HEALTH_TOPICS:
        return True
    bank = banks.get(answer.theme)
    try:
        return bank is not None and bank.question(answer.question_id).is_health
    except KeyError:
        return False


async def shared_answers(
    session: AsyncSession,
    person_ids: list[int],
    since: datetime,
    banks: dict[str, Bank],
    further: Mapping[str, datetime] | None = None,
) -> list[AnswerRow]:
    """Answers a manager may see: shared by the employee, never health-related. The scale
    answers of themes in `further` are read from their own (earlier) moment instead of
    `since`: a trend needs the points, a latest answer does not."""
    read_from = or_(
        Answer.answered_at >= since,
        *(
            and_(Answer.theme == theme, Answer.kind == "scale", Answer.answered_at >= moment)
            for theme, moment in (further or {}).items()
            if moment < since
        ),
    )
    found = await session.execute(
        select(*ANSWER_COLUMNS)
        .where(
            Answer.person_id.in_(person_ids),
            Answer.visibility == "shared",
            Answer.topic.not_in(HEALTH_TOPICS),
            read_from,
        )
        .order_by(Answer.answered_at, Answer.id)
    )
    rows: Sequence[AnswerRow] = found.all()
    return [a for a in rows if not is_health(a, banks)]


def trends(
    answers: Sequence[AnswerRow], banks: dict[str, Bank], locale: Locale
) -> list[QuestionTrend]:
    by_question: dict[str, list[AnswerRow]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    found = []
    for question_id, series in by_question.items():
        last = series[-1]
        bank = banks.get(last.theme)
        try:
            question = bank.question(question_id) if bank else None
        except KeyError:
            question = None
        found.append(
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
    return found


async def theme_windows(session: AsyncSession, now: datetime) -> dict[str, datetime]:
    """From when each theme's answers are read: as far back as its slowest schedule's
    cadence needs (a year for a quarterly one), never less than the digest's 26 weeks."""
    found: dict[str, datetime] = {}
    for theme, cadence in await session.execute(
        select(Schedule.theme, Schedule.cadence).distinct()
    ):
        start = now - max(DIGEST_WINDOW, drift.window(cadence).history)
        found[theme] = min(found.get(theme, start), start)
    return found


def review_start(review_month: int | None, today: date) -> date | None:
    """The first day of the coming review month; this month's while it runs."""
    if review_month is None:
        return None
    year = today.year if review_month >= today.month else today.year + 1
    return date(year, review_month, 1)


async def last_conversations(session: AsyncSession, person_ids: list[int]) -> dict[int, datetime]:
    rows = await session.execute(
        select(Conversation.employee_id, func.max(Conversation.happened_at))
        .where(Conversation.employee_id.in_(person_ids))
        .group_by(Conversation.employee_id)
    )
    # max() keeps the column's type, so the moments come back as aware UTC datetimes.
    return {pid: at for pid, at in rows if at is not None}


async def _due(
    session: AsyncSession, manager_ids: list[int], now: datetime
) -> dict[int, list[DueAgreement]]:
    today = now.date()
    rows = await session.execute(
        select(
            Agreement.id,
            Agreement.employee_id,
            Agreement.category,
            Agreement.next_follow_up_on,
            AgreementVersion.review_date,
        )
        .join(
            AgreementVersion,
            (AgreementVersion.agreement_id == Agreement.id)
            & (AgreementVersion.number == Agreement.current_version),
        )
        .where(Agreement.manager_id.in_(manager_ids), Agreement.status.in_(ag.RUNNING))
        .order_by(Agreement.id)
    )
    due: dict[int, list[DueAgreement]] = defaultdict(list)
    for agreement_id, employee_id, category, follow_up, review in rows:
        if review is not None and today <= review <= today + REVIEW_DUE_WITHIN:
            due[employee_id].append(DueAgreement(agreement_id, category, "review", review))
        if follow_up is not None and today <= follow_up <= today + FOLLOW_UP_DUE_WITHIN:
            due[employee_id].append(DueAgreement(agreement_id, category, "follow_up", follow_up))
    return due


async def _monitoring(
    session: AsyncSession, person_ids: list[int], now: datetime
) -> dict[int, Monitoring]:
    rows = await session.execute(
        select(
            Occurrence.person_id, Occurrence.status, Occurrence.due_at, Occurrence.closed_at
        ).where(
            Occurrence.person_id.in_(person_ids),
            Occurrence.due_at >= now - MONITORING_WINDOW,
            Occurrence.due_at <= now,
            Occurrence.status.in_(ASKED),
        )
    )
    asked: dict[int, int] = defaultdict(int)
    missed: dict[int, int] = defaultdict(int)
    hours: dict[int, list[float]] = defaultdict(list)
    for person_id, status, due_at, closed_at in rows:
        asked[person_id] += 1
        if status != "completed":
            missed[person_id] += 1
        elif closed_at is not None:
            hours[person_id].append((closed_at - due_at).total_seconds() / 3600)
    return {
        pid: Monitoring(
            asked[pid], missed[pid], statistics.median(hours[pid]) if hours[pid] else None
        )
        for pid in person_ids
    }


async def team_digests(
    session: AsyncSession,
    managers: Sequence[tuple[Person, Locale]],
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults | None = None,
    settings: DialogueSettings | None = None,
) -> list[TeamDigest]:
    """The digests of several managers, each in its own locale, read in a few queries for
    all of them together: the weekly tick builds thousands."""
    settings = settings or DialogueSettings()
    since = now - DIGEST_WINDOW
    manager_ids = [m.id for m, _ in managers]
    reports_by_manager: dict[int, list[Person]] = defaultdict(list)
    for report in await session.scalars(
        select(Person)
        .where(Person.manager_id.in_(manager_ids), Person.active)
        .order_by(Person.name, Person.id)
    ):
        assert report.manager_id is not None
        reports_by_manager[report.manager_id].append(report)
    ids = [r.id for reports in reports_by_manager.values() for r in reports]
    answers_by_person: dict[int, list[AnswerRow]] = defaultdict(list)
    further = await theme_windows(session, now)
    for answer in await shared_answers(session, ids, since, banks, further):
        answers_by_person[answer.person_id].append(answer)
    topics_by_person: dict[int, list[RaisedTopic]] = defaultdict(list)
    for topic in await open_topics(session, ids):
        topics_by_person[topic.person_id].append(RaisedTopic(topic.text, topic.raised_at))
    talks = await last_conversations(session, ids)
    locales = {locale for _, locale in managers}
    drifts = {
        loc: await drift_signals.for_digest(session, ids, talks, banks, loc) for loc in locales
    }
    reviews = await last_reviews(session, ids)
    due = await _due(session, manager_ids, now)
    monitoring = await _monitoring(session, ids, now) if settings.monitoring else {}
    # Only managers with running agreements need the (per manager) attention query.
    with_agreements = set(
        await session.scalars(
            select(Agreement.manager_id)
            .where(Agreement.manager_id.in_(manager_ids), Agreement.status.in_(ag.RUNNING))
            .distinct()
        )
    )
    service = AgreementService(defaults or Defaults())
    digests = []
    for manager, locale in managers:
        attention = (
            await service.attention_for_manager(session, manager, now)
            if manager.id in with_agreements
            else []
        )
        reports = reports_by_manager[manager.id]
        digests.append(
            TeamDigest(
                agreements=tuple(attention),
                manager_email=manager.email,
                manager_name=manager.name,
                since=since,
                generated_at=now,
                span_limit=settings.span_of_control,
                reports=tuple(
                    ReportDigest(
                        email=r.email,
                        name=r.name,
                        trends=tuple(trends(answers_by_person[r.id], banks, locale)),
                        topics=tuple(topics_by_person[r.id]),
                        last_conversation=talks.get(r.id),
                        review_start=review_start(r.review_month, now.date()),
                        due=tuple(due[r.id]),
                        monitoring=monitoring.get(r.id),
                        drift=tuple(drifts[locale].get(r.id, ())),
                        last_review=reviews.get(r.id),
                    )
                    for r in reports
                ),
            )
        )
    return digests


async def team_digest(
    session: AsyncSession,
    manager: Person,
    now: datetime,
    banks: dict[str, Bank],
    locale: Locale,
    defaults: Defaults | None = None,
    settings: DialogueSettings | None = None,
) -> TeamDigest:
    found = await team_digests(session, [(manager, locale)], now, banks, defaults, settings)
    return found[0]
