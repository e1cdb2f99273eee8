"""The report figures as the console's templates draw them: tables of cells and charts with
their geometry worked out, so the templates only place elements and the page needs no inline
style (the console's stylesheet colours the charts by class).

A suppressed figure is a cell that says so and a gap in a chart, never a number; a group
that has no figure at all is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.reports import hr
from bot.reports import works_council as wc
from bot.reports.aggregates import Figure
from bot.reports.source import NO_DEPARTMENT
from dialogs.console_texts import tc
from dialogs.messages import Locale
from dialogs.report_texts import label, record, tr

CHART_WIDTH = 640
BAR_ROW = 32
BAR_LEFT = 300
BAR_SPACE = 280
LINE_HEIGHT = 220
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 44, 16, 14, 30


@dataclass(frozen=True)
class Cell:
    text: str
    suppressed: bool = False


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: float  # 0 for a suppressed figure, which gets no bar
    suppressed: bool


@dataclass(frozen=True)
class BarChart:
    ident: str
    title: str
    bars: tuple[Bar, ...]
    height: int
    desc: str
    kind: str = "bars"


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str
    axis: str = "x"  # "y": right-aligned beside the plot


@dataclass(frozen=True)
class LineChart:
    ident: str
    title: str
    height: int
    baseline: float
    right: float
    lines: tuple[str, ...]  # SVG points lists; a suppressed period breaks the line
    points: tuple[Point, ...]
    ticks: tuple[Tick, ...]
    desc: str
    kind: str = "line"


@dataclass(frozen=True)
class Block:
    heading: str
    chart: BarChart | LineChart | None
    table: Table | None
    empty: bool = False
    note: str = ""


@dataclass(frozen=True)
class Group:
    heading: str
    blocks: tuple[Block, ...]


# ---- charts ---------------------------------------------------------------------------------


def bar_chart(ident: str, title: str, items: Sequence[tuple[str, float | None, str]]) -> BarChart:
    """One bar per (label, value, text); a None value is drawn as its text without a bar."""
    top = max((v for _, v, _ in items if v is not None), default=0.0) or 1.0
    bars = tuple(
        Bar(
            name,
            text,
            i * BAR_ROW,
            0.0 if value is None else round(max(0.0, value) / top * BAR_SPACE, 1),
            value is None,
        )
        for i, (name, value, text) in enumerate(items)
    )
    desc = "; ".join(f"{name}: {text}" for name, _, text in items)
    return BarChart(ident, title, bars, len(items) * BAR_ROW + 8, desc)


def line_chart(
    ident: str,
    title: str,
    periods: Sequence[str],
    values: Sequence[tuple[float | None, str]],
    *,
    low: float,
    high: float,
    unit: str = "",
) -> LineChart:
    """One line over the periods; (value, text) per period, value None breaks the line."""
    plot_w = CHART_WIDTH - LINE_LEFT - LINE_RIGHT
    plot_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = plot_w / max(1, len(periods) - 1)
    span = (high - low) or 1.0

    def x(i: int) -> float:
        return round(LINE_LEFT + i * step, 1)

    def y(v: float) -> float:
        return round(LINE_TOP + plot_h - (v - low) / span * plot_h, 1)

    lines: list[list[str]] = [[]]
    points = []
    for i, (value, _text) in enumerate(values):
        if value is None:
            lines.append([])
            continue
        lines[-1].append(f"{x(i)},{y(value)}")
        points.append(Point(x(i), y(value)))
    baseline = float(LINE_TOP + plot_h)
    every = max(1, len(periods) // 6)
    ticks = [
        Tick(x(i), LINE_HEIGHT - 8, period) for i, period in enumerate(periods) if i % every == 0
    ]
    ticks += [
        Tick(LINE_LEFT - 6, baseline, f"{low:g}{unit}", "y"),
        Tick(LINE_LEFT - 6, LINE_TOP + 8, f"{high:g}{unit}", "y"),
    ]
    desc = "; ".join(f"{p}: {text}" for p, (_, text) in zip(periods, values, strict=True) if text)
    return LineChart(
        ident,
        title,
        LINE_HEIGHT,
        baseline,
        float(CHART_WIDTH - LINE_RIGHT),
        tuple(" ".join(part) for part in lines if len(part) > 1),
        tuple(points),
        tuple(ticks),
        desc,
    )


# ---- HR figures -----------------------------------------------------------------------------


def scope_name(department: str | None, locale: Locale) -> str:
    if department is None:
        return tc("reports.all_departments", locale)
    if department == NO_DEPARTMENT:
        return tc("reports.no_department", locale)
    return department


def _cell(table: str, figure: Figure | None, locale: Locale, missing: str = "") -> Cell:
    if figure is None:
        return Cell(missing)
    return Cell(hr.value_text(table, figure, locale), figure.suppressed)


def _scopes(figures: hr.HrFigures) -> list[str | None]:
    scopes: list[str | None] = [None] if figures.department is None else []
    return scopes + list(figures.departments)


def _period_table(figures: hr.HrFigures, table: str, theme: str, locale: Locale) -> Table:
    rows = []
    for dept in _scopes(figures):
        found = [figures.find(table, theme, dept, p) for p in figures.periods]
        if any(f is not None for f in found):
            cells = tuple(_cell(table, f, locale) for f in found)
            rows.append((scope_name(dept, locale), cells))
    head = (tc("reports.col.department", locale), *figures.periods)
    return Table(head, tuple(rows))


def hr_theme_groups(figures: hr.HrFigures, locale: Locale) -> list[Group]:
    """Per theme: participation and the average score over the periods, as a line for the
    chosen scope and a table of every department."""
    loc = locale
    target = figures.department
    groups = []
    for theme in figures.themes:
        name = figures.theme_title(theme, loc)
        blocks = []
        for table, high, scale in (("participation", 100.0, 100.0), ("average", 5.0, 1.0)):
            values: list[tuple[float | None, str]] = []
            for period in figures.periods:
                figure = figures.find(table, theme, target, period)
                if figure is None:
                    values.append((None, ""))
                    continue
                shown = None if figure.value is None or figure.suppressed else figure.value * scale
                values.append((shown, hr.value_text(table, figure, loc)))
            title = tr(f"hr.chart.{table}", loc, theme=name)
            chart = line_chart(
                f"hr-{theme}-{table}",
                f"{title} · {scope_name(target, loc)}",
                figures.periods,
                values,
                low=0.0 if table == "participation" else 1.0,
                high=high,
                unit="%" if table == "participation" else "",
            )
            found = _period_table(figures, table, theme, loc)
            if not found.rows:
                blocks.append(Block(title, None, None, empty=True))
                continue
            blocks.append(Block(title, chart, found))
        groups.append(Group(name, tuple(blocks)))
    return groups


AGREEMENT_TABLES = ("agreements_by_category", "agreements_by_status", "i_deals_by_category")


def agreement_blocks(figures: hr.HrFigures, locale: Locale) -> list[Block]:
    """Agreements by category, by status, and i-deals by category: a bar per subject for the
    chosen scope, and a table of every department."""
    loc = locale
    target = figures.department
    blocks = []
    for table in AGREEMENT_TABLES:
        heading = tr(f"hr.{table}", loc)
        kind = "status" if table == "agreements_by_status" else "category"
        subjects = figures.subjects(table)
        items = []
        for subject in subjects:
            figure = figures.find(table, subject, target)
            if figure is not None:
                value = None if figure.suppressed else float(figure.count or 0)
                items.append((label(kind, subject, loc), value, hr.value_text(table, figure, loc)))
        if not items:
            blocks.append(Block(heading, None, None, empty=True))
            continue
        rows = []
        for dept in _scopes(figures):
            found = [figures.find(table, s, dept) for s in subjects]
            if any(f is not None for f in found):
                cells = tuple(_cell(table, f, loc, missing="0") for f in found)
                rows.append((scope_name(dept, loc), cells))
        head = (tc("reports.col.department", loc), *(label(kind, s, loc) for s in subjects))
        chart = bar_chart(f"hr-{table}", f"{heading} · {scope_name(target, loc)}", items)
        blocks.append(Block(heading, chart, Table(head, tuple(rows))))
    return blocks


# ---- works-council overview -----------------------------------------------------------------


def works_council_groups(overview: wc.Overview, locale: Locale) -> list[Group]:
    """The overview's sections in its own reading order, each block with its bar chart (all
    but the process figures) and a table; the records the system keeps come last."""
    loc = locale
    groups: list[tuple[str, list[Block]]] = []
    for n, (section, heading, items) in enumerate(wc.blocks(overview, loc)):
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        if not items:
            groups[-1][1].append(Block(heading, None, None, empty=True))
            continue
        chart = None
        if items[0].group != "process":
            chartable = [
                (wc.item_label(i, loc), value, wc.item_value(i, overview, loc))
                for i, (_, value) in zip(
                    [i for i in items if i.key != "all"], wc.chart_items(items, loc), strict=True
                )
            ]
            if chartable:
                chart = bar_chart(f"wc-{n}", heading or section, chartable)
        rows = [
            (
                wc.item_label(i, loc) if i.key != "all" else tr("total", loc),
                (Cell(wc.item_value(i, overview, loc), i.figure.suppressed),),
            )
            for i in items
        ]
        head = (tc("reports.col.figure", loc), tc("reports.col.value", loc))
        # Signatures per month are a chart only, as in the overview's own documents.
        table = None if chart and items[0].group == "signed_by_month" else Table(head, tuple(rows))
        groups[-1][1].append(Block(heading, chart, table))
    records = Table(
        tuple(tr(k, loc) for k in ("wc.records.table", "wc.records.what", "wc.records.who")),
        tuple(
            (table, tuple(Cell(text) for text in record(table, loc))) for table in overview.tables
        ),
    )
    groups.append(
        (tr("wc.records", loc), [Block("", None, records, note=tr("wc.records.note", loc))])
    )
    return [Group(heading, tuple(blocks)) for heading, blocks in groups]
