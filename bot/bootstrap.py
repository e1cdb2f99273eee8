"""The composition root: the one place where objects are built and wired.

What a command does not use is not imported: the engine, the admin console and the chat
platforms' SDKs are built (and their modules loaded) the first time something asks for
them, so `jaarrond org list` starts in a fraction of the time `jaarrond run` needs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.clock import Clock, FixedClock, SystemClock, parse_moment
from bot.config import Settings
from bot.org.people import Defaults
from bot.privacy.key_setup import ensure_keys
from bot.storage.database import Database, head_revision, is_known_revision
from dialogs.channel import ChatAdapter, InboundHandler

if TYPE_CHECKING:
    from aiohttp import web

    from adapters.console import BetweenInputs
    from adapters.slack import SlackAdapter
    from adapters.slack.limits import SlackLimits
    from adapters.teams import TeamsAdapter
    from bot.checkins.service import CheckinService
    from bot.console.access import ConsoleSignin
    from bot.console.context import ConsoleContext
    from bot.delivery.dispatcher import Dispatcher
    from bot.delivery.liveness import Liveness
    from bot.delivery.mail import MailSender
    from bot.engine import Engine
    from bot.lifecycle import TickLoop
    from bot.runtime import Runtime
    from bot.scheduler import Ticker
    from bot.schedules.questions import QuestionBanks
    from dialogs.banks import Bank
    from dialogs.ladder import Rules


# People whose Slack work (engine turn and replies) runs at the same time.
SLACK_WORK_CONCURRENCY = 8


class PlatformAdapter(ChatAdapter, Protocol):
    """A chat platform that also serves HTTP endpoints on the shared server."""

    def route_hook(self) -> Callable[[web.Application], None]: ...


class StartupError(RuntimeError):
    """The bot cannot start as configured; the message says what to change."""


def make_clock(settings: Settings, now: str | None = None) -> Clock:
    """A fixed clock when --now or JAARROND_NOW is given (rehearsals, scripts)."""
    moment = now or settings.now
    return FixedClock(parse_moment(moment)) if moment else SystemClock()


class App:
    """Everything a command works with. The settings, clock and database exist from the
    start; the question banks, check-in service, engine and admin console on first use."""

    def __init__(self, settings: Settings, clock: Clock, db: Database) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.defaults = Defaults(
            locale=settings.default_locale,
            timezone=settings.default_timezone,
            max_prompts_per_month=settings.max_prompts_per_month,
        )
        self.adapters: dict[str, ChatAdapter] = {}
        self.liveness: Liveness | None = None

    @functools.cached_property
    def banks(self) -> dict[str, Bank]:
        """The live banks: built in, plus HR's own questions once `questions` has read them."""
        from dialogs.banks import load_banks
        from dialogs.tips import use_tips

        banks = load_banks(self.settings.banks_dirs)
        # The coaching tips are banks too: a broken tips file stops the start with its error.
        use_tips(self.settings.tips_dirs)
        return banks

    @functools.cached_property
    def ladder_rules(self) -> Rules:
        """The development ladder's rules (checked when the settings were read)."""
        from dialogs.ladder import load_rules

        return load_rules(self.settings.ladder_rules)

    @functools.cached_property
    def questions(self) -> QuestionBanks:
        from bot.schedules.questions import QuestionBanks

        # HR's own questions join `banks` (the same dict) when they are read.
        return QuestionBanks(self.db, self.banks)

    @functools.cached_property
    def checkins(self) -> CheckinService:
        from bot.checkins.service import CheckinService

        return CheckinService(self.banks, self.defaults)

    @functools.cached_property
    def signin(self) -> ConsoleSignin:
        from bot.console.access import ConsoleSignin

        development = self.settings.profile == "development"
        return ConsoleSignin(self.settings.console, public_base_url(self.settings), development)

    @functools.cached_property
    def engine(self) -> Engine:
        from bot.agreements.service import AgreementService
        from bot.engine import Engine

        return Engine(
            self.db,
            self.clock,
            self.checkins,
            self.defaults,
            AgreementService(self.defaults),
            console=self.signin,
            dialogue=self.settings.dialogue,
            ladder_rules=self.ladder_rules,
        )

    @functools.cached_property
    def console(self) -> ConsoleContext:
        from bot.console.context import ConsoleContext

        return ConsoleContext(
            self.db, self.clock, self.signin, self.defaults, self.questions, self.ladder_rules
        )

    @functools.cached_property
    def mail(self) -> MailSender | None:
        """The e-mail sender the settings choose (None: off); tests set a recording one."""
        from bot.delivery.mail import build_sender

        return build_sender(self.settings.mail)

    def dispatcher(self) -> Dispatcher:
        from bot.agreements.agency_mail import AgencyMail
        from bot.delivery.dispatcher import Dispatcher
        from bot.delivery.liveness import Liveness

        # One name per process: a send in flight here is never mistaken for a crash.
        if self.liveness is None:
            self.liveness = Liveness(self.db)
        return Dispatcher(
            self.db,
            self.clock,
            self.checkins,
            self.adapters,
            self.liveness,
            mail=self.mail,
            agency=AgencyMail(public_base_url(self.settings)),
        )

    def ticker(self, *, person_id: int | None = None) -> Ticker:
        """The scheduler's tick; with `person_id` it sends only that person's messages."""
        return self._ticker(self.dispatcher(), person_id)

    def tick_loop(self, *, person_id: int | None = None) -> TickLoop:
        """The tick on a timer, with the stop that drains its sends."""
        from bot.lifecycle import TickLoop

        dispatcher = self.dispatcher()
        return TickLoop(
            self._ticker(dispatcher, person_id),
            dispatcher,
            self.db,
            self.clock,
            seconds=self.settings.tick_seconds,
            grace=self.settings.shutdown_seconds,
        )

    def _ticker(self, dispatcher: Dispatcher, person_id: int | None) -> Ticker:
        from bot.scheduler import Ticker

        return Ticker(
            self.db,
            self.clock,
            self.banks,
            self.defaults,
            dispatcher,
            dialogue=self.settings.dialogue,
            retention=self.settings.retention,
            person_id=person_id,
            questions=self.questions,
        )

    @functools.cached_property
    def handle_inbound(self) -> InboundHandler:
        """What adapters hand a person's event to: the engine, tried again while the
        database is busy (several people's turns run at once)."""
        from bot.storage.busy import retry_when_busy

        return retry_when_busy(self.engine.handle, one_writer=self.db.is_sqlite)

    def add_adapter(self, adapter: ChatAdapter) -> None:
        adapter.mount(self.handle_inbound)
        self.adapters[adapter.platform] = adapter


