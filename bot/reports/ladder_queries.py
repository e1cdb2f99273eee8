"""The SQL behind the development ladder: per department, the numerator and denominator of
each indicator (what each one counts is in ladder.py), read with a handful of GROUP BY
queries over what the dialogue already stores."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, distinct, func, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.reports.aggregates import (
    AGGREGATABLE,
    health_question_ids,
)
from bot.reports.source import asked_checkins, year_window
from bot.storage.agreement_models import Agreement, AgreementFollowUp, AgreementVersion
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Answer, Occurrence, Person
from dialogs import agreements as ag
from dialogs.banks import HEALTH_TOPICS, Bank

# The relationship bank's outcome measures, by the topic their questions carry.
RELATIONSHIP_TOPICS = ("reciprocity", "equality", "coherence")


# Per department id: (the people a figure is about, numerator, denominator, and for a share
# of employees the employees without it, who must not be singled out either).
Cell = tuple[int, float, float, int | None]


Cells = dict[int | None, Cell]


def _employee() -> ColumnElement[bool]:
    return and_(Person.active, Person.manager_id.is_not(None))


async def _grouped(session: AsyncSession, statement: Any) -> dict[int | None, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in await session.execute(statement)}


async def employees(session: AsyncSession) -> dict[int | None, int]:
    rows = await _grouped(
        session,
        select(Person.department_id, func.count())
        .where(_employee())
        .group_by(Person.department_id),
    )
    return {dept: int(row[0]) for dept, row in rows.items()}


def _per_employee(
    employees: Mapping[int | None, int],
    counts: Mapping[int | None, tuple[Any, ...]],
    active: set[int | None],
    *,
    share: bool = False,
) -> Cells:
    """A count per department over its employees, from rows of (people it is about, count):
    an active department with none counts 0; one where the dialogue left no trace in the
    year has no figure (not a zero). The figure is about the people counted, as the
    works-council overview's counts are; a `share` is about those without it too."""
    cells: Cells = {}
    for dept, headcount in employees.items():
        if not headcount or dept not in active:
            continue
        people, count = counts.get(dept, (0, 0))
        rest = headcount - int(people) if share else None
        cells[dept] = (int(people), float(count or 0), float(headcount), rest)
    return cells


async def _agreements(session: AsyncSession, year: int) -> dict[int | None, tuple[Any, ...]]:
    return await _grouped(
        session,
        select(Person.department_id, func.count())
        .select_from(Agreement)
        .join(Person, Person.id == Agreement.employee_id)
        .where(Agreement.year == year)
        .group_by(Person.department_id),
    )


async def _participation(
    session: AsyncSession, start: datetime, stop: datetime, banks: Mapping[str, Bank]
) -> Cells:
    conditions = asked_checkins(start, stop, banks)
    per_person = (
        select(
            Occurrence.person_id.label("person_id"),
            func.count().label("asked"),
            func.sum(case((Occurrence.status == "completed", 1), else_=0)).label("done"),
        )
        .where(*conditions)
        .group_by(Occurrence.person_id)
        .subquery()
    )
    rows = await _grouped(
        session,
        select(
            Person.department_id,
            func.count(),
            func.sum(per_person.c.done),
            func.sum(per_person.c.asked),
        )
        .join(Person, Person.id == per_person.c.person_id)
        .group_by(Person.department_id),
    )
    return {
        d: (int(n), float(done or 0), float(asked or 0), None)
        for d, (n, done, asked) in rows.items()
    }


async def _signed_employees(session: AsyncSession, year: int) -> dict[int | None, tuple[Any, ...]]:
    signed = (
        select(Agreement.employee_id)
        .where(Agreement.year == year, Agreement.signed_version.is_not(None))
        .distinct()
        .subquery()
    )
    return await _grouped(
        session,
        select(Person.department_id, func.count(), func.count())
        .join(signed, signed.c.employee_id == Person.id)
        .where(_employee())
        .group_by(Person.department_id),
    )


