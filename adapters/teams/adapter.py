"""Microsoft Teams through botbuilder's CloudAdapter: /api/messages in, cards and proactive
messages out, conversation references kept in a ReferenceStore.

A person's message (typed, or a card submitted) is answered first and worked on after: the
request is acknowledged as soon as it is authenticated and queued (per person, in order),
and the replies go out through the Bot Connector, as proactive messages do, taking the
rate limiter's first free slot before messages the bot sends on its own. Everything else
(installs, file consent, which wants its answer in the response) runs inside the request.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters.ratelimit import Now, Sleep
from adapters.teams import cards, convert, files
from adapters.teams.limits import TENANT_PER_SECOND, send_keys, teams_throttle
from adapters.teams.references import ReferenceStore
from adapters.teams.speedups import ReusingAuthentication, speed_up
from adapters.work import WorkQueue
from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, Locale, MessageRef, Outbound, PersonRef, Turn

log = logging.getLogger(__name__)

CHANNEL_ID = "msteams"
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant"}
APP_TYPES["userassignedmsi"] = "UserAssignedMSI"
INSTALL_ACTIONS = frozenset({"add"})
UNINSTALL_ACTIONS = frozenset({"remove"})
# Cards with live buttons are remembered per chat, so that an answer (typed or clicked)
# replaces every card still asking the same prompt: the newest per chat, and the chats
# heard from or sent to most recently.
ASKED_KEPT = 10_000
ASKED_PER_CHAT = 8
# People whose messages are worked on at the same time.
WORK_CONCURRENCY = 8
STOP_GRACE_SECONDS = 10.0


class TeamsConfigError(ValueError):
    """The Teams settings are unsafe or incomplete; the message says what to set."""


def check_settings(
    *, profile: str, app_id: str, app_password: str, app_type: str, tenant_id: str
) -> list[str]:
    """Every problem with the Teams settings, each with how to fix it; empty when fine.

    Fails closed: without an app id nobody's requests can be authenticated, which is only
    acceptable on a developer's machine.
    """
    problems: list[str] = []
    kind = app_type.strip().lower() or "multitenant"
    if not app_id and profile != "development":
        problems.append(
            "MicrosoftAppId is empty, so Teams requests could not be authenticated; set "
            "MicrosoftAppId and MicrosoftAppPassword from the Azure Bot registration "
            "(only JAARROND_PROFILE=development may run Teams without them)"
        )
    if kind not in APP_TYPES:
        problems.append(
            f"MicrosoftAppType '{app_type}' is not one of MultiTenant, SingleTenant, "
            "UserAssignedMSI"
        )
    if app_id and kind in ("multitenant", "singletenant") and not app_password:
        problems.append(f"MicrosoftAppPassword is empty; a {APP_TYPES[kind]} bot needs its secret")
    if app_password and not app_id:
        problems.append("MicrosoftAppPassword is set but MicrosoftAppId is empty; set both")
    if app_id and kind in ("singletenant", "userassignedmsi") and not tenant_id:
        problems.append(f"MicrosoftAppTenantId is empty; a {APP_TYPES[kind]} bot needs it")
    return problems


@dataclass(frozen=True)
class _Asked:
    """A card with buttons that answer the prompt `token` (its question's, or the card's
    own buttons such as "add a comment"): an answer to that prompt settles it, keeping what
    it showed (its body, kept as JSON: thousands of these wait at a fan-out)."""

    token: str
    activity_id: str
    body: str

    def shown(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(self.body)
        return found


@dataclass(frozen=True)
class _SdkConfiguration:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class TeamsAdapter:
    """The ChatAdapter for Teams personal chats."""

    platform = "teams"

    def __init__(
        self,
        *,
        app_id: str,
        app_password: str,
        references: ReferenceStore,
        app_type: str = "MultiTenant",
        tenant_id: str = "",
        allowed_tenants: Iterable[str] = (),
        profile: str = "development",
        service_url: str = "",
        default_locale: Locale = "nl",
        speedups: bool = True,
        requests_per_second: float = TENANT_PER_SECOND,
        clock: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        concurrency: int = WORK_CONCURRENCY,
    ) -> None:
        problems = check_settings(
            profile=profile,
            app_id=app_id,
            app_password=app_password,
            app_type=app_type,
            tenant_id=tenant_id,
        )
        if problems:
            raise TeamsConfigError("\n".join(f"- {p}" for p in problems))
        if not app_id:
            log.warning("Teams requests are NOT authenticated (no MicrosoftAppId; development)")
        self._app_id = app_id
        self._references = references
        self._allowed = frozenset(t.strip() for t in allowed_tenants if t.strip())
        self._service_url = service_url
        # The tenant new 1:1 conversations are created in: the bot's own (single tenant),
        # else the one tenant the allowlist admits.
        sole = next(iter(self._allowed)) if len(self._allowed) == 1 else ""
        self._tenant = tenant_id or sole
        self._default_locale = default_locale
        sdk = _SdkConfiguration(
            APP_ID=app_id,
            APP_PASSWORD=app_password,
            APP_TYPE=APP_TYPES.get(app_type.strip().lower(), "MultiTenant"),
            APP_TENANTID=tenant_id,
        )
        self._cloud = CloudAdapter(ConfigurationBotFrameworkAuthentication(sdk))
        self._reusing: ReusingAuthentication | None = speed_up(self._cloud) if speedups else None
        self._handler: InboundHandler | None = None
        self._work = WorkQueue(concurrency)
        # Work waiting for Teams' limits gives its slot to work that can go on.
        self._throttle = teams_throttle(requests_per_second, clock, self._work.sleeping(sleep))
        self._known: set[str] = set()
        self._files = files.PendingFiles()
        # What the last saved reference per user was made of, so it is written only on change.
        self._fingerprints: dict[str, str] = {}
        self._asked: OrderedDict[str, list[_Asked]] = OrderedDict()

    # ---- the ChatAdapter port ---------------------------------------------------------------

    def mount(self, on_inbound: InboundHandler) -> None:
        self._handler = on_inbound

    def can_reach(self, person: PersonRef) -> bool:
        user = person.teams_user_id
        return bool(user) and (user in self._known or self._can_create())

    def unreachable_reason(self, person: PersonRef) -> str:
        if not person.teams_user_id:
            return "no Teams user id"
        missing = [
            name
            for name, value in (
                ("service URL (JAARROND_TEAMS_SERVICE_URL)", self._service_url),
                (
                    "tenant (MicrosoftAppTenantId, or one JAARROND_TEAMS_TENANTS entry)",
                    self._tenant,
                ),
            )
            if not value
        ]
        return (
            "no stored Teams conversation (they never opened the app) and no "
            f"{' and no '.join(missing)} to start one"
        )

    async def send(self, out: Outbound) -> MessageRef:
        """Proactive: through the stored conversation, or a new 1:1 conversation."""
        user = out.recipient.teams_user_id
        if not user:
            raise LookupError(f"{out.recipient.email} has no Teams user id")
        stored = await self._references.load(user)
        if stored is not None:
            reference = ConversationReference().deserialize(stored)
        elif self._can_create():
            reference = await self._create_conversation(user)
        else:
            raise LookupError(
                f"no Teams conversation with {user} yet: they need to open the app once, or "
                "set JAARROND_TEAMS_SERVICE_URL and the tenant (MicrosoftAppTenantId, or a "
                "single JAARROND_TEAMS_TENANTS entry) so the bot can start one"
            )
        chat = reference.conversation.id if reference.conversation else ""
        retired = self._retiring(chat, out)
        activity = self._render(out)
        sent = await self._send_to(reference, activity, retired)
        self._note_asked(sent.channel, sent.message_id, out, activity)
        return sent

    async def start(self) -> None:
        self._known |= await self._references.known_ids()

    async def stop(self) -> None:
        await self._work.drain(timeout=STOP_GRACE_SECONDS)
        if self._reusing is not None:
            await self._reusing.close()

    async def drain(self) -> None:
        """Wait for the work acknowledged requests started (tests, and a graceful stop)."""
        await self._work.drain()

    def route_hook(self) -> Callable[[web.Application], None]:
        """Adds POST /api/messages to the shared aiohttp application."""

        def hook(app: web.Application) -> None:
            app.router.add_post("/api/messages", self.handle_http)

        return hook

    # ---- inbound HTTP -----------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        """Authenticate, check the tenant, then queue a person's message (or run any other
        activity's turn); nothing is written before."""
        release = self._work.hold()
        try:
            return await self._handle_http(request)
        finally:
            release()

    async def _handle_http(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return web.Response(status=415)
        try:
            body = await request.json()
            if not isinstance(body, dict) or not isinstance(body.get("type"), str):
                raise ValueError("not an activity")
            if not convert.ids_are_clean(body):
                raise ValueError("control characters in an id")
            activity = Activity().deserialize(body)
        except web.HTTPRequestEntityTooLarge:
            # Over the server's client_max_size: refused before any parsing, and said so.
            return web.Response(status=413)
        except Exception:  # any malformed body: JSON, shape, or msrest deserialization
            return web.Response(status=400)
        header = request.headers.get("Authorization", "")
        auth = self._cloud.bot_framework_authentication
        try:
            authenticated = await auth.authenticate_request(activity, header)
        except PermissionError:
            return web.Response(status=401)
        except (aiohttp.ClientError, ConnectionError, TimeoutError):
            log.warning("could not fetch the Bot Framework signing keys", exc_info=True)
            return web.Response(status=503)
        except Exception:  # a malformed or forged token fails in many ways; all are 401
            log.info("rejected a Teams request with an invalid token", exc_info=True)
            return web.Response(status=401)
        if not convert.tenant_allowed(body, self._allowed):
            log.warning("rejected a Teams activity from tenant %r", convert.tenant_id(body))
            return web.Response(status=403)
        user = convert.user_id(body)
        if body.get("type") == "message" and convert.is_personal(body) and user:
            self._work.submit(user, partial(self._answer_later, body, activity))
            return web.Response(status=201)
        try:
            invoke = await self._cloud.process_activity(
                authenticated, activity, partial(self._turn, body)
            )
        except Exception:
            log.exception("handling a Teams activity failed")
            return web.Response(status=500)
        if invoke is not None:
            return web.json_response(serializer_helper(invoke.body), status=invoke.status)
        return web.Response(status=201)

    # ---- a person's message, after the acknowledgement ---------------------------------------

    async def _answer_later(self, body: Mapping[str, Any], activity: Activity) -> None:
        """The turn of a queued message, its replies sent through the Bot Connector as
        replies to the message (the reference keeps its id)."""
        reply = TurnContext.get_conversation_reference(activity)
        tenant = convert.tenant_id(body)
        if tenant and reply.conversation is not None:
            reply.conversation.tenant_id = tenant
        await self._cloud.continue_conversation(
            reply, partial(self._queued_turn, body, activity, reply), bot_app_id=self._app_id
        )

    async def _queued_turn(
        self,
        body: Mapping[str, Any],
        activity: Activity,
        reply: ConversationReference,
        context: TurnContext,
    ) -> None:
        await self._remember(activity, body)
        try:
            await self._message(context, body, personal=True, reply=reply)
        except Exception:
            # Also a database still busy after the retries: the person is asked to try
            # again, never left without an answer.
            log.exception("the engine failed on a Teams message")
            locale = self._locale_of(body)
            sorry = _activity(cards.plain(cards.label("error", locale), locale))
            await self._say(context, sorry, reply)

    async def _say(
        self, context: TurnContext, activity: Activity, reply: ConversationReference | None
    ) -> str:
        """A reply to the person's message; the id Teams gave it. After the request was
        answered (`reply` given) it goes through the connector as a reply to that message
        (TurnContext.send_activity would reply to the made-up id of the SDK's continuation
        event), ahead of the bot's own messages in the rate limiter."""
        if reply is None:
            response = await context.send_activity(activity)
            return str(response.id or "") if response is not None else ""
        await self._throttle.wait(self._keys_of(context), first=True)
        outgoing = TurnContext.apply_conversation_reference(activity, reply)
        sent = await context.adapter.send_activities(context, [outgoing])
        return str(sent[0].id or "") if sent and sent[0] is not None else ""

    def _keys_of(self, context: TurnContext) -> list[Hashable]:
        conversation = context.activity.conversation
        tenant = (conversation.tenant_id if conversation else None) or self._tenant
        return send_keys(tenant or "", conversation.id if conversation else "")

    # ---- turns ------------------------------------------------------------------------------

    async def _turn(self, body: Mapping[str, Any], context: TurnContext) -> None:
        kind = body.get("type")
        personal = convert.is_personal(body)
        if personal and convert.user_id(body):
            action = str(body.get("action") or "")
            if kind == "installationUpdate" and action in UNINSTALL_ACTIONS:
                await self._forget(convert.user_id(body))
                return
            if kind in ("message", "conversationUpdate", "installationUpdate"):
                await self._remember(context.activity, body)
        if kind == "message":
            await self._message(context, body, personal)
        elif kind == "invoke" and body.get("name") == files.CONSENT_INVOKE and personal:
            await self._file_consent(context, body)
        elif personal and _is_install(body):
            await self._welcome(context, body)

    async def _message(
        self,
        context: TurnContext,
        body: Mapping[str, Any],
        personal: bool,
        reply: ConversationReference | None = None,
    ) -> None:
        if not personal:
            # Check-ins are private: never answered where others can read along.
            notice = cards.label("personal_only", self._locale_of(body))
            await context.send_activity(_activity(cards.plain(notice, self._locale_of(body))))
            return
        inbound = convert.to_inbound(body)
        if inbound is None:
            return
        turn = await self._handle(inbound)
        chat = str((body.get("conversation") or {}).get("id") or "")
        locale = turn.replies[0].recipient.locale if turn.replies else self._locale_of(body)
        reply_to = body.get("replyToId")
        if inbound.token and isinstance(reply_to, str) and reply_to:
            prompt = cards.echoed_prompt(body.get("value"))
            if prompt is not None:
                # The clicked card's body when it is known, else its question.
                clicked = self._find_asked(chat, reply_to)
                before = clicked.shown() if clicked is not None else prompt
                await self._replace_card(context, chat, reply_to, before, turn, locale)
        for answered in self._answered_cards(chat, turn, typed=not inbound.token):
            await self._replace_card(
                context, chat, answered.activity_id, answered.shown(), turn, locale
            )
        for out in turn.replies:
            for retired in self._retiring(chat, out):
                await self._update(context, *retired, first=True)
            activity = self._render(out)
            sent = await self._say(context, activity, reply)
            if sent:
                self._note_asked(chat, sent, out, activity)

    def _render(self, out: Outbound) -> Activity:
        """The activity for a message; a file goes with it as an offer to accept."""
        data = cards.render(out)
        user = out.recipient.teams_user_id
        if out.attachment is not None and user:
            offer = self._files.offer(user, out.attachment, out.recipient.locale)
            data["attachments"].append(offer)
        return _activity(data)

    async def _file_consent(self, context: TurnContext, body: Mapping[str, Any]) -> None:
        """The person accepted (or declined) a file: upload it to where Teams says."""
        value = body.get("value")
        value = value if isinstance(value, Mapping) else {}
        file = self._files.take(convert.user_id(body), value)
        info = value.get("uploadInfo")
        if file is not None and isinstance(info, Mapping) and info.get("uploadUrl"):
            try:
                await files.upload(str(info["uploadUrl"]), file.content)
            except aiohttp.ClientError:
                log.warning("could not upload a file to Teams", exc_info=True)
            else:
                message = {"type": "message", "attachments": [files.info_card(info)]}
                await context.send_activity(_activity(message))
        await context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200))
        )

    async def _welcome(self, context: TurnContext, body: Mapping[str, Any]) -> None:
        """On install, the engine's help; once per conversation, whichever event comes."""
        conversation = str((body.get("conversation") or {}).get("id") or "")
        inbound = Inbound(
            platform=convert.PLATFORM,
            user_id=convert.user_id(body),
            text="help",
            event_id=f"welcome:{_hashed(conversation)}",
            display_name=str((body.get("from") or {}).get("name") or ""),
            # Who it is, as a message would say it: the Entra id and the client's language.
            extra=convert.identity(body),
        )
        for out in (await self._handle(inbound)).replies:
            await context.send_activity(self._render(out))

    async def _handle(self, inbound: Inbound) -> Turn:
        if self._handler is None:
            raise RuntimeError("mount the engine before serving Teams")
        return await self._handler(inbound)

    def _note_asked(self, chat: str, activity_id: str, out: Outbound, sent: Activity) -> None:
        question = out.question
        token = question.token if question is not None else out.key
        if not token or not chat or not activity_id or not sent.attachments:
            return
        if question is None and not out.actions:
            return
        content = sent.attachments[0].content or {}
        body = json.dumps(content.get("body", []), separators=(",", ":"))
        asked = self._asked.setdefault(chat, [])
        asked.append(_Asked(token, activity_id, body))
        del asked[:-ASKED_PER_CHAT]
        self._asked.move_to_end(chat)
        while len(self._asked) > ASKED_KEPT:
            self._asked.popitem(last=False)

    def _find_asked(self, chat: str, activity_id: str) -> _Asked | None:
        return next((a for a in self._asked.get(chat, ()) if a.activity_id == activity_id), None)

    def _answered_cards(self, chat: str, turn: Turn, *, typed: bool) -> list[_Asked]:
        """The cards a turn answered, besides one clicked: every card still asking what was
        recorded (the one answered by typing, or a card with its own buttons such as "add a
        comment"); for a typed answer that was out of date, the card asked last."""
        outcome = turn.outcome
        asked = list(self._asked.get(chat, ()))
        if outcome.kind == "recorded" and outcome.token:
            return [a for a in asked if a.token == outcome.token]
        if typed and outcome.kind == "refused" and asked and asked[-1].token == outcome.token:
            return asked[-1:]
        return []

    def _retiring(self, chat: str, out: Outbound) -> list[tuple[str, dict[str, Any]]]:
        """The cards to take the buttons off when `out` asks their question again: only the
        newest card of a question can be answered, also when other questions came between."""
        if out.question is None:
            return []
        token = out.question.token
        earlier = [a for a in self._asked.get(chat, ()) if a.token == token]
        for asked in earlier:
            self._forget_asked(chat, asked.activity_id)
        locale = out.recipient.locale
        return [(a.activity_id, cards.asked_again(a.shown(), locale)) for a in earlier]

    def _forget_asked(self, chat: str, activity_id: str) -> None:
        asked = self._asked.get(chat)
        if asked is None:
            return
        asked[:] = [a for a in asked if a.activity_id != activity_id]
        if not asked:
            del self._asked[chat]

    async def _replace_card(
        self,
        context: TurnContext,
        chat: str,
        card_id: str,
        before: cards.Shown,
        turn: Turn,
        locale: Locale,
    ) -> None:
        """Swap the answered card for what was recorded, so no stale buttons remain."""
        replacement = cards.answered_card(before, turn.outcome, locale)
        if replacement is not None:
            await self._update(context, card_id, replacement, first=True)
            self._forget_asked(chat, card_id)

    async def _update(
        self, context: TurnContext, card_id: str, card: dict[str, Any], *, first: bool = False
    ) -> None:
        """`first`: a reply to what the person did, ahead of the bot's own messages in the
        rate limiter (a proactive send waits for its slot before it calls this)."""
        activity = _activity(card)
        activity.id = card_id
        if first:
            await self._throttle.wait(self._keys_of(context), first=True)
        try:
            await context.update_activity(activity)
        except Exception:  # cosmetic: the answer is stored whatever happens to the card
            log.warning("could not replace an answered Teams card", exc_info=True)

    # ---- references -------------------------------------------------------------------------

    async def _remember(self, activity: Activity, body: Mapping[str, Any]) -> None:
        user = convert.user_id(body)
        # What a reference is made of; when none of it changed there is nothing to write,
        # and building the SDK's reference (msrest serialization) is skipped as well.
        conversation = body.get("conversation") or {}
        fingerprint = json.dumps(
            [
                conversation.get("id"),
                body.get("serviceUrl"),
                convert.tenant_id(body),
                body.get("recipient"),
                body.get("from"),
                body.get("locale"),
                body.get("channelId"),
            ],
            sort_keys=True,
        )
        if self._fingerprints.get(user) == fingerprint:
            return
        reference = TurnContext.get_conversation_reference(activity)
        reference.activity_id = None  # proactive messages start new messages, not replies
        tenant = convert.tenant_id(body)
        if tenant and reference.conversation is not None:
            # The SDK reads only "tenantID"; Teams sends "tenantId". Keep it for later.
            reference.conversation.tenant_id = tenant
        await self._store(user, convert.aad_object_id(body), reference)
        self._fingerprints[user] = fingerprint

    async def _store(
        self, user: str, aad_object_id: str | None, reference: ConversationReference
    ) -> None:
        data: dict[str, Any] = reference.serialize()
        await self._references.save(user, aad_object_id, data)
        self._known.update(i for i in (user, aad_object_id) if i)

    async def _forget(self, user: str) -> None:
        await self._references.forget(user)
        self._fingerprints.pop(user, None)
        self._known.discard(user)

    def _can_create(self) -> bool:
        return bool(self._service_url and self._tenant)

    async def _create_conversation(self, user: str) -> ConversationReference:
        """POST /v3/conversations for a 1:1 chat; the user may be a 29: id or an Entra id."""
        bot = ChannelAccount(id=self._app_id) if self._app_id else None
        await self._throttle.wait([("tenant", self._tenant)])
        parameters = ConversationParameters(
            is_group=False,
            bot=bot,
            members=[ChannelAccount(id=user)],
            tenant_id=self._tenant,
            channel_data={"tenant": {"id": self._tenant}},
        )
        created: list[Activity] = []

        async def capture(context: TurnContext) -> None:
            created.append(context.activity)

        await self._cloud.create_conversation(
            self._app_id, capture, parameters, CHANNEL_ID, self._service_url
        )
        reference = ConversationReference(
            channel_id=CHANNEL_ID,
            service_url=self._service_url,
            bot=bot,
            user=ChannelAccount(id=user),
            conversation=ConversationAccount(
                id=created[0].conversation.id,
                conversation_type="personal",
                tenant_id=self._tenant,
            ),
        )
        aad_object_id = None if user.startswith("29:") else user
        await self._store(user, aad_object_id, reference)
        return reference

    async def _send_to(
        self,
        reference: ConversationReference,
        activity: Activity,
        retired: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> MessageRef:
        reference.activity_id = None
        conversation = reference.conversation
        tenant = (conversation.tenant_id if conversation else None) or self._tenant
        keys = send_keys(tenant or "", conversation.id if conversation else "")
        await self._throttle.wait(keys)
        sent: list[Any] = []

        async def deliver(context: TurnContext) -> None:
            for card_id, card in retired:
                await self._throttle.wait(keys)
                await self._update(context, card_id, card)
            # Straight to the adapter: TurnContext.send_activity would make this a reply to
            # the made-up id of the SDK's continuation event.
            outgoing = TurnContext.apply_conversation_reference(activity, reference)
            sent.extend(await context.adapter.send_activities(context, [outgoing]))

        await self._cloud.continue_conversation(reference, deliver, bot_app_id=self._app_id)
        message_id = sent[0].id if sent and sent[0] is not None else ""
        return MessageRef(self.platform, reference.conversation.id, message_id or "")

    def _locale_of(self, body: Mapping[str, Any]) -> Locale:
        locale = str(body.get("locale") or "").lower()
        if locale.startswith("nl"):
            return "nl"
        if locale.startswith("en"):
            return "en"
        return self._default_locale


def _activity(data: Mapping[str, Any]) -> Activity:
    """The SDK's Activity for a rendered message (built directly: cheaper than msrest)."""
    attachments = [
        Attachment(
            content_type=a["contentType"],
            content=a.get("content"),
            content_url=a.get("contentUrl"),
            name=a.get("name"),
        )
        for a in data.get("attachments") or []
    ]
    return Activity(type=data["type"], attachments=attachments)


def _is_install(body: Mapping[str, Any]) -> bool:
    """The app was added to a personal chat: Teams says so in one or both of two ways."""
    if body.get("type") == "installationUpdate":
        return body.get("action") in INSTALL_ACTIONS
    if body.get("type") != "conversationUpdate":
        return False
    bot = (body.get("recipient") or {}).get("id")
    return any(
        isinstance(m, Mapping) and m.get("id") == bot for m in body.get("membersAdded") or []
    )
