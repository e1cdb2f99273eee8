"""The report figures as every reader gets them: blocks of a chart and a table, in the
reader's language, with names instead of ids. The admin console's page and the reports' own
documents (HTML and PDF) are drawn from these, so they show the same.

A suppressed figure is a cell that says so and a marked gap in a chart, never a number; a
group that has no figure at all is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.documents import charts
from bot.privacy.registry import REGISTRY, SEEN_BY_NOTE, say
from bot.reports.aggregates import SCORE_MIN, Figure
from bot.reports.hr_queries import PROMPT_SUBJECTS
from bot.reports.source import NO_DEPARTMENT
from dialogs.messages import Locale
from dialogs.report_texts import label, period_name, topic_label, tr

if TYPE_CHECKING:
    from bot.reports.hr import HrFigures
    from bot.reports.works_council import Overview, OverviewItem


@dataclass(frozen=True)
class Cell:
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]


@dataclass(frozen=True)
class Block:
    heading: str
    chart: charts.Drawing | None
    table: Table | None
    empty: bool = False
    note: str = ""


@dataclass(frozen=True)
class Group:
    heading: str
    blocks: tuple[Block, ...]


# ---- HR figures -----------------------------------------------------------------------------


def value_text(table: str, figure: Figure, locale: Locale) -> str:
    if figure.suppressed:
        return tr("fewer_than", locale, minimum=SCORE_MIN)
    if figure.value is None:
        return "-"
    if table == "participation":
        return f"{figure.value * 100:.0f}%"
    if table == "average":
        return f"{figure.value:.2f}"
    if table == "prompts":
        return f"{figure.value:.1f}"
    return str(figure.count if figure.count is not None else int(figure.value))


def scope_name(department: str | None, locale: Locale) -> str:
    if department is None:
        return tr("scope.all", locale)
    if department == NO_DEPARTMENT:
        return tr("scope.none", locale)
    return department


def _cell(table: str, figure: Figure | None, locale: Locale, missing: str = "") -> Cell:
    if figure is None:
        return Cell(missing)
    return Cell(value_text(table, figure, locale), figure.suppressed)


def _scopes(figures: HrFigures) -> list[str | None]:
    scopes: list[str | None] = [None] if figures.department is None else []
    return scopes + list(figures.departments)


def _period_table(figures: HrFigures, table: str, theme: str, locale: Locale) -> Table:
    rows = []
    for dept in _scopes(figures):
        found = [figures.find(table, theme, dept, p) for p in figures.periods]
        if any(f is not None for f in found):
            cells = tuple(_cell(table, f, locale) for f in found)
            rows.append((scope_name(dept, locale), cells))
    head = (tr("department", locale), *(period_name(p, locale) for p in figures.periods))
    return Table(head, tuple(rows))


def _period(figures: HrFigures, table: str, theme: str, period: str, loc: Locale) -> charts.Period:
    name = period_name(period, loc)
    figure = figures.find(table, theme, figures.department, period)
    if figure is None:
        return charts.Period(name, None, "")
    text = value_text(table, figure, loc)
    if figure.suppressed or figure.value is None:
        return charts.Period(name, None, text, hidden=figure.suppressed)
    scale = 100.0 if table == "participation" else 1.0
    return charts.Period(name, figure.value * scale, text)


def hr_theme_groups(figures: HrFigures, locale: Locale) -> list[Group]:
    """Per theme: participation and the average score over the periods, as a line for the
    chosen scope and a table of every department."""
    loc = locale
    groups = []
    for theme in figures.themes:
        name = figures.theme_title(theme, loc)
        blocks = []
        for table, high in (("participation", 100.0), ("average", 5.0)):
            title = tr(f"hr.chart.{table}", loc, theme=name)
            found = _period_table(figures, table, theme, loc)
            if not found.rows:
                blocks.append(Block(title, None, None, empty=True))
                continue
            chart = charts.period_chart(
                f"{title} · {scope_name(figures.department, loc)}",
                [_period(figures, table, theme, p, loc) for p in figures.periods],
                low=0.0 if table == "participation" else 1.0,
                high=high,
                unit="%" if table == "participation" else "",
                hidden_words=tr("fewer_than", loc, minimum=figures.minimum),
            )
            blocks.append(Block(title, chart, found))
        groups.append(Group(name, tuple(blocks)))
    return groups


# The attention budget's figures, as the HR figures name their subjects.


def prompt_groups(figures: HrFigures, locale: Locale) -> list[Group]:
    """The attention budget: prompts per person per month (of their own, asked along,
    deferred), as a line for the chosen scope and a table of every department; nothing
    when no one was asked anything."""
    loc = locale
    blocks = []
    for subject in PROMPT_SUBJECTS:
        title = tr(f"hr.prompts.{subject}", loc)
        found = _period_table(figures, "prompts", subject, loc)
        if not found.rows:
            continue
        values = [figures.find("prompts", subject, figures.department, p) for p in figures.periods]
        high = max((f.value or 0.0 for f in values if f is not None and f.shown), default=0.0)
        chart = charts.period_chart(
            f"{title} · {scope_name(figures.department, loc)}",
            [_period(figures, "prompts", subject, p, loc) for p in figures.periods],
            low=0.0,
            high=max(high, 1.0),
            unit="",
            hidden_words=tr("fewer_than", loc, minimum=figures.minimum),
        )
        blocks.append(Block(title, chart, found))
    if not blocks:
        return []
    return [Group(tr("hr.prompts", loc), tuple(blocks))]


AGREEMENT_TABLES = (
    "agreements_by_category",
    "agreements_by_status",
    "i_deals_by_category",
    "agreements_by_employment",
    "people_by_employment",
)


def agreement_blocks(figures: HrFigures, locale: Locale) -> list[Block]:
    """Agreements by category, by status, and i-deals by category: a bar per subject for the
    chosen scope, and a table of every department."""
    loc = locale
    target = figures.department
    blocks = []
    for table in AGREEMENT_TABLES:
        heading = tr(f"hr.{table}", loc)
        kind = {"agreements_by_status": "status"}.get(table, "category")
        if table.endswith("_by_employment"):
            kind = "employment"
        # An employment table's total is there to be protected against, not drawn as a bar.
        subjects = tuple(s for s in figures.subjects(table) if s != "all")
        bars = []
        for subject in subjects:
            figure = figures.find(table, subject, target)
            if figure is not None:
                value = None if figure.suppressed else float(figure.count or 0)
                text = value_text(table, figure, loc)
                bars.append(charts.Bar(label(kind, subject, loc), value, text))
        if not bars:
            blocks.append(Block(heading, None, None, empty=True))
            continue
        rows = []
        for dept in _scopes(figures):
            found = [figures.find(table, s, dept) for s in subjects]
            if any(f is not None for f in found):
                cells = tuple(_cell(table, f, loc, missing="0") for f in found)
                rows.append((scope_name(dept, loc), cells))
        head = (tr("department", loc), *(label(kind, s, loc) for s in subjects))
        chart = charts.bar_chart(f"{heading} · {scope_name(target, loc)}", bars)
        blocks.append(Block(heading, chart, Table(head, tuple(rows))))
    return blocks


# ---- works-council overview -----------------------------------------------------------------

RATES = ("signed_share", "followup_rate")


def item_label(item: OverviewItem, locale: Locale) -> str:
    if item.key == "all":
        return tr("total", locale)
    if item.group == "process":
        return tr(f"wc.{item.key}", locale)
    if item.group == "outcomes":
        return tr(f"wc.outcome.{item.key}", locale)
    if item.group in ("categories", "i_deals"):
        return label("category", item.key, locale)
    if item.group == "followup_answers":
        return label("answer", item.key, locale)
    if item.group == "raised_topics":
        return label("raised", item.key, locale)
    if item.group == "topics":
        return topic_label(item.key, locale)
    if item.group == "signed_by_month":
        return period_name(item.key, locale, short=False)
    if item.group in ("employment", "employment_signed"):
        return label("employment", item.key, locale)
    return item.key


def item_value(item: OverviewItem, overview: Overview, locale: Locale) -> str:
    f = item.figure
    minimum = overview.text_minimum if item.group == "raised_topics" else overview.minimum
    if f.suppressed:
        return tr("fewer_than", locale, minimum=minimum)
    if item.key in RATES and item.group == "process":
        return "-" if f.value is None else f"{f.value * 100:.0f}%"
    return str(f.count if f.count is not None else 0)


def _overview_blocks(overview: Overview, loc: Locale) -> list[tuple[str, str, str]]:
    """(section heading, block heading, group) in reading order."""
    process, content, outcomes = (
        tr("wc.process", loc),
        tr("wc.content", loc),
        tr("wc.outcomes", loc),
    )
    return [
        (process, "", "process"),
        (process, tr("wc.chart.signed_by_month", loc), "signed_by_month"),
        (process, tr("wc.employment", loc), "employment"),
        (process, tr("wc.employment_signed", loc), "employment_signed"),
        (content, tr("wc.topics", loc), "topics"),
        (content, tr("wc.raised_topics", loc), "raised_topics"),
        (content, tr("wc.categories", loc), "categories"),
        (content, tr("wc.i_deals", loc), "i_deals"),
        (outcomes, "", "outcomes"),
        (outcomes, tr("wc.followup_answers", loc), "followup_answers"),
    ]


def works_council_groups(overview: Overview, locale: Locale) -> list[Group]:
    """The overview's sections in reading order, each block with its bar chart (all but the
    process figures) and a table; the records the system keeps come last."""
    loc = locale
    groups: list[tuple[str, list[Block]]] = []
    for section, heading, group in _overview_blocks(overview, loc):
        items = list(overview.group(group))
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        if not items:
            groups[-1][1].append(Block(heading, None, None, empty=True))
            continue
        chart = None
        bars = [
            charts.Bar(
                item_label(i, loc),
                None if i.figure.suppressed else float(i.figure.count or 0),
                item_value(i, overview, loc),
            )
            for i in items
            if i.key != "all"
        ]
        if group != "process" and bars:
            chart = charts.bar_chart(heading or section, bars)
        rows = tuple(
            (item_label(i, loc), (Cell(item_value(i, overview, loc), i.figure.suppressed),))
            for i in items
        )
        head = (tr("col.figure", loc), tr("col.value", loc))
        # Signatures per month are a chart only: a table would repeat it line by line.
        table = None if chart and group == "signed_by_month" else Table(head, rows)
        groups[-1][1].append(Block(heading, chart, table))
    records = Table(
        tuple(tr(k, loc) for k in ("wc.records.table", "wc.records.what", "wc.records.who")),
        tuple(
            (name, (Cell(say(entry.holds, loc)), Cell(entry.seen_by_text(loc))))
            for name, entry in sorted(REGISTRY.items())
        ),
    )
    groups.append((tr("wc.records", loc), [Block("", None, records, note=say(SEEN_BY_NOTE, loc))]))
    return [Group(heading, tuple(blocks)) for heading, blocks in groups]