async def _explained_i_deals(session: AsyncSession, year: int) -> dict[int | None, tuple[Any, ...]]:
    """Signed i-deals of the year whose signed version says why (the reason colleagues need
    to see the deal as fair)."""
    return await _grouped(
        session,
        select(Person.department_id, func.count(distinct(Agreement.employee_id)), func.count())
        .select_from(Agreement)
        .join(
            AgreementVersion,
            and_(
                AgreementVersion.agreement_id == Agreement.id,
                AgreementVersion.number == Agreement.signed_version,
            ),
        )
        .join(Person, Person.id == Agreement.employee_id)
        .where(
            Agreement.year == year,
            AgreementVersion.is_i_deal,
            AgreementVersion.i_deal_rationale.is_not(None),
            _employee(),
        )
        .group_by(Person.department_id),
    )


async def _conversations(
    session: AsyncSession, start: datetime, stop: datetime
) -> dict[int | None, tuple[Any, ...]]:
    return await _grouped(
        session,
        select(Person.department_id, func.count(distinct(Conversation.employee_id)), func.count())
        .select_from(Conversation)
        .join(Person, Person.id == Conversation.employee_id)
        .where(Conversation.happened_at >= start, Conversation.happened_at < stop, _employee())
        .group_by(Person.department_id),
    )


async def _followups(session: AsyncSession, start: datetime, stop: datetime) -> Cells:
    rounds = (
        select(
            AgreementFollowUp.agreement_id.label("agreement_id"),
            func.count().label("parties"),
            func.count(AgreementFollowUp.answer).label("answered"),
        )
        .where(AgreementFollowUp.due_at >= start, AgreementFollowUp.due_at < stop)
        .group_by(AgreementFollowUp.agreement_id, AgreementFollowUp.period)
        .subquery()
    )
    both = and_(rounds.c.parties >= 2, rounds.c.answered >= rounds.c.parties)
    rows = await _grouped(
        session,
        select(
            Person.department_id,
            func.count(distinct(Agreement.employee_id)),
            func.sum(case((both, 1), else_=0)),
            func.count(),
        )
        .select_from(rounds)
        .join(Agreement, Agreement.id == rounds.c.agreement_id)
        .join(Person, Person.id == Agreement.employee_id)
        .group_by(Person.department_id),
    )
    return {d: (int(n), float(ok or 0), float(all_), None) for d, (n, ok, all_) in rows.items()}


async def _gaps(session: AsyncSession, start: datetime, stop: datetime, now: datetime) -> Cells:
    """Perception gaps of the period and how many were settled since (before `now`)."""
    scale = case(
        *((AgreementFollowUp.answer == answer, step) for answer, step in ag.SCALE.items()),
        else_=None,
    )

    def side(role: str) -> Any:
        return func.max(case((AgreementFollowUp.role == role, scale), else_=None))

    rounds = (
        select(
            AgreementFollowUp.agreement_id.label("agreement_id"),
            func.min(AgreementFollowUp.due_at).label("due"),
            side("employee").label("e"),
            side("manager").label("m"),
            func.sum(case((AgreementFollowUp.answer == "no_longer_relevant", 1), else_=0)).label(
                "moot"
            ),
        )
        .where(AgreementFollowUp.due_at < now)
        .group_by(AgreementFollowUp.agreement_id, AgreementFollowUp.period)
        .subquery("follow_up_rounds")
    )
    both = and_(rounds.c.e.is_not(None), rounds.c.m.is_not(None))
    # The same rule as the follow-up service's (dialogs.agreements.perception).
    apart = func.abs(rounds.c.e - rounds.c.m) >= ag.GAP_STEPS
    is_gap = and_(both, rounds.c.moot == 0, apart)
    settles = and_(both, or_(rounds.c.moot > 0, func.abs(rounds.c.e - rounds.c.m) < ag.GAP_STEPS))
    # A gap is resolved when its agreement has a settled round after it: each agreement's
    # last settled round, as a window over its rounds, reads the rounds once (a join of the
    # rounds to themselves made PostgreSQL loop over every agreement for every gap).
    marked = select(
        rounds.c.agreement_id.label("agreement_id"),
        rounds.c.due.label("due"),
        case((is_gap, 1), else_=0).label("gap"),
        func.max(case((settles, rounds.c.due), else_=None))
        .over(partition_by=rounds.c.agreement_id)
        .label("last"),
    ).subquery("marked")
    resolved = or_(marked.c.last > marked.c.due, Agreement.status == "completed")
    rows = await _grouped(
        session,
        select(
            Person.department_id,
            func.count(distinct(Agreement.employee_id)),
            func.sum(case((resolved, 1), else_=0)),
            func.count(),
        )
        .select_from(marked)
        .join(Agreement, Agreement.id == marked.c.agreement_id)
        .join(Person, Person.id == Agreement.employee_id)
        .where(marked.c.gap == 1, marked.c.due >= start, marked.c.due < stop)
        .group_by(Person.department_id),
    )
    return {d: (int(n), float(done or 0), float(all_), None) for d, (n, done, all_) in rows.items()}


