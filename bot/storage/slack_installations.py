"""The Slack adapter's installations (installs in several workspaces, OAuth) on the bot's
database: slack_sdk's own stores, on the tables migration 0003 creates."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import select

from bot.storage.database import Database

# How long an install link stays valid: time to read Slack's consent page and click.
STATE_SECONDS = 600


class DatabaseSlackInstallations:
    """The Slack adapter's SlackInstallations: bot tokens and OAuth states of one app."""

    state_seconds = STATE_SECONDS

    def __init__(self, db: Database, client_id: str) -> None:
        self._client_id = client_id
        self.installation_store = AsyncSQLAlchemyInstallationStore(client_id, db.engine)
        self.state_store = AsyncSQLAlchemyOAuthStateStore(STATE_SECONDS, db.engine)

    async def workspaces(self) -> list[tuple[str | None, str | None]]:
        """(enterprise id, team id) of every workspace with a bot token for this app."""
        bots = self.installation_store.bots
        query = (
            select(bots.c.enterprise_id, bots.c.team_id)
            .where(bots.c.client_id == self._client_id, bots.c.bot_token.is_not(None))
            .distinct()
        )
        async with self.installation_store.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(row[0], row[1]) for row in rows]
