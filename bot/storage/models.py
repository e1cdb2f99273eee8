"""The database schema, as SQLAlchemy 2 typed models (changed only through Alembic)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Re-exported: the models are where the rest of the code looks for them.
from bot.storage.outbox_states import FINISHED_STATUSES as FINISHED_STATUSES
from bot.storage.outbox_states import OutboxKind as OutboxKind
from bot.storage.outbox_states import OutboxStatus as OutboxStatus
from bot.storage.sealed import SealableText, SealedJSON, SealedText


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC on every database and always hands back an aware UTC datetime.

    SQLite has no time zones, so a naive value would silently shift meaning; refuse it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # Unset locale or time zone falls back to the schedule's, then to the settings' default.
    locale: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    teams_user_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    is_hr: Mapped[bool] = mapped_column(Boolean, default=False)
    review_month: Mapped[int | None] = mapped_column(Integer)
    # The weekdays this person works, when not the schedule's (part-time); None: the schedule's.
    working_days: Mapped[list[str] | None]
    # permanent | temporary | agency (hired through an agency: the agency is party to the
    # pay and contract terms of their agreements, reached through its contact by e-mail).
    employment: Mapped[str] = mapped_column(
        String(10), default="permanent", server_default="permanent"
    )
    agency: Mapped[str | None] = mapped_column(String(200))
    agency_contact_email: Mapped[str | None] = mapped_column(String(320))
    # No prompts before this local date (the person said `pause until DATE`).
    paused_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When a full org import found them gone (inactive from then on): the leavers'
    # retention period counts from here; cleared when they come back.
    left_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when the person's data was erased: the row stays, anonymised, so the other party
    # of an agreement keeps a tombstone that points somewhere.
    erased_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(lazy="raise")
    manager: Mapped[Person | None] = relationship(remote_side=[id], lazy="raise")


class Menu(Base):
    """The question a person was shown last, by a reply or by a message the bot sent on its
    own: a typed number or label answers this question and no other."""

    __tablename__ = "menus"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    # A check-in's question: the menu is whatever that check-in asks now, read from it, so
    # answering its questions one by one leaves this row as it is (no write per answer).
    occurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_occurrences.id", ondelete="CASCADE")
    )
    # Any other question: its token, and the asking message without its text (title,
    # question with every option's names, buttons), to ask again; option labels can quote
    # a person's topic: sealed.
    token: Mapped[str | None] = mapped_column(String(120))
    message: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON)
    shown_at: Mapped[datetime]


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    theme: Mapped[str] = mapped_column(String(100))
    cadence: Mapped[str] = mapped_column(String(20))
    day: Mapped[str] = mapped_column(String(10))
    time: Mapped[str] = mapped_column(String(5))
    # {"all": true} | {"department": "Sales"} | {"emails": [...]}
    audience: Mapped[dict[str, Any]]
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(2))
    working_days: Mapped[list[str]]
    grace_minutes: Mapped[int] = mapped_column(Integer)
    # One reminder this long after the prompt if it is still unanswered; None: no reminder.
    remind_minutes: Mapped[int | None] = mapped_column(Integer)
    holidays: Mapped[str | None] = mapped_column(String(8))
    on_day_off: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Occurrences due before this moment are never planned, so applying a schedule
    # does not fire a backlog of prompts for periods that already passed.
    active_from: Mapped[datetime]
    updated_at: Mapped[datetime]


# Statuses of a check-in the person has not finished.
UNFINISHED = ("planned", "queued", "open", "snoozed")
# How a person is employed (Person.employment); agency workers have a third party.
EMPLOYMENTS = ("permanent", "temporary", "agency")


class Occurrence(Base):
    """One check-in for one person: planned by a schedule (once per period) or asked for."""

    __tablename__ = "checkin_occurrences"
    # Period before person: the same index answers "who already has this period's check-in".
    __table_args__ = (UniqueConstraint("schedule_id", "period", "person_id", name="uq_occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not indexed alone: uq_occurrence starts with it.
    schedule_id: Mapped[str | None] = mapped_column(ForeignKey("schedules.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    theme: Mapped[str] = mapped_column(String(100))
    # Indexed: the attention budget counts a month of check-ins per person by it.
    due_at: Mapped[datetime] = mapped_column(index=True)
    # When the next prompt of the same schedule is due: an unfinished check-in expires then.
    expires_at: Mapped[datetime | None]
    # When its reminder falls due (planned by a schedule that reminds); the reminder's
    # outbox row is written then, not at planning: most check-ins are done before it.
    remind_at: Mapped[datetime | None]
    # queued -> open -> (snoozed -> open) -> completed | stopped; or, never sent: paused,
    # skipped, missed, deferred (the person's attention budget for the month was spent)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # How its prompt went out: alone (a conversation of its own) or along (right after
    # another check-in, in the same conversation); None while unsent or asked for in chat.
    asked: Mapped[str | None] = mapped_column(String(10))
    question_ids: Mapped[list[str]]
    position: Mapped[int] = mapped_column(Integer, default=0)
    shared: Mapped[bool | None] = mapped_column(Boolean)
    snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("occurrence_id", "question_id", name="uq_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("checkin_occurrences.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    # Sealed (encrypted) for free text and health answers; clear only for scale and choice
    # answers of non-health questions, which group figures count in SQL.
    value: Mapped[str] = mapped_column(SealableText)
    # private: the employee only (health, always); shared: also the manager;
    # aggregate: the employee only, and counted in anonymous group figures.
    visibility: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime]


class Topic(Base):
    """Something an employee wants to talk about with their manager."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(SealedText)
    status: Mapped[str] = mapped_column(String(20), default="open")
    raised_at: Mapped[datetime]


