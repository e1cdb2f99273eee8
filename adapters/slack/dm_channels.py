"""Where the DM channel id of each person lives, so conversations.open runs once per person
ever, not once per process start (it is a Tier 3 method: about 50 calls a minute)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


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
