"""What the bot says in a person's DM: posts (through a click's response_url when one is at
hand), and the answered prompts, which show what was recorded instead of their buttons."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.ratelimit import Throttle
from adapters.slack import blocks
from adapters.slack.dm_channels import DmChannels
from adapters.slack.limits import post_keys
from adapters.slack.prompts import LivePrompts, Prompt, button_values
from adapters.slack.responder import Responder
from dialogs.messages import Locale, MessageRef, Outbound, Turn

log = logging.getLogger(__name__)

PROMPT_EVENT = "jaarrond_prompt"
# How far back a DM is searched for a prompt whose send was interrupted (one page).
HISTORY_PAGE = 100


class DirectMessages:
    """Posts into DMs under Slack's limits, and keeps every copy of a prompt honest."""

    def __init__(self, channels: DmChannels, throttle: Throttle, default_locale: Locale) -> None:
        self.channels = channels
        self.prompts = LivePrompts()
        self._throttle = throttle
        self._default_locale = default_locale
        self._locales: dict[str, Locale] = {}

    def learn_locale(self, user: str, locale: Locale) -> None:
        self._locales[user] = locale

    def locale(self, user: str) -> Locale:
        return self._locales.get(user, self._default_locale)

    def error_text(self, user: str) -> str:
        locale = self._locales.get(user)
        return blocks.say("error", locale) if locale else blocks.both("error")

    async def post_all(
        self,
        client: AsyncWebClient,
        user: str,
        replies: Sequence[Outbound],
        responder: Responder | None = None,
    ) -> None:
        """Replies to what the person did: before anything the bot sends on its own."""
        for out in replies:
            await self.post(client, user, out, responder=responder, first=True)

    async def post(
        self,
        client: AsyncWebClient,
        user: str,
        out: Outbound,
        *,
        responder: Responder | None = None,
        first: bool = False,
    ) -> MessageRef:
        if out.recipient.person_id:
            self._locales[user] = out.recipient.locale
        channel = await self.channels.of(client, user)
        if out.question is not None:
            # Asked again: only the newest message of a question keeps its buttons, also
            # when other questions came between.
            locale = out.recipient.locale
            line = blocks.say("asked_again", locale)
            for earlier in self.prompts.of(user):
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
            self.prompts.remember(user, Prompt(channel, ts, token, last))
        if out.attachment is not None:
            # files.uploadV2: getUploadURLExternal, the upload itself, completeUploadExternal;
            # shared straight into the person's DM, so nobody else can see it.
            await client.files_upload_v2(
                channel=channel,
                content=out.attachment.content,
                filename=out.attachment.filename,
                title=out.attachment.filename,
            )
        return MessageRef("slack", channel, ts)

    async def say_error(
        self, client: AsyncWebClient, user: str, responder: Responder | None = None
    ) -> None:
        """Asks the person to try again, where they clicked if that still works."""
        message: dict[str, Any] = {"text": blocks.escape(self.error_text(user)), "mrkdwn": False}
        if responder is None or not await responder.post(message):
            channel = await self.channels.of(client, user)
            await self._throttle.wait(post_keys(client.token or "", channel), first=True)
            await client.chat_postMessage(channel=channel, **message)

    async def find_sent(self, client: AsyncWebClient, user: str, key: str) -> MessageRef | None:
        """The prompt with this key in the person's DM, if an interrupted send posted it.

        Every prompt carries its key in message metadata; the newest page of the DM is
        enough, since a check is made before any resend of a message sent moments ago.
        """
        channel = await self.channels.of(client, user)
        await self._throttle.wait([("history", client.token or "")])
        response = await client.conversations_history(
            channel=channel, limit=HISTORY_PAGE, include_all_metadata=True
        )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == PROMPT_EVENT and payload.get("key") == key:
                return MessageRef("slack", channel, str(message.get("ts") or ""))
        return None

    async def mark_copies(self, client: AsyncWebClient, user: str, turn: Turn) -> None:
        """Every message still showing buttons for the prompt just answered shows the answer
        instead (the same question may have been asked again, or shown again later)."""
        outcome = turn.outcome
        if outcome.kind != "recorded" or not outcome.token:
            return
        for prompt in self.prompts.of(user):
            if prompt.token == outcome.token:
                where = await self._located(client, user, prompt)
                if where is not None:
                    original = json.loads(prompt.blocks)
                    await self.mark_answered(client, user, where, original, turn)

    async def mark_answered(
        self,
        client: AsyncWebClient,
        user: str,
        where: tuple[str, str],
        original: list[dict[str, Any]],
        turn: Turn,
        responder: Responder | None = None,
    ) -> None:
        """The answered prompt without its buttons, showing what the engine recorded."""
        locale = turn.replies[0].recipient.locale if turn.replies else self.locale(user)
        line = blocks.recorded_line(turn.outcome.value, turn.outcome.label, locale)
        answered = blocks.answered(original, line, locale)
        await self._replace(client, user, where, answered, responder)

    async def _replace(
        self,
        client: AsyncWebClient,
        user: str,
        where: tuple[str, str],
        message: Mapping[str, Any],
        responder: Responder | None = None,
    ) -> None:
        """Update an answered prompt, but only one in this person's own DM with the bot."""
        if where[0] != await self.channels.of(client, user):
            return
        self.prompts.forget(user, where)  # answered: its buttons are gone
        if responder is not None and responder.where == where and await responder.replace(message):
            return
        try:
            await client.chat_update(channel=where[0], ts=where[1], **message)
        except Exception:  # cosmetic: the answer is stored whatever happens to the message
            log.warning("could not update an answered Slack prompt", exc_info=True)

    async def _located(
        self, client: AsyncWebClient, user: str, prompt: Prompt
    ) -> tuple[str, str] | None:
        """Where a message with live buttons is; one posted through a response_url is
        found in the newest page of the DM by its buttons (answered copies have none)."""
        if prompt.ts:
            return (prompt.channel, prompt.ts)
        wanted = button_values(json.loads(prompt.blocks))
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
                if wanted <= button_values(message.get("blocks") or []):
                    found = str(message.get("ts") or "")
                    break
        if not found:
            self.prompts.drop(user, prompt)  # gone from the DM's newest page
            return None
        self.prompts.learn_ts(user, prompt.token, (prompt.channel, found))
        return (prompt.channel, found)