def build_app(
    settings: Settings, clock: Clock, db: Database | None = None, *, remind_keys: bool = False
) -> App:
    """`remind_keys`: repeat the development-key warning (the running bot does)."""
    ensure_keys(settings, remind=remind_keys)
    return App(settings, clock, db or Database(settings.database_url))


def build_runtime(
    app: App, chat_user: Callable[[], Awaitable[str]], files_dir: Path | None = None
) -> Runtime:
    """What `jaarrond run` keeps running: the HTTP server, the configured chat platforms
    (the terminal chat when none is, for the person `chat_user` names, its files written
    into `files_dir`) and the tick, each mounted on this app."""
    from bot.agreements.agency_web import agency_hook
    from bot.console.app import console_hook
    from bot.runtime import Runtime, WebServer
    from bot.web import build_web_app

    platforms = platform_adapters(app)
    ready = {platform.platform: False for platform in platforms}
    hooks = [platform.route_hook() for platform in platforms]
    hooks.append(console_hook(app.console))
    hooks.append(agency_hook(app.db, app.clock, app.defaults))
    server = build_web_app(app.db, hooks, clock=app.clock, platforms=lambda: ready)
    open_chat = None if platforms else functools.partial(terminal_chat, app, chat_user, files_dir)
    return Runtime(
        app.db,
        WebServer(server, app.settings.host, app.settings.port),
        platforms,
        app.tick_loop(),
        ready,
        open_chat,
    )


async def terminal_chat(
    app: App, chat_user: Callable[[], Awaitable[str]], files_dir: Path | None
) -> BetweenInputs:
    """The terminal chat for the person `chat_user` names, mounted on the engine."""
    chat = console_adapter(await chat_user(), files_dir)
    app.add_adapter(chat)
    return chat


