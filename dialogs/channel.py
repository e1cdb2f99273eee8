"""The port every chat platform adapter implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef

InboundHandler = Callable[[Inbound], Awaitable[Sequence[Outbound]]]


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
