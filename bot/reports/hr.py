"""HR figures: participation and averages per theme and department over the year, and the
agreements by category and status; every figure passes `aggregates.settle`.

Tables (the `table` field of a row):
- participation: value = share of the people asked who completed a check-in of the theme
  in the period; count = how many completed; people = how many were asked.
- average: value = mean of the theme's scale answers (1-5) in the period; count = the
  number of answers; people = how many people answered.
- agreements_total, agreements_by_category, agreements_by_status, i_deals_by_category:
  value = number of agreements of the year; people = how many employees they belong to.
- prompts (the attention budget): value = per person per month, for the subject
  `separate` (prompts of their own: check-ins that opened a conversation, follow-up
  questions asked alone, review briefs), `along` (check-ins and follow-up questions asked
  right after another check-in) or `deferred` (check-ins not sent: the month was full);
  count = how many in the period; people = how many had a scheduled check-in, a follow-up
  question or a brief in it.
`department` None is the whole organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.org.people import Defaults
from bot.progress import Progress, unseen
from bot.reports import hr_queries as queries
from bot.reports.aggregates import (
    SCORE_MIN,
    Candidate,
    Figure,
    Line,
    settle,
)
from bot.reports.hr_queries import PROMPT_SUBJECTS
from bot.reports.ladder import Ladder, ladder_figures
from bot.reports.source import (
    NO_DEPARTMENT,
    PeriodKind,
    all_periods,
    department_names,
    prepare,
    year_window,
)
from bot.storage.models import EMPLOYMENTS
from dialogs.banks import Bank
from dialogs.ladder import Rules
from dialogs.messages import Locale

TABLES = (
    "participation",
    "average",
    "agreements_total",
    "agreements_by_category",
    "agreements_by_status",
    "i_deals_by_category",
    "agreements_by_employment",
    "people_by_employment",
    "prompts",
)
# How people are employed, in the order shown: temporary and agency workers apart.
# The attention budget's subjects, in the order they are shown.
# (table, department or None for the whole organisation, subject, period)
Key = tuple[str, str | None, str, str]


@dataclass(frozen=True)
class HrRow:
    table: str
    department: str | None
    subject: str
    period: str
    figure: Figure


@dataclass(frozen=True)
class HrFigures:
    year: int
    period: PeriodKind
    department: str | None
    generated_at: datetime
    minimum: int
    departments: tuple[str, ...]
    themes: tuple[str, ...]
    periods: tuple[str, ...]
    rows: tuple[HrRow, ...]
    # theme -> (nl, en) title from its question bank
    theme_titles: Mapping[str, tuple[str, str]]
    # The development ladder of the organisation and its departments (or of the one
    # department asked for), this year and last.
    ladder: Ladder | None = None

    def theme_title(self, theme: str, locale: Locale) -> str:
        nl, en = self.theme_titles.get(theme, (theme, theme))
        return nl if locale == "nl" else en

    def __post_init__(self) -> None:
        index = {(r.table, r.subject, r.department, r.period): r.figure for r in self.rows}
        object.__setattr__(self, "_index", index)

    def find(
        self, table: str, subject: str, department: str | None = None, period: str = ""
    ) -> Figure | None:
        index: dict[tuple[str, str, str | None, str], Figure] = self.__dict__["_index"]
        return index.get((table, subject, department, period))

    def subjects(self, table: str) -> tuple[str, ...]:
        seen = dict.fromkeys(r.subject for r in self.rows if r.table == table)
        return tuple(seen)


class UnknownDepartment(LookupError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"no department named {name!r}; known: {', '.join(known) or 'none'}")
        self.name = name
        self.known = known


# ---- gathering ----------------------------------------------------------------------------


@dataclass
class _Grid:
    """Candidates for one table per (subject, period): the organisation first, then its
    departments, and a line that says the organisation is their union."""

    candidates: list[Candidate]
    lines: list[Line]

    def add(
        self,
        table: str,
        subject: str,
        period: str,
        cells: Mapping[str, tuple[int, float | None, int | None, frozenset[int] | None]],
        total: tuple[float | None, int | None] | None = None,
    ) -> None:
        """`total`: the organisation's value and count, when its departments' cells cannot
        give it (a mean over person-months)."""
        scope = (table, subject, period)
        org_key = (table, None, subject, period)
        size = sum(c[0] for c in cells.values())
        value, count, members = _combine(table, cells)
        if total is not None:
            value, count = total
        self.candidates.append(Candidate(org_key, size, value, count, members, scope=scope))
        parts: list[Hashable] = []
        for dept in sorted(cells):
            people, value, count, members = cells[dept]
            key = (table, dept, subject, period)
            self.candidates.append(Candidate(key, people, value, count, members, scope))
            parts.append(key)
        self.lines.append(Line(org_key, tuple(parts)))


def _combine(
    table: str, cells: Mapping[str, tuple[int, float | None, int | None, frozenset[int] | None]]
) -> tuple[float | None, int | None, frozenset[int] | None]:
    """The organisation's value from its departments' cells."""
    members: frozenset[int] | None = None
    if cells and all(c[3] is not None for c in cells.values()):
        members = frozenset().union(*(c[3] or frozenset() for c in cells.values()))
    count = sum(c[2] or 0 for c in cells.values())
    if table == "average":
        total = sum((c[1] or 0.0) * (c[2] or 0) for c in cells.values())
        return (total / count if count else None), count, members
    if table == "participation":
        asked = sum(c[0] for c in cells.values())
        return (count / asked if asked else None), count, members
    return float(count), count, members


def _employment_lines(candidates: list[Candidate]) -> list[Line]:
    """Per department (and for the organisation), the kinds of employment are disjoint
    parts of its total."""
    parts: dict[tuple[str, str | None], list[Hashable]] = defaultdict(list)
    for c in candidates:
        table, dept, subject, _period = cast(Key, c.key)
        if table.endswith("_by_employment") and subject != "all":
            parts[(table, dept)].append(c.key)
    return [
        Line((table, dept, "all", ""), tuple(keys), disjoint=True)
        for (table, dept), keys in parts.items()
    ]


def _agreement_lines(candidates: list[Candidate]) -> list[Line]:
    """Per department, the categories and the statuses each add up to its total: hiding a
    category must not be undone by subtracting the others from the total."""
    by_dept: dict[tuple[str | None, str], list[Hashable]] = defaultdict(list)
    for c in candidates:
        table, dept, _subject, _period = cast(Key, c.key)
        if table in ("agreements_by_category", "agreements_by_status"):
            by_dept[(dept, table)].append(c.key)
    lines = [
        Line(("agreements_total", dept, "all", ""), tuple(parts), disjoint=False)
        for (dept, _table), parts in by_dept.items()
    ]
    # A category's i-deals are part of it: a hidden category must not reappear as its
    # i-deal count.
    keys = {c.key for c in candidates}
    for c in candidates:
        table, dept, subject, period = cast(Key, c.key)
        category = ("agreements_by_category", dept, subject, period)
        if table == "i_deals_by_category" and category in keys:
            lines.append(Line(category, (c.key,), disjoint=False))
    return lines


async def hr_figures(
    session: AsyncSession,
    *,
    year: int,
    now: datetime,
    banks: Mapping[str, Bank],
    defaults: Defaults | None = None,
    department: str | None = None,
    period: PeriodKind = "month",
    progress: Progress = unseen,
    ladder_rules: Rules | None = None,
) -> HrFigures:
    """The year's HR figures, for the whole organisation or one department; `progress`
    hears of its five steps (the answers' counts, their averages, settling what is shown,
    the agreements, and the rows).

    Suppression is always decided on the whole organisation's table and only then
    filtered, so a department filter shows exactly the cells the full report shows: two
    filtered reports can never be subtracted into a hidden cell.
    """
    del defaults  # Figures are language-free; the renderers take the locale.
    ids = await department_names(session)
    names: dict[int | None, str] = {None: NO_DEPARTMENT}
    for dept_id, name in ids.items():
        names[dept_id] = name
    known = tuple(sorted(ids.values()))
    if department is not None and department not in known and department != NO_DEPARTMENT:
        raise UnknownDepartment(department, known)
    start, end = year_window(year)
    await prepare(session)
    grid = _Grid([], [])
    # Months and quarters are settled together, the asked-for kind first: a quarter's sum
    # minus two shown months must not give away a hidden third month.
    participation = await queries.participation_cells(session, start, end, banks, names)
    progress(1, 5)
    averages = await queries.answer_cells(session, start, end, banks, names)
    prompts = await queries.prompt_cells(session, start, end, names)
    progress(2, 5)
    for kind in (period, "quarter" if period == "month" else "month"):
        for (theme, when), cells in sorted(participation[kind].items()):
            grid.add("participation", theme, when, cells)
        for (theme, when), cells in sorted(averages[kind].items()):
            grid.add("average", theme, when, cells)
        for (subject, when), (cells, total) in sorted(
            prompts[kind].items(), key=lambda item: (PROMPT_SUBJECTS.index(item[0][0]), item[0][1])
        ):
            grid.add("prompts", subject, when, cells, total)
    answer_figures = settle(grid.candidates, grid.lines + _quarter_lines(grid.candidates))
    wanted = set(all_periods(year, period))
    progress(3, 5)

    agreements = _Grid([], [])
    cells_by_table = {
        **(await queries.agreement_cells(session, year, names)),
        **(await queries.employment_cells(session, year, names)),
    }
    for (table, subject), agreement_cells in sorted(
        cells_by_table.items(),
        key=lambda item: (
            TABLES.index(item[0][0]),
            ("all", *EMPLOYMENTS).index(item[0][1]) if item[0][0].endswith("_by_employment") else 0,
            item[0][1],
        ),
    ):
        # Scope: one category's figures over departments and the i-deals among them, so an
        # i-deal count one person short of its category is caught as a difference.
        agreements.add(table, subject, "", agreement_cells)
    scoped = [
        Candidate(c.key, c.size, c.value, c.count, c.members, _agreement_scope(c.key))
        for c in agreements.candidates
    ]
    agreement_figures = settle(
        scoped, agreements.lines + _agreement_lines(scoped) + _employment_lines(scoped)
    )
    ladder = await ladder_figures(
        session, year=year, now=now, banks=banks, names=names, rules=ladder_rules
    )
    if department is not None:
        ladder = ladder.only(department)
    progress(4, 5)

    rows = []
    for figures in (answer_figures, agreement_figures):
        for key, figure in figures.items():
            table, dept, subject, when = cast(Key, key)
            if department is not None and dept != department:
                continue
            if when and when not in wanted:
                continue
            rows.append(HrRow(table, dept, subject, when, figure))
    themes = tuple(sorted({r.subject for r in rows if r.table in ("participation", "average")}))
    shown_depts = (department,) if department is not None else tuple(sorted(set(names.values())))
    progress(5, 5)
    return HrFigures(
        year=year,
        period=period,
        department=department,
        generated_at=now,
        minimum=SCORE_MIN,
        departments=shown_depts,
        themes=themes,
        periods=all_periods(year, period),
        rows=tuple(rows),
        theme_titles={t: (b.title.nl, b.title.en) for t, b in banks.items()},
        ladder=ladder,
    )


def _quarter_lines(candidates: list[Candidate]) -> list[Line]:
    """Each quarter's figure is made of its three months' answers (people may repeat)."""
    keys = {c.key for c in candidates}
    months: dict[Key, list[Hashable]] = defaultdict(list)
    for c in candidates:
        table, dept, subject, when = cast(Key, c.key)
        if "-Q" in when:
            continue
        quarter = f"{when[:4]}-Q{(int(when[5:7]) + 2) // 3}"
        months[(table, dept, subject, quarter)].append(c.key)
    return [Line(q, tuple(parts), disjoint=False) for q, parts in months.items() if q in keys]


def _agreement_scope(key: Hashable) -> Hashable:
    table, _dept, subject, _period = cast(Key, key)
    if table in ("agreements_by_category", "i_deals_by_category"):
        return ("category", subject)
    return (table, subject)


# ---- rendering ----------------------------------------------------------------------------
