"""A console chat for one person: lines in from a terminal or a pipe, replies out."""

from __future__ import annotations

import asyncio
import itertools
import threading
from typing import TextIO

from adapters.console.render import render
from dialogs.channel import InboundHandler
from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef

QUIT_WORDS = frozenset({"quit", "exit", "afsluiten"})


class ConsoleAdapter:
    """Speaks for exactly one person, identified by email, as the console user."""

    platform = "console"

    def __init__(self, email: str, stdin: TextIO, stdout: TextIO, *, interactive: bool) -> None:
        self.email = email.strip().lower()
        self._stdin = stdin
        self._stdout = stdout
        self._interactive = interactive
        self._handler: InboundHandler | None = None
        self._ids = itertools.count(1)

    def mount(self, on_inbound: InboundHandler) -> None:
        self._handler = on_inbound

    def can_reach(self, person: PersonRef) -> bool:
        return person.email == self.email

    async def send(self, out: Outbound) -> MessageRef:
        self._write(render(out))
        return MessageRef(self.platform, self.email, str(next(self._ids)))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._stdout.flush()

    async def converse(self) -> None:
        """Read until end of input (or 'quit'); every line is one message to the bot."""
        if self._handler is None:
            raise RuntimeError("mount the engine before conversing")
        lines = self._read_lines()
        while True:
            if self._interactive:
                self._write("> ")
            line = await lines.get()
            if line is None:
                return
            text = line.rstrip("\r\n")
            if text.strip().casefold() in QUIT_WORDS:
                return
            if not text.strip():
                continue
            for reply in await self._handler(Inbound(self.platform, self.email, text=text)):
                await self.send(reply)

    def _read_lines(self) -> asyncio.Queue[str | None]:
        """Lines from a daemon thread, so a blocked read never keeps the process alive."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:
            for line in iter(self._stdin.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        return queue

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()
