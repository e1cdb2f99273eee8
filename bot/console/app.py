"""The console as an aiohttp sub-application mounted at its path on the shared server."""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from bot.console import people_page, questions_page, reports_page, schedules_page
from bot.console.context import CONTEXT, ConsoleContext, context_of
from bot.console.render import page
from bot.console.security import (
    COOKIE,
    clear_session_cookie,
    headers,
    set_session_cookie,
    signed_in,
    viewer_of,
)
from bot.org.people import locale_of
from bot.web import RouteHook

routes = web.RouteTableDef()


@routes.get("/signin/{token}")
async def signin_page(request: web.Request) -> web.Response:
    """Opening the link only shows a button: link previews in chat fetch URLs, and must not
    use up a one-time link."""
    ctx = context_of(request)
    token = request.match_info["token"]
    async with ctx.db.session() as session:
        owner = await ctx.access.link_owner(session, token, ctx.clock.now())
        locale = locale_of(owner, ctx.defaults) if owner else ctx.defaults.locale
    if owner is None:
        return page(request, "message.html", locale, status=403, kind="refused")
    return page(request, "signin.html", locale, token=token)


@routes.post("/signin")
async def signin(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    form = await request.post()
    token = form.get("token")
    async with ctx.db.session() as session:
        started = (
            await ctx.access.redeem(session, token, ctx.clock.now())
            if isinstance(token, str)
            else None
        )
    if started is None:
        return page(request, "message.html", ctx.defaults.locale, status=403, kind="refused")
    redirect = web.HTTPSeeOther(f"{ctx.access.settings.path}/schedules")
    set_session_cookie(redirect, ctx, started[0])
    raise redirect


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    ctx = context_of(request)
    async with ctx.db.session() as session:
        await ctx.access.end(session, request.cookies.get(COOKIE))
    response = page(request, "message.html", viewer_of(request).locale, kind="signout")
    clear_session_cookie(response, ctx)
    return response


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{context_of(request).access.settings.path}/schedules")


# The console's only files: its stylesheet, and an icon so browsers do not ask for a
# /favicon.ico outside the console (and log a 404 on every page).
STATIC = {"console.css": "text/css", "icon.svg": "image/svg+xml"}


@routes.get("/static/{name}")
async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    text = (resources.files("bot.console") / "static" / name).read_text(encoding="utf-8")
    return web.Response(text=text, content_type=STATIC[name], charset="utf-8")


@routes.route("*", "/people/{person}/{rest:.*}")
@routes.route("*", "/answers{rest:.*}")
async def no_individual_answers(request: web.Request) -> web.Response:
    """Nothing here shows a person's answers; a guessed URL says so instead of a 404."""
    return page(request, "message.html", viewer_of(request).locale, status=403, kind="answers")


def console_app(ctx: ConsoleContext) -> web.Application:
    app = web.Application(middlewares=[headers, signed_in], client_max_size=2 * 1024 * 1024)
    app[CONTEXT] = ctx
    app.add_routes(routes)
    for module in (schedules_page, questions_page, people_page, reports_page):
        app.add_routes(module.routes)
    return app


def console_hook(ctx: ConsoleContext) -> RouteHook:
    """Mounts the console at its configured path on the shared server."""

    def hook(app: web.Application) -> None:
        app.add_subapp(ctx.access.settings.path, console_app(ctx))

    return hook