async def _relationship(
    session: AsyncSession, start: datetime, stop: datetime, banks: Mapping[str, Bank]
) -> dict[str, Cells]:
    conditions = [
        Answer.kind == "scale",
        Answer.visibility.in_(AGGREGATABLE),
        Answer.topic.in_(RELATIONSHIP_TOPICS),
        Answer.topic.not_in(HEALTH_TOPICS),
        Answer.answered_at >= start,
        Answer.answered_at < stop,
    ]
    health_ids = health_question_ids(banks)
    if health_ids:
        conditions.append(Answer.question_id.not_in(health_ids))
    per_person = (
        select(
            Answer.person_id.label("person_id"),
            Answer.topic.label("topic"),
            func.count().label("n"),
            func.sum(sql_cast(Answer.value, Float)).label("total"),
        )
        .where(*conditions)
        .group_by(Answer.person_id, Answer.topic)
        .subquery()
    )
    rows = await session.execute(
        select(
            Person.department_id,
            per_person.c.topic,
            func.count(),
            func.sum(per_person.c.total),
            func.sum(per_person.c.n),
        )
        .join(Person, Person.id == per_person.c.person_id)
        .group_by(Person.department_id, per_person.c.topic)
    )
    out: dict[str, Cells] = {topic: {} for topic in RELATIONSHIP_TOPICS}
    for dept, topic, people, total, count in rows:
        out[topic][dept] = (int(people), float(total or 0), float(count or 0), None)
    return out


async def measures(
    session: AsyncSession,
    year: int,
    now: datetime,
    banks: Mapping[str, Bank],
    employees: Mapping[int | None, int],
) -> dict[str, Cells]:
    start, end = year_window(year)
    stop = min(end, now)
    participation = await _participation(session, start, stop, banks)
    conversations = await _conversations(session, start, stop)
    # Where the dialogue ran this year at all: a check-in asked, an agreement drafted or a
    # conversation logged. A year before the product was used has no figures, not zeros.
    active = {*participation, *await _agreements(session, year), *conversations}
    measures = {
        "checkin_participation": participation,
        "third_contract_share": _per_employee(
            employees, await _signed_employees(session, year), active, share=True
        ),
        "i_deals_per_100": _per_employee(
            employees, await _explained_i_deals(session, year), active
        ),
        "followup_both_sides": await _followups(session, start, stop),
        "gaps_resolved": await _gaps(session, start, stop, now),
        "conversations_per_employee": _per_employee(employees, conversations, active),
    }
    measures.update(await _relationship(session, start, stop, banks))
    return measures
