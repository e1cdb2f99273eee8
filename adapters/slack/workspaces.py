"""Which Slack workspace each person is in, and the Web API client with its bot token.

With one bot token there is one workspace and one client. Installed in several workspaces
(OAuth), a person's workspace is learnt from what they send and from the directory sync,
and its bot token comes from the installations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import convert
from adapters.slack.directory import list_users
from adapters.slack.installations import SlackInstallations, Workspace
from dialogs.messages import DirectoryUser


class Workspaces:
    """The Web API clients, one per bot token, on one shared HTTP session."""

    def __init__(
        self,
        bot_client: AsyncWebClient,
        installations: SlackInstallations | None,
        *,
        base_url: str,
        retry: Sequence[AsyncRetryHandler],
    ) -> None:
        self._bot_client = bot_client
        self._installations = installations
        self._base_url = base_url
        self._retry = list(retry)
        self._session: aiohttp.ClientSession | None = None
        self._clients: dict[str, AsyncWebClient] = {}
        self._of_user: dict[str, Workspace] = {}

    def use_session(self, session: aiohttp.ClientSession | None) -> None:
        """Every client from now on on `session` (None: each makes its own again)."""
        self._session = session
        self._bot_client.session = session
        self._clients.clear()  # made with the session before

    def remember(self, user: str, body: Mapping[str, Any]) -> None:
        """The workspace a person's event came from."""
        if user and self._installations is not None:
            self._of_user[user] = convert.workspace_of(body)

    async def client_for(self, user: str) -> AsyncWebClient:
        """The client with the bot token of the person's workspace."""
        if self._installations is None:
            return self._bot_client
        workspace = self._of_user.get(user)
        if workspace is None:
            installed = await self._installations.workspaces()
            if len(installed) != 1:
                raise LookupError(
                    f"not known in which Slack workspace {user} is; the directory sync "
                    "links people to workspaces"
                )
            workspace = installed[0]
        return await self._workspace_client(workspace)

    def client(self, token: str | None) -> AsyncWebClient:
        """One client per bot token, on the shared session (a request's own client is not
        kept for the work after the ack)."""
        if not token:
            return self._bot_client
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

    async def directory(self) -> list[DirectoryUser]:
        """Everyone in every workspace installed, each remembered with their workspace."""
        if self._installations is None:
            return await list_users(self._bot_client)
        users: list[DirectoryUser] = []
        for workspace in await self._installations.workspaces():
            listed = await list_users(await self._workspace_client(workspace))
            self._of_user.update((user.user_id, workspace) for user in listed)
            users += listed
        return users

    async def _workspace_client(self, workspace: Workspace) -> AsyncWebClient:
        assert self._installations is not None
        enterprise_id, team_id = workspace
        bot = await self._installations.installation_store.async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=team_id is None
        )
        if bot is None or not bot.bot_token:
            raise LookupError(f"Jaarrond is not installed in Slack workspace {team_id}")
        return self.client(str(bot.bot_token))
