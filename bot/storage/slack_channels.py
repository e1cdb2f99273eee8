"""Slack DM channel ids in the database, so a restart does not open every DM again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.models import Base


class DmChannel(Base):
    """The DM channel between the bot and one Slack user (what conversations.open answered)."""

    __tablename__ = "dm_channels"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class DatabaseDmChannelStore:
    """The Slack adapter's DmChannelStore on the bot's database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def load_all(self) -> dict[str, str]:
        async with self._db.session() as session:
            rows = await session.execute(select(DmChannel.user_id, DmChannel.channel_id))
            return {user: channel for user, channel in rows}

    async def put_many(self, channels: Mapping[str, str]) -> None:
        if not channels:
            return
        now = self._clock.now()
        rows = [
            {"user_id": user, "channel_id": channel, "updated_at": now}
            for user, channel in sorted(channels.items())
        ]
        async with self._db.session() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(DmChannel).values(rows)
            # One statement: two instances opening the same DM at once cannot clash.
            statement = statement.on_conflict_do_update(
                index_elements=[DmChannel.user_id],
                set_={k: statement.excluded[k] for k in ("channel_id", "updated_at")},
            )
            await session.execute(statement)
