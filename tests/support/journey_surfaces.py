"""What every journey driver does, and the console's driver.

A surface runs the whole bot behind one chat platform and lets a journey act as a person
there: type a line, click a button, fill in a form, press a navigation button. It reads
back what each person sees (`screen`), as one `Shown` per message in the order sent, with
the state the message is in now. It records every turn the engine gave (a spy around the
engine's handler) and every message the bot sent on its own (a spy around the adapter's
send), so the runner can compare surfaces by what the engine said.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.org.organisation import import_org
from bot.storage.database import Database
from dialogs.messages import Inbound, MessageRef, Outbound, PersonRef, Turn
from tests.support.journey_script import Cast, Member
from tests.support.testbot import QUIET


@dataclass
class Shown:
    """One message as a person sees it."""

    id: str
    # Everything readable on it now (after any update), one text per line.
    text: str
    # The question it asked when it was sent ("" for none), and its options in the order
    # shown: option N is what typing N means.
    token: str = ""
    options: tuple[str, ...] = ()
    # Buttons, choices and inputs that can still be used now.
    live: bool = False
    replaced: bool = False
    files: tuple[str, ...] = ()
    # Every prompt token its buttons carried when sent: the question's, and its other
    # buttons' (skip, cancel, add a comment).
    keys: frozenset[str] = frozenset()


@dataclass
class Recorder:
    """The spies: every turn of the engine and every message sent on the bot's own."""

    turns: list[Turn] = field(default_factory=list)
    sent: list[Outbound] = field(default_factory=list)

    def engine(self, app: App) -> Callable[[Inbound], Awaitable[Turn]]:
        async def spy(inbound: Inbound) -> Turn:
            turn = await app.engine.handle(inbound)
            self.turns.append(turn)
            return turn

        return spy

    def watch_sends(self, adapter: object) -> None:
        """Record what the bot sends through `adapter` on its own (the outbox, notices)."""
        send: Callable[[Outbound], Awaitable[MessageRef]] = adapter.send  # type: ignore[attr-defined]

        async def spy(out: Outbound) -> MessageRef:
            self.sent.append(out)
            return await send(out)

        adapter.send = spy  # type: ignore[attr-defined]


class Surface:
    """The common part of the three drivers."""

    name = ""

    def __init__(self, app: App, clock: FixedClock, cast: Cast) -> None:
        self.app = app
        self.clock = clock
        self.cast = cast
        self.recorder = Recorder()

    async def type(self, member: Member, text: str) -> None:
        raise NotImplementedError

    async def click(self, member: Member, token: str, value: str, *, oldest: bool = False) -> bool:
        """Press the button (or choose the option) for `value` on the newest (or oldest)
        message that still offers it for `token`; False when no message does."""
        raise NotImplementedError

    async def form(self, member: Member, token: str, text: str) -> bool:
        """Answer a free-text question through the platform's form; False when there is none."""
        raise NotImplementedError

    async def navigate(self, member: Member, command: str) -> bool:
        """Press a navigation button that stands for `command`; False when none shows it."""
        raise NotImplementedError

    def screen(self, member: Member) -> list[Shown]:
        raise NotImplementedError

    def mark(self) -> int:
        """A position in the platform's record, for `replaced_since`."""
        return 0

    def replaced_since(self, mark: int) -> list[tuple[str, str]]:
        """(person key, message id) of every message updated since `mark`."""
        return []

    async def tick(self) -> None:
        await self.app.ticker().tick()

    async def close(self) -> None:
        return None


def build(db: Database, clock: FixedClock, env: dict[str, str] | None = None) -> App:
    return build_app(load_settings({**QUIET, **(env or {})}), clock, db=db)


# ---- the console -------------------------------------------------------------------------


