"""The third contract's tables: agreements, their versions, signatures and follow-ups.

Versions, signatures and comments are only ever inserted, never updated: the history of a
negotiation is what both parties can later invoke. The `agreements` row carries the state
(status, which version is current, accepted and signed) and mirrors the current version's
category, i-deal flag and cadence, so lists, follow-up planning and HR counts need no join.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base
from bot.storage.sealed import SealedJSON, SealedText


class Agreement(Base):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Who wrote version 1, and in which role: the drafter alternates year by year.
    drafter_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    drafter_role: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    # draft -> proposed -> signed <-> at_risk; signed -> proposed (renegotiation);
    # any open status -> dropped; signed | at_risk -> completed.
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(40))
    is_i_deal: Mapped[bool] = mapped_column(Boolean)
    cadence: Mapped[str] = mapped_column(String(20))
    current_version: Mapped[int] = mapped_column(Integer)
    # The version the non-author accepted; both are then asked to sign exactly that one.
    accepted_version: Mapped[int | None] = mapped_column(Integer)
    # The last version both signed: the text in force, also while a renegotiation runs.
    signed_version: Mapped[int | None] = mapped_column(Integer)
    signed_at: Mapped[datetime | None]
    # The day the next follow-up round is due; None when the cadence is "none".
    next_follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    close_reason: Mapped[str | None] = mapped_column(SealedText)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when one party's data was erased: the row is the other party's tombstone.
    party_erased_at: Mapped[datetime | None]
    # An agency worker's agreement: the agency and its contact, as they were when it was
    # made, are the third party (of the pay and contract terms), reached by e-mail.
    agency: Mapped[str | None] = mapped_column(String(200))
    agency_contact_email: Mapped[str | None] = mapped_column(String(320))


class AgreementVersion(Base):
    """One complete wording of an agreement, as one party wrote it; never rewritten."""

    __tablename__ = "agreement_versions"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_agreement_version"),
        # An i-deal without its reason undermines the fairness colleagues must be able to see.
        CheckConstraint("NOT is_i_deal OR i_deal_rationale IS NOT NULL", name="i_deal_rationale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(SealedText)
    is_i_deal: Mapped[bool] = mapped_column(Boolean)
    i_deal_rationale: Mapped[str | None] = mapped_column(SealedText)
    start_date: Mapped[date] = mapped_column(Date)
    review_date: Mapped[date | None] = mapped_column(Date)
    cadence: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    # The text split into terms, each naming whose it is: [{"party": "manager" | "agency",
    # "text": ...}]; None when the whole text is one term between employee and manager.
    terms: Mapped[list[dict[str, Any]] | None] = mapped_column(SealedJSON)


class AgreementSignature(Base):
    """A party's signature on one exact version number."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (
        UniqueConstraint("agreement_id", "version", "signer_id", name="uq_agreement_signature"),
        ForeignKeyConstraint(
            ["agreement_id", "version"],
            ["agreement_versions.agreement_id", "agreement_versions.number"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    signer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(10))
    signed_at: Mapped[datetime]


class AgreementComment(Base):
    """A remark on a version during the negotiation, kept with its author and time."""

    __tablename__ = "agreement_comments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "version"],
            ["agreement_versions.agreement_id", "agreement_versions.number"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(SealedText)
    created_at: Mapped[datetime]


class AgreementFollowUp(Base):
    """One party's answer to "is this agreement on track?" for one period."""

    __tablename__ = "agreement_followups"
    __table_args__ = (
        UniqueConstraint("agreement_id", "party_id", "period", name="uq_agreement_followup"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    # on_track | partly | not | no_longer_relevant; None while unanswered.
    answer: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(SealedText)
    answered_at: Mapped[datetime | None]
    # How the question went out, and when: alone (a prompt of its own) or along (at the end
    # of a check-in, in the same conversation); None while it waits.
    asked: Mapped[str | None] = mapped_column(String(10))
    asked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Why the round was asked: None on the agreement's cadence; "checkin" early, because a
    # shared check-in answer said an agreement was not kept.
    asked_because: Mapped[str | None] = mapped_column(String(20))


class AgreementDialog(Base):
    """What a person is in the middle of (drafting, typing a comment or a reason), so a
    restart resumes it; one per person."""

    __tablename__ = "agreement_dialogs"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    # draft: the guided drafting dialog; text: waiting for typed text (purpose says what
    # for); choice: the options last shown, so a typed number on the console answers them.
    kind: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str | None] = mapped_column(String(20))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    version: Mapped[int | None] = mapped_column(Integer)
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_followups.id"))
    step: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AgencyRequest(Base):
    """What an agreement asks of its agency contact, who is outside the chat: to sign one
    version, or to answer one follow-up period. The e-mail carries a one-time link; only the
    link's SHA-256 hash is kept, replaced whenever the mail is composed again (a retry), and
    the answer closes it."""

    __tablename__ = "agency_requests"
    __table_args__ = (
        UniqueConstraint("agreement_id", "kind", "version", "period", name="uq_agency_request"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    # sign: `version` is the version to sign; follow_up: `period` is the round.
    kind: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=0)
    period: Mapped[str] = mapped_column(String(10), default="")
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None]
    # signed, or a follow-up answer (on_track | partly | not | no_longer_relevant).
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
