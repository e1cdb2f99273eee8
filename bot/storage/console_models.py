"""The admin console's tables: one-time sign-in links, sessions, and HR's own questions.

Link and session tokens are stored only as SHA-256 hashes: a copy of the database never
holds a token that opens the console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class ConsoleLink(Base):
    __tablename__ = "console_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # Set when the link was used: a second use is refused.
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Sent in every form and compared on every POST; it never leaves the session's pages.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class HrQuestion(Base):
    """A question HR added to a theme; merged into that theme's bank for check-ins."""

    __tablename__ = "hr_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    # Scale ends {"low": {"nl", "en"}, "high": {...}}; choice options [{"value", "nl", "en"}].
    labels: Mapped[dict[str, Any]]
    health: Mapped[bool] = mapped_column(Boolean, default=False)
    visible_to_manager: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
