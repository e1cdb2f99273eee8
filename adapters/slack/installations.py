"""Where the installs in several workspaces (OAuth) keep their bot tokens: one per Slack
workspace Jaarrond is installed in.

The bot keeps them in its own database, in slack_sdk's tables; the adapter sees only this
port, so it holds no database connection and writes no SQL.
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

Workspace = tuple[str | None, str | None]  # (enterprise id, team id)


class SlackInstallations(Protocol):
    """slack_sdk's two stores bolt's OAuth flow needs, and the workspaces installed."""

    @property
    def installation_store(self) -> AsyncInstallationStore:
        """Where an install is saved, and a workspace's bot token found."""
        ...

    @property
    def state_store(self) -> AsyncOAuthStateStore:
        """The state of each install link, so that a redirect is accepted once."""
        ...

    @property
    def state_seconds(self) -> int:
        """How long an install link's state stays valid (also its cookie's lifetime)."""
        ...

    async def workspaces(self) -> list[Workspace]:
        """Every workspace this app is installed in with a bot token."""
        ...
