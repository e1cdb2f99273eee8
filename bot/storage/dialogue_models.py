"""The dialogue's own tables: logged conversations, topics marked discussed and the review
briefs sent (one per person and year); what the bot sends about them waits in the outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Answer, Base
from bot.storage.sealed import SealedText


class Conversation(Base):
    """That an employee and their manager talked, logged by either; the note is shared."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    note: Mapped[str | None] = mapped_column(SealedText)
    # The annual review itself (`review held`), not just a conversation.
    is_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The other party's answer to "did the review take place?": None until they answer.
    review_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    happened_at: Mapped[datetime]
    created_at: Mapped[datetime]


class TopicDiscussion(Base):
    """A raised topic marked as discussed in a logged conversation (once per topic)."""

    __tablename__ = "topic_discussions"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    marked_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    discussed_at: Mapped[datetime]


class ReviewBriefSent(Base):
    """The review brief of one person's review year: the UNIQUE key sends it once."""

    __tablename__ = "review_briefs"
    __table_args__ = (UniqueConstraint("person_id", "year", name="uq_review_brief"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    year: Mapped[int] = mapped_column(Integer)
    review_start: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]
    # When both were invited to draft the new third contract (the review month began).
    invited_at: Mapped[datetime | None]


# The digest and the brief read one person's answers over a period: this index serves both
# without a sort (the single-column person index would scan a whole year per person).
Index("ix_answers_person_answered", Answer.person_id, Answer.answered_at)
