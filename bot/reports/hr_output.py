"""HR's figures as people read them: a web page or PDF with charts and tables, CSV and JSON
for their own tools, and a short summary in chat. What each figure means is in hr.py."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.documents import html
from bot.reports import ladder_views, views
from bot.reports.aggregates import HIDDEN, Figure
from bot.reports.hr import HrFigures, HrRow
from dialogs.ladder import STAGES
from dialogs.messages import Locale
from dialogs.report_texts import label, period_name, tr

CSV_COLUMNS = ("table", "department", "subject", "period", "value", "count", "people", "suppressed")


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
        found += ladder_views.ladder_groups(
            figures.ladder, loc, figures.department, departments=everyone
        )
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
            tr("chat.ladder", loc, stage=ladder_views.ladder_summary(figures.ladder, target, loc))
        )
    lines.append(tr("chat.more", loc))
    title = tr("hr.title", loc, year=figures.year, scope=_scope_name(figures, loc))
    return title, "\n".join(lines)
