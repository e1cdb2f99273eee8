"""The one aiohttp server: platform endpoints are added by adapters, health lives here."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from sqlalchemy import text

from bot.storage.database import Database, head_revision

RouteHook = Callable[[web.Application], None]
SHUTDOWN_SECONDS = 5.0


def build_web_app(db: Database, hooks: list[RouteHook]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

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
            return web.json_response({"status": "migrations pending"}, status=503)
        return web.json_response({"status": "ready"})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    for hook in hooks:
        hook(app)
    return app


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    # In-flight requests get a few seconds at shutdown; a stop never hangs on idle keep-alives.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
