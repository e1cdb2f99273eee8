"""Slack through bolt's AsyncApp: HTTP or Socket Mode in; Block Kit DMs, modals and App Home out.

Every listener acknowledges first and works afterwards: Slack wants an answer within three
seconds, and the engine's work (database, Web API calls) is queued per person, so one
person's events are handled in the order they came and a burst cannot starve the acks.
Different people's work runs side by side. The answer to a click goes back through the
click's response_url (outside chat.postMessage's limits); other replies to what a person
did take the first free slot of the rate limiter, before messages the bot sends on its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ratelimit import Now
from adapters.slack import blocks, convert
from adapters.slack.dm_channels import DmChannelStore, MemoryDmChannelStore
from adapters.slack.limits import METHOD_KINDS, SlackLimits, post_keys
from adapters.slack.settings import (
    SlackConfigError,
    SlackSettingsLike,
    api_base_url,
    check_slack_settings,
    serves_http_events,
    uses_oauth,
    uses_socket_mode,
)
from adapters.work import WorkQueue
from dialogs.channel import InboundHandler
from dialogs.home import HomeView
from dialogs.messages import (
    DirectoryUser,
    Inbound,
    Locale,
    MessageRef,
    Outbound,
    PersonRef,
    Turn,
)

log = logging.getLogger(__name__)

HomeProvider = Callable[[str, str], Awaitable[HomeView | None]]
DirectorySink = Callable[[Sequence[DirectoryUser]], Awaitable[int]]
Sleep = Callable[[float], Awaitable[None]]
Workspace = tuple[str | None, str | None]  # (enterprise id, team id)
# Told of every Retry-After honoured: (Web API method, bot token, seconds).
RetryAfterListener = Callable[[str, str, float], None]

# Least privilege: DMs (open, read the replies people type, write), the slash command, and
# the directory with e-mail addresses to link people. Nothing in channels.
BOT_SCOPES = (
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
)
PROMPT_EVENT = "jaarrond_prompt"
# Where the HTTP handler leaves the release of its hold on work, for the listener's ack.
RELEASE = "jaarrond_release"
USERS_PAGE = 200
STATE_SECONDS = 600
STOP_GRACE_SECONDS = 10.0
MODAL_PROMPTS_KEPT = 500
# How far back a DM is searched for a prompt whose send was interrupted (one page).
HISTORY_PAGE = 100
# Messages with live buttons remembered, so that an answer replaces every copy: per
# person (the newest), and people (those heard from or sent to most recently).
LIVE_PER_PERSON = 8
LIVE_PEOPLE_KEPT = 10_000
# conversations.open's answers for a user id the workspace does not have (or cannot DM).
UNKNOWN_USER_ERRORS = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot"})
# Slack takes up to five messages through one response_url.
RESPONSE_URL_USES = 5


class RetryAfter(AsyncRetryHandler):
    """Honours HTTP 429 with its Retry-After, through an injectable sleep.

    slack_sdk's own handler adds up to a second of jitter and always waits; a wait longer
    than `max_wait` is not worth holding a request for: the error goes up, and the outbox
    retries later with its own back-off.
    """

    def __init__(
        self,
        sleep: Sleep,
        max_retries: int = 3,
        max_wait: float = 30.0,
        listener: RetryAfterListener | None = None,
    ) -> None:
        super().__init__(max_retry_count=max_retries)
        self._sleep = sleep
        self._max_wait = max_wait
        self._listener = listener

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and _retry_after(response) <= self._max_wait
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        seconds = _retry_after(response) if response is not None else 1.0
        if self._listener is not None:
            # Other calls of the method wait too: Slack's limit is per workspace, not per call.
            method = request.url.rstrip("/").rsplit("/", 1)[-1]
            self._listener(method, _bearer(request.headers), seconds)
        await self._sleep(seconds)
        state.increment_current_attempt()


def _bearer(headers: Mapping[str, str | list[str]]) -> str:
    for name, value in headers.items():
        if name.lower() == "authorization":
            text = value[0] if isinstance(value, list) else value
            return text.removeprefix("Bearer ").strip()
    return ""


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                break
    return 1.0


class _SocketMode(AsyncSocketModeHandler):
    """bolt's Socket Mode handler, holding new work back until an envelope is acknowledged."""

    def __init__(self, app: AsyncApp, app_token: str, hold: Callable[[], Callable[[], None]]):
        super().__init__(app, app_token)
        self._hold = hold

    async def handle(self, client: Any, req: Any) -> None:
        release = self._hold()
        try:
            await super().handle(client, req)
        finally:
            release()


