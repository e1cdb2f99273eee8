"""The review brief: what the year held for one employee, gathered for their review.

The two copies are built separately from the database: the manager's copy reads only what
the employee shared (never health), so nothing private can leak through a later filter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import records
from bot.agreements.dialogs import suggested_drafter
from bot.dialogue.digests import ANSWER_COLUMNS, AnswerRow, is_health, review_start
from bot.org.people import Defaults, manager_of, person_ref
from bot.storage.agreement_models import Agreement, AgreementFollowUp, AgreementVersion
from bot.storage.dialogue_models import Conversation, TopicDiscussion
from bot.storage.models import Answer, Person, Topic
from dialogs import agreements as ag
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.brief import (
    AnswerLine,
    BriefAgreement,
    BriefConversation,
    BriefTopic,
    Chart,
    ChartPoint,
    Copy,
    FollowUpRound,
    ReviewBrief,
)
from dialogs.dates import local_day
from dialogs.messages import Locale


class BriefRefused(LookupError):
    """No brief can be made (no review month, or no manager for the manager's copy)."""


def local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def period_start(start: date) -> date:
    """The year the review looks back on: the twelve months before its month."""
    return date(start.year - 1, start.month, 1)


async def _answers(
    session: AsyncSession, employee: Person, since: datetime, until: datetime, copy: Copy
) -> list[AnswerRow]:
    query = (
        select(*ANSWER_COLUMNS)
        .where(
            Answer.person_id == employee.id,
            Answer.answered_at >= since,
            Answer.answered_at <= until,
        )
        .order_by(Answer.answered_at, Answer.id)
    )
    if copy == "manager":
        query = query.where(Answer.visibility == "shared", Answer.topic.not_in(HEALTH_TOPICS))
    return list((await session.execute(query)).all())


def _charts_and_lines(
    answers: list[AnswerRow], banks: dict[str, Bank], loc: Locale, copy: Copy
) -> tuple[tuple[Chart, ...], tuple[AnswerLine, ...], tuple[AnswerLine, ...]]:
    """Scale answers become charts; of the other answers the latest per question is listed,
    shared ones in both copies, private ones only in the employee's."""
    series: dict[str, list[ChartPoint]] = defaultdict(list)
    latest_shared: dict[str, AnswerRow] = {}
    latest_private: dict[str, AnswerRow] = {}
    for answer in answers:
        private = answer.visibility != "shared" or is_health(answer, banks)
        if private and copy == "manager":
            continue  # already excluded by the query; health by the bank's flag lands here
        if answer.kind == "scale" and answer.value.isdigit():
            series[answer.question_id].append(
                ChartPoint(answer.answered_at, int(answer.value), private)
            )
        elif private:
            latest_private[answer.question_id] = answer
        else:
            latest_shared[answer.question_id] = answer
    themes = {a.question_id: a.theme for a in answers}

    def question(question_id: str) -> tuple[str, str, str, str | None]:
        bank = banks.get(themes[question_id])
        try:
            q = bank.question(question_id) if bank else None
        except KeyError:
            q = None
        if q is None:
            return question_id, "1", "5", None
        low = q.low(loc) if q.low else "1"
        high = q.high(loc) if q.high else "5"
        return q.text(loc), low, high, q.kind

    charts = []
    for question_id, points in series.items():
        prompt, low, high, _ = question(question_id)
        charts.append(Chart(question_id, prompt, low, high, tuple(points)))

    def lines(latest: dict[str, AnswerRow]) -> tuple[AnswerLine, ...]:
        found = []
        for question_id, answer in latest.items():
            prompt = question(question_id)[0]
            bank = banks.get(answer.theme)
            try:
                shown = bank.question(question_id).label_of(answer.value, loc) if bank else None
            except KeyError:
                shown = None
            found.append(AnswerLine(prompt, shown or answer.value, answer.answered_at))
        return tuple(found)

    return tuple(charts), lines(latest_shared), lines(latest_private)


async def _agreements(
    session: AsyncSession, employee: Person, since: datetime, copy: Copy
) -> tuple[BriefAgreement, ...]:
    """The agreements to talk about; the manager's copy of an agency worker's agreement
    holds only the manager's terms (the agency's are between the employee and the agency)."""
    rows = await session.execute(
        select(Agreement, AgreementVersion)
        .join(
            AgreementVersion,
            (AgreementVersion.agreement_id == Agreement.id)
            & (
                AgreementVersion.number
                == func.coalesce(Agreement.signed_version, Agreement.current_version)
            ),
        )
        .where(
            Agreement.employee_id == employee.id,
            Agreement.status != "draft",
            or_(
                Agreement.status.in_(ag.RUNNING),
                Agreement.created_at >= since,
                Agreement.closed_at >= since,
            ),
        )
        .order_by(Agreement.id)
    )
    found: list[tuple[Agreement, AgreementVersion]] = [(a, v) for a, v in rows]
    rounds: dict[int, dict[str, dict[str, str | None]]] = defaultdict(dict)
    if found:
        for row in await session.scalars(
            select(AgreementFollowUp)
            .where(AgreementFollowUp.agreement_id.in_([a.id for a, _ in found]))
            .order_by(AgreementFollowUp.period)
        ):
            rounds[row.agreement_id].setdefault(row.period, {})[row.role] = row.answer
    result = []
    for agreement, version in found:
        follow_ups = []
        for period, answers in rounds[agreement.id].items():
            e, m = answers.get("employee"), answers.get("manager")
            gap = bool(e and m and ag.perception(e, m) == "perception_gap")
            follow_ups.append(FollowUpRound(period, e, m, gap))
        result.append(
            BriefAgreement(
                agreement.id,
                version.category,
                records.terms_of(version).of("manager").text
                if copy == "manager" and agreement.agency
                else version.text,
                agreement.status,
                version.is_i_deal,
                tuple(follow_ups),
            )
        )
    return tuple(result)


async def _topics(
    session: AsyncSession, employee: Person, since: datetime
) -> tuple[BriefTopic, ...]:
    rows = await session.execute(
        select(Topic.text, Topic.raised_at, TopicDiscussion.discussed_at)
        .outerjoin(TopicDiscussion, TopicDiscussion.topic_id == Topic.id)
        .where(Topic.person_id == employee.id, Topic.raised_at >= since)
        .order_by(Topic.raised_at, Topic.id)
    )
    return tuple(BriefTopic(text, raised, discussed) for text, raised, discussed in rows)


async def _conversations(
    session: AsyncSession, employee: Person, since: datetime
) -> tuple[BriefConversation, ...]:
    rows = await session.execute(
        select(Conversation.happened_at, Conversation.note)
        .where(Conversation.employee_id == employee.id, Conversation.happened_at >= since)
        .order_by(Conversation.happened_at, Conversation.id)
    )
    return tuple(BriefConversation(at, note or "-") for at, note in rows)


async def build_briefs(
    session: AsyncSession,
    employee: Person,
    copies: Sequence[Copy],
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    start: date | None = None,
) -> list[ReviewBrief]:
    """The asked copies of the employee's brief for the review starting `start` (default:
    the coming review month). What both copies share is read once; the answers are read per
    copy, so the manager's copy never holds a private one."""
    employee_ref = person_ref(employee, defaults)
    today = local_day(now, employee_ref.timezone)
    start = start or review_start(employee.review_month, today)
    if start is None:
        raise BriefRefused(
            f"{employee.email} has no review month (set review_month in the org file)"
        )
    manager = await manager_of(session, employee)
    if manager is None and "manager" in copies:
        raise BriefRefused(f"{employee.email} has no manager, so there is no manager's copy")
    first = period_start(start)
    since = local_midnight(first, employee_ref.timezone)
    until = min(now, local_midnight(start, employee_ref.timezone))
    drafter = (
        await suggested_drafter(session, employee, manager, start.year) if manager else "employee"
    )
    topics = await _topics(session, employee, since)
    conversations = await _conversations(session, employee, since)
    briefs = []
    for copy in copies:
        reader = (
            employee_ref if manager is None or copy == "employee" else person_ref(manager, defaults)
        )
        answers = await _answers(session, employee, since, until, copy)
        agreements = await _agreements(session, employee, since, copy)
        charts, shared, private = _charts_and_lines(answers, banks, reader.locale, copy)
        briefs.append(
            ReviewBrief(
                copy=copy,
                reader=reader,
                employee_name=employee.name,
                employee_email=employee.email,
                manager_name=manager.name if manager else "-",
                review_start=start,
                period_start=first,
                period_end=min(today, start),
                generated_at=now,
                charts=charts,
                shared_answers=shared,
                private_answers=private if copy == "employee" else (),
                agreements=agreements,
                topics=topics,
                conversations=conversations,
                drafter=drafter,
            )
        )
    return briefs


async def build_brief(
    session: AsyncSession,
    employee: Person,
    copy: Copy,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    start: date | None = None,
) -> ReviewBrief:
    """One copy of the employee's brief."""
    found = await build_briefs(session, employee, [copy], now, banks, defaults, start)
    return found[0]
