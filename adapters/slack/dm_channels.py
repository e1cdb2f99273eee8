"""Where the DM channel id of each person lives, so conversations.open runs once per person
ever, not once per process start (it is a Tier 3 method: about 50 calls a minute)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.ratelimit import Throttle

log = logging.getLogger(__name__)

# conversations.open's answers for a user id the workspace does not have (or cannot DM).
UNKNOWN_USER_ERRORS = frozenset({"user_not_found", "user_disabled", "cannot_dm_bot"})


class DmChannelStore(Protocol):
    """DM channel ids by Slack user id (user ids are unique across workspaces)."""

    async def load_all(self) -> dict[str, str]:
        """Every known DM channel, read once at start so sends need no lookups."""
        ...

    async def put_many(self, channels: Mapping[str, str]) -> None:
        """Remember newly opened DM channels (user id -> channel id)."""
        ...


class MemoryDmChannelStore:
    """A DmChannelStore in a dict: for development without a database, and for tests."""

    def __init__(self) -> None:
        self.channels: dict[str, str] = {}

    async def load_all(self) -> dict[str, str]:
        return dict(self.channels)

    async def put_many(self, channels: Mapping[str, str]) -> None:
        self.channels.update(channels)


class DmChannels:
    """Each person's DM channel with the bot: read from the store at start, otherwise
    opened once (conversations.open) and stored in the background, a few at a time."""

    def __init__(self, store: DmChannelStore, throttle: Throttle) -> None:
        self._store = store
        self._throttle = throttle
        self._known: dict[str, str] = {}
        self._unsaved: dict[str, str] = {}
        self._saving: asyncio.Task[None] | None = None

    async def load(self) -> None:
        self._known.update(await self._store.load_all())

    async def of(self, client: AsyncWebClient, user: str) -> str:
        channel = self._known.get(user)
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
            self._known[user] = channel
            self._unsaved[user] = channel
            if self._saving is None or self._saving.done():
                self._saving = asyncio.get_running_loop().create_task(self._save())
        return channel

    async def saved(self) -> None:
        """Wait until the channels opened so far are stored (or failed to be)."""
        if self._saving is not None:
            await asyncio.gather(self._saving, return_exceptions=True)

    async def _save(self) -> None:
        while self._unsaved:
            batch, self._unsaved = self._unsaved, {}
            try:
                await self._store.put_many(batch)
            except Exception:  # only a cache: the DM is opened again next time
                log.warning("could not store %d Slack DM channels", len(batch), exc_info=True)
