"""People: who is in Jaarrond, who is HR, review months, and the organisation import.

The import runs `org.import_org`, all or nothing, with a dry run first if HR wants one; with
"the file is the whole organisation" ticked, whoever is not in it leaves (the dry run lists
them). No page here shows a person's answers.
"""

from __future__ import annotations

from aiohttp import web

from bot.console.context import context_of
from bot.console.render import page
from bot.console.security import viewer_of
from bot.org import organisation as org
from bot.org.org_file import OrgImportError
from dialogs.console_texts import tc
from dialogs.texts import format_day

routes = web.RouteTableDef()


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    result: org.ImportResult | None = None,
    applied: bool = False,
    csv_text: str = "",
    full: bool = False,
) -> web.Response:
    ctx = context_of(request)
    viewer = viewer_of(request)
    people = await org.list_people(ctx.db)
    left = {
        email: format_day(at.date(), viewer.locale)
        for email, at in (await org.left_people(ctx.db)).items()
    }
    summary = ""
    if result is not None:
        counts = {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        }
        summary = tc("import.done" if applied else "import.would", viewer.locale, **counts)
    return page(
        request,
        "people.html",
        viewer.locale,
        status=status,
        viewer=viewer,
        current="/people",
        people=people,
        left=left,
        hr=[p for p in people if p.hr],
        errors=errors or [],
        result=result,
        summary=summary,
        csv_text=csv_text,
        full=full,
    )


@routes.get("/people")
async def people_page(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/people/import")
async def import_people(request: web.Request) -> web.Response:
    ctx = context_of(request)
    form = await request.post()
    upload = form.get("file")
    text = ""
    if isinstance(upload, web.FileField):
        try:
            text = upload.file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return await _page(
                request, status=400, errors=[tc("import.empty", viewer_of(request).locale)]
            )
    if not text.strip():
        text = str(form.get("csv", ""))
    if not text.strip():
        return await _page(
            request, status=400, errors=[tc("import.empty", viewer_of(request).locale)]
        )
    apply = form.get("action") == "apply"
    full = form.get("full") == "1"
    try:
        result = await org.import_org(
            ctx.db,
            text,
            ctx.clock.now(),
            dry_run=not apply,
            full=full,
            many_leave=form.get("many_leave") == "1",
        )
    except org.ManyLeave as many:
        message = tc(
            "import.many_refused", viewer_of(request).locale, n=many.leaving, of=many.active
        )
        return await _page(request, status=400, errors=[message], csv_text=text, full=full)
    except OrgImportError as refused:
        return await _page(request, status=400, errors=refused.errors, csv_text=text, full=full)
    return await _page(
        request,
        result=result,
        applied=apply,
        csv_text="" if apply else text,
        full=full,
    )