@dataclass(frozen=True)
class _Click:
    """What the work for a click needs, and no more: waiting clicks pile up in a burst, and
    the clicked message's blocks kept as one string cost the garbage collector nothing."""

    inbound: Inbound
    where: tuple[str, str] | None
    blocks: str
    response_url: str

    @classmethod
    def of(cls, body: Mapping[str, Any], inbound: Inbound) -> _Click:
        return cls(
            inbound,
            convert.clicked_message(body),
            json.dumps(_message_blocks(body)),
            convert.response_url(body),
        )


class _Responder:
    """Answers one interaction through its response_url: the clicked message replaced in
    place, and new messages posted below it in the same DM, outside chat.postMessage's
    rate limits. Slack does not say a new message's ts; the adapter finds it when needed."""

    def __init__(self, url: str, where: tuple[str, str], session: aiohttp.ClientSession | None):
        self.where = where
        self._client = AsyncWebhookClient(url, session=session, timeout=10)
        self._left = RESPONSE_URL_USES

    @property
    def usable(self) -> bool:
        return self._left > 0

    async def replace(self, message: Mapping[str, Any]) -> bool:
        return await self._send({**message, "replace_original": True})

    async def post(self, message: Mapping[str, Any]) -> bool:
        body = {**message, "response_type": "in_channel", "replace_original": False}
        return await self._send(body)

    async def _send(self, body: dict[str, Any]) -> bool:
        """False when Slack refused it (expired, used up): the Web API takes over."""
        if not self.usable:
            return False
        self._left -= 1
        try:
            response = await self._client.send_dict(body)
        except (aiohttp.ClientError, TimeoutError):
            log.warning("a Slack response_url could not be reached", exc_info=True)
            return False
        if response.status_code != 200:
            log.warning("Slack refused a response_url message: %s", response.body)
            self._left = 0
            return False
        return True


@dataclass(frozen=True)
class _Prompt:
    """A message posted with buttons that answer the prompt `token` (a question, or a
    message's own buttons such as "add a comment"). Once that prompt is answered, every
    such message shows what was recorded instead of its buttons: a question asked again, or
    shown again later, leaves no live copy behind."""

    channel: str
    ts: str
    token: str
    # Its blocks as one string: prompts wait in memory, and a string costs the garbage
    # collector nothing.
    blocks: str


