"""The one aiohttp server: platform endpoints are added by adapters, health lives here."""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.storage.database import Database, head_revision

RouteHook = Callable[[web.Application], None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SHUTDOWN_SECONDS = 5.0
log = logging.getLogger("bot.http")
# What every page a person opens in a browser carries (the console, the agency page): no
# framing, no outside resources, no referrer, no caching of personal data.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _route(request: web.Request) -> str:
    """The route's pattern, never the raw path: no ids or tokens end up in labels or logs."""
    info = request.match_info.route.resource
    return info.canonical if info is not None else "unmatched"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One log line and one latency sample per inbound request."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        seconds = time.perf_counter() - started
        route = _route(request)
        metrics.REQUEST_SECONDS.labels(request.method, route, str(status)).observe(seconds)
        if route not in ("/healthz", "/readyz", "/metrics"):
            log.info(
                "request %s %s %s",
                request.method,
                route,
                status,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                },
            )


def build_web_app(
    db: Database,
    hooks: list[RouteHook],
    *,
    clock: Clock | None = None,
    platforms: Callable[[], Mapping[str, bool]] = dict,
) -> web.Application:
    """`platforms` tells, per configured chat platform, whether its connection is up."""
    app = web.Application(client_max_size=1024 * 1024, middlewares=[observe])
    outbox = metrics.OutboxCollector(db, clock or SystemClock())
    scrape = CollectorRegistry()
    scrape.register(outbox)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            current = await db.current_revision()
        except Exception as exc:  # any database failure means not ready
            return web.json_response(
                {"status": "database unreachable", "error": type(exc).__name__}, status=503
            )
        if current != head_revision():
            return web.json_response(
                {"status": "migrations pending", "database": current, "code": head_revision()},
                status=503,
            )
        states = dict(platforms())
        down = sorted(name for name, up in states.items() if not up)
        if down:
            return web.json_response({"status": "platforms down", "platforms": states}, status=503)
        return web.json_response({"status": "ready", "platforms": states})

    async def prometheus(_: web.Request) -> web.Response:
        try:
            await outbox.refresh()
        except Exception:  # the process figures still help when the database is away
            log.warning("metrics: outbox figures unavailable", exc_info=False)
        body = metrics.render(metrics.REGISTRY, scrape)
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", prometheus)
    for hook in hooks:
        hook(app)
    return app


class PortUnavailable(OSError):
    """The HTTP server cannot listen where the settings say; the message says what to do."""


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    # In-flight requests get a few seconds at shutdown; a stop never hangs on idle keep-alives.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        reason = (
            "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        )
        raise PortUnavailable(
            f"port {port} on {host or 'all addresses'} {reason}: stop what uses it, or set "
            "JAARROND_PORT (and JAARROND_HOST) to a free one"
        ) from exc
    return runner
