"""A fake Slack Web API on its own loopback port: answers what Jaarrond calls, records it all.

Like bolt-python's tests/mock_web_api_server, but asynchronous and stricter: message and view
payloads are checked against Block Kit's limits, and a breach is answered the way Slack
answers it (ok: false, invalid_blocks / msg_blocks_too_long), and kept in `errors`.
It also serves response_url posts (/respond/...) and a Socket Mode websocket (/socket).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
JSON_FIELDS = ("blocks", "view", "metadata", "attachments", "files")


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    token: str
    http_method: str
    # When it came, by the fake's clock; and the status it was answered with.
    at: float = 0.0
    status: int = 200

    @property
    def posted(self) -> bool:
        """A message that landed in a channel: chat.postMessage, or a response_url post."""
        return self.method in ("chat.postMessage", "respond") and "_ts" in self.params

    @property
    def replaced(self) -> bool:
        """A message changed in place: chat.update, or a response_url replace_original."""
        return bool(self.params.get("_replaced"))


@dataclass
class Posted:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    metadata: dict[str, Any] | None = None


@dataclass
class SharedFile:
    """A file completed with files.completeUploadExternal: where it went and its bytes."""

    channel: str
    file_id: str
    title: str
    filename: str
    content: bytes


@dataclass
class FakeSlackApi:
    team_id: str = "T0001"
    bot_user_id: str = "UBOT"
    bot_id: str = "B0001"
    users: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    errors: list[tuple[str, list[str]]] = field(default_factory=list)
    messages: dict[tuple[str, str], Posted] = field(default_factory=dict)
    # One-use OAuth codes and what oauth.v2.access answers for each.
    oauth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Tokens of other workspaces (from installs), for auth.test.
    token_teams: dict[str, str] = field(default_factory=dict)
    # The clock calls are stamped with: a test shares its fake clock with the adapter.
    clock: Callable[[], float] = time.monotonic
    # Awaited after a message is posted, before Slack answers: a test can hold the answer
    # back (the message is in Slack, the sender does not know yet) and kill the sender.
    after_post: Callable[[Call], Awaitable[None]] | None = None

    # files.uploadV2: bytes received per file id, and the files shared (with their channel).
    uploads: dict[str, bytes] = field(default_factory=dict)
    shared_files: list[SharedFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._upload_names: dict[str, str] = {}
        self._failures: dict[str, list[tuple[int, int]]] = defaultdict(list)
        # A storm: every n-th call of a method is refused with 429 (n, Retry-After).
        self._storms: dict[str, tuple[int, int]] = {}
        self._counts: dict[str, int] = defaultdict(int)
        self._server: TestServer | None = None
        # response_url name -> (channel, ts) of the message whose button was clicked.
        self._interactions: dict[str, tuple[str, str]] = {}
        self.socket: web.WebSocketResponse | None = None
        self.socket_connected = asyncio.Event()
        self.socket_received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    # ---- lifecycle --------------------------------------------------------------------------

    async def start(self) -> FakeSlackApi:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._server is not None:
            await self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/respond/{name}"

    def interaction_url(self, name: str, channel: str, ts: str) -> str:
        """The response_url of a click on message `ts`: what is posted to it lands in the
        channel as Slack puts it there (replace_original: that message changes; else a new
        message below it)."""
        self._interactions[name] = (channel, ts)
        return self.response_url(name)

    # ---- what tests ask ---------------------------------------------------------------------

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1) -> None:
        """The next call of `method` fails like Slack's rate limiter does."""
        self._failures[method].append((status, retry_after))

    def storm(self, method: str, every: int = 2, retry_after: int = 1) -> None:
        """From now on every `every`-th call of `method` is answered 429 with Retry-After."""
        self._storms[method] = (every, retry_after)
        self._counts[method] = 0

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def posts_to(self, channel: str) -> list[Posted]:
        return [
            Posted(
                c.params["channel"],
                c.params["_ts"],
                c.params.get("text", ""),
                c.params.get("blocks") or [],
                c.params.get("metadata"),
            )
            for c in self.calls
            if c.posted and c.params.get("channel") == channel  # delivered ones only
        ]

    def last_post(self, channel: str) -> Posted:
        return self.posts_to(channel)[-1]

    def updates_of(self, channel: str, ts: str) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.replaced and c.params.get("channel") == channel and c.params.get("ts") == ts
        ]

    def responses(self, name: str) -> list[Call]:
        return [c for c in self.called("respond") if c.params.get("_name") == name]

    # ---- the Web API ------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        token = _token(request, params)
        call = Call(method, params, token, request.method, at=self.clock())
        self.calls.append(call)
        self._counts[method] += 1
        failures = self._failures.get(method)
        storm = self._storms.get(method)
        if not failures and storm is not None and self._counts[method] % storm[0] == 0:
            failures = [(429, storm[1])]
        if failures:
            status, retry_after = failures.pop(0)
            call.status = status
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=status,
                headers={"Retry-After": str(retry_after)},
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        if method != "oauth.v2.access" and not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        body: dict[str, Any] = handler(params, token)
        if method == "chat.postMessage" and body.get("ok") and self.after_post is not None:
            await self.after_post(call)
        return web.json_response(body)

    def _files_getUploadURLExternal(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length") or "").isdigit():
            return self._refuse("files.getUploadURLExternal", ["filename and length required"])
        file_id = f"F{next(self._file_ids):04d}"
        self._upload_names[file_id] = str(params["filename"])
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self._upload_names:
            return web.Response(status=404)
        self.uploads[file_id] = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id}, "", request.method))
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    def _files_completeUploadExternal(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        files = params.get("files") or []
        missing = [f.get("id") for f in files if f.get("id") not in self.uploads]
        if not files or missing:
            return self._refuse("files.completeUploadExternal", [f"not uploaded: {missing}"])
        channel = str(params.get("channel_id") or "")
        for f in files:
            self.shared_files.append(
                SharedFile(
                    channel,
                    f["id"],
                    str(f.get("title") or ""),
                    self._upload_names[f["id"]],
                    self.uploads[f["id"]],
                )
            )
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _auth_test(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        team = self.token_teams.get(token, self.team_id)
        return {
            "ok": True,
            "url": "https://jaarrond-test.slack.com/",
            "team": "Jaarrond test",
            "user": "jaarrond",
            "team_id": team,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _users_info(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        for user in self.users:
            if user["id"] == params.get("user"):
                return {"ok": True, "user": user}
        return {"ok": False, "error": "user_not_found"}

    def _users_list(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        page = self.users[start : start + limit]
        following = str(start + limit) if start + limit < len(self.users) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": following}}

    def _conversations_open(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        user = str(params.get("users") or "")
        if not user or "," in user:
            return {"ok": False, "error": "invalid_users"}
        return {"ok": True, "channel": {"id": "D" + user}}

    def _chat_postMessage(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        problems = check_message(params)
        if problems:
            return self._refuse("chat.postMessage", problems)
        ts = f"1800000000.{next(self._ts):06d}"
        params["_ts"] = ts
        channel = str(params["channel"])
        self.messages[(channel, ts)] = Posted(
            channel, ts, params.get("text", ""), params.get("blocks") or [], params.get("metadata")
        )
        return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}}

    def _conversations_history(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        """Newest first; metadata only with include_all_metadata, as Slack does."""
        channel = str(params.get("channel") or "")
        limit = int(params.get("limit") or 100)
        metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        posted = [m for (c, _), m in self.messages.items() if c == channel]
        posted.sort(key=lambda m: m.ts, reverse=True)
        messages = []
        for m in posted[:limit]:
            message: dict[str, Any] = {
                "type": "message",
                "ts": m.ts,
                "text": m.text,
                "blocks": m.blocks,
            }
            if metadata and m.metadata:
                message["metadata"] = m.metadata
            messages.append(message)
        return {"ok": True, "messages": messages, "has_more": len(posted) > limit}

    def _chat_update(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        problems = check_message(params)
        if problems:
            return self._refuse("chat.update", problems)
        key = (str(params.get("channel")), str(params.get("ts")))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        metadata = params.get("metadata") or self.messages[key].metadata
        self.messages[key] = Posted(
            key[0], key[1], params.get("text", ""), params.get("blocks") or [], metadata
        )
        params["_replaced"] = True
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _chat_postEphemeral(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        problems = check_message(params)
        if problems:
            return self._refuse("chat.postEphemeral", problems)
        return {"ok": True, "message_ts": f"1800000000.{next(self._ts):06d}"}

    def _views_publish(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        problems = check_view(params.get("view") or {}, 100)
        if problems:
            return self._refuse("views.publish", problems)
        return {"ok": True, "view": {"id": f"VH{next(self._ts)}", **(params.get("view") or {})}}

    def _views_open(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        problems = check_view(params.get("view") or {}, 100)
        if problems:
            return self._refuse("views.open", problems)
        return {"ok": True, "view": {"id": f"VM{next(self._ts)}", **(params.get("view") or {})}}

    def _oauth_v2_access(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        answer = self.oauth_codes.pop(str(params.get("code")), None)
        if answer is None:
            return {"ok": False, "error": "invalid_code"}
        self.token_teams[answer["access_token"]] = answer["team"]["id"]
        return {"ok": True, **answer}

    def _apps_connections_open(self, params: Mapping[str, Any], token: str) -> dict[str, Any]:
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}

    def _refuse(self, method: str, problems: list[str]) -> dict[str, Any]:
        self.errors.append((method, problems))
        error = "msg_blocks_too_long" if any("total" in p for p in problems) else "invalid_blocks"
        return {"ok": False, "error": error, "errors": problems}

    # ---- response_url and Socket Mode -------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        params = await request.json()
        params["_name"] = request.match_info["name"]
        self.calls.append(Call("respond", params, "", "POST"))
        problems = check_message(params)
        if problems:
            self.errors.append(("respond", problems))
            return web.Response(status=400, text="invalid_blocks")
        where = self._interactions.get(params["_name"])
        if where is not None:
            channel, clicked = where
            params["channel"] = channel
            blocks, text = params.get("blocks") or [], params.get("text", "")
            if params.get("replace_original"):
                if (channel, clicked) not in self.messages:
                    return web.Response(status=404, text="message_not_found")
                metadata = self.messages[(channel, clicked)].metadata
                self.messages[(channel, clicked)] = Posted(channel, clicked, text, blocks, metadata)
                params["ts"], params["_replaced"] = clicked, True
            elif params.get("response_type") == "in_channel":
                ts = f"1800000000.{next(self._ts):06d}"
                params["_ts"] = ts
                self.messages[(channel, ts)] = Posted(
                    channel, ts, text, blocks, params.get("metadata")
                )
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self.socket_connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await self.socket_received.put(json.loads(message.data))
        return socket


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        else:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str):
            params[name] = json.loads(params[name])
    return params


def _token(request: web.Request, params: Mapping[str, Any]) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :]
    return str(params.get("token") or "")


# ---- Block Kit's limits, as Slack checks them ------------------------------------------------


def units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def check_message(params: Mapping[str, Any]) -> list[str]:
    blocks = params.get("blocks") or []
    problems = check_blocks(blocks, 50)
    total = sum(_text_lengths(blocks))
    if total > 12000:
        problems.append(f"total text of blocks {total} > 12000")
    if units(str(params.get("text") or "")) > 40000:
        problems.append("text longer than 40000")
    return problems


def check_view(view: Mapping[str, Any], max_blocks: int) -> list[str]:
    problems = check_blocks(view.get("blocks") or [], max_blocks)
    for key in ("title", "submit", "close"):
        if key in view:
            problems += _text_object(view[key], f"/{key}", 24, plain_only=True)
    if len(str(view.get("private_metadata") or "")) > 3000:
        problems.append("private_metadata longer than 3000")
    return problems


def check_blocks(blocks: Sequence[Any], max_blocks: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"no more than {max_blocks} items allowed [/blocks]")
    ids: set[str] = set()
    for n, block in enumerate(blocks):
        where = f"/blocks/{n}"
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in ids:
                problems.append(f"duplicate block_id [{where}]")
            ids.add(block_id)
        kind = block.get("type")
        if kind == "header":
            problems += _text_object(block.get("text"), where, 150, plain_only=True)
        elif kind == "section":
            problems += _text_object(block.get("text"), where, 3000)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                problems.append(f"context needs 1-10 elements [{where}]")
            for m, element in enumerate(elements):
                problems += _text_object(element, f"{where}/elements/{m}", 3000)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                problems.append(f"no more than 25 items allowed [{where}/elements]")
            for m, element in enumerate(elements):
                problems += _button(element, f"{where}/elements/{m}")
        elif kind == "input":
            problems += _text_object(block.get("label"), where, 2000, plain_only=True)
            element = block.get("element") or {}
            if int(element.get("max_length") or 0) > 3000:
                problems.append(f"max_length above 3000 [{where}]")
        elif kind != "divider":
            problems.append(f"unexpected block type {kind} [{where}]")
    return problems


def _button(element: Mapping[str, Any], where: str) -> list[str]:
    problems = _text_object(element.get("text"), where, 75, plain_only=True)
    if len(str(element.get("value") or "")) > 2000:
        problems.append(f"value longer than 2000 [{where}]")
    if not 0 < len(str(element.get("action_id") or "")) <= 255:
        problems.append(f"action_id missing or too long [{where}]")
    return problems


def _text_object(obj: Any, where: str, limit: int, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, Mapping) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"missing text object [{where}]"]
    if plain_only and obj.get("type") != "plain_text":
        return [f"must be plain_text [{where}]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"empty text [{where}]"]
    if units(text) > limit:
        return [f"must be less than {limit + 1} characters [{where}]"]
    return []


def _text_lengths(value: Any) -> list[int]:
    if isinstance(value, Mapping):
        if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
            return [units(value["text"])]
        return [n for item in value.values() for n in _text_lengths(item)]
    if isinstance(value, list):
        return [n for item in value for n in _text_lengths(item)]
    return []


def text_objects(value: Any) -> list[Mapping[str, Any]]:
    """Every text object in some blocks or a view, for assertions on how text is rendered."""
    if isinstance(value, Mapping):
        if value.get("type") in ("plain_text", "mrkdwn") and "text" in value:
            return [value]
        return [obj for item in value.values() for obj in text_objects(item)]
    if isinstance(value, list):
        return [obj for item in value for obj in text_objects(item)]
    return []
