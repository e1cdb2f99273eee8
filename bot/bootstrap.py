"""The composition root: the one place where objects are built and wired."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from adapters.console import ConsoleAdapter
from bot.clock import Clock, FixedClock, SystemClock, parse_moment
from bot.config import Settings
from bot.engine import Engine
from bot.scheduler import Ticker
from bot.services.agreements import AgreementService
from bot.services.checkins import CheckinService
from bot.services.outbox import Dispatcher
from bot.services.people import Defaults
from bot.storage.database import Database, head_revision
from dialogs.banks import Bank, load_banks
from dialogs.channel import ChatAdapter


class StartupError(RuntimeError):
    """The bot cannot start as configured; the message says what to change."""


def make_clock(settings: Settings, now: str | None = None) -> Clock:
    """A fixed clock when --now or JAARROND_NOW is given (rehearsals, scripts)."""
    moment = now or settings.now
    return FixedClock(parse_moment(moment)) if moment else SystemClock()


@dataclass
class App:
    settings: Settings
    clock: Clock
    db: Database
    banks: dict[str, Bank]
    defaults: Defaults
    checkins: CheckinService
    engine: Engine
    adapters: dict[str, ChatAdapter] = field(default_factory=dict)

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(self.db, self.clock, self.checkins, self.adapters)

    def ticker(self) -> Ticker:
        return Ticker(self.db, self.clock, self.banks, self.defaults, self.dispatcher())

    def add_adapter(self, adapter: ChatAdapter) -> None:
        adapter.mount(self.engine.handle)
        self.adapters[adapter.platform] = adapter


def build_app(settings: Settings, clock: Clock, db: Database | None = None) -> App:
    banks = load_banks(settings.banks_dirs)
    defaults = Defaults(locale=settings.default_locale, timezone=settings.default_timezone)
    database = db or Database(settings.database_url)
    checkins = CheckinService(banks, defaults)
    engine = Engine(database, clock, checkins, defaults, AgreementService(defaults))
    return App(settings, clock, database, banks, defaults, checkins, engine)


async def ensure_schema(app: App) -> None:
    """SQLite migrates itself; a shared PostgreSQL is migrated on purpose by an operator."""
    if app.db.is_sqlite:
        await app.db.upgrade()
        return
    current = await app.db.current_revision()
    if current == head_revision():
        return
    raise StartupError(
        f"the database schema is at revision {current or 'none'}, this version needs "
        f"{head_revision()}; run 'jaarrond db upgrade' first"
    )


def console_adapter(email: str) -> ConsoleAdapter:
    return ConsoleAdapter(email, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
