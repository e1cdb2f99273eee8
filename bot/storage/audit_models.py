"""The audit log's table: who looked at whose data, what and when.

Rows are only ever inserted. A row names the viewer (None: the operator at the command line,
who has no person of their own), the person whose data was shown (None when a denied request
named nobody), what kind of view it was and which object (an agreement id, a denied action).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class AuditView(Base):
    __tablename__ = "audit_views"
    # "Who viewed my data" reads one person's rows, newest first.
    __table_args__ = (Index("ix_audit_views_subject_viewed", "subject_id", "viewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # digest | home_team | agreement | brief | denied
    what: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(100))
    viewed_at: Mapped[datetime]
