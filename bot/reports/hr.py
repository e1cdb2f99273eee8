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

import csv
import io
import json
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

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

from bot.documents import html
from bot.org.people import Defaults
from bot.progress import Progress, unseen
from bot.reports import views
from bot.reports.aggregates import (
    AGGREGATABLE,
    HIDDEN,
    SCORE_MIN,
    Candidate,
    Figure,
    Line,
    health_question_ids,
    settle,
)
from bot.reports.ladder import Ladder, ladder_figures
from bot.reports.source import (
    NO_DEPARTMENT,
    PeriodKind,
    all_periods,
    asked_checkins,
    department_names,
    month_number,
    period_label,
    prepare,
    year_window,
)
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import Answer, Occurrence, Person
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.ladder import STAGES, Rules
from dialogs.messages import Locale
from dialogs.report_texts import label, period_name, tr

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
EMPLOYMENTS = ("permanent", "temporary", "agency")
# The attention budget's subjects, in the order they are shown.
PROMPT_SUBJECTS = ("separate", "along", "deferred")
# (table, department or None for the whole organisation, subject, period)
Key = tuple[str, str | None, str, str]
CSV_COLUMNS = ("table", "department", "subject", "period", "value", "count", "people", "suppressed")


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


# Per department: (people, value, count, no member list).
ByDepartment = dict[str, tuple[int, float | None, int | None, None]]
Cells = dict[tuple[str, str], ByDepartment]