class Screen(io.StringIO):
    """One person's terminal; every write is kept apart (the console writes a message at a
    time), with the message it showed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, Outbound | None]] = []
        self.showing: Outbound | None = None

    def write(self, text: str) -> int:
        self.writes.append((text, self.showing))
        return super().write(text)


_OPTION = re.compile(r"^  (\d+)\. (.*)$")
_SCALE = re.compile(r"^  1 = .*  \.\.\.  5 = ")


def console_shown(number: int, text: str, out: Outbound | None) -> Shown:
    """A console message: its numbered lines are its options; a scale is numbered 1 to 5."""
    lines = text.rstrip("\n").split("\n")
    # Option N is the line numbered N, wherever it stands.
    numbered = {int(m.group(1)): m.group(2) for line in lines if (m := _OPTION.match(line))}
    count = max(numbered, default=0)
    options = [numbered.get(n, f"(no option {n})") for n in range(1, count + 1)]
    if any(_SCALE.match(line) for line in lines):
        options = ["1", "2", "3", "4", "5"]
    question = out.question if out is not None else None
    token = question.token if question is not None else ""
    keys = {token, out.key if out is not None and out.actions else ""} - {""}
    return Shown(
        id=str(number), text=text, token=token, options=tuple(options), keys=frozenset(keys)
    )


class ConsoleSurface(Surface):
    """The real ConsoleAdapter, one per person and line typed (as `jaarrond chat --as` runs
    it with piped input); what the bot sends on its own reaches the same terminal."""

    name = "console"

    def __init__(self, app: App, clock: FixedClock, cast: Cast, files: Path) -> None:
        super().__init__(app, clock, cast)
        self.files = files
        self.screens = {m.email: Screen() for m in cast.members}
        room = ConsoleRoom(self)
        app.add_adapter(room)
        self.recorder.watch_sends(room)

    def adapter(self, email: str, typed: str = "") -> ConsoleAdapter:
        screen = self.screens[email]
        adapter = ConsoleAdapter(
            email, io.StringIO(typed), screen, interactive=False, files_dir=self.files
        )
        send = adapter.send

        async def showing(out: Outbound) -> MessageRef:
            screen.showing = out
            try:
                return await send(out)
            finally:
                screen.showing = None

        adapter.send = showing  # type: ignore[method-assign]
        adapter.mount(self.recorder.engine(self.app))
        return adapter

    async def type(self, member: Member, text: str) -> None:
        await self.adapter(member.email, text + "\n").converse()

    async def click(self, member: Member, token: str, value: str, *, oldest: bool = False) -> bool:
        raise AssertionError("the console has no buttons; the runner types instead")

    async def form(self, member: Member, token: str, text: str) -> bool:
        await self.type(member, text)
        return True

    async def navigate(self, member: Member, command: str) -> bool:
        await self.type(member, command)
        return True

    def screen(self, member: Member) -> list[Shown]:
        shown: list[Shown] = []
        for text, out in self.screens[member.email].writes:
            if text.startswith("-> ") and shown:
                last = shown[-1]
                name = Path(text[3:].strip()).name
                shown[-1] = replace(last, text=last.text + text, files=(*last.files, name))
                continue
            shown.append(console_shown(len(shown) + 1, text, out))
        return shown


class ConsoleRoom:
    """Everyone's terminal as one platform, for what the bot sends on its own."""

    platform = "console"

    def __init__(self, surface: ConsoleSurface) -> None:
        self.surface = surface

    def mount(self, on_inbound: Callable[[Inbound], Awaitable[Turn]]) -> None:
        return None  # people type through their own ConsoleAdapter

    def can_reach(self, person: PersonRef) -> bool:
        return any(m.email == person.email and not m.stranger for m in self.surface.cast.members)

    async def send(self, out: Outbound) -> MessageRef:
        return await self.surface.adapter(out.recipient.email).send(out)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


async def console_surface(db: Database, clock: FixedClock, cast: Cast, files: Path) -> Surface:
    app = build(db, clock)
    await import_org(db, cast.org_csv(), clock.now())
    return ConsoleSurface(app, clock, cast, files)
