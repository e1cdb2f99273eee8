"""Teams conversation references in the database, so proactive check-ins survive a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.models import Base


class TeamsConversation(Base):
    """The 1:1 conversation the bot has with one Teams user, as the SDK serialized it."""

    __tablename__ = "teams_conversations"

    # The Teams user id (29:...), unique per bot and user.
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The Entra object id: HR exports know people by it, so references are found by it too.
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reference: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class DatabaseReferenceStore:
    """The Teams adapter's ReferenceStore on the bot's database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def save(
        self, user_id: str, aad_object_id: str | None, reference: dict[str, Any]
    ) -> None:
        row = {
            "user_id": user_id,
            "aad_object_id": aad_object_id,
            "reference": reference,
            "updated_at": self._clock.now(),
        }
        async with self._db.session() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(TeamsConversation).values(row)
            # One statement, so two instances saving the same user at once cannot clash.
            statement = statement.on_conflict_do_update(
                index_elements=[TeamsConversation.user_id],
                set_={
                    k: statement.excluded[k] for k in ("aad_object_id", "reference", "updated_at")
                },
            )
            await session.execute(statement)

    async def load(self, user_id: str) -> dict[str, Any] | None:
        async with self._db.session() as session:
            found = await session.scalars(
                select(TeamsConversation)
                .where(
                    or_(
                        TeamsConversation.user_id == user_id,
                        TeamsConversation.aad_object_id == user_id,
                    )
                )
                .order_by(TeamsConversation.updated_at.desc())
                .limit(1)
            )
            row = found.first()
            return dict(row.reference) if row is not None else None

    async def forget(self, user_id: str) -> None:
        async with self._db.session() as session:
            await session.execute(
                delete(TeamsConversation).where(TeamsConversation.user_id == user_id)
            )

    async def known_ids(self) -> set[str]:
        async with self._db.session() as session:
            rows = await session.execute(
                select(TeamsConversation.user_id, TeamsConversation.aad_object_id)
            )
            ids: set[str] = set()
            for user_id, aad_object_id in rows:
                ids.add(user_id)
                if aad_object_id:
                    ids.add(aad_object_id)
            return ids
