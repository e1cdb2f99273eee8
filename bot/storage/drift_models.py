"""Drift signals: a lasting change in one person's shared answers to one scale question
(dialogs/drift.py decides), kept so that it is told to the employee before their manager
sees it, and stays in the manager's digest until the trend returns or the two talked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class DriftSignal(Base):
    __tablename__ = "drift_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(100))
    # lower | higher: which way the answers moved; trend | jump: a level or one answer.
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    # The median of the earlier answers it was raised against: the trend has returned when
    # the recent answers are back near it (a new normal does not quietly clear it).
    baseline: Mapped[float] = mapped_column(Float)
    # The first answer of the change, and the answer that crossed the threshold.
    since: Mapped[datetime]
    raised_at: Mapped[datetime]
    # The outbox key of the note that told the person (once sent, it was shown to them),
    # and when they saw it in their home view: either lets it into the manager's digest.
    note_key: Mapped[str | None] = mapped_column(String(120))
    shown_at: Mapped[datetime | None]
    # When the trend returned; a conversation logged after `raised_at` also clears it.
    ended_at: Mapped[datetime | None]
