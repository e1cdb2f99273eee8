"""The development ladder as readers get it: each indicator's value, the stage estimate and
a chart per scope, in the reader's language (drawn for HR's report, the works council's
overview and the console alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.documents import charts
from bot.reports.aggregates import SCORE_MIN
from bot.reports.views import Block, Cell, Group, Table, scope_name
from dialogs.ladder import INDICATORS, STAGES
from dialogs.messages import Locale
from dialogs.report_texts import tr

if TYPE_CHECKING:
    from bot.reports.ladder import Ladder, ScopeYear


def ladder_value(indicator: str, value: float) -> str:
    unit = INDICATORS[indicator]
    if unit == "rate":
        return f"{value * 100:.0f}%"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:.1f}"


def stage_name(stage: int, locale: Locale) -> str:
    return tr(f"ladder.stage.{STAGES[stage]}", locale)


def stage_text(entry: ScopeYear | None, locale: Locale) -> str:
    """The stage of one scope and year in words, or why there is none."""
    if entry is None or (entry.estimate is None and not entry.suppressed):
        return tr("ladder.no_data", locale)
    if entry.estimate is None:
        return tr("ladder.hidden", locale, minimum=SCORE_MIN)
    return stage_name(entry.estimate.stage, locale)


def _indicator_name(indicator: str, locale: Locale) -> str:
    return tr(f"ladder.ind.{indicator}", locale)


def ladder_summary(ladder: Ladder, scope: str | None, locale: Locale) -> str:
    """This year's stage, last year's, what put it there and what would move it up."""
    loc = locale
    last, this = (ladder.at(scope, y) for y in ladder.years)
    parts = [
        " · ".join(
            tr("ladder.stage_line", loc, year=y, stage=stage_text(e, loc))
            for y, e in ((ladder.year, this), (ladder.year - 1, last))
        )
        + "."
    ]
    found = this.estimate if this is not None else None
    if found is not None:
        basis = ", ".join(
            tr(
                "ladder.reading",
                loc,
                indicator=_indicator_name(r.indicator, loc),
                value=ladder_value(r.indicator, r.value),
            )
            for r in found.basis
        )
        parts.append(tr("ladder.basis", loc, items=basis))
        if found.steps:
            steps = ", ".join(
                tr(
                    "ladder.step",
                    loc,
                    indicator=_indicator_name(s.indicator, loc),
                    value=ladder_value(s.indicator, s.value),
                    target=ladder_value(s.indicator, s.target),
                )
                for s in found.steps
            )
            upper = stage_name(found.stage + 1, loc)
            parts.append(tr("ladder.next", loc, stage=upper, needed=found.needed, items=steps))
        else:
            parts.append(tr("ladder.top", loc))
    return " ".join(parts)


def _indicator_table(ladder: Ladder, scope: str | None, loc: Locale) -> Table:
    rules = ladder.rules
    this = ladder.at(scope, ladder.year)
    levels = (
        {r.indicator: r.level for r in this.estimate.readings} if this and this.estimate else {}
    )
    rows = []
    for rule in rules.indicators:
        cells = []
        for year in reversed(ladder.years):
            entry = ladder.at(scope, year)
            figure = entry.figures.get(rule.indicator) if entry and not entry.suppressed else None
            if figure is None or (figure.shown and figure.value is None):
                cells.append(Cell("-"))
            elif figure.suppressed:
                cells.append(Cell(tr("fewer_than", loc, minimum=SCORE_MIN), True))
            else:
                cells.append(Cell(ladder_value(rule.indicator, figure.value or 0.0)))
        level = levels.get(rule.indicator)
        cells.append(Cell("-" if level is None else stage_name(level, loc)))
        nxt = (
            "-"
            if level is None or level >= 3
            else ladder_value(rule.indicator, rule.thresholds[level])
        )
        cells.append(Cell(nxt))
        rows.append((_indicator_name(rule.indicator, loc), tuple(cells)))
    head = (
        tr("ladder.col.indicator", loc),
        *(str(y) for y in reversed(ladder.years)),
        tr("ladder.col.reaches", loc, year=ladder.year),
        tr("ladder.col.next", loc),
    )
    return Table(head, tuple(rows))


def _level_chart(ladder: Ladder, scope: str | None, loc: Locale) -> charts.Drawing | None:
    this = ladder.at(scope, ladder.year)
    if this is None or this.estimate is None:
        return None
    bars = [
        charts.Bar(_indicator_name(r.indicator, loc), float(r.level + 1), stage_name(r.level, loc))
        for r in this.estimate.readings
    ]
    title = f"{tr('ladder.chart', loc, year=ladder.year)} · {scope_name(scope, loc)}"
    return charts.bar_chart(title, bars)


def ladder_groups(
    ladder: Ladder, locale: Locale, scope: str | None, *, departments: bool
) -> list[Group]:
    """The ladder as one section: the note that it is an indication, the stage of `scope`
    with its indicators (and, with `departments`, every department's stage), the stages
    described and the rules with their sources."""
    loc = locale
    rules = ladder.rules
    blocks = [
        Block(
            "",
            None,
            None,
            note=tr("ladder.note", loc, quorum=round(rules.quorum * 100), minimum=SCORE_MIN),
        ),
        Block(
            tr("ladder.scope", loc, scope=scope_name(scope, loc)),
            None,
            _indicator_table(ladder, scope, loc),
            note=ladder_summary(ladder, scope, loc),
        ),
    ]
    chart = _level_chart(ladder, scope, loc)
    if chart is not None:
        blocks.append(Block(chart.title, chart, None))
    if departments:
        rows = tuple(
            (
                scope_name(dept, loc),
                tuple(Cell(stage_text(ladder.at(dept, y), loc)) for y in reversed(ladder.years)),
            )
            for dept in ladder.scopes
            if dept is not None
        )
        if rows:
            head = (tr("department", loc), *(str(y) for y in reversed(ladder.years)))
            blocks.append(Block(tr("ladder.departments", loc), None, Table(head, rows)))
    stages = Table(
        (tr("ladder.stages", loc), ""),
        tuple((stage_name(i, loc), (Cell(rules.stages[s](loc)),)) for i, s in enumerate(STAGES)),
    )
    blocks.append(Block(tr("ladder.stages", loc), None, stages, note=tr("ladder.stages_note", loc)))
    sources = Table(
        (
            tr("ladder.col.indicator", loc),
            tr("ladder.col.thresholds", loc),
            tr("ladder.col.why", loc),
            tr("ladder.col.source", loc),
        ),
        tuple(
            (
                _indicator_name(r.indicator, loc),
                (
                    Cell(" / ".join(ladder_value(r.indicator, t) for t in r.thresholds)),
                    Cell(r.why(loc)),
                    Cell(r.source),
                ),
            )
            for r in rules.indicators
        ),
    )
    note = tr("ladder.rules_note", loc, file=rules.source_file)
    blocks.append(Block(tr("ladder.rules", loc), None, sources, note=note))
    cited = Table(
        (tr("ladder.col.source", loc), ""),
        tuple((name, (Cell(text),)) for name, text in rules.sources.items()),
    )
    blocks.append(
        Block(tr("ladder.sources", loc), None, cited, note=tr("ladder.sources_note", loc))
    )
    return [Group(tr("ladder.heading", loc), tuple(blocks))]
