"""Answers to one interaction through its response_url, outside chat.postMessage's limits."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = logging.getLogger(__name__)

# Slack takes up to five messages through one response_url.
RESPONSE_URL_USES = 5


class Responder:
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
