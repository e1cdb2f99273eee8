"""Reports: group figures with a chart, and CSV and PDF downloads.

This module is the one place the page gets its figures from (`build_report`). It shows HR's
agreement register (counts per kind and status, groups below the minimum suppressed); other
reports plug in here as further `Report`s without touching the template.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from aiohttp import web
from fpdf import FPDF

from bot.console.context import ConsoleContext, context_of
from bot.console.render import Viewer, page
from bot.console.security import viewer_of
from bot.services.agreement_register import MIN_GROUP, transparency_register
from bot.storage.models import Person
from dialogs.agreement_texts import ta
from dialogs.console_texts import tc
from dialogs.messages import Locale

routes = web.RouteTableDef()
CORE_ENCODING = "windows-1252"


@dataclass(frozen=True)
class Row:
    label: str
    detail: str
    value: int | None  # None: a group too small to show


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    chart_title: str
    rows: tuple[Row, ...]
    min_group: int

    def bars(self) -> list[tuple[Row, float]]:
        """Shown rows with their bar length as a fraction of the largest."""
        shown = [r for r in self.rows if r.value is not None]
        top = max((r.value or 0 for r in shown), default=0) or 1
        return [(r, (r.value or 0) / top) for r in shown]


async def build_reports(ctx: ConsoleContext, viewer: Viewer) -> list[Report]:
    loc = viewer.locale
    async with ctx.db.session() as session:
        person = await session.get(Person, viewer.person_id)
        if person is None:
            raise web.HTTPForbidden()
        register = await transparency_register(session, person)
    rows = tuple(
        Row(ta(f"category.{c.category}", loc), ta(f"status.{c.status}", loc), c.people)
        for c in register.cells
    )
    return [
        Report("register", tc("reports.register", loc), tc("reports.chart", loc), rows, MIN_GROUP)
    ]


async def _report(request: web.Request) -> tuple[Report, Locale]:
    viewer = viewer_of(request)
    reports = await build_reports(context_of(request), viewer)
    for report in reports:
        if report.slug == request.match_info["slug"]:
            return report, viewer.locale
    raise web.HTTPNotFound()


@routes.get("/reports")
async def reports_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    reports = await build_reports(context_of(request), viewer)
    return page(
        request,
        "reports.html",
        viewer.locale,
        viewer=viewer,
        current="/reports",
        reports=reports,
        min_group=MIN_GROUP,
    )


def _cell(row: Row, report: Report, loc: Locale) -> str:
    return (
        str(row.value)
        if row.value is not None
        else tc("reports.suppressed", loc, min=report.min_group)
    )


@routes.get("/reports/{slug}.csv")
async def download_csv(request: web.Request) -> web.Response:
    report, loc = await _report(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            tc("reports.col.category", loc),
            tc("reports.col.status", loc),
            tc("reports.col.people", loc),
        ]
    )
    writer.writerows([row.label, row.detail, _cell(row, report, loc)] for row in report.rows)
    return web.Response(
        text=buffer.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{report.slug}.csv"'},
    )


def _core(text: str) -> str:
    return text.encode(CORE_ENCODING, errors="replace").decode(CORE_ENCODING)


@routes.get("/reports/{slug}.pdf")
async def download_pdf(request: web.Request) -> web.Response:
    report, loc = await _report(request)
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = CORE_ENCODING
    pdf.set_title(_core(report.title))
    pdf.set_creator("Jaarrond")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, _core(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(
        0, 6, _core(tc("reports.intro", loc, min=report.min_group)), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    for row in report.rows:
        line = f"{row.label} · {row.detail}: {_cell(row, report, loc)}"
        pdf.multi_cell(0, 6, _core(line), new_x="LMARGIN", new_y="NEXT")
    return web.Response(
        body=bytes(pdf.output()),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{report.slug}.pdf"'},
    )
