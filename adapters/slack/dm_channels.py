"""Where the DM channel id of each person lives, so conversations.open runs once per person
ever, not once per process start (it is a Tier 3 method: about 50 calls a minute)."""

from __future__ import annotations

from typing import Protocol


class DmChannelStore(Protocol):
    """DM channel ids by Slack user id (user ids are unique across workspaces)."""

    async def get(self, user_id: str) -> str | None: ...

    async def put(self, user_id: str, channel_id: str) -> None: ...

    async def load_all(self) -> dict[str, str]:
        """Every known DM channel, read once at start so sends need no lookups."""
        ...


class MemoryDmChannelStore:
    """A DmChannelStore in a dict: for development without a database, and for tests."""

    def __init__(self) -> None:
        self.channels: dict[str, str] = {}

    async def get(self, user_id: str) -> str | None:
        return self.channels.get(user_id)

    async def put(self, user_id: str, channel_id: str) -> None:
        self.channels[user_id] = channel_id

    async def load_all(self) -> dict[str, str]:
        return dict(self.channels)
