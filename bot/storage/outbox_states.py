"""What an outbox message is and where it stands.

Kept apart from the models (and free of SQLAlchemy) because the command line offers these
as choices: `jaarrond --help` should not wait for the database layer to load.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    """Where an outbox message stands. pending -> sending -> sent is the way out; the others
    end it without a send (or, for held, until the check-in it waits behind ends)."""

    PENDING = "pending"
    # Claimed by a dispatcher (`claimed_by`) and committed before the platform is called.
    SENDING = "sending"
    SENT = "sent"
    # A prompt waiting behind another open check-in; sent when that one ends.
    HELD = "held"
    # Given up after the last attempt; the reason is in last_error.
    FAILED = "failed"
    # No longer wanted: the check-in ended, the person left, the follow-up was answered.
    CANCELLED = "cancelled"
    # A newer message about the same subject (an agreement, a follow-up round) replaced it.
    SUPERSEDED = "superseded"
    # Not sent within its grace (a digest, a brief, an invitation): skipped, not sent late.
    EXPIRED = "expired"


class OutboxKind(StrEnum):
    """What an outbox message is: everything the bot says on its own."""

    PROMPT = "prompt"
    REMINDER = "reminder"
    AGREEMENT = "agreement"
    FOLLOW_UP = "follow_up"
    DIGEST = "digest"
    BRIEF = "brief"
    INVITATION = "invitation"
    TALKED = "talked"
    # A lasting change in the person's shared answers, told to them before their manager.
    DRIFT = "drift"
    # An e-mail to an agency contact about an agency worker's agreement (a request to sign,
    # a follow-up question, news), sent by the configured mail sender instead of a chat.
    MAIL = "mail"


# Finished: nothing will be sent for these any more (retention counts from their creation).
FINISHED_STATUSES = (
    OutboxStatus.SENT,
    OutboxStatus.FAILED,
    OutboxStatus.CANCELLED,
    OutboxStatus.SUPERSEDED,
    OutboxStatus.EXPIRED,
)
