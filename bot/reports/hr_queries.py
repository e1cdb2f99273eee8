"""The SQL behind HR's figures: per theme, period and department, the people asked, the
answers and their mean, the prompts of the attention budget, the agreements and the
employment types, each read in as few statements as the database allows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.aggregates import (
    AGGREGATABLE,
    health_question_ids,
)
from bot.reports.source import (
    PeriodKind,
    asked_checkins,
    month_number,
    period_label,
)
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import Answer, Occurrence, Person
from dialogs.banks import HEALTH_TOPICS, Bank

# Per department: (people, value, count, no member list).
ByDepartment = dict[str, tuple[int, float | None, int | None, None]]

# The attention budget's subjects: prompts of their own, asked along, not sent.
PROMPT_SUBJECTS = ("separate", "along", "deferred")


Cells = dict[tuple[str, str], ByDepartment]


async def both_periods(
    session: AsyncSession, per_person: Any, measures: Any, year: int
) -> dict[PeriodKind, list[Any]]:
    """Group a per-person-and-month CTE by department, theme and month, and by quarter, in
    one statement: the big table is read once, and people are joined per person and month
    instead of per row."""

    def grouped(kind: str, when: Any) -> Any:
        return (
            select(
                literal(kind).label("kind"),
                Person.department_id,
                when.label("period"),
                per_person.c.theme,
                # One CTE row per person and month: only a quarter needs DISTINCT.
                func.count() if kind == "month" else func.count(distinct(per_person.c.person_id)),
                *measures(),
            )
            .join(Person, Person.id == per_person.c.person_id)
            .group_by(Person.department_id, when, per_person.c.theme)
        )

    quarter = (per_person.c.month + 2) // 3
    statement = union_all(grouped("month", per_person.c.month), grouped("quarter", quarter))
    out: dict[PeriodKind, list[Any]] = {"month": [], "quarter": []}
    for row in await session.execute(statement):
        kind: PeriodKind = "month" if row[0] == "month" else "quarter"
        out[kind].append((row[1], period_label(year, kind, int(row[2])), *row[3:]))
    return out


async def answer_cells(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    banks: Mapping[str, Bank],
    names: Mapping[int | None, str],
) -> dict[str, Cells]:
    """Per kind of period: (theme, period) -> department -> (people, mean, answers)."""
    month = month_number(session, Answer.answered_at)
    health_ids = health_question_ids(banks)
    conditions = [
        Answer.kind == "scale",
        Answer.visibility.in_(AGGREGATABLE),
        Answer.topic.not_in(HEALTH_TOPICS),
        Answer.answered_at >= start,
        Answer.answered_at < end,
    ]
    if health_ids:
        conditions.append(Answer.question_id.not_in(health_ids))
    per_person = (
        select(
            Answer.person_id.label("person_id"),
            month.label("month"),
            Answer.theme.label("theme"),
            func.count().label("answers"),
            func.sum(sql_cast(Answer.value, Float)).label("total"),
        )
        .where(and_(*conditions))
        .group_by(Answer.person_id, month, Answer.theme)
        .cte("answers_per_person")
        .prefix_with("MATERIALIZED")
    )

    def measures() -> list[Any]:
        return [func.sum(per_person.c.answers), func.sum(per_person.c.total)]

    found = await both_periods(session, per_person, measures, start.year)
    out: dict[str, Cells] = {}
    for kind, rows in found.items():
        cells: Cells = defaultdict(dict)
        for dept_id, when, theme, people, answers, total in rows:
            mean = float(total) / int(answers) if answers else None
            cells[(theme, when)][names[dept_id]] = (int(people), mean, int(answers), None)
        out[kind] = cells
    return out


async def participation_cells(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    banks: Mapping[str, Bank],
    names: Mapping[int | None, str],
) -> dict[str, Cells]:
    """Per kind of period: (theme, period) -> department -> (asked, rate, completed)."""
    month = month_number(session, Occurrence.due_at)
    conditions = asked_checkins(start, end, banks)
    per_person = (
        select(
            Occurrence.person_id.label("person_id"),
            month.label("month"),
            Occurrence.theme.label("theme"),
            func.max(case((Occurrence.status == "completed", 1), else_=0)).label("done"),
        )
        .where(and_(*conditions))
        .group_by(Occurrence.person_id, month, Occurrence.theme)
        .cte("asked_per_person")
        .prefix_with("MATERIALIZED")
    )

    def measures() -> list[Any]:
        done = case((per_person.c.done == 1, per_person.c.person_id))
        return [func.count(distinct(done))]

    found = await both_periods(session, per_person, measures, start.year)
    out: dict[str, Cells] = {}
    for kind, rows in found.items():
        cells: Cells = defaultdict(dict)
        for dept_id, when, theme, asked, completed in rows:
            rate = int(completed) / int(asked) if asked else None
            cells[(theme, when)][names[dept_id]] = (int(asked), rate, int(completed), None)
        out[kind] = cells
    return out


async def prompt_cells(
    session: AsyncSession, start: datetime, end: datetime, names: Mapping[int | None, str]
) -> dict[str, dict[tuple[str, str], tuple[ByDepartment, tuple[float | None, int]]]]:
    """Per kind of period: (subject, period) -> (department -> (people, per person per
    month, how many), and the organisation's (per person per month, how many)). A person
    counts in the months they had a scheduled check-in, a follow-up question or a brief."""

    def flags(separate: Any, along: Any, deferred: Any) -> list[Any]:
        return [separate.label("separate"), along.label("along"), deferred.label("deferred")]

    scheduled = and_(
        Occurrence.schedule_id.is_not(None), Occurrence.due_at >= start, Occurrence.due_at < end
    )
    one, none = literal(1), literal(0)
    sources = union_all(
        select(
            Occurrence.person_id.label("person_id"),
            Occurrence.due_at.label("at"),
            *flags(
                case((Occurrence.asked == "alone", 1), else_=0),
                case((Occurrence.asked == "along", 1), else_=0),
                case((Occurrence.status == "deferred", 1), else_=0),
            ),
        ).where(scheduled),
        select(
            AgreementFollowUp.party_id,
            AgreementFollowUp.asked_at,
            *flags(
                case((AgreementFollowUp.asked == "alone", 1), else_=0),
                case((AgreementFollowUp.asked == "along", 1), else_=0),
                none,
            ),
        ).where(AgreementFollowUp.asked_at >= start, AgreementFollowUp.asked_at < end),
        *(
            select(reader, ReviewBriefSent.sent_at, *flags(one, none, none)).where(
                ReviewBriefSent.sent_at >= start, ReviewBriefSent.sent_at < end
            )
            for reader in (ReviewBriefSent.person_id, ReviewBriefSent.manager_id)
        ),
    ).subquery("prompt_rows")
    month = month_number(session, sources.c.at)
    per_person = (
        select(
            sources.c.person_id.label("person_id"),
            month.label("month"),
            literal("prompts").label("theme"),
            *(func.sum(sources.c[name]).label(name) for name in PROMPT_SUBJECTS),
        )
        .group_by(sources.c.person_id, month)
        .cte("prompts_per_person")
        .prefix_with("MATERIALIZED")
    )

    def measures() -> list[Any]:
        # The person-months: one CTE row each.
        return [*(func.sum(per_person.c[name]) for name in PROMPT_SUBJECTS), func.count()]

    found = await both_periods(session, per_person, measures, start.year)
    out: dict[str, dict[tuple[str, str], tuple[ByDepartment, tuple[float | None, int]]]] = {}
    for kind, rows in found.items():
        cells: Cells = defaultdict(dict)
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for dept_id, when, _theme, people, *sums, person_months in rows:
            for subject, total in zip(PROMPT_SUBJECTS, sums, strict=True):
                count, months = int(total or 0), int(person_months)
                value = count / months if months else None
                cells[(subject, when)][names[dept_id]] = (int(people), value, count, None)
                totals[(subject, when)][0] += count
                totals[(subject, when)][1] += months
        out[kind] = {
            key: (cells[key], (count / months if months else None, count))
            for key, (count, months) in totals.items()
        }
    return out


async def agreement_cells(
    session: AsyncSession, year: int, names: Mapping[int | None, str]
) -> dict[tuple[str, str], dict[str, tuple[int, float | None, int | None, frozenset[int]]]]:
    """Agreements of the year, grouped by (table, subject) and department, with the exact
    employees behind each cell (a person can have agreements in several categories)."""
    rows = await session.execute(
        select(
            Agreement.employee_id,
            Person.department_id,
            Agreement.category,
            Agreement.status,
            Agreement.is_i_deal,
        )
        .join(Person, Person.id == Agreement.employee_id)
        .where(Agreement.year == year)
    )
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    members: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for employee, dept_id, category, status, i_deal in rows:
        dept = names[dept_id]
        keys = [
            ("agreements_total", "all", dept),
            ("agreements_by_category", category, dept),
            ("agreements_by_status", status, dept),
        ]
        if i_deal:
            keys.append(("i_deals_by_category", category, dept))
        for key in keys:
            counts[key] += 1
            members[key].add(employee)
    out: dict[tuple[str, str], dict[str, tuple[int, float | None, int | None, frozenset[int]]]] = (
        defaultdict(dict)
    )
    for (table, subject, dept), count in counts.items():
        people = frozenset(members[(table, subject, dept)])
        out[(table, subject)][dept] = (len(people), float(count), count, people)
    return out


async def employment_cells(
    session: AsyncSession, year: int, names: Mapping[int | None, str]
) -> dict[tuple[str, str], dict[str, tuple[int, float | None, int | None, frozenset[int]]]]:
    """The people taking part by how they are employed, and those of them with an agreement
    of the year, per department, with the exact people behind each cell."""
    people = (
        await session.execute(
            select(Person.id, Person.department_id, Person.employment).where(Person.active)
        )
    ).all()
    with_agreement = set(
        await session.scalars(select(Agreement.employee_id).where(Agreement.year == year))
    )
    members: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for person_id, dept_id, employment in people:
        tables = ["people_by_employment"]
        if person_id in with_agreement:
            tables.append("agreements_by_employment")
        for table in tables:
            # The total is counted too: hiding a small group must hide enough of the others
            # that the total, published elsewhere, cannot give it away.
            for subject in ("all", employment):
                members[(table, subject, names[dept_id])].add(person_id)
    out: dict[tuple[str, str], dict[str, tuple[int, float | None, int | None, frozenset[int]]]] = (
        defaultdict(dict)
    )
    for (table, employment, dept), ids in members.items():
        out[(table, employment)][dept] = (len(ids), float(len(ids)), len(ids), frozenset(ids))
    return out
