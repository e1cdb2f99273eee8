"""A fake Bot Connector on loopback: answers like the real one and records every call."""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    # The id the fake answered with: the activity's id, to reply to or update it later.
    answered_id: str = ""
    # When it came, by the fake's clock.
    at: float = 0.0

    @property
    def conversation(self) -> str:
        return self.path.split("/")[3] if self.path.count("/") >= 3 else ""

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card this call carries ({} when none)."""
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return dict(attachment["content"])
        return {}


@dataclass
class FakeConnector:
    """POST /v3/conversations, POST .../activities[/{replyToId}], PUT .../activities/{id}."""

    calls: list[Call] = field(default_factory=list)
    # Status codes (with headers) to answer before succeeding, to test retries.
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # The clock calls are stamped with: a test shares its fake clock with the adapter.
    clock: Callable[[], float] = time.monotonic
    # Awaited after an activity is accepted, before the answer: see FakeSlackApi.after_post.
    after_post: Callable[[Call], Awaitable[None]] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # As Teams does: a 1:1 chat has one id per user ("a:conv-NAME" for "29:NAME", as the
    # harness's activities say), and creating it again answers that same id.
    one_chat_per_user: bool = False
    # Files uploaded after a file consent: name -> (bytes, Content-Range header).
    uploads: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    _server: TestServer | None = None

    async def start(self) -> str:
        """The service URL to put in activities; starting twice keeps the same server."""
        if self._server is not None:
            return str(self._server.make_url("/"))
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._post)
        app.router.add_post("/v3/conversations/{cid}/activities/{reply_to}", self._post)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._put)
        # Stands in for the OneDrive upload URL a file consent hands out.
        app.router.add_put("/upload/{name}", self._upload)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server()
        return str(self._server.make_url("/"))

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()

    async def _record(self, request: web.Request, answer_id: str) -> web.Response:
        body = await request.json()
        call = Call(request.method, request.path, body, dict(request.headers), at=self.clock())
        self.calls.append(call)
        if self.failures:
            status, headers = self.failures.pop(0)
            error = {"error": {"code": "Throttled", "message": "try later"}}
            return web.json_response(error, status=status, headers=headers)
        call.answered_id = answer_id
        if self.after_post is not None and "/activities" in request.path:
            await self.after_post(call)
        if request.path == "/v3/conversations":
            return web.json_response({"id": answer_id, "activityId": f"first-{answer_id}"})
        return web.json_response({"id": answer_id})

    async def _create(self, request: web.Request) -> web.Response:
        if self.one_chat_per_user:
            members = (await request.json()).get("members") or [{}]
            user = str(members[0].get("id") or "")
            return await self._record(request, f"a:conv-{user.removeprefix('29:')}")
        return await self._record(request, f"a:new-{next(self._ids)}")

    async def _post(self, request: web.Request) -> web.Response:
        return await self._record(request, f"act-{next(self._ids)}")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["name"]] = (
            await request.read(),
            request.headers.get("Content-Range", ""),
        )
        return web.json_response({"id": "drive-item"}, status=201)

    async def _put(self, request: web.Request) -> web.Response:
        return await self._record(request, request.match_info["aid"])

    # ---- what was sent --------------------------------------------------------------------

    def posts(self, conversation: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "POST"
            and "/activities" in c.path
            and (conversation is None or c.conversation == conversation)
        ]

    def puts(self, conversation: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "PUT" and (conversation is None or c.conversation == conversation)
        ]

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.path == "/v3/conversations"]
