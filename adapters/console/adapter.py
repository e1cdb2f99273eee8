"""A console chat for one person: lines in from a terminal or a pipe, replies out."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from pathlib import Path
from typing import TextIO

from adapters.console.render import render
from dialogs.channel import InboundHandler
from dialogs.messages import Attachment, Inbound, MessageRef, Outbound, PersonRef

QUIT_WORDS = frozenset({"quit", "exit", "afsluiten"})


class ConsoleAdapter:
    """Speaks for exactly one person, identified by email, as the console user."""

    platform = "console"

    def __init__(
        self,
        email: str,
        stdin: TextIO,
        stdout: TextIO,
        *,
        interactive: bool,
        files_dir: Path | None = None,
    ) -> None:
        self.email = email.strip().lower()
        # Where files sent to the console user (a data export) are written.
        self._files_dir = files_dir
        self._stdin = stdin
        self._stdout = stdout
        self._interactive = interactive
        self._handler: InboundHandler | None = None
        self._ids = itertools.count(1)

    def mount(self, on_inbound: InboundHandler) -> None:
        self._handler = on_inbound

    def can_reach(self, person: PersonRef) -> bool:
        return person.email == self.email

    def unreachable_reason(self, person: PersonRef) -> str:
        return f"the console chats as {self.email} only"

    async def send(self, out: Outbound) -> MessageRef:
        self._write(render(out))
        if out.attachment is not None:
            self._write(f"-> {self._save(out.attachment)}\n")
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
            turn = await self._handler(Inbound(self.platform, self.email, text=text))
            for reply in turn.replies:
                await self.send(reply)

    def _read_lines(self) -> asyncio.Queue[str | None]:
        """Lines from a daemon thread, so a blocked read never keeps the process alive."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:
            try:
                for line in iter(self._stdin.readline, ""):
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except RuntimeError:
                return  # the chat ended (its loop closed) while a line was still being read

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        return queue

    def _save(self, attachment: Attachment) -> Path:
        """Write the file next to earlier ones without overwriting them, readable by the
        owner only: it holds personal data."""
        folder = self._files_dir or Path.cwd()
        stem, dot, suffix = Path(attachment.filename).name.rpartition(".")
        for number in itertools.count(1):
            name = attachment.filename if number == 1 else f"{stem}-{number}{dot}{suffix}"
            path = folder / Path(name).name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as file:
                file.write(attachment.content)
            return path.resolve()
        raise AssertionError("unreachable")

    def _write(self, text: str) -> None:
        self._stdout.write(text)
        self._stdout.flush()
