"""The development ladder per department and for the organisation, this year and last.

Each indicator is a handful of GROUP BY queries over what the dialogue already stores,
grouped by the employee's department (departments are disjoint, so the organisation's
figure is the sum of its departments' numerators and denominators):

- checkin_participation: completed check-ins / check-ins asked (not deferred, not of a
  health-only theme), due in the period; about the people asked;
- third_contract_share: employees with a signed agreement of the year / employees; about
  those with one and those without (each side must be large enough, as in the overview);
- i_deals_per_100: signed i-deals of the year whose signed version gives its reason, per 100
  employees; about the employees with such an i-deal;
- followup_both_sides: follow-up rounds due in the period that every party answered /
  rounds; about the employees with a round;
- gaps_resolved: perception gaps (both answered, two steps apart) of the period that a later
  round without a gap, or completing the agreement, settled / gaps; about the employees
  with a gap;
- conversations_per_employee: conversations logged in the period / employees; about the
  employees with a conversation;
- reciprocity, equality, coherence: the mean of the scale answers of that topic (the
  relationship bank's outcome measures; never health, never a private answer); about those
  who answered.

"Employees" are the active people with a manager, in their current department. Every
figure goes through `aggregates.settle` with the organisation as the union of its
departments; a stage is estimated only from shown figures, and only for a group of at least
the minimum size.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports import ladder_queries as queries
from bot.reports.aggregates import (
    Candidate,
    Figure,
    Line,
    settle,
)
from bot.reports.ladder_queries import Cell
from dialogs.banks import Bank
from dialogs.ladder import Estimate, Rules, estimate, load_rules

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


# Figures shown per 100 employees; the rest are a ratio as they are.
SCALE = {"i_deals_per_100": 100.0}


def _value(indicator: str, numerator: float, denominator: float) -> float | None:
    if not denominator:
        return None
    return numerator / denominator * SCALE.get(indicator, 1.0)


def _sum(cells: Iterable[Cell]) -> Cell:
    """The organisation's cell: departments are disjoint, so everything adds up."""
    found = list(cells)
    rests = [c[3] for c in found if c[3] is not None]
    return (
        sum(c[0] for c in found),
        sum(c[1] for c in found),
        sum(c[2] for c in found),
        sum(rests) if rests else None,
    )


def _rest(candidates: list[Candidate], lines: list[Line], key: Hashable, cell: Cell) -> Hashable:
    """The employees without what a share counts, as a figure of its own that is never
    shown: with the share's people it makes up the whole group, so either side too small
    hides the share (as the works-council overview does for signed third contracts)."""
    rest = ("rest", key)
    rest_size = cell[3] or 0
    candidates.append(Candidate(rest, rest_size))
    whole = ("whole", key)
    candidates.append(Candidate(whole, cell[0] + rest_size))
    lines.append(Line(whole, (key, rest)))
    return rest


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
    employees = await queries.employees(session)
    candidates: list[Candidate] = []
    lines: list[Line] = []
    headcounts: list[Candidate] = []
    years = (year - 1, year)
    for when in years:
        if datetime(when, 1, 1, tzinfo=UTC) > now:
            continue
        measures = await queries.measures(session, when, now, banks, employees)
        for rule in rules.indicators:
            cells = measures[rule.indicator]
            if not cells:
                continue
            measure = (rule.indicator, when)
            org: tuple[Hashable, ...] = (rule.indicator, None, when)
            total = _sum(cells.values())
            candidates.append(
                Candidate(org, total[0], _value(rule.indicator, *total[1:3]), scope=measure)
            )
            rests = [] if total[3] is None else [_rest(candidates, lines, org, total)]
            parts = []
            for dept, cell in sorted(cells.items(), key=lambda c: names[c[0]]):
                key = (rule.indicator, names[dept], when)
                value = _value(rule.indicator, cell[1], cell[2])
                candidates.append(Candidate(key, cell[0], value, scope=measure))
                parts.append(key)
                if cell[3] is not None:
                    rests.append(_rest(candidates, lines, key, cell))
            lines.append(Line(org, tuple(parts)))
            if rests:
                lines.append(Line(rests[0], tuple(rests[1:])))
    shown = settle(candidates, lines)
    # A stage speaks about the whole group behind it: too small a group gets none.
    headcounts.append(Candidate((None,), sum(employees.values())))
    headcounts += [Candidate((names[d],), n) for d, n in employees.items()]
    groups = settle(headcounts)
    # Departments without employees have nothing to say about their dialogue.
    staffed = {names[d] for d, n in employees.items() if n}
    scopes: tuple[Scope, ...] = (None, *sorted(staffed))
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
