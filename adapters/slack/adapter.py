"""Slack through bolt's AsyncApp: HTTP or Socket Mode in; Block Kit DMs, modals and App Home out.

Every listener acknowledges first and works afterwards: Slack wants an answer within three
seconds, and the engine's work (database, Web API calls) is queued per person, so one
person's events are handled in the order they came and a burst cannot starve the acks.
Different people's work runs side by side. The answer to a click goes back through the
click's response_url (outside chat.postMessage's limits); other replies to what a person
did take the first free slot of the rate limiter, before messages the bot sends on its own.

What the adapter leans on has a module each: `transport` (HTTP and Socket Mode), `retry`
(429s), `workspaces` (bot tokens and clients; the installs behind the `installations` port),
`directory` (users.list), `dm_channels`, `direct_messages` and `prompts` (posting, and
prompts that show their answer), `responder` (response_url) and `adapters.work` (the queue).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.ratelimit import Now, Sleep
from adapters.slack import blocks, convert
from adapters.slack.direct_messages import DirectMessages
from adapters.slack.dm_channels import DmChannels, DmChannelStore, MemoryDmChannelStore
from adapters.slack.installations import SlackInstallations
from adapters.slack.limits import METHOD_KINDS, SlackLimits
from adapters.slack.responder import Responder
from adapters.slack.retry import RetryAfter
from adapters.slack.settings import (
    SlackConfigError,
    SlackSettingsLike,
    api_base_url,
    check_slack_settings,
    serves_http_events,
    uses_oauth,
    uses_socket_mode,
)
from adapters.slack.transport import SocketMode, http_routes, release
from adapters.slack.workspaces import Workspaces
from adapters.work import WorkQueue
from dialogs.channel import InboundHandler
from dialogs.home import HomeView
from dialogs.messages import DirectoryUser, Inbound, Locale, MessageRef, Outbound, PersonRef, Turn

log = logging.getLogger(__name__)

HomeProvider = Callable[[str, str], Awaitable[HomeView | None]]
DirectorySink = Callable[[Sequence[DirectoryUser]], Awaitable[int]]

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
STOP_GRACE_SECONDS = 10.0


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


class SlackAdapter:
    """The ChatAdapter for Slack DMs, plus the App Home and the /jaarrond command."""

    platform = "slack"

    def __init__(
        self,
        settings: SlackSettingsLike,
        *,
        installations: SlackInstallations | None = None,
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
        if uses_oauth(settings) and installations is None:
            problems.append("installs in several workspaces need the database for their tokens")
        if problems:
            raise SlackConfigError("\n".join(f"- {p}" for p in problems))
        self._settings = settings
        self._work = WorkQueue(concurrency)
        # Work waiting for Slack's limits gives its slot to work that can go on.
        sleep = self._work.sleeping(sleep)
        self._throttle = (limits or SlackLimits()).throttle(clock, sleep)
        retry: list[AsyncRetryHandler] = [
            AsyncConnectionErrorRetryHandler(),
            RetryAfter(sleep, listener=self._rate_limited),
        ]
        channels = DmChannels(dm_channels or MemoryDmChannelStore(), self._throttle)
        self._dm = DirectMessages(channels, self._throttle, default_locale)
        self._home_provider = home_provider
        self._directory_sink = directory_sink
        self._handler: InboundHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: SocketMode | None = None
        installs = installations if uses_oauth(settings) else None
        base_url = api_base_url(settings.api_url)
        self.bolt = self._build_bolt(settings, installs, base_url, retry)
        self._workspaces = Workspaces(self.bolt.client, installs, base_url=base_url, retry=retry)

    # ---- construction -----------------------------------------------------------------------

    def _build_bolt(
        self,
        settings: SlackSettingsLike,
        installations: SlackInstallations | None,
        base_url: str,
        retry: list[AsyncRetryHandler],
    ) -> AsyncApp:
        oauth: AsyncOAuthSettings | None = None
        if installations is not None:
            oauth = AsyncOAuthSettings(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                scopes=list(BOT_SCOPES),
                user_scopes=[],
                installation_store=installations.installation_store,
                installation_store_bot_only=True,
                state_store=installations.state_store,
                state_expiration_seconds=installations.state_seconds,
            )
        client = AsyncWebClient(
            token=settings.bot_token or None, base_url=base_url, retry_handlers=list(retry)
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
        client = await self._workspaces.client_for(user)
        return await self._dm.post(client, user, out)

    async def find_sent(self, recipient: PersonRef, key: str) -> MessageRef | None:
        """The prompt with this key in the person's DM, if an interrupted send posted it."""
        user = recipient.slack_user_id
        if not user or not key:
            return None
        return await self._dm.find_sent(await self._workspaces.client_for(user), user, key)

    def _rate_limited(self, method: str, token: str, seconds: float) -> None:
        kind = METHOD_KINDS.get(method)
        if kind is not None:
            self._throttle.pause((kind, token), seconds)

    async def update(self, ref: MessageRef, out: Outbound) -> None:
        user = out.recipient.slack_user_id or ""
        client = await self._workspaces.client_for(user)
        await client.chat_update(channel=ref.channel, ts=ref.message_id, **blocks.render(out))

    async def start(self) -> None:
        """One HTTP session for every Web API call; Socket Mode; a first directory sync."""
        await self._dm.channels.load()
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._workspaces.use_session(self._session)
        if uses_socket_mode(self._settings) and self._socket is None:
            self._socket = SocketMode(self.bolt, self._settings.app_token, self._work.hold)
            # In the background: while Slack is unreachable the client keeps retrying, and
            # the rest of the bot (schedules, health checks) must not wait for it.
            self._work.submit("socket mode", self._socket.connect_async)
        if self._directory_sink is not None:
            # In the background: a large workspace takes a few rate-limited pages.
            self._work.submit("", self.sync_directory)

    async def stop(self) -> None:
        await self._dm.channels.saved()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        await self._work.drain(timeout=STOP_GRACE_SECONDS)
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._workspaces.use_session(None)

    async def drain(self) -> None:
        """Wait for the work acknowledged requests started (tests, and a graceful stop)."""
        await self._work.drain()

    async def sync_directory(self) -> int:
        """Link people to Slack users (users.list, 200 a page) and fill time zone and locale."""
        if self._directory_sink is None:
            return 0
        users = await self._workspaces.directory()
        changed = await self._directory_sink(users)
        log.info("Slack directory: %d users listed, %d people changed", len(users), changed)
        return changed

    def route_hook(self) -> Callable[[web.Application], None]:
        """Adds /slack/events (HTTP mode) and the install endpoints (OAuth) to the web app."""
        return http_routes(self.bolt, self._work, events=serves_http_events(self._settings))

    # ---- listeners: ack first, then queue the work -----------------------------------------

    async def _on_action(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        await ack()
        release(context)
        user = convert.user_id(body)
        self._workspaces.remember(user, body)
        target = convert.answer_target(body)
        if target is not None:
            # Not queued: the trigger id expires three seconds after the click.
            await self._open_answer_modal(client, body, target)
            return
        inbound = convert.action_inbound(body)
        if inbound is not None:
            click = _Click.of(body, inbound)
            token = client.token
            self._work.submit(
                user, lambda: self._answer_click(self._workspaces.client(token), click)
            )

    async def _on_submission(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        await ack()  # closes the modal
        release(context)
        inbound = convert.submission_inbound(body)
        target = convert.modal_target(body)
        if inbound is not None and target is not None:
            self._workspaces.remember(inbound.user_id, body)
            token = client.token
            self._work.submit(
                inbound.user_id,
                lambda: self._answer_modal(self._workspaces.client(token), inbound, target),
            )

    async def _on_message(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        release(context)  # bolt acknowledged the event before calling us
        inbound = convert.message_inbound(body)
        if inbound is not None:
            self._workspaces.remember(inbound.user_id, body)
            token = client.token
            self._work.submit(
                inbound.user_id, lambda: self._answer_typed(self._workspaces.client(token), inbound)
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
        release(context)
        inbound = convert.command_inbound(body)
        self._workspaces.remember(inbound.user_id, body)
        token, channel = client.token, str(body.get("channel_id") or "")
        url = convert.response_url(body)
        self._work.submit(
            inbound.user_id,
            lambda: self._answer_command(
                self._workspaces.client(token), respond, channel, url, inbound
            ),
        )

    async def _on_home_opened(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        self._work.track()
        release(context)
        user = convert.home_opened_user(body)
        if user is not None and self._home_provider is not None:
            self._workspaces.remember(user, body)
            token = client.token
            self._work.submit(
                user, lambda: self._publish_home(self._workspaces.client(token), user)
            )

    # ---- the work ---------------------------------------------------------------------------

    async def _engine(self, inbound: Inbound) -> Turn:
        if self._handler is None:
            raise RuntimeError("mount the engine before serving Slack")
        return await self._handler(inbound)

    async def _answer_click(self, client: AsyncWebClient, click: _Click) -> None:
        inbound = click.inbound
        user = inbound.user_id
        responder: Responder | None = None
        if click.where is not None:
            self._dm.prompts.learn_ts(user, inbound.token, click.where)
            # Only in the person's own DM with the bot: what it says goes where they clicked.
            if click.response_url and click.where[0] == await self._dm.channels.of(client, user):
                responder = Responder(click.response_url, click.where, self._session)
        turn = await self._guarded(client, user, inbound, responder)
        # Only a recorded answer changes the prompt: a refused click changes nothing at all.
        if click.where is not None and turn.outcome.kind == "recorded":
            original = json.loads(click.blocks)
            await self._dm.mark_answered(client, user, click.where, original, turn, responder)
        await self._dm.mark_copies(client, user, turn)
        await self._dm.post_all(client, user, turn.replies, responder)

    async def _answer_modal(
        self, client: AsyncWebClient, inbound: Inbound, target: convert.ModalTarget
    ) -> None:
        user = inbound.user_id
        turn = await self._guarded(client, user, inbound)
        where = (target.channel, target.ts)
        if target.channel and target.ts and turn.outcome.kind == "recorded":
            original = self._dm.prompts.answered_in_modal(user, where)
            await self._dm.mark_answered(client, user, where, original, turn)
        await self._dm.mark_copies(client, user, turn)
        await self._dm.post_all(client, user, turn.replies)

    async def _answer_typed(self, client: AsyncWebClient, inbound: Inbound) -> None:
        """A typed reply; the messages that asked what it answered show what was recorded."""
        user = inbound.user_id
        turn = await self._guarded(client, user, inbound)
        await self._dm.mark_copies(client, user, turn)
        await self._dm.post_all(client, user, turn.replies)

    async def _answer_command(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        channel: str,
        response_url: str,
        inbound: Inbound,
    ) -> None:
        """Replies to /jaarrond are ephemeral, unless they are a check-in or an export."""
        user = inbound.user_id
        try:
            replies = (await self._engine(inbound)).replies
        except Exception:
            log.exception("the engine failed on a Slack command")
            await respond(text=self._dm.error_text(user), response_type="ephemeral")
            return
        interactive = any(r.question is not None or r.actions for r in replies)
        # Without a (clean) user id there is no DM to open: answer where it was asked.
        if user and (interactive or convert.is_export(inbound)):
            dm = await self._dm.channels.of(client, user)
            # Typed in their DM with the bot: the answer goes there through the command's
            # response_url, as a click's does, outside chat.postMessage's limits.
            responder = None
            if response_url and channel == dm:
                responder = Responder(response_url, (channel, ""), self._session)
            await self._dm.post_all(client, user, replies, responder)
            if channel != dm:
                notice = blocks.say("sent_by_dm", self._dm.locale(user))
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
            self._dm.learn_locale(user, view.person.locale)
        rendered = blocks.home_view(view) if view is not None else blocks.stranger_home()
        await client.views_publish(user_id=user, view=rendered)

    async def _open_answer_modal(
        self, client: AsyncWebClient, body: Mapping[str, Any], target: convert.ModalTarget
    ) -> None:
        original = _message_blocks(body)
        self._dm.prompts.open_modal((target.channel, target.ts), original)
        view = blocks.answer_modal(blocks.question_prompt(original), target)
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)

    async def _guarded(
        self,
        client: AsyncWebClient,
        user: str,
        inbound: Inbound,
        responder: Responder | None = None,
    ) -> Turn:
        """The engine's turn; on a failure (also a database still busy after the retries)
        the person is asked to try again, never left without an answer; the error is logged."""
        try:
            return await self._engine(inbound)
        except Exception:
            log.exception("the engine failed on a Slack event")
            await self._dm.say_error(client, user, responder)
            return Turn()


def _message_blocks(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    message = body.get("message")
    found = message.get("blocks") if isinstance(message, Mapping) else None
    return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []


async def _nothing() -> None:
    """Events Slack sends whether we need them or not; acknowledging them is enough."""
