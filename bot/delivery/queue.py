"""The outbox as queues, without sending: which messages may go out now (each person's chat
messages, and each address's mail, in the order they were made), which running platform
reaches a person, the key a sent message carries to be found again, and the back-off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import aliased

from bot.storage.models import OutboxMessage, OutboxStatus
from dialogs.channel import ChatAdapter, why_unreachable
from dialogs.messages import Outbound, PersonRef

PLATFORM_PREFERENCE = ("slack", "teams", "console")


class Queued(Protocol):
    """What deciding about a message reads of it: an OutboxMessage, or a prompt's or
    reminder's row as the dispatcher claimed it (their rules need no entity)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def person_id(self) -> int: ...
    @property
    def occurrence_id(self) -> int | None: ...
    @property
    def attempts(self) -> int: ...
    @property
    def expires_at(self) -> datetime | None: ...


def backoff(attempts: int) -> timedelta:
    """Exponential back-off for transient failures: 30 s, 1 min, 2 min, ... at most 1 h."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


def route(person: PersonRef, adapters: Mapping[str, ChatAdapter]) -> ChatAdapter | None:
    """The channel a proactive message takes: the first running platform that reaches them."""
    for platform in PLATFORM_PREFERENCE:
        adapter = adapters.get(platform)
        if adapter is not None and adapter.can_reach(person):
            return adapter
    return None


def unreachable(person: PersonRef, adapters: Mapping[str, ChatAdapter]) -> str:
    """Why no running platform reaches the person, platform by platform."""
    running = [adapters[p] for p in PLATFORM_PREFERENCE if p in adapters]
    if not running:
        return "no chat platform runs in this process"
    return "; ".join(f"{a.platform}: {why_unreachable(a, person)}" for a in running)


def message_key(message: Queued) -> str:
    """What the platform message carries to be found again: unique per outbox message."""
    if message.occurrence_id is not None:
        return f"c{message.occurrence_id}.{message.kind}.{message.id}"
    return f"m{message.id}.{message.kind}"


def keyed(out: Outbound, key: str) -> Outbound:
    """The message carrying its outbox key. Buttons without a question are identified by the
    message's own key: such a message keeps it, and after a crash it cannot be looked up and
    is sent again. Every kind the bot sends on its own asks through a question."""
    if out.actions and out.question is None:
        return out
    return replace(out, key=key)


def due(now: datetime) -> Select[int, int]:
    """Messages that may go out now, in order: pending and due, and no message of the same
    person made before it is due too, waiting for a retry, or in flight."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.person_id == OutboxMessage.person_id,
        # A person's chat messages (no address) and each address's mail are separate queues.
        earlier.recipient_email.is_not_distinct_from(OutboxMessage.recipient_email),
        earlier.id < OutboxMessage.id,
        or_(
            earlier.status == OutboxStatus.SENDING,
            and_(
                earlier.status == OutboxStatus.PENDING,
                or_(earlier.attempts > 0, earlier.next_attempt_at <= now),
            ),
        ),
    )
    return (
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            ~blocked,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
