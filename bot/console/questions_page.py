"""Question banks: every theme in Dutch and English side by side; HR adds and edits its own.

A question that looks like it asks about health gets a warning; one that is (or looks) about
health and would be visible to managers is refused outright.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.console.context import context_of
from bot.console.render import page
from bot.console.security import viewer_of
from bot.schedules.questions import QuestionRefused
from dialogs import hr_questions as hq
from dialogs.banks import KINDS
from dialogs.console_texts import tc

routes = web.RouteTableDef()
OPTION_ROWS = 6


def _draft(form: Mapping[str, Any], theme: str) -> hq.Draft:
    def text(name: str) -> str:
        return str(form.get(name, "")).strip()

    options = tuple(
        hq.DraftOption(text(f"opt{i}_value"), text(f"opt{i}_nl"), text(f"opt{i}_en"))
        for i in range(1, OPTION_ROWS + 1)
        if any(text(f"opt{i}_{part}") for part in ("value", "nl", "en"))
    )
    return hq.Draft(
        theme=theme,
        topic=text("topic"),
        kind=text("kind"),
        text_nl=text("text_nl"),
        text_en=text("text_en"),
        low_nl=text("low_nl"),
        low_en=text("low_en"),
        high_nl=text("high_nl"),
        high_en=text("high_en"),
        options=options,
        health=bool(form.get("health")),
        visible_to_manager=bool(form.get("visible_to_manager")),
    )


@routes.get("/questions")
async def banks_page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    viewer = viewer_of(request)
    own = {hq.question_id(d.theme, n): n for n, d in await ctx.questions.rows()}
    saved = request.query.get("saved", "")
    notice = tc("question.saved", viewer.locale, id=saved) if saved in own else ""
    banks = [ctx.questions.live[theme] for theme in ctx.themes]
    return page(
        request,
        "questions.html",
        viewer.locale,
        viewer=viewer,
        current="/questions",
        banks=banks,
        own=own,
        notice=notice,
    )


async def _form_page(
    request: web.Request,
    draft: hq.Draft,
    number: int | None,
    verdict: hq.Verdict | None = None,
) -> web.Response:
    viewer = viewer_of(request)
    loc = viewer.locale
    problems = [tc(key, loc) for key in verdict.problems] if verdict else []
    words = ", ".join(hq.health_words(draft))
    warnings = [tc(key, loc, words=words) for key in verdict.warnings] if verdict else []
    options = list(draft.options) + [hq.DraftOption("", "", "")] * OPTION_ROWS
    return page(
        request,
        "question_form.html",
        loc,
        status=400 if problems else 200,
        viewer=viewer,
        current="/questions",
        draft=draft,
        number=number,
        question_id=hq.question_id(draft.theme, number) if number else "",
        options=options[:OPTION_ROWS],
        kinds=KINDS,
        errors=problems,
        warnings=warnings,
    )


@routes.get("/questions/new")
async def new_page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    theme = request.query.get("theme", "")
    if theme not in ctx.themes:
        raise web.HTTPNotFound()
    empty = hq.Draft(theme=theme, topic=theme, kind="scale", text_nl="", text_en="")
    return await _form_page(request, empty, None)


@routes.get("/questions/{number:\\d+}/edit")
async def edit_page(request: web.Request) -> web.Response:
    number = int(request.match_info["number"])
    draft = await context_of(request).questions.get(number)
    if draft is None:
        raise web.HTTPNotFound()
    return await _form_page(request, draft, number)


@routes.post("/questions")
async def create(request: web.Request) -> web.StreamResponse:
    return await _save(request, None)


@routes.post("/questions/{number:\\d+}")
async def update(request: web.Request) -> web.StreamResponse:
    return await _save(request, int(request.match_info["number"]))


async def _save(request: web.Request, number: int | None) -> web.StreamResponse:
    ctx = context_of(request)
    form = await request.post()
    if number is not None:
        existing = await ctx.questions.get(number)
        if existing is None:
            raise web.HTTPNotFound()
        theme = existing.theme
    else:
        theme = str(form.get("theme", ""))
    draft = _draft(form, theme)
    verdict = hq.check(draft, ctx.themes)
    # Warnings are shown once; "save anyway" sends the form again with confirm set.
    if verdict.problems or (verdict.warnings and not form.get("confirm")):
        return await _form_page(request, draft, number, verdict)
    try:
        saved = await ctx.questions.save(draft, ctx.clock.now(), number)
    except QuestionRefused as refused:
        return await _form_page(request, draft, number, hq.Verdict(refused.problems, ()))
    path = ctx.access.settings.path
    raise web.HTTPSeeOther(f"{path}/questions?saved={hq.question_id(theme, saved)}")
