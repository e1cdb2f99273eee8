"""Reports: the HR figures and the works-council overview for a chosen year and department,
with their charts, and the downloads (HR figures as CSV and JSON, the overview as PDF and
HTML).

`build_reports` is the one place the page and the downloads get their figures from: the
same functions as `jaarrond report hr` and `jaarrond report works-council`, so every figure
has passed the reports' suppression before the console sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from bot.console.context import ConsoleContext, context_of
from bot.console.render import Viewer, page
from bot.console.security import viewer_of
from bot.reports import hr, hr_output, ladder_views, views
from bot.reports import works_council as wc
from bot.reports.aggregates import SCORE_MIN
from bot.reports.source import NO_DEPARTMENT, department_names
from dialogs.console_texts import tc

routes = web.RouteTableDef()
# The years offered: the coming one (agreements are made ahead) and four back.
YEARS_BACK = 4


@dataclass(frozen=True)
class Selection:
    year: int
    department: str | None  # None: the whole organisation

    def query(self, *, with_department: bool = True) -> str:
        fields: dict[str, str | int] = {"year": self.year}
        if with_department and self.department is not None:
            fields["department"] = self.department
        return urlencode(fields)


@dataclass(frozen=True)
class Reports:
    """Everything the page shows, built from the reports for one selection."""

    selection: Selection
    years: tuple[int, ...]
    departments: tuple[tuple[str, str], ...]  # (value, label)
    figures: hr.HrFigures
    overview: wc.Overview
    themes: tuple[views.Group, ...]
    agreements: tuple[views.Block, ...]
    # The development ladder of the selection (and every department's stage without one).
    ladder: tuple[views.Group, ...]
    works_council: tuple[views.Group, ...]


def years_offered(ctx: ConsoleContext) -> tuple[int, ...]:
    this_year = ctx.clock.now().year
    return tuple(range(this_year + 1, this_year - YEARS_BACK - 1, -1))


def selection_of(request: web.Request) -> Selection:
    """The GET form's choice; anything not offered on the form is refused."""
    ctx = context_of(request)
    raw_year = request.query.get("year", "")
    year = ctx.clock.now().year
    if raw_year:
        if not raw_year.isdigit() or int(raw_year) not in years_offered(ctx):
            raise web.HTTPBadRequest(text="unknown year")
        year = int(raw_year)
    department = request.query.get("department") or None
    return Selection(year, department)


async def hr_report(ctx: ConsoleContext, selection: Selection) -> hr.HrFigures:
    async with ctx.db.session() as session:
        try:
            return await hr.hr_figures(
                session,
                year=selection.year,
                now=ctx.clock.now(),
                banks=ctx.questions.live,
                defaults=ctx.defaults,
                department=selection.department,
                ladder_rules=ctx.ladder_rules,
            )
        except hr.UnknownDepartment as exc:
            raise web.HTTPBadRequest(text="unknown department") from exc


async def works_council_report(ctx: ConsoleContext, selection: Selection) -> wc.Overview:
    async with ctx.db.session() as session:
        return await wc.works_council_overview(
            session,
            year=selection.year,
            now=ctx.clock.now(),
            banks=ctx.questions.live,
            defaults=ctx.defaults,
            ladder_rules=ctx.ladder_rules,
        )


async def build_reports(ctx: ConsoleContext, viewer: Viewer, selection: Selection) -> Reports:
    loc = viewer.locale
    figures = await hr_report(ctx, selection)
    overview = await works_council_report(ctx, selection)
    async with ctx.db.session() as session:
        names = sorted((await department_names(session)).values())
    departments = (
        *((name, name) for name in names),
        (NO_DEPARTMENT, tc("reports.no_department", loc)),
    )
    return Reports(
        selection=selection,
        years=years_offered(ctx),
        departments=departments,
        figures=figures,
        overview=overview,
        themes=(*views.hr_theme_groups(figures, loc), *views.prompt_groups(figures, loc)),
        agreements=tuple(views.agreement_blocks(figures, loc)),
        ladder=tuple(
            ladder_views.ladder_groups(
                figures.ladder, loc, selection.department, departments=selection.department is None
            )
            if figures.ladder is not None
            else ()
        ),
        works_council=tuple(wc.groups(overview, loc)),
    )


@routes.get("/reports")
async def reports_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    reports = await build_reports(context_of(request), viewer, selection_of(request))
    return page(
        request,
        "reports.html",
        viewer.locale,
        viewer=viewer,
        current="/reports",
        reports=reports,
        scope=views.scope_name(reports.selection.department, viewer.locale),
        min_group=SCORE_MIN,
    )


def _download(body: bytes, content_type: str, name: str) -> web.Response:
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8" if content_type.startswith(("text/", "application/json")) else None,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@routes.get("/reports/hr.csv")
async def hr_csv(request: web.Request) -> web.Response:
    selection = selection_of(request)
    figures = await hr_report(context_of(request), selection)
    body = hr_output.render_csv(figures).encode("utf-8")
    return _download(body, "text/csv", f"hr-figures-{selection.year}.csv")


@routes.get("/reports/hr.json")
async def hr_json(request: web.Request) -> web.Response:
    selection = selection_of(request)
    figures = await hr_report(context_of(request), selection)
    body = hr_output.render_json(figures).encode("utf-8")
    return _download(body, "application/json", f"hr-figures-{selection.year}.json")


@routes.get("/reports/works-council.pdf")
async def works_council_pdf(request: web.Request) -> web.Response:
    selection = selection_of(request)
    overview = await works_council_report(context_of(request), selection)
    body = wc.render_pdf(overview, viewer_of(request).locale)
    return _download(body, "application/pdf", f"works-council-{selection.year}.pdf")


@routes.get("/reports/works-council.html")
async def works_council_html(request: web.Request) -> web.Response:
    """The overview as a document of its own, to keep or pass on; served as a download, so
    its own inline style never runs under the console's policy."""
    selection = selection_of(request)
    overview = await works_council_report(context_of(request), selection)
    body = wc.render_html(overview, viewer_of(request).locale).encode("utf-8")
    return _download(body, "text/html", f"works-council-{selection.year}.html")
