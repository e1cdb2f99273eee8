"""How Slack's requests reach bolt: over HTTP (/slack/events and the install pages) or over
Socket Mode. Each request holds new work back until it is acknowledged, so a burst of work
cannot delay an ack past Slack's three seconds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from adapters.work import WorkQueue

# Where the HTTP handler leaves the release of its hold on work, for the listener's ack.
RELEASE = "jaarrond_release"


def release(context: Mapping[str, Any]) -> None:
    """The request is acknowledged: the work it held back may start."""
    held = context.get(RELEASE)
    if callable(held):
        held()


class SocketMode(AsyncSocketModeHandler):
    """bolt's Socket Mode handler, holding new work back until an envelope is acknowledged."""

    def __init__(self, app: AsyncApp, app_token: str, hold: Callable[[], Callable[[], None]]):
        super().__init__(app, app_token)
        self._hold = hold

    async def handle(self, client: Any, req: Any) -> None:
        done = self._hold()
        try:
            await super().handle(client, req)
        finally:
            done()


def http_routes(
    bolt: AsyncApp, work: WorkQueue, *, events: bool
) -> Callable[[web.Application], None]:
    """Adds /slack/events (`events`: HTTP mode) and the install endpoints (OAuth)."""

    async def on_events(request: web.Request) -> web.Response:
        done = work.hold()
        try:
            bolt_request = await to_bolt_request(request)
            bolt_request.context[RELEASE] = done  # our listeners release right after ack()
            # bolt verifies the signature and the timestamp before anything else runs.
            response = await bolt.async_dispatch(bolt_request)
        finally:
            done()
        return await to_aiohttp_response(response)

    def hook(app: web.Application) -> None:
        if events:
            app.router.add_post("/slack/events", on_events)
        flow = bolt.oauth_flow
        if flow is not None:

            async def on_install(request: web.Request) -> web.Response:
                bolt_request = await to_bolt_request(request)
                return await to_aiohttp_response(await flow.handle_installation(bolt_request))

            async def on_redirect(request: web.Request) -> web.Response:
                bolt_request = await to_bolt_request(request)
                return await to_aiohttp_response(await flow.handle_callback(bolt_request))

            app.router.add_get(flow.install_path, on_install)
            app.router.add_get(flow.redirect_uri_path, on_redirect)

    return hook
