"""The console while a person chats and the bot keeps ticking: a message the bot sends on
its own appears between the person's inputs, on a line of its own above a fresh prompt,
never in the middle of a reply."""

from __future__ import annotations

from typing import TextIO

from adapters.console.adapter import ConsoleAdapter
from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef, Turn

PROMPT = "> "
# Carriage return and "erase to the end of the line": the waiting prompt goes, the message
# takes its place, and the prompt is shown again below it.
CLEAR_LINE = "\r\x1b[K"


class BetweenInputs:
    """Wraps the console adapter; the engine and the outbox both talk to this one."""

    platform = "console"

    def __init__(self, console: ConsoleAdapter, stdout: TextIO, *, interactive: bool) -> None:
        self.console = console
        self.email = console.email
        self._stdout = stdout
        self._interactive = interactive
        # Inputs being handled: their replies are written as soon as the engine returns, and
        # a message sent meanwhile goes before them, where the prompt is not shown.
        self._handling = 0
        # The prompt is on screen while the chat waits for input (and not before it starts).
        self._conversing = False

    def mount(self, on_inbound: InboundHandler) -> None:
        async def handle(inbound: Inbound) -> Turn:
            self._handling += 1
            try:
                return await on_inbound(inbound)
            finally:
                self._handling -= 1

        self.console.mount(handle)

    def can_reach(self, person: PersonRef) -> bool:
        return self.console.can_reach(person)

    def unreachable_reason(self, person: PersonRef) -> str:
        return self.console.unreachable_reason(person)

    async def send(self, out: Outbound) -> MessageRef:
        if not (self._interactive and self._conversing) or self._handling:
            return await self.console.send(out)
        self._stdout.write(CLEAR_LINE)
        ref = await self.console.send(out)
        self._stdout.write(PROMPT)
        self._stdout.flush()
        return ref

    async def converse(self) -> None:
        self._conversing = True
        try:
            await self.console.converse()
        finally:
            self._conversing = False

    async def start(self) -> None:
        await self.console.start()

    async def stop(self) -> None:
        await self.console.stop()
