"""What every console response carries, and what every request must show.

Headers forbid framing, outside resources and referrers. A request needs a live session
(except the sign-in pages and the stylesheet); a POST also needs the session's CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.console.context import ConsoleContext, context_of
from bot.console.render import Viewer, page
from bot.org.people import locale_of
from bot.web import HEADERS

COOKIE = "jaarrond_console"
# Reachable without a session: the sign-in steps and the stylesheet.
PUBLIC_PREFIXES = ("/signin", "/static/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


VIEWER = web.RequestKey("console_viewer", Viewer)


def viewer_of(request: web.Request) -> Viewer:
    return request[VIEWER]


def _relative(request: web.Request) -> str:
    base = context_of(request).access.settings.path
    return request.path[len(base) :] or "/"


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(HEADERS)
        raise
    response.headers.update(HEADERS)
    return response


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = context_of(request)
    if _relative(request).startswith(PUBLIC_PREFIXES):
        return await handler(request)
    now = ctx.clock.now()
    async with ctx.db.session() as session:
        found = await ctx.access.current(session, request.cookies.get(COOKIE), now)
        if found is not None:
            row, person = found
            viewer = Viewer(
                row.person_id, person.name, locale_of(person, ctx.defaults), row.csrf_token
            )
    if found is None:
        return page(request, "message.html", ctx.defaults.locale, status=401, kind="needed")
    request[VIEWER] = viewer
    if request.method == "POST" and not await _csrf_ok(request, viewer):
        return page(request, "message.html", viewer.locale, status=403, kind="csrf")
    return await handler(request)


async def _csrf_ok(request: web.Request, viewer: Viewer) -> bool:
    form = await request.post()
    sent = form.get("csrf")
    return isinstance(sent, str) and hmac.compare_digest(sent, viewer.csrf)


def set_session_cookie(response: web.StreamResponse, ctx: ConsoleContext, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        path=ctx.access.settings.path,
        secure=ctx.access.cookie_secure,
        httponly=True,
        samesite="Strict",
    )


def clear_session_cookie(response: web.StreamResponse, ctx: ConsoleContext) -> None:
    response.del_cookie(
        COOKIE, path=ctx.access.settings.path, secure=ctx.access.cookie_secure, samesite="Strict"
    )
