"""Settings from the environment and `.env`, validated once at start."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet
from dotenv import dotenv_values

from bot.dialogue_config import DialogueSettings, load_dialogue_settings
from dialogs.messages import LOCALES, Locale
from dialogs.validators import is_time_zone


class ConfigError(ValueError):
    """One or more settings are wrong; the message lists each with how to fix it."""


DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///jaarrond.db"


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    api_url: str = "https://slack.com/api/"
    # Client-side limits (0 = off): chat.postMessage per DM channel and per workspace,
    # conversations.open per workspace (Tier 3).
    channel_per_second: float = 1.0
    workspace_per_second: float = 5.0
    opens_per_minute: float = 50.0
    history_per_minute: float = 50.0

    @property
    def configured(self) -> bool:
        return any((self.bot_token, self.signing_secret, self.app_token, self.client_id))


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    tenant_id: str = ""
    allowed_tenants: tuple[str, ...] = ()
    # Where new 1:1 conversations are created, e.g. https://smba.trafficmanager.net/teams/
    service_url: str = ""
    enabled: bool = False
    # The Bot Connector's global limit per app per tenant (0 = off).
    requests_per_second: float = 50.0


@dataclass(frozen=True)
class ConsoleSettings:
    """The HR admin console: where it is reached and how long links and sessions last."""

    # The address people open; empty means http://HOST:PORT (development).
    public_url: str = ""
    path: str = "/admin"
    link_minutes: int = 10
    idle_minutes: int = 30


@dataclass(frozen=True)
class MailSettings:
    """How e-mail reaches agency contacts, who are outside the organisation's chat.

    `off` (the default): nothing is sent and such mail waits in the outbox, saying why, until
    a sender is configured; `smtp`: the standard library's SMTP client; `folder`: each mail
    is written as an .eml file to `folder` (rehearsals, or a mail pickup directory)."""

    sender: str = "off"
    from_address: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    # starttls | ssl | none (none only for a relay on the same machine or network).
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    folder: str = ""

    @property
    def configured(self) -> bool:
        return self.sender != "off"


MAIL_SENDERS = ("off", "smtp", "folder")
SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class RetentionSettings:
    """How many days each kind of data is kept; 0 keeps it until erased by hand."""

    answers_days: int = 730
    topics_days: int = 730
    messages_days: int = 90
    events_days: int = 30
    leavers_days: int = 180


RETENTION_VARIABLES = {
    "answers_days": "JAARROND_RETAIN_ANSWERS_DAYS",
    "topics_days": "JAARROND_RETAIN_TOPICS_DAYS",
    "messages_days": "JAARROND_RETAIN_MESSAGES_DAYS",
    "events_days": "JAARROND_RETAIN_EVENTS_DAYS",
    "leavers_days": "JAARROND_RETAIN_LEAVERS_DAYS",
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 3978
    profile: str = "development"
    default_timezone: str = "Europe/Amsterdam"
    default_locale: Locale = "nl"
    banks_dirs: tuple[Path, ...] = ()
    # A folder of coaching tips files; each replaces the built-in file of its moment.
    tips_dirs: tuple[Path, ...] = ()
    # The development ladder's rules file; None: the built-in one.
    ladder_rules: Path | None = None
    now: str = ""
    log_level: str = "INFO"
    # How long a stop waits for sends in progress; keep it below the orchestrator's own grace.
    shutdown_seconds: float = 20.0
    # How often the scheduler plans and dispatches.
    tick_seconds: float = 60.0
    slack: SlackSettings = field(default_factory=SlackSettings)
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    # Fernet keys for data at rest, newest first; empty only in development.
    data_keys: tuple[str, ...] = ()
    data_key_file: str = ".jaarrond-data.key"
    # Exports, briefs and the terminal chat's log; empty: the per-user data folder.
    data_dir: str = ""
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    # The attention budget: separate prompts per person per calendar month; 0: no cap.
    max_prompts_per_month: int = 6

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def normalise_database_url(url: str) -> str:
    """Accept the usual URL spellings and pick the async driver for each database."""
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def read_environment(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the `.env` file: a real variable always wins."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build and validate settings; every problem is reported at once."""
    problems: list[str] = []

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    def rate(name: str, default: float, minimum: float = 0.0) -> float:
        text = get(name, str(default))
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not minimum <= value < float("inf"):
            problems.append(f"{name} must be a number of at least {minimum:g}, not '{text}'")
            return default
        return value

    url = normalise_database_url(get("JAARROND_DATABASE_URL", DEFAULT_DATABASE_URL))
    if not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+")):
        problems.append(
            "JAARROND_DATABASE_URL must be a sqlite:/// or postgresql:// URL, "
            f"not '{url.split(':', 1)[0]}'"
        )
    port_text = get("JAARROND_PORT", "3978")
    port = int(port_text) if port_text.isdigit() else -1
    if not 0 <= port <= 65535:
        problems.append(f"JAARROND_PORT must be a port number 0-65535, not '{port_text}'")
    profile = get("JAARROND_PROFILE", "development")
    if profile not in ("development", "production"):
        problems.append("JAARROND_PROFILE must be 'development' or 'production'")
    timezone = get("JAARROND_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    if not is_time_zone(timezone):
        problems.append(
            f"JAARROND_DEFAULT_TIMEZONE '{timezone}' is not an IANA time zone "
            "(for example Europe/Amsterdam)"
        )
    locale = get("JAARROND_DEFAULT_LOCALE", "nl")
    if locale not in LOCALES:
        problems.append("JAARROND_DEFAULT_LOCALE must be 'nl' or 'en'")
    shutdown_text = get("JAARROND_SHUTDOWN_SECONDS", "20")
    try:
        shutdown_seconds = float(shutdown_text)
    except ValueError:
        shutdown_seconds = -1.0
    if not 0 <= shutdown_seconds <= 3600:
        problems.append(f"JAARROND_SHUTDOWN_SECONDS must be 0-3600 seconds, not '{shutdown_text}'")
    banks_dirs = tuple(Path(p) for p in get("JAARROND_BANKS_DIR").split(os.pathsep) if p)
    problems += [f"JAARROND_BANKS_DIR: '{p}' is not a folder" for p in banks_dirs if not p.is_dir()]
    tips_dirs = tuple(Path(p) for p in get("JAARROND_TIPS_DIR").split(os.pathsep) if p)
    problems += [f"JAARROND_TIPS_DIR: '{p}' is not a folder" for p in tips_dirs if not p.is_dir()]
    ladder_rules = Path(get("JAARROND_LADDER_RULES")) if get("JAARROND_LADDER_RULES") else None
    if ladder_rules is not None:
        from dialogs.ladder import LadderRulesError, load_rules

        try:
            load_rules(ladder_rules)
        except LadderRulesError as exc:
            problems.append(f"JAARROND_LADDER_RULES: {exc}")
    slack = SlackSettings(
        bot_token=get("SLACK_BOT_TOKEN"),
        signing_secret=get("SLACK_SIGNING_SECRET"),
        app_token=get("SLACK_APP_TOKEN"),
        client_id=get("SLACK_CLIENT_ID"),
        client_secret=get("SLACK_CLIENT_SECRET"),
        api_url=get("SLACK_API_URL", "https://slack.com/api/"),
        channel_per_second=rate("SLACK_CHANNEL_MESSAGES_PER_SECOND", 1.0),
        workspace_per_second=rate("SLACK_WORKSPACE_MESSAGES_PER_SECOND", 5.0),
        opens_per_minute=rate("SLACK_OPENS_PER_MINUTE", 50.0),
        history_per_minute=rate("SLACK_HISTORY_PER_MINUTE", 50.0),
    )
    teams = TeamsSettings(
        app_id=get("MicrosoftAppId"),
        app_password=get("MicrosoftAppPassword"),
        app_type=get("MicrosoftAppType", "MultiTenant"),
        tenant_id=get("MicrosoftAppTenantId"),
        allowed_tenants=tuple(t for t in get("JAARROND_TEAMS_TENANTS").split(",") if t),
        service_url=get("JAARROND_TEAMS_SERVICE_URL"),
        enabled=get("JAARROND_TEAMS", "").lower() in ("1", "true", "yes", "on")
        or bool(get("MicrosoftAppId")),
        requests_per_second=rate("JAARROND_TEAMS_REQUESTS_PER_SECOND", 50.0),
    )
    dialogue = load_dialogue_settings(env, problems)
    console = _console_settings(get, problems)
    mail = _mail_settings(get, problems)
    data_keys = tuple(k.strip() for k in get("JAARROND_DATA_KEYS").split(",") if k.strip())
    problems += _key_problems(data_keys, profile)
    retention_days: dict[str, int] = {}
    for name, variable in RETENTION_VARIABLES.items():
        text = get(variable, str(getattr(RetentionSettings(), name)))
        if not text.isdigit():
            problems.append(f"{variable} must be a whole number of days (0 keeps forever)")
            continue
        retention_days[name] = int(text)
    tick_seconds = rate("JAARROND_TICK_SECONDS", 60.0, minimum=0.1)
    budget_text = get("JAARROND_MAX_PROMPTS_PER_MONTH", "6")
    budget = int(budget_text) if budget_text.isdigit() and int(budget_text) <= 100 else -1
    if budget < 0:
        problems.append(
            "JAARROND_MAX_PROMPTS_PER_MONTH must be a whole number 0-100 (0: no cap), "
            f"not '{budget_text}'"
        )
    if problems:
        raise ConfigError("\n".join(f"- {p}" for p in problems))
    return Settings(
        database_url=url,
        host=get("JAARROND_HOST", "127.0.0.1"),
        port=port,
        profile=profile,
        default_timezone=timezone,
        default_locale=locale,  # type: ignore[arg-type]
        banks_dirs=banks_dirs,
        tips_dirs=tips_dirs,
        ladder_rules=ladder_rules,
        now=get("JAARROND_NOW"),
        log_level=get("JAARROND_LOG_LEVEL", "INFO").upper(),
        shutdown_seconds=shutdown_seconds,
        tick_seconds=tick_seconds,
        slack=slack,
        teams=teams,
        dialogue=dialogue,
        console=console,
        mail=mail,
        data_keys=data_keys,
        data_key_file=get("JAARROND_DATA_KEY_FILE", ".jaarrond-data.key"),
        data_dir=get("JAARROND_DATA_DIR", ""),
        retention=RetentionSettings(**retention_days),
        max_prompts_per_month=budget,
    )


def _key_problems(keys: tuple[str, ...], profile: str) -> list[str]:
    if not keys:
        if profile == "development":
            return []
        return [
            "JAARROND_DATA_KEYS is required outside development: free text and health answers "
            "are stored encrypted; make a key with 'jaarrond keys generate'"
        ]
    problems = []
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            problems.append(
                f"JAARROND_DATA_KEYS: key {number} is not a Fernet key "
                "(make one with 'jaarrond keys generate')"
            )
    return problems


def _console_settings(get: Callable[[str, str], str], problems: list[str]) -> ConsoleSettings:
    minutes: dict[str, int] = {}
    for name, default in (("LINK", "10"), ("IDLE", "30")):
        text = get(f"JAARROND_CONSOLE_{name}_MINUTES", default)
        minutes[name] = int(text) if text.isdigit() and 0 < int(text) <= 24 * 60 else 0
        if not minutes[name]:
            problems.append(f"JAARROND_CONSOLE_{name}_MINUTES must be 1-1440 minutes, not '{text}'")
    public_url = get("JAARROND_PUBLIC_URL", "").rstrip("/")
    if public_url and not public_url.startswith(("https://", "http://")):
        problems.append("JAARROND_PUBLIC_URL must start with https:// (or http:// in development)")
    path = "/" + get("JAARROND_CONSOLE_PATH", "/admin").strip("/")
    if path == "/" or not all(
        part.isidentifier() or part.replace("-", "_").isidentifier()
        for part in path.strip("/").split("/")
    ):
        problems.append("JAARROND_CONSOLE_PATH must be a path like /admin")
    return ConsoleSettings(public_url, path, minutes["LINK"], minutes["IDLE"])


def _mail_settings(get: Callable[[str, str], str], problems: list[str]) -> MailSettings:
    sender = get("JAARROND_MAIL", "off").lower()
    if sender not in MAIL_SENDERS:
        problems.append(f"JAARROND_MAIL must be one of {', '.join(MAIL_SENDERS)}, not '{sender}'")
        sender = "off"
    from_address = get("JAARROND_MAIL_FROM", "")
    host = get("JAARROND_SMTP_HOST", "")
    port_text = get("JAARROND_SMTP_PORT", "587")
    port = int(port_text) if port_text.isdigit() and 0 < int(port_text) <= 65535 else 0
    if not port:
        problems.append(f"JAARROND_SMTP_PORT must be a port number 1-65535, not '{port_text}'")
    security = get("JAARROND_SMTP_SECURITY", "starttls").lower()
    if security not in SMTP_SECURITY:
        problems.append(
            f"JAARROND_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not '{security}'"
        )
    folder = get("JAARROND_MAIL_FOLDER", "")
    if sender != "off" and "@" not in from_address:
        problems.append(
            f"JAARROND_MAIL={sender} needs JAARROND_MAIL_FROM, the address mail comes from "
            "(for example jaarrond@example.org)"
        )
    if sender == "smtp" and not host:
        problems.append("JAARROND_MAIL=smtp needs JAARROND_SMTP_HOST, the mail server's name")
    if sender == "folder" and not folder:
        problems.append("JAARROND_MAIL=folder needs JAARROND_MAIL_FOLDER, where mail is written")
    return MailSettings(
        sender=sender,
        from_address=from_address,
        smtp_host=host,
        smtp_port=port or 587,
        smtp_security=security,
        smtp_username=get("JAARROND_SMTP_USERNAME", ""),
        smtp_password=get("JAARROND_SMTP_PASSWORD", ""),
        folder=folder,
    )
