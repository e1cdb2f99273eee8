"""Schedules: list, create, edit, pause, resume, delete, preview and export.

Every change goes through `apply_schedule_data`, the code `jaarrond schedules apply` runs,
so the console accepts and refuses exactly what the file does, with the same messages.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console import schedule_form as sf
from bot.console import schedule_rows
from bot.console.context import ConsoleContext, context_of
from bot.console.render import page
from bot.console.security import viewer_of
from bot.schedules import store
from bot.schedules.calendar import CADENCES
from bot.schedules.export import export_yaml, spec_to_raw
from bot.schedules.file import ScheduleFileError
from bot.schedules.store import ScheduleRow
from dialogs.console_texts import tc
from dialogs.dates import WEEKDAYS

routes = web.RouteTableDef()


async def _rows(ctx: ConsoleContext) -> list[ScheduleRow]:
    return await store.list_schedules(ctx.db, ctx.clock.now(), ctx.defaults.timezone)


async def _row(ctx: ConsoleContext, schedule_id: str) -> ScheduleRow:
    for row in await _rows(ctx):
        if row.id == schedule_id:
            return row
    raise web.HTTPNotFound()


def _go(ctx: ConsoleContext) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{ctx.access.settings.path}/schedules")


@routes.get("/schedules")
async def list_page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    viewer = viewer_of(request)
    org = await schedule_rows.organisation(ctx.db)
    now = ctx.clock.now()
    listed = [
        schedule_rows.view(row, org, ctx.defaults.timezone, now, viewer.locale)
        for row in await _rows(ctx)
    ]
    # A notice key travels in the URL, never a text: the page looks the text up.
    done, sid = request.query.get("done", ""), request.query.get("id", "")
    notice = tc(f"schedules.{done}", viewer.locale, id=sid) if done in NOTICES else ""
    return page(
        request,
        "schedules.html",
        viewer.locale,
        viewer=viewer,
        current="/schedules",
        rows=listed,
        notice=notice,
    )


NOTICES = ("paused_done", "resumed_done", "deleted", "delete_refused")


async def _form_page(
    request: web.Request,
    values: dict[str, Any],
    *,
    editing: bool,
    errors: list[str] | None = None,
) -> web.Response:
    ctx = context_of(request)
    viewer = viewer_of(request)
    return page(
        request,
        "schedule_form.html",
        viewer.locale,
        status=400 if errors else 200,
        viewer=viewer,
        current="/schedules",
        form=values,
        editing=editing,
        errors=errors or [],
        themes=ctx.themes,
        cadences=CADENCES,
        weekdays=WEEKDAYS,
        departments=await sf.departments(ctx.db),
    )


@routes.get("/schedules/new")
async def new_page(request: web.Request) -> web.Response:
    return await _form_page(request, sf.empty_form(context_of(request).themes), editing=False)


@routes.get("/schedules/{id}/edit")
async def edit_page(request: web.Request) -> web.Response:
    row = await _row(context_of(request), request.match_info["id"])
    return await _form_page(request, sf.spec_form(row), editing=True)


@routes.post("/schedules")
async def create(request: web.Request) -> web.StreamResponse:
    return await _save(request, editing=False)


@routes.post("/schedules/{id}")
async def update(request: web.Request) -> web.StreamResponse:
    return await _save(request, editing=True)


async def _save(request: web.Request, *, editing: bool) -> web.StreamResponse:
    ctx = context_of(request)
    form = await request.post()
    raw = sf.form_to_raw(form)
    if editing:
        raw["id"] = (await _row(ctx, request.match_info["id"])).id
    elif raw.get("id") in {row.id for row in await _rows(ctx)}:
        error = tc("schedules.id_taken", viewer_of(request).locale, id=raw["id"])
        return await _form_page(request, sf.raw_to_form(raw), editing=False, errors=[error])
    try:
        await store.apply_schedule_data(ctx.db, {"schedules": [raw]}, ctx.themes, ctx.clock.now())
    except ScheduleFileError as refused:
        return await _form_page(
            request, sf.raw_to_form(raw), editing=editing, errors=refused.errors
        )
    raise _go(ctx)


@routes.post("/schedules/{id}/pause")
async def pause(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, active=False)


@routes.post("/schedules/{id}/resume")
async def resume(request: web.Request) -> web.StreamResponse:
    return await _set_active(request, active=True)


async def _set_active(request: web.Request, *, active: bool) -> web.StreamResponse:
    ctx = context_of(request)
    row = await _row(ctx, request.match_info["id"])
    raw = spec_to_raw(row)
    raw["active"] = active
    await store.apply_schedule_data(ctx.db, {"schedules": [raw]}, ctx.themes, ctx.clock.now())
    key = "resumed_done" if active else "paused_done"
    raise web.HTTPSeeOther(f"{ctx.access.settings.path}/schedules?done={key}&id={row.id}")


@routes.post("/schedules/{id}/delete")
async def delete(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    sid = request.match_info["id"]
    key = "deleted" if await store.delete_schedule(ctx.db, sid) else "delete_refused"
    raise web.HTTPSeeOther(f"{ctx.access.settings.path}/schedules?done={key}&id={sid}")


@routes.get("/schedules/{id}/preview")
async def preview(request: web.Request) -> web.Response:
    ctx = context_of(request)
    viewer = viewer_of(request)
    row = await _row(ctx, request.match_info["id"])
    bank = ctx.questions.live.get(row.theme)
    if bank is None:
        raise web.HTTPNotFound()
    names = {loc: tc("preview.sample_name", loc) for loc in ("nl", "en")}
    org = await schedule_rows.organisation(ctx.db)
    return page(
        request,
        "schedule_preview.html",
        viewer.locale,
        viewer=viewer,
        current="/schedules",
        view=schedule_rows.view(row, org, ctx.defaults.timezone, ctx.clock.now(), viewer.locale),
        previews=sf.previews(bank, names),  # type: ignore[arg-type]
    )


@routes.get("/schedules.yaml")
async def export(request: web.Request) -> web.Response:
    ctx = context_of(request)
    body = export_yaml(await _rows(ctx))
    return web.Response(
        text=body,
        content_type="application/yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="schedules.yaml"'},
    )