class SlackAdapter:
    """The ChatAdapter for Slack DMs, plus the App Home and the /jaarrond command."""

    platform = "slack"

    def __init__(
        self,
        settings: SlackSettingsLike,
        *,
        database: AsyncEngine | None = None,
        home_provider: HomeProvider | None = None,
        directory_sink: DirectorySink | None = None,
        default_locale: Locale = "nl",
        sleep: Sleep = asyncio.sleep,
        concurrency: int = 8,
        dm_channels: DmChannelStore | None = None,
        limits: SlackLimits | None = None,
        clock: Now = time.monotonic,
    ) -> None:
        problems = check_slack_settings(settings)
        if uses_oauth(settings) and database is None:
            problems.append("installs in several workspaces need the database for their tokens")
        if problems:
            raise SlackConfigError("\n".join(f"- {p}" for p in problems))
        self._settings = settings
        self._base_url = api_base_url(settings.api_url)
        self._work = WorkQueue(concurrency)
        # Work waiting for Slack's limits gives its slot to work that can go on.
        sleep = self._work.sleeping(sleep)
        self._throttle = (limits or SlackLimits()).throttle(clock, sleep)
        self._retry: list[AsyncRetryHandler] = [
            AsyncConnectionErrorRetryHandler(),
            RetryAfter(sleep, listener=self._rate_limited),
        ]
        self._dm_store: DmChannelStore = dm_channels or MemoryDmChannelStore()
        self._unsaved_dms: dict[str, str] = {}
        self._saving: asyncio.Task[None] | None = None
        self._home_provider = home_provider
        self._directory_sink = directory_sink
        self._default_locale = default_locale
        self._handler: InboundHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: _SocketMode | None = None
        self._clients: dict[str, AsyncWebClient] = {}
        self._dms: dict[str, str] = {}
        self._locales: dict[str, Locale] = {}
        self._workspaces: dict[str, Workspace] = {}
        self._live: OrderedDict[str, list[_Prompt]] = OrderedDict()
        self._modal_prompts: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()
        self._installations: AsyncSQLAlchemyInstallationStore | None = None
        self.bolt = self._build_bolt(settings, database)

    # ---- construction -----------------------------------------------------------------------

    def _build_bolt(self, settings: SlackSettingsLike, database: AsyncEngine | None) -> AsyncApp:
        oauth: AsyncOAuthSettings | None = None
        if uses_oauth(settings) and database is not None:
            # slack_sdk's own stores on the bot's database; their tables come from migration 0003.
            self._installations = AsyncSQLAlchemyInstallationStore(settings.client_id, database)
            oauth = AsyncOAuthSettings(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                scopes=list(BOT_SCOPES),
                user_scopes=[],
                installation_store=self._installations,
                installation_store_bot_only=True,
                state_store=AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, database),
                state_expiration_seconds=STATE_SECONDS,
            )
        client = AsyncWebClient(
            token=settings.bot_token or None,
            base_url=self._base_url,
            retry_handlers=list(self._retry),
        )
        app = AsyncApp(
            name="jaarrond",
            logger=logging.getLogger("adapters.slack.bolt"),
            signing_secret=settings.signing_secret,
            client=client,
            oauth_settings=oauth,
            installation_store_bot_only=True if oauth is not None else None,
        )
        app.action(re.compile("^" + re.escape(convert.ACTION_PREFIX)))(self._on_action)
        app.view(convert.MODAL_CALLBACK)(self._on_submission)
        app.command(convert.SLASH_COMMAND)(self._on_command)
        app.event("app_home_opened")(self._on_home_opened)
        # Every message event must be acknowledged, also the edits our chat.update causes.
        app.event("message")(self._on_message)
        if oauth is not None:
            app.enable_token_revocation_listeners()
        else:
            app.event("tokens_revoked")(_nothing)
            app.event("app_uninstalled")(_nothing)
        return app

    # ---- the ChatAdapter port ---------------------------------------------------------------

    def mount(self, on_inbound: InboundHandler) -> None:
        self._handler = on_inbound

    def can_reach(self, person: PersonRef) -> bool:
        return bool(person.slack_user_id)

    def unreachable_reason(self, person: PersonRef) -> str:
        return "no Slack user id"

    async def send(self, out: Outbound) -> MessageRef:
        """Proactive: a DM, opened once per person and remembered."""
        user = out.recipient.slack_user_id
        if not user:
            raise LookupError(f"{out.recipient.email} has no Slack user id")
        client = await self._client_for(user)
        return await self._post(client, user, out)

    async def find_sent(self, recipient: PersonRef, key: str) -> MessageRef | None:
        """The prompt with this key in the person's DM, if an interrupted send posted it.

        Every prompt carries its key in message metadata; the newest page of the DM is
        enough, since a check is made before any resend of a message sent moments ago.
        """
        user = recipient.slack_user_id
        if not user or not key:
            return None
        client = await self._client_for(user)
        channel = await self._dm_channel(client, user)
        await self._throttle.wait([("history", client.token or "")])
        response = await client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True
        )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == PROMPT_EVENT and payload.get("key") == key:
                return MessageRef(self.platform, channel, str(message.get("ts") or ""))
        return None

    def _rate_limited(self, method: str, token: str, seconds: float) -> None:
        kind = METHOD_KINDS.get(method)
        if kind is not None:
            self._throttle.pause((kind, token), seconds)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        user = out.recipient.slack_user_id or ""
        client = await self._client_for(user)
        await client.chat_update(channel=ref.channel, ts=ref.message_id, **blocks.render(out))

    async def start(self) -> None:
        """One HTTP session for every Web API call; Socket Mode; a first directory sync."""
        self._dms.update(await self._dm_store.load_all())
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self.bolt.client.session = self._session
            self._clients.clear()  # made before the session existed
        if uses_socket_mode(self._settings) and self._socket is None:
            self._socket = _SocketMode(self.bolt, self._settings.app_token, self._work.hold)
            # In the background: while Slack is unreachable the client keeps retrying, and
            # the rest of the bot (schedules, health checks) must not wait for it.
            self._work.submit("socket mode", self._socket.connect_async)
        if self._directory_sink is not None:
            # In the background: a large workspace takes a few rate-limited pages.
            self._work.submit("", self.sync_directory)

    async def stop(self) -> None:
        if self._saving is not None:
            await asyncio.gather(self._saving, return_exceptions=True)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        await self._work.drain(timeout=STOP_GRACE_SECONDS)
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.bolt.client.session = None
        self._clients.clear()

    async def drain(self) -> None:
        """Wait for the work acknowledged requests started (tests, and a graceful stop)."""
        await self._work.drain()

    def route_hook(self) -> Callable[[web.Application], None]:
        """Adds /slack/events (HTTP mode) and the install endpoints (OAuth) to the web app."""

        def hook(app: web.Application) -> None:
            if serves_http_events(self._settings):
                app.router.add_post("/slack/events", self._http_events)
            flow = self.bolt.oauth_flow
            if flow is not None:
                app.router.add_get(flow.install_path, self._http_install)
                app.router.add_get(flow.redirect_uri_path, self._http_oauth_redirect)

        return hook

    # ---- HTTP -------------------------------------------------------------------------------

    async def _http_events(self, request: web.Request) -> web.Response:
        release = self._work.hold()
        try:
            bolt_request = await to_bolt_request(request)
            bolt_request.context[RELEASE] = release  # our listeners release right after ack()
            # bolt verifies the signature and the timestamp before anything else runs.
            response = await self.bolt.async_dispatch(bolt_request)
        finally:
            release()
        return await to_aiohttp_response(response)

    async def _http_install(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        assert flow is not None
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def _http_oauth_redirect(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    # ---- listeners: ack first, then queue the work -----------------------------------------

    async def _on_action(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        await ack()
        _release(context)
        user = convert.user_id(body)
        self._remember_workspace(user, body)
        target = convert.answer_target(body)
        if target is not None:
            # Not queued: the trigger id expires three seconds after the click.
            await self._open_answer_modal(client, body, target)
            return
        inbound = convert.action_inbound(body)
        if inbound is not None:
            click = _Click.of(body, inbound)
            token = client.token
            self._work.submit(user, lambda: self._answer_click(self._client(token), click))

    async def _on_submission(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        await ack()  # closes the modal
        _release(context)
        inbound = convert.submission_inbound(body)
        target = convert.modal_target(body)
        if inbound is not None and target is not None:
            self._remember_workspace(inbound.user_id, body)
            token = client.token
            self._work.submit(
                inbound.user_id, lambda: self._answer_modal(self._client(token), inbound, target)
            )

    async def _on_message(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        _release(context)  # bolt acknowledged the event before calling us
        inbound = convert.message_inbound(body)
        if inbound is not None:
            self._remember_workspace(inbound.user_id, body)
            token = client.token
            self._work.submit(
                inbound.user_id, lambda: self._answer_typed(self._client(token), inbound)
            )

    async def _on_command(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        self._work.track()
        await ack()
        _release(context)
        inbound = convert.command_inbound(body)
        self._remember_workspace(inbound.user_id, body)
        token, channel = client.token, str(body.get("channel_id") or "")
        self._work.submit(
            inbound.user_id,
            lambda: self._answer_command(self._client(token), respond, channel, inbound),
        )

    async def _on_home_opened(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        _release(context)
        user = convert.home_opened_user(body)
        if user is not None and self._home_provider is not None:
            self._remember_workspace(user, body)
            token = client.token
            self._work.submit(user, lambda: self._publish_home(self._client(token), user))

    # ---- the work ---------------------------------------------------------------------------

    async def _engine(self, inbound: Inbound) -> Turn:
        if self._handler is None:
            raise RuntimeError("mount the engine before serving Slack")
        return await self._handler(inbound)

    async def _answer_click(self, client: AsyncWebClient, click: _Click) -> None:
        inbound = click.inbound
        user = inbound.user_id
        responder: _Responder | None = None
        if click.where is not None:
            self._learn_ts(user, inbound.token, click.where)
            # Only in the person's own DM with the bot: what it says goes where they clicked.
            if click.response_url and click.where[0] == await self._dm_channel(client, user):
                responder = _Responder(click.response_url, click.where, self._session)
        turn = await self._guarded(client, user, inbound, responder)
        # Only a recorded answer changes the prompt: a refused click changes nothing at all.
        if click.where is not None and turn.outcome.kind == "recorded":
            original = json.loads(click.blocks)
            await self._mark_answered(client, user, click.where, original, turn, responder)
        await self._mark_copies(client, user, turn)
        await self._post_all(client, user, turn.replies, responder)

    async def _answer_modal(
        self, client: AsyncWebClient, inbound: Inbound, target: convert.ModalTarget
    ) -> None:
        user = inbound.user_id
        turn = await self._guarded(client, user, inbound)
        where = (target.channel, target.ts)
        if target.channel and target.ts and turn.outcome.kind == "recorded":
            original = self._modal_prompts.pop(where, None) or self._prompt_blocks(user, where)
            await self._mark_answered(client, user, where, original, turn)
        await self._mark_copies(client, user, turn)
        await self._post_all(client, user, turn.replies)

    async def _answer_typed(self, client: AsyncWebClient, inbound: Inbound) -> None:
        """A typed reply; the messages that asked what it answered show what was recorded."""
        user = inbound.user_id
        turn = await self._guarded(client, user, inbound)
        await self._mark_copies(client, user, turn)
        await self._post_all(client, user, turn.replies)

    async def _mark_copies(self, client: AsyncWebClient, user: str, turn: Turn) -> None:
        """Every message still showing buttons for the prompt just answered shows the answer
        instead (the same question may have been asked again, or shown again later)."""
        outcome = turn.outcome
        if outcome.kind != "recorded" or not outcome.token:
            return
        for prompt in list(self._live.get(user, ())):
            if prompt.token == outcome.token:
                where = await self._located(client, user, prompt)
                if where is not None:
                    original = json.loads(prompt.blocks)
                    await self._mark_answered(client, user, where, original, turn)

    async def _mark_answered(
        self,
        client: AsyncWebClient,
        user: str,
        where: tuple[str, str],
        original: list[dict[str, Any]],
        turn: Turn,
        responder: _Responder | None = None,
    ) -> None:
        """The answered prompt without its buttons, showing what the engine recorded."""
        locale = turn.replies[0].recipient.locale if turn.replies else self._locale(user)
        line = blocks.recorded_line(turn.outcome.value, turn.outcome.label, locale)
        answered = blocks.answered(original, line, locale)
        await self._replace(client, user, where, answered, responder)

    async def _answer_command(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        channel: str,
        inbound: Inbound,
    ) -> None:
        """Replies to /jaarrond are ephemeral, unless they are a check-in or an export."""
        user = inbound.user_id
        try:
            replies = (await self._engine(inbound)).replies
        except Exception:
            log.exception("the engine failed on a Slack command")
            await respond(text=self._error_text(user), response_type="ephemeral")
            return
        interactive = any(r.question is not None or r.actions for r in replies)
        # Without a (clean) user id there is no DM to open: answer where it was asked.
        if user and (interactive or convert.is_export(inbound)):
            await self._post_all(client, user, replies)
            if channel != await self._dm_channel(client, user):
                notice = blocks.say("sent_by_dm", self._locale(user))
                await respond(text=notice, response_type="ephemeral")
            return
        for out in replies:
            for part in blocks.render_parts(out, max_parts=3):
                await respond(
                    text=part["text"],
                    blocks=part["blocks"],
                    response_type="ephemeral",
                    replace_original=False,
                )

    async def _publish_home(self, client: AsyncWebClient, user: str) -> None:
        assert self._home_provider is not None
        view = await self._home_provider(self.platform, user)
        if view is not None:
            self._locales[user] = view.person.locale
        rendered = blocks.home_view(view) if view is not None else blocks.stranger_home()
        await client.views_publish(user_id=user, view=rendered)

    async def _open_answer_modal(
        self, client: AsyncWebClient, body: Mapping[str, Any], target: convert.ModalTarget
    ) -> None:
        original = _message_blocks(body)
        self._modal_prompts[(target.channel, target.ts)] = original
        while len(self._modal_prompts) > MODAL_PROMPTS_KEPT:
            self._modal_prompts.popitem(last=False)
        view = blocks.answer_modal(blocks.question_prompt(original), target)
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)

    async def _guarded(
        self,
        client: AsyncWebClient,
        user: str,
        inbound: Inbound,
        responder: _Responder | None = None,
    ) -> Turn:
        """The engine's turn; on a failure (also a database still busy after the retries)
        the person is asked to try again, never left without an answer; the error is logged."""
        try:
            return await self._engine(inbound)
        except Exception:
            log.exception("the engine failed on a Slack event")
            message: dict[str, Any] = {
                "text": blocks.escape(self._error_text(user)),
                "mrkdwn": False,
            }
            if responder is None or not await responder.post(message):
                channel = await self._dm_channel(client, user)
                await self._throttle.wait(post_keys(client.token or "", channel), first=True)
                await client.chat_postMessage(channel=channel, **message)
            return Turn()

    def _prompt_blocks(self, user: str, where: tuple[str, str]) -> list[dict[str, Any]]:
        """The blocks of a message with live buttons we posted to the person, if known."""
        for prompt in self._live.get(user, ()):
            if (prompt.channel, prompt.ts) == where:
                return list(json.loads(prompt.blocks))
        return []

    def _learn_ts(self, user: str, token: str | None, where: tuple[str, str]) -> None:
        """A click on a message posted through a response_url tells its ts."""
        live = self._live.get(user)
        if not token or not live:
            return
        for n, prompt in enumerate(live):
            if not prompt.ts and prompt.token == token and prompt.channel == where[0]:
                live[n] = dataclasses.replace(prompt, ts=where[1])

    async def _located(
        self, client: AsyncWebClient, user: str, prompt: _Prompt
    ) -> tuple[str, str] | None:
        """Where a message with live buttons is; one posted through a response_url is
        found in the newest page of the DM by its buttons (answered copies have none)."""
        if prompt.ts:
            return (prompt.channel, prompt.ts)
        wanted = _button_values(json.loads(prompt.blocks))
        found = ""
        if wanted:
            await self._throttle.wait([("history", client.token or "")], first=True)
            try:
                response = await client.conversations_history(
                    channel=prompt.channel, limit=HISTORY_PAGE
                )
            except SlackApiError:
                log.warning("could not look for a Slack prompt in its DM", exc_info=True)
                response = None
            for message in (response.get("messages") or []) if response is not None else []:
                if wanted <= _button_values(message.get("blocks") or []):
                    found = str(message.get("ts") or "")
                    break
        if not found:
            live = self._live.get(user)
            if live is not None and prompt in live:
                live.remove(prompt)  # gone from the DM's newest page: nothing left to change
            return None
        self._learn_ts(user, prompt.token, (prompt.channel, found))
        return (prompt.channel, found)

    def _remember_live(self, user: str, prompt: _Prompt) -> None:
        live = self._live.setdefault(user, [])
        live.append(prompt)
        del live[:-LIVE_PER_PERSON]
        self._live.move_to_end(user)
        while len(self._live) > LIVE_PEOPLE_KEPT:
            self._live.popitem(last=False)

    def _forget_live(self, user: str, where: tuple[str, str]) -> None:
        live = self._live.get(user)
        if live is None:
            return
        live[:] = [p for p in live if (p.channel, p.ts) != where]
        if not live:
            del self._live[user]

    def _error_text(self, user: str) -> str:
        locale = self._locales.get(user)
        return blocks.say("error", locale) if locale else blocks.both("error")

    def _locale(self, user: str) -> Locale:
        return self._locales.get(user, self._default_locale)

    async def _replace(
        self,
        client: AsyncWebClient,
        user: str,
        where: tuple[str, str],
        message: Mapping[str, Any],
        responder: _Responder | None = None,
    ) -> None:
        """Update an answered prompt, but only one in this person's own DM with the bot."""
        if where[0] != await self._dm_channel(client, user):
            return
        self._forget_live(user, where)  # answered: its buttons are gone
        if responder is not None and responder.where == where and await responder.replace(message):
            return
        try:
            await client.chat_update(channel=where[0], ts=where[1], **message)
        except Exception:  # cosmetic: the answer is stored whatever happens to the message
            log.warning("could not update an answered Slack prompt", exc_info=True)

    async def _post_all(
        self,
        client: AsyncWebClient,
        user: str,
        replies: Sequence[Outbound],
        responder: _Responder | None = None,
    ) -> None:
        """Replies to what the person did: before anything the bot sends on its own."""
        for out in replies:
            await self._post(client, user, out, responder=responder, first=True)

    async def _post(
        self,
        client: AsyncWebClient,
        user: str,
        out: Outbound,
        *,
        responder: _Responder | None = None,
        first: bool = False,
    ) -> MessageRef:
        if out.recipient.person_id:
            self._locales[user] = out.recipient.locale
        channel = await self._dm_channel(client, user)
        if out.question is not None:
            # Asked again: only the newest message of a question keeps its buttons, also
            # when other questions came between.
            locale = out.recipient.locale
            line = blocks.say("asked_again", locale)
            for earlier in list(self._live.get(user, ())):
                if earlier.token == out.question.token:
                    where = await self._located(client, user, earlier)
                    if where is not None:
                        again = blocks.answered(json.loads(earlier.blocks), line, locale)
                        await self._replace(client, user, where, again, responder)
        parts = blocks.render_parts(out)
        ts = ""
        for number, part in enumerate(parts, 1):
            extra: dict[str, Any] = {}
            if number == len(parts) and out.key:
                # So a send interrupted by a crash can be found in the DM before a resend.
                extra["metadata"] = {"event_type": PROMPT_EVENT, "event_payload": {"key": out.key}}
            message: dict[str, Any] = {
                "text": part["text"],
                "blocks": part["blocks"],
                "mrkdwn": False,
                "unfurl_links": False,
                "unfurl_media": False,
                **extra,
            }
            if responder is not None and await responder.post(message):
                ts = ""  # Slack does not say; a click on it, or the DM's history, will
                continue
            await self._throttle.wait(post_keys(client.token or "", channel), first=first)
            response = await client.chat_postMessage(channel=channel, **message)
            ts = str(response.get("ts") or "")
        token = out.question.token if out.question is not None else out.key
        if token and parts and (out.question is not None or out.actions):
            last = json.dumps(parts[-1]["blocks"])
            self._remember_live(user, _Prompt(channel, ts, token, last))
        if out.attachment is not None:
            # files.uploadV2: getUploadURLExternal, the upload itself, completeUploadExternal;
            # shared straight into the person's DM, so nobody else can see it.
            await client.files_upload_v2(
                channel=channel,
                content=out.attachment.content,
                filename=out.attachment.filename,
                title=out.attachment.filename,
            )
        return MessageRef(self.platform, channel, ts)

    async def _dm_channel(self, client: AsyncWebClient, user: str) -> str:
        channel = self._dms.get(user)
        if channel is None:
            # Not known at start: open it (if another instance just did, Slack answers with
            # the same channel) and remember it, in the background and a few at a time.
            await self._throttle.wait([("open", client.token or "")])
            try:
                response = await client.conversations_open(users=user)
            except SlackApiError as exc:
                error = str(exc.response.get("error") or "")
                if error in UNKNOWN_USER_ERRORS:
                    raise LookupError(
                        f"no DM channel: Slack does not know user {user} ({error})"
                    ) from exc
                raise
            channel = str(response["channel"]["id"])
            self._dms[user] = channel
            self._unsaved_dms[user] = channel
            if self._saving is None or self._saving.done():
                self._saving = asyncio.get_running_loop().create_task(self._save_dms())
        return channel

    async def _save_dms(self) -> None:
        while self._unsaved_dms:
            batch, self._unsaved_dms = self._unsaved_dms, {}
            try:
                await self._dm_store.put_many(batch)
            except Exception:  # only a cache: the DM is opened again next time
                log.warning("could not store %d Slack DM channels", len(batch), exc_info=True)

    # ---- workspaces and the directory -------------------------------------------------------

    def _remember_workspace(self, user: str, body: Mapping[str, Any]) -> None:
        if user and self._installations is not None:
            self._workspaces[user] = convert.workspace_of(body)

    async def _client_for(self, user: str) -> AsyncWebClient:
        """The client with the bot token of the person's workspace."""
        if self._installations is None:
            return self.bolt.client
        workspace = self._workspaces.get(user)
        if workspace is None:
            installed = await self._installed_workspaces()
            if len(installed) != 1:
                raise LookupError(
                    f"not known in which Slack workspace {user} is; the directory sync "
                    "links people to workspaces"
                )
            workspace = installed[0]
        return await self._workspace_client(workspace)

    async def _workspace_client(self, workspace: Workspace) -> AsyncWebClient:
        assert self._installations is not None
        enterprise_id, team_id = workspace
        bot = await self._installations.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=team_id is None
        )
        if bot is None or not bot.bot_token:
            raise LookupError(f"Jaarrond is not installed in Slack workspace {team_id}")
        return self._client(str(bot.bot_token))

    def _client(self, token: str | None) -> AsyncWebClient:
        """One client per bot token, on the shared session (a request's own client is not
        kept for the work after the ack)."""
        if not token:
            return self.bolt.client
        client = self._clients.get(token)
        if client is None:
            client = AsyncWebClient(
                token=token,
                base_url=self._base_url,
                session=self._session,
                retry_handlers=list(self._retry),
            )
            self._clients[token] = client
        return client

    async def _installed_workspaces(self) -> list[Workspace]:
        assert self._installations is not None
        bots = self._installations.bots
        query = (
            select(bots.c.enterprise_id, bots.c.team_id)
            .where(bots.c.client_id == self._settings.client_id, bots.c.bot_token.is_not(None))
            .distinct()
        )
        async with self._installations.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(row[0], row[1]) for row in rows]

    async def sync_directory(self) -> int:
        """Link people to Slack users (users.list, 200 a page) and fill time zone and locale."""
        if self._directory_sink is None:
            return 0
        users: list[DirectoryUser] = []
        if self._installations is None:
            users += await self._list_users(self.bolt.client, None)
        else:
            for workspace in await self._installed_workspaces():
                users += await self._list_users(await self._workspace_client(workspace), workspace)
        changed = await self._directory_sink(users)
        log.info("Slack directory: %d users listed, %d people changed", len(users), changed)
        return changed

    async def _list_users(
        self, client: AsyncWebClient, workspace: Workspace | None
    ) -> list[DirectoryUser]:
        users: list[DirectoryUser] = []
        cursor: str | None = None
        while True:
            response = await client.users_list(limit=USERS_PAGE, cursor=cursor, include_locale=True)
            for member in response.get("members") or []:
                user = _directory_user(member)
                if user is not None:
                    users.append(user)
                    if workspace is not None:
                        self._workspaces[user.user_id] = workspace
            cursor = ((response.get("response_metadata") or {}).get("next_cursor") or "").strip()
            if not cursor:
                return users


def _directory_user(member: Mapping[str, Any]) -> DirectoryUser | None:
    """A person in users.list; bots, Slackbot and deactivated accounts are nobody to ask."""
    user_id = member.get("id")
    if not isinstance(user_id, str) or user_id == "USLACKBOT":
        return None
    if member.get("deleted") or member.get("is_bot") or member.get("is_app_user"):
        return None
    profile = member.get("profile") or {}
    email = profile.get("email") if isinstance(profile, Mapping) else None
    timezone = member.get("tz")  # the IANA name; tz_offset would break at summer time
    locale = member.get("locale")
    return DirectoryUser(
        platform="slack",
        user_id=user_id,
        email=email if isinstance(email, str) else "",
        timezone=timezone if isinstance(timezone, str) else "",
        locale=locale if isinstance(locale, str) else "",
    )


def _release(context: Mapping[str, Any]) -> None:
    """The request is acknowledged: the work it held back may start."""
    release = context.get(RELEASE)
    if callable(release):
        release()


def _button_values(found: Sequence[Any]) -> set[str]:
    """The values of a message's buttons: a question's carry its token, so they tell the
    message apart from every other in the DM."""
    return {
        str(element.get("value"))
        for block in found
        if isinstance(block, Mapping) and block.get("type") == "actions"
        for element in block.get("elements") or []
        if isinstance(element, Mapping) and element.get("value")
    }


def _message_blocks(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    message = body.get("message")
    found = message.get("blocks") if isinstance(message, Mapping) else None
    return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []


async def _nothing() -> None:
    """Events Slack sends whether we need them or not; acknowledging them is enough."""