async def _both_periods(
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


async def _answer_cells(
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

    found = await _both_periods(session, per_person, measures, start.year)
    out: dict[str, Cells] = {}
    for kind, rows in found.items():
        cells: Cells = defaultdict(dict)
        for dept_id, when, theme, people, answers, total in rows:
            mean = float(total) / int(answers) if answers else None
            cells[(theme, when)][names[dept_id]] = (int(people), mean, int(answers), None)
        out[kind] = cells
    return out


async def _participation_cells(
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

    found = await _both_periods(session, per_person, measures, start.year)
    out: dict[str, Cells] = {}
    for kind, rows in found.items():
        cells: Cells = defaultdict(dict)
        for dept_id, when, theme, asked, completed in rows:
            rate = int(completed) / int(asked) if asked else None
            cells[(theme, when)][names[dept_id]] = (int(asked), rate, int(completed), None)
        out[kind] = cells
    return out


async def _prompt_cells(
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

    found = await _both_periods(session, per_person, measures, start.year)
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


async def _agreement_cells(
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


async def _employment_cells(
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
    participation = await _participation_cells(session, start, end, banks, names)
    progress(1, 5)
    averages = await _answer_cells(session, start, end, banks, names)
    prompts = await _prompt_cells(session, start, end, names)
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
        **(await _agreement_cells(session, year, names)),
        **(await _employment_cells(session, year, names)),
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


def _generated(at: datetime, locale: Locale) -> str:
    return tr("generated", locale, at=f"{at:%Y-%m-%d %H:%M} UTC")


def _scope_name(figures: HrFigures, locale: Locale) -> str:
    if figures.department is None:
        return tr("whole_organisation", locale)
    return figures.department


def groups(figures: HrFigures, locale: Locale) -> list[views.Group]:
    """The report's sections in reading order: themes, attention budget, agreements, and
    the development ladder."""
    loc = locale
    found = [
        *views.hr_theme_groups(figures, loc),
        *views.prompt_groups(figures, loc),
        views.Group(tr("hr.agreements", loc), tuple(views.agreement_blocks(figures, loc))),
    ]
    if figures.ladder is not None:
        everyone = figures.department is None
        found += views.ladder_groups(figures.ladder, loc, figures.department, departments=everyone)
    return found


def _meta(figures: HrFigures, locale: Locale) -> list[str]:
    return [
        tr("hr.intro", locale, minimum=figures.minimum),
        _generated(figures.generated_at, locale),
    ]


def render_html(figures: HrFigures, locale: Locale) -> str:
    """A self-contained HTML page with inline SVG charts, from the same blocks as the admin
    console's reports page; every name is escaped by the template."""
    loc = locale
    return html.render(
        "report.html",
        locale=loc,
        catalog=tr,
        title=tr("hr.title", loc, year=figures.year, scope=_scope_name(figures, loc)),
        meta=_meta(figures, loc),
        groups=groups(figures, loc),
    )


def render_pdf(figures: HrFigures, locale: Locale, *, font_path: Path | None = None) -> bytes:
    """The same sections as the HTML, as PDF."""
    # fpdf loads only for a PDF: the chat's `report` renders text through this module.
    from bot.reports import pdf

    title = tr("hr.title", locale, year=figures.year, scope=_scope_name(figures, locale))
    return pdf.render(
        title, _meta(figures, locale), groups(figures, locale), locale, font_path=font_path
    )


def _row_dict(row: HrRow) -> dict[str, Any]:
    f = row.figure
    return {
        "table": row.table,
        "department": row.department,
        "subject": row.subject,
        "period": row.period,
        "value": f.value,
        "count": f.count,
        "people": f.people,
        "suppressed": f.suppressed,
    }


def _ladder_rows(figures: HrFigures) -> list[HrRow]:
    """The ladder as rows: table `ladder` per indicator (subject) and year (period), and
    `ladder_stage` with the stage (1 reactive - 4 integral) as its value and its name as
    subject; a group too small has a suppressed stage, too few figures no stage row."""
    ladder = figures.ladder
    if ladder is None:
        return []
    rows = []
    for scope in ladder.scopes:
        for year in ladder.years:
            entry = ladder.at(scope, year)
            if entry is None:
                continue
            for indicator, figure in entry.figures.items():
                shown = HIDDEN if entry.suppressed else figure
                rows.append(HrRow("ladder", scope, indicator, str(year), shown))
            if entry.suppressed:
                rows.append(HrRow("ladder_stage", scope, "", str(year), HIDDEN))
            elif entry.estimate is not None:
                stage = entry.estimate.stage
                figure = Figure(float(stage + 1), None, None, suppressed=False)
                rows.append(HrRow("ladder_stage", scope, STAGES[stage], str(year), figure))
    return rows


def render_csv(figures: HrFigures) -> str:
    """One row per figure; a suppressed figure has empty numbers and suppressed=true.
    The whole organisation has an empty department."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in (*figures.rows, *_ladder_rows(figures)):
        data = _row_dict(row)
        data["department"] = data["department"] or ""
        data["suppressed"] = "true" if data["suppressed"] else "false"
        writer.writerow({k: "" if v is None else v for k, v in data.items()})
    return buffer.getvalue()


def to_json(figures: HrFigures) -> dict[str, Any]:
    return {
        "year": figures.year,
        "period": figures.period,
        "department": figures.department,
        "generated_at": figures.generated_at.isoformat(),
        "minimum_group": figures.minimum,
        "departments": list(figures.departments),
        "themes": list(figures.themes),
        "periods": list(figures.periods),
        "rows": [_row_dict(r) for r in (*figures.rows, *_ladder_rows(figures))],
    }


def render_json(figures: HrFigures) -> str:
    return json.dumps(to_json(figures), ensure_ascii=False, indent=2)


def render_chat(figures: HrFigures, locale: Locale) -> tuple[str, str]:
    """A short summary for HR in chat: the latest period with data per theme, and the
    agreements by status. Returns (title, body)."""
    loc = locale
    target = figures.department
    lines = []
    for theme in figures.themes:
        latest = None
        for period in reversed(figures.periods):
            if figures.find("participation", theme, target, period) or figures.find(
                "average", theme, target, period
            ):
                latest = period
                break
        if latest is None:
            continue
        part = figures.find("participation", theme, target, latest)
        avg = figures.find("average", theme, target, latest)
        lines.append(
            tr(
                "chat.theme_line",
                loc,
                theme=figures.theme_title(theme, loc),
                period=f"{period_name(latest, loc, short=False)} {latest[:4]}",
                participation=views.value_text("participation", part, loc) if part else "-",
                average=views.value_text("average", avg, loc) if avg else "-",
            )
        )
    statuses = []
    for status in figures.subjects("agreements_by_status"):
        figure = figures.find("agreements_by_status", status, target)
        if figure is not None:
            text = views.value_text("agreements_by_status", figure, loc)
            statuses.append(f"{label('status', status, loc)}: {text}")
    lines.append(tr("chat.agreements", loc) + " " + ("; ".join(statuses) or tr("none", loc)))
    if figures.ladder is not None:
        lines.append(
            tr("chat.ladder", loc, stage=views.ladder_summary(figures.ladder, target, loc))
        )
    lines.append(tr("chat.more", loc))
    title = tr("hr.title", loc, year=figures.year, scope=_scope_name(figures, loc))
    return title, "\n".join(lines)
