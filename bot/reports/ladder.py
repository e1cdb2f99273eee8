"""The development ladder per department and for the organisation, this year and last.

Each indicator is a handful of GROUP BY queries over what the dialogue already stores,
grouped by the employee's department (departments are disjoint, so the organisation's
figure is the sum of its departments' numerators and denominators):

- checkin_participation: completed check-ins / check-ins asked (not deferred, not of a
  health-only theme), due in the period; people = those asked;
- third_contract_share: employees with a signed agreement of the year / employees;
- i_deals_per_100: signed i-deals of the year whose signed version gives its reason, per 100
  employees;
- followup_both_sides: follow-up rounds due in the period that every party answered /
  rounds; people = employees with a round;
- gaps_resolved: perception gaps (both answered, two steps apart) of the period that a later
  round without a gap, or completing the agreement, settled / gaps; people = employees with
  a gap;
- conversations_per_employee: conversations logged in the period / employees;
- reciprocity, equality, coherence: the mean of the scale answers of that topic (the
  relationship bank's outcome measures; never health, never a private answer); people =
  those who answered.

"Employees" are the active people with a manager, in their current department. Every
figure goes through `aggregates.settle` with the organisation as the union of its
departments; a stage is estimated only from shown figures, and only for a group of at least
the minimum size.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, and_, case, distinct, exists, func, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.reports.aggregates import (
    AGGREGATABLE,
    Candidate,
    Figure,
    Line,
    health_only_themes,
    health_question_ids,
    settle,
)
from bot.reports.source import NO_DEPARTMENT, year_window
from bot.storage.agreement_models import Agreement, AgreementFollowUp, AgreementVersion
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Answer, Occurrence, Person
from dialogs import agreements as ag
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.ladder import Estimate, Rules, estimate, load_rules

# The relationship bank's outcome measures, by the topic their questions carry.
RELATIONSHIP_TOPICS = ("reciprocity", "equality", "coherence")
# (people behind the figure, numerator, denominator) per department id.
Cells = dict[int | None, tuple[int, float, float]]
Scope = str | None


@dataclass(frozen=True)
class ScopeYear:
    """One department's (or the organisation's, scope None) ladder for one year."""

    scope: Scope
    year: int
    figures: Mapping[str, Figure]
    estimate: Estimate | None
    # The group is below the minimum size: no stage and no reading is shown.
    suppressed: bool


@dataclass(frozen=True)
class Ladder:
    year: int
    rules: Rules
    scopes: tuple[Scope, ...]
    entries: Mapping[tuple[Scope, int], ScopeYear]

    @property
    def years(self) -> tuple[int, int]:
        return (self.year - 1, self.year)

    def at(self, scope: Scope, year: int) -> ScopeYear | None:
        return self.entries.get((scope, year))

    def only(self, department: Scope) -> Ladder:
        """The ladder of one department (or of the organisation alone), with the figures the
        full ladder shows."""
        kept = {key: entry for key, entry in self.entries.items() if key[0] == department}
        return replace(self, scopes=(department,), entries=kept)


@functools.cache
def builtin_rules() -> Rules:
    return load_rules()


def _employee() -> ColumnElement[bool]:
    return and_(Person.active, Person.manager_id.is_not(None))


async def _grouped(session: AsyncSession, statement: Any) -> dict[int | None, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in await session.execute(statement)}


async def _employees(session: AsyncSession) -> dict[int | None, int]:
    rows = await _grouped(
        session,
        select(Person.department_id, func.count())
        .where(_employee())
        .group_by(Person.department_id),
    )
    return {dept: int(row[0]) for dept, row in rows.items()}


def _per_employee(
    employees: Mapping[int | None, int], counts: Mapping[int | None, tuple[Any, ...]]
) -> Cells:
    """A count per department over its employees: a department with none counts 0."""
    return {
        dept: (people, float(counts.get(dept, (0,))[0] or 0), float(people))
        for dept, people in employees.items()
        if people
    }


async def _participation(
    session: AsyncSession, start: datetime, stop: datetime, banks: Mapping[str, Bank]
) -> Cells:
    conditions = [
        Occurrence.due_at >= start,
        Occurrence.due_at < stop,
        # A check-in the attention budget deferred was never asked.
        Occurrence.status != "deferred",
    ]
    excluded = health_only_themes(banks)
    if excluded:
        conditions.append(Occurrence.theme.not_in(excluded))
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
        d: (int(n), float(done or 0), float(asked or 0)) for d, (n, done, asked) in rows.items()
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
        select(Person.department_id, func.count())
        .join(signed, signed.c.employee_id == Person.id)
        .where(_employee())
        .group_by(Person.department_id),
    )


async def _explained_i_deals(session: AsyncSession, year: int) -> dict[int | None, tuple[Any, ...]]:
    """Signed i-deals of the year whose signed version says why (the reason colleagues need
    to see the deal as fair)."""
    return await _grouped(
        session,
        select(Person.department_id, func.count())
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
        select(Person.department_id, func.count())
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
    return {d: (int(n), float(ok or 0), float(all_)) for d, (n, ok, all_) in rows.items()}


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
        .cte("follow_up_rounds")
    )
    gap = rounds.alias("gap")
    later = rounds.alias("later")

    def answered(r: Any) -> ColumnElement[bool]:
        return and_(r.c.e.is_not(None), r.c.m.is_not(None))

    # The same rule as the follow-up service's (dialogs.agreements.perception).
    apart = func.abs(gap.c.e - gap.c.m) >= ag.GAP_STEPS
    settled_later = exists().where(
        later.c.agreement_id == gap.c.agreement_id,
        later.c.due > gap.c.due,
        answered(later),
        or_(later.c.moot > 0, func.abs(later.c.e - later.c.m) < ag.GAP_STEPS),
    )
    resolved = or_(settled_later, Agreement.status == "completed")
    rows = await _grouped(
        session,
        select(
            Person.department_id,
            func.count(distinct(Agreement.employee_id)),
            func.sum(case((resolved, 1), else_=0)),
            func.count(),
        )
        .select_from(gap)
        .join(Agreement, Agreement.id == gap.c.agreement_id)
        .join(Person, Person.id == Agreement.employee_id)
        .where(gap.c.due >= start, gap.c.due < stop, answered(gap), gap.c.moot == 0, apart)
        .group_by(Person.department_id),
    )
    return {d: (int(n), float(done or 0), float(all_)) for d, (n, done, all_) in rows.items()}


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
        out[topic][dept] = (int(people), float(total or 0), float(count or 0))
    return out


async def _measures(
    session: AsyncSession,
    year: int,
    now: datetime,
    banks: Mapping[str, Bank],
    employees: Mapping[int | None, int],
) -> dict[str, Cells]:
    start, end = year_window(year)
    stop = min(end, now)
    measures = {
        "checkin_participation": await _participation(session, start, stop, banks),
        "third_contract_share": _per_employee(employees, await _signed_employees(session, year)),
        "i_deals_per_100": _per_employee(employees, await _explained_i_deals(session, year)),
        "followup_both_sides": await _followups(session, start, stop),
        "gaps_resolved": await _gaps(session, start, stop, now),
        "conversations_per_employee": _per_employee(
            employees, await _conversations(session, start, stop)
        ),
    }
    measures.update(await _relationship(session, start, stop, banks))
    return measures


# Figures shown per 100 employees; the rest are a ratio as they are.
SCALE = {"i_deals_per_100": 100.0}


def _value(indicator: str, numerator: float, denominator: float) -> float | None:
    if not denominator:
        return None
    return numerator / denominator * SCALE.get(indicator, 1.0)


async def ladder_figures(
    session: AsyncSession,
    *,
    year: int,
    now: datetime,
    banks: Mapping[str, Bank],
    names: Mapping[int | None, str],
    rules: Rules | None = None,
) -> Ladder:
    """The ladder of the organisation and of every department in `names`, for `year` and
    the year before."""
    rules = rules or builtin_rules()
    employees = await _employees(session)
    candidates: list[Candidate] = []
    lines: list[Line] = []
    headcounts: list[Candidate] = []
    years = (year - 1, year)
    for when in years:
        if datetime(when, 1, 1, tzinfo=UTC) > now:
            continue
        measures = await _measures(session, when, now, banks, employees)
        for rule in rules.indicators:
            cells = measures[rule.indicator]
            measure = (rule.indicator, when)
            org: tuple[Hashable, ...] = (rule.indicator, None, when)
            people = sum(c[0] for c in cells.values())
            numerator = sum(c[1] for c in cells.values())
            denominator = sum(c[2] for c in cells.values())
            value = _value(rule.indicator, numerator, denominator)
            candidates.append(Candidate(org, people, value, None, None, measure))
            parts = []
            for dept, (size, num, den) in sorted(cells.items(), key=lambda c: names[c[0]]):
                key = (rule.indicator, names[dept], when)
                candidates.append(
                    Candidate(key, size, _value(rule.indicator, num, den), None, None, measure)
                )
                parts.append(key)
            lines.append(Line(org, tuple(parts)))
    shown = settle(candidates, lines)
    # A stage speaks about the whole group behind it: too small a group gets none.
    total = sum(employees.values())
    headcounts.append(Candidate((None,), total))
    headcounts += [Candidate((names[d],), n) for d, n in employees.items()]
    groups = settle(headcounts)
    scopes: tuple[Scope, ...] = (None, *sorted({name for name in names.values()}))
    entries: dict[tuple[Scope, int], ScopeYear] = {}
    for scope in scopes:
        group = groups.get((scope,))
        small = group is not None and group.suppressed
        for when in years:
            figures = {
                rule.indicator: found
                for rule in rules.indicators
                if (found := shown.get((rule.indicator, scope, when))) is not None
            }
            values = {
                indicator: figure.value
                for indicator, figure in figures.items()
                if figure.shown and figure.value is not None
            }
            reading = None if small else estimate(values, rules)
            entries[(scope, when)] = ScopeYear(scope, when, figures, reading, small)
    return Ladder(year, rules, scopes, entries)


def no_department(names: Mapping[int | None, str]) -> dict[int | None, str]:
    """The department names with people without one under their own label."""
    return {None: NO_DEPARTMENT, **{k: v for k, v in names.items() if k is not None}}