def _one_of(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class OutboxMessage(Base):
    """A message the bot sends on its own: a check-in prompt or reminder (written with its
    occurrence), or a notice (an agreement's news, a follow-up question, a digest, a review
    brief, a logged conversation, an invitation), written with what caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "kind", name="uq_outbox_occurrence_kind"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # What a notice is about, for finding a subject's notices (partial: prompts and
        # reminders, most rows, are about no such subject and stay out of them).
        *(
            Index(
                f"ix_outbox_{column}",
                column,
                postgresql_where=text(f"{column} IS NOT NULL"),
                sqlite_where=text(f"{column} IS NOT NULL"),
            )
            for column in ("agreement_id", "followup_id", "conversation_id")
        ),
        # Unique among the messages that have a key (notices); prompts have none.
        Index(
            "uq_outbox_key",
            "key",
            unique=True,
            postgresql_where=text("key IS NOT NULL"),
            sqlite_where=text("key IS NOT NULL"),
        ),
        CheckConstraint(_one_of("status", OutboxStatus), name="status"),
        CheckConstraint(_one_of("kind", OutboxKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The check-in of a prompt or reminder; None for every other kind.
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_occurrences.id"))
    kind: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Unique per logical message (e.g. digest.<manager>.<day>), so queueing twice sends once
    # (uq_outbox_key); None for prompts and reminders (their occurrence and kind are their key).
    key: Mapped[str | None] = mapped_column(String(120))
    # What a notice says, or what it is rebuilt from when it is sent (sealed: it can quote
    # answers, notes and comments); None for prompts and reminders.
    payload: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON)
    # What the message is about, read when it is sent: a message whose subject moved on is
    # rebuilt from it or dropped as superseded.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_followups.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    # Kind `mail`: the address it goes to (an agency contact outside the chat); the person is
    # the agency worker it is about. A person's chat messages and each address's mails about
    # them are separate queues, so a mail server that is down holds back no chat message.
    recipient_email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # Not sent after this moment: recorded as expired instead (digests, briefs, invitations).
    expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(20))
    message_ref: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The dispatcher (process) that moved it to sending: a crash is told from a send in flight.
    claimed_by: Mapped[str | None] = mapped_column(String(100))


class ProcessedEvent(Base):
    """Platform event ids already handled, so a retried delivery is processed once."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime]
