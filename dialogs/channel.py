"""The port every chat platform adapter implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef, Turn

InboundHandler = Callable[[Inbound], Awaitable[Turn]]


class ChatAdapter(Protocol):
    platform: str

    def mount(self, on_inbound: InboundHandler) -> None:
        """Hand the adapter the engine's entry point for everything people send."""
        ...

    def can_reach(self, person: PersonRef) -> bool:
        """Whether this adapter can deliver a proactive message to the person."""
        ...

    async def send(self, out: Outbound) -> MessageRef: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class FindsSent(Protocol):
    """Optional: an adapter that can tell whether a message it was sending arrived.

    The outbox asks before it resends a message whose send was interrupted (a crash, a
    timeout), so a platform that can answer delivers exactly once; one that cannot gets the
    message again (at least once).
    """

    async def find_sent(self, recipient: PersonRef, key: str) -> MessageRef | None:
        """The message sent to `recipient` with this key, or None if it never arrived."""
        ...


def finder(adapter: ChatAdapter | None) -> FindsSent | None:
    """The adapter's find_sent capability, when it has one."""
    return adapter if adapter is not None and hasattr(adapter, "find_sent") else None  # type: ignore[return-value]


class ExplainsReach(Protocol):
    """Optional: an adapter that can say what is missing to reach a person, so a message
    waiting for them says why (no account id, no stored conversation and no way to start
    one, ...)."""

    def unreachable_reason(self, person: PersonRef) -> str:
        """Why `can_reach(person)` is false, in an operator's words."""
        ...


def why_unreachable(adapter: ChatAdapter, person: PersonRef) -> str:
    """What the adapter says is missing to reach the person, or a plain 'cannot reach'."""
    explain = getattr(adapter, "unreachable_reason", None)
    return str(explain(person)) if callable(explain) else "cannot reach this person"