def platform_adapters(app: App) -> list[PlatformAdapter]:
    """The chat platforms the settings configure, mounted on the engine."""
    adapters: list[PlatformAdapter] = []
    if app.settings.teams.enabled:
        adapters.append(teams_adapter(app))
    if app.settings.slack.configured:
        adapters.append(slack_adapter(app))
    for adapter in adapters:
        app.add_adapter(adapter)
    return adapters


def public_base_url(settings: Settings) -> str:
    """Where people reach this bot: the configured address, else this machine's port."""
    if settings.console.public_url:
        return settings.console.public_url
    host = "127.0.0.1" if settings.host in ("", "0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}"


async def load_hr_questions(app: App) -> None:
    """HR's own questions join the banks before anything plans or asks a check-in."""
    await app.questions.refresh()


async def ensure_schema(app: App, *, questions: bool = True) -> None:
    """SQLite migrates itself; a shared PostgreSQL is migrated on purpose by an operator.
    `questions`: also read HR's own questions into the banks (what plans or asks needs them)."""
    current = await refuse_unknown_revision(app.db)
    if current != head_revision() and app.db.is_sqlite:
        await app.db.upgrade()
        current = await app.db.current_revision()
    if current == head_revision():
        if questions:
            await load_hr_questions(app)
        return
    raise StartupError(
        f"the database schema is at revision {current or 'none'}, this version needs "
        f"{head_revision()}; run 'jaarrond db upgrade' first"
    )


async def refuse_unknown_revision(db: Database) -> str | None:
    """A database written by a newer version is never touched by this older one; returns
    the database's revision. Being the first to reach the database, it also says in one
    line when that cannot be done."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    try:
        current = await db.current_revision()
    except (OSError, DBAPIError) as exc:
        where = make_url(db.url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise StartupError(
            f"cannot reach the database {where} ({reason}); check JAARROND_DATABASE_URL "
            "and that the database server runs"
        ) from exc
    if current is not None and not is_known_revision(current):
        raise StartupError(
            f"the database is at schema revision {current}, which this version of Jaarrond "
            f"does not know (it knows up to {head_revision()}): it was upgraded by a newer "
            "version. Run that version, or restore a backup made for this one."
        )
    return current


def teams_adapter(app: App) -> TeamsAdapter:
    from adapters.teams import TeamsAdapter, TeamsConfigError
    from bot.storage.teams_references import DatabaseReferenceStore

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


def console_adapter(email: str, files_dir: Path | None = None) -> BetweenInputs:
    """The terminal chat; what the bot sends on its own shows between the person's inputs,
    and the files it sends (a data export, a brief) are written into `files_dir`."""
    from adapters.console import BetweenInputs, ConsoleAdapter

    interactive = sys.stdin.isatty()
    console = ConsoleAdapter(
        email, sys.stdin, sys.stdout, interactive=interactive, files_dir=files_dir
    )
    return BetweenInputs(console, sys.stdout, interactive=interactive)


def slack_adapter(app: App) -> SlackAdapter:
    from adapters.slack import SlackAdapter, SlackConfigError
    from bot.metrics import rate_limited_sleep
    from bot.storage.slack_channels import DatabaseDmChannelStore
    from bot.storage.slack_installations import DatabaseSlackInstallations

    try:
        return SlackAdapter(
            app.settings.slack,
            installations=DatabaseSlackInstallations(app.db, app.settings.slack.client_id),
            home_provider=app.engine.home,
            directory_sink=app.engine.sync_directory,
            default_locale=app.settings.default_locale,
            # Different people's work side by side, also on SQLite: its writers take turns
            # (busy timeout; a turn that still meets a lock runs again), and while one
            # person's turn waits for Slack another's uses the database.
            concurrency=SLACK_WORK_CONCURRENCY,
            sleep=rate_limited_sleep("slack"),
            dm_channels=DatabaseDmChannelStore(app.db, app.clock),
            limits=slack_limits(app.settings),
        )
    except SlackConfigError as exc:
        raise StartupError(f"Slack is not configured completely:\n{exc}") from exc


def slack_limits(settings: Settings) -> SlackLimits:
    from adapters.slack.limits import SlackLimits

    slack = settings.slack
    return SlackLimits(
        channel_per_second=slack.channel_per_second,
        workspace_per_second=slack.workspace_per_second,
        workspace_burst=max(1, int(slack.workspace_per_second)),
        opens_per_minute=slack.opens_per_minute,
        history_per_minute=slack.history_per_minute,
    )
