"""The composition root: the one place where objects are built and wired."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aiohttp import web

from adapters.console import BetweenInputs, ConsoleAdapter
from adapters.slack import SlackAdapter, SlackConfigError
from adapters.slack.limits import SlackLimits
from adapters.teams import TeamsAdapter, TeamsConfigError
from bot.clock import Clock, FixedClock, SystemClock, parse_moment
from bot.config import Settings
from bot.console.access import Access
from bot.console.context import ConsoleContext
from bot.engine import Engine
from bot.metrics import rate_limited_sleep
from bot.scheduler import Ticker
from bot.services.agreements import AgreementService
from bot.services.checkins import CheckinService
from bot.services.hr_questions import QuestionBanks
from bot.services.keys import ensure_keys
from bot.services.liveness import Liveness
from bot.services.outbox import Dispatcher
from bot.services.people import Defaults
from bot.storage.database import Database, head_revision, is_known_revision
from bot.storage.slack_channels import DatabaseDmChannelStore
from bot.storage.teams_references import DatabaseReferenceStore
from dialogs.banks import Bank, load_banks
from dialogs.channel import ChatAdapter


class PlatformAdapter(ChatAdapter, Protocol):
    """A chat platform that also serves HTTP endpoints on the shared server."""

    def route_hook(self) -> Callable[[web.Application], None]: ...


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
    console: ConsoleContext | None = None
    liveness: Liveness | None = None

    def dispatcher(self) -> Dispatcher:
        # One name per process: a send in flight here is never mistaken for a crash.
        if self.liveness is None:
            self.liveness = Liveness(self.db)
        return Dispatcher(self.db, self.clock, self.checkins, self.adapters, self.liveness)

    def ticker(self, *, person_id: int | None = None) -> Ticker:
        """The scheduler's tick; with `person_id` it sends only that person's messages."""
        return Ticker(
            self.db,
            self.clock,
            self.banks,
            self.defaults,
            self.dispatcher(),
            dialogue=self.settings.dialogue,
            retention=self.settings.retention,
            person_id=person_id,
        )

    def add_adapter(self, adapter: ChatAdapter) -> None:
        adapter.mount(self.engine.handle)
        self.adapters[adapter.platform] = adapter


def build_app(settings: Settings, clock: Clock, db: Database | None = None) -> App:
    ensure_keys(settings)
    banks = load_banks(settings.banks_dirs)
    defaults = Defaults(locale=settings.default_locale, timezone=settings.default_timezone)
    database = db or Database(settings.database_url)
    checkins = CheckinService(banks, defaults)
    development = settings.profile == "development"
    access = Access(settings.console, public_base_url(settings), development)
    engine = Engine(
        database,
        clock,
        checkins,
        defaults,
        AgreementService(defaults),
        dialogue=settings.dialogue,
        console=access,
    )
    console = ConsoleContext(database, clock, access, defaults, QuestionBanks(database, banks))
    return App(settings, clock, database, banks, defaults, checkins, engine, console=console)


def public_base_url(settings: Settings) -> str:
    """Where people reach this bot: the configured address, else this machine's port."""
    if settings.console.public_url:
        return settings.console.public_url
    host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}"


async def load_hr_questions(app: App) -> None:
    """HR's own questions join the banks before anything plans or asks a check-in."""
    if app.console is not None:
        await app.console.questions.refresh()


async def ensure_schema(app: App) -> None:
    """SQLite migrates itself; a shared PostgreSQL is migrated on purpose by an operator."""
    await refuse_unknown_revision(app.db)
    if app.db.is_sqlite:
        await app.db.upgrade()
        await load_hr_questions(app)
        return
    current = await app.db.current_revision()
    if current == head_revision():
        await load_hr_questions(app)
        return
    raise StartupError(
        f"the database schema is at revision {current or 'none'}, this version needs "
        f"{head_revision()}; run 'jaarrond db upgrade' first"
    )


async def refuse_unknown_revision(db: Database) -> None:
    """A database written by a newer version is never touched by this older one."""
    current = await db.current_revision()
    if current is not None and not is_known_revision(current):
        raise StartupError(
            f"the database is at schema revision {current}, which this version of Jaarrond "
            f"does not know (it knows up to {head_revision()}): it was upgraded by a newer "
            "version. Run that version, or restore a backup made for this one."
        )


def teams_adapter(app: App) -> TeamsAdapter:
    teams = app.settings.teams
    try:
        return TeamsAdapter(
            app_id=teams.app_id,
            app_password=teams.app_password,
            app_type=teams.app_type,
            tenant_id=teams.tenant_id,
            allowed_tenants=teams.allowed_tenants,
            profile=app.settings.profile,
            service_url=teams.service_url,
            default_locale=app.settings.default_locale,
            references=DatabaseReferenceStore(app.db, app.clock),
            requests_per_second=teams.requests_per_second,
        )
    except TeamsConfigError as exc:
        raise StartupError(f"Teams is not configured safely:\n{exc}") from exc


def console_adapter(email: str) -> BetweenInputs:
    """The terminal chat; what the bot sends on its own shows between the person's inputs."""
    interactive = sys.stdin.isatty()
    console = ConsoleAdapter(email, sys.stdin, sys.stdout, interactive=interactive)
    return BetweenInputs(console, sys.stdout, interactive=interactive)


def slack_adapter(app: App) -> SlackAdapter:
    try:
        return SlackAdapter(
            app.settings.slack,
            database=app.db.engine,
            home_provider=app.engine.home,
            directory_sink=app.engine.sync_directory,
            default_locale=app.settings.default_locale,
            # SQLite takes one writer at a time: more concurrent Slack work only meets locks.
            concurrency=1 if app.db.is_sqlite else 8,
            sleep=rate_limited_sleep("slack"),
            dm_channels=DatabaseDmChannelStore(app.db, app.clock),
            limits=slack_limits(app.settings),
        )
    except SlackConfigError as exc:
        raise StartupError(f"Slack is not configured completely:\n{exc}") from exc


def slack_limits(settings: Settings) -> SlackLimits:
    slack = settings.slack
    return SlackLimits(
        channel_per_second=slack.channel_per_second,
        workspace_per_second=slack.workspace_per_second,
        workspace_burst=max(1, int(slack.workspace_per_second)),
        opens_per_minute=slack.opens_per_minute,
        history_per_minute=slack.history_per_minute,
    )
