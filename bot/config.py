"""Settings from the environment and `.env`, validated once at start.

Each setting is declared once below, as a field with its variable, default, description and
how its text is read (`bot.setting`); `load_settings` and `deploy/env.example` both come from
these declarations.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.dialogue_config import DialogueSettings
from bot.platform_settings import SlackSettings, TeamsSettings
from bot.setting import (
    FOLDERS,
    TEXT,
    Invalid,
    Kind,
    choice,
    number,
    read_group,
    variable,
    whole,
)
from dialogs.messages import LOCALES, Locale
from dialogs.validators import is_time_zone


class ConfigError(ValueError):
    """One or more settings are wrong; the message lists each with how to fix it."""


# ---- kinds of text only some settings take --------------------------------------------------


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


def _database_url(text: str) -> str:
    url = normalise_database_url(text)
    if url.startswith(("sqlite+aiosqlite://", "postgresql+")):
        return url
    raise Invalid(f"must be a sqlite:/// or postgresql:// URL, not '{url.split(':', 1)[0]}'")


def _timezone(text: str) -> str:
    if is_time_zone(text):
        return text
    raise Invalid(f"'{text}' is not an IANA time zone (for example Europe/Amsterdam)")


def _ladder_rules(text: str) -> Path | None:
    if not text:
        return None
    from dialogs.ladder import LadderRulesError, load_rules

    try:
        load_rules(Path(text))
    except LadderRulesError as exc:
        raise Invalid(f"is not a usable rules file: {exc}") from exc
    return Path(text)


def _data_keys(text: str) -> tuple[str, ...]:
    from cryptography.fernet import Fernet

    keys = tuple(key.strip() for key in text.split(",") if key.strip())
    wrong = []
    for place, key in enumerate(keys, 1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            wrong.append(str(place))
    if wrong:
        # Keys are secrets: the message says which by place, never by content.
        which = (
            f"key {wrong[0]}, which is not a Fernet key"
            if len(wrong) == 1
            else (f"keys {', '.join(wrong)}, which are not Fernet keys")
        )
        raise Invalid(f"holds {which} (make one with 'jaarrond keys generate')")
    return keys


def _public_url(text: str) -> str:
    if text and not text.startswith(("https://", "http://")):
        raise Invalid("must start with https:// (or http:// in development)")
    return text.rstrip("/")


def _console_path(text: str) -> str:
    parts = text.strip("/").split("/")
    if text.strip("/") and all(part.replace("-", "_").isidentifier() for part in parts):
        return "/" + text.strip("/")
    raise Invalid("must be a path like /admin")


DAYS = whole(0, 1_000_000, "a whole number of days (0 keeps forever)")
PORT = whole(0, 65535, "a port number 0-65535")
MINUTES = whole(1, 24 * 60, "1-1440 minutes")


# ---- the settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleSettings:
    """The HR admin console: where it is reached and how long links and sessions last."""

    # The address people open; empty means http://HOST:PORT (development).
    public_url: str = field(
        default="",
        metadata=variable(
            "JAARROND_PUBLIC_URL",
            "the address people reach this bot at (https://...), for console links",
            Kind(_public_url),
        ),
    )
    path: str = field(
        default="/admin",
        metadata=variable(
            "JAARROND_CONSOLE_PATH", "where the HR admin console is served", Kind(_console_path)
        ),
    )
    link_minutes: int = field(
        default=10,
        metadata=variable(
            "JAARROND_CONSOLE_LINK_MINUTES",
            "how long a one-time admin console link stays valid",
            MINUTES,
        ),
    )
    idle_minutes: int = field(
        default=30,
        metadata=variable(
            "JAARROND_CONSOLE_IDLE_MINUTES",
            "an admin console session ends after this many idle minutes",
            MINUTES,
        ),
    )


MAIL_SENDERS = ("off", "smtp", "folder")
SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """E-mail to agency contacts, who are outside the organisation's chat.

    `off` (the default): nothing is sent and such mail waits in the outbox, saying why, until
    a sender is configured; `smtp`: the standard library's SMTP client; `folder`: each mail
    is written as an .eml file to `folder` (rehearsals, or a mail pickup directory)."""

    sender: str = field(
        default="off",
        metadata=variable(
            "JAARROND_MAIL",
            "off | smtp | folder: how agency contacts (outside the chat) get their e-mail; "
            "off: such mail waits in the outbox until a sender is configured",
            choice(*MAIL_SENDERS),
        ),
    )
    from_address: str = field(
        default="",
        metadata=variable("JAARROND_MAIL_FROM", "the address e-mail to agency contacts comes from"),
    )
    smtp_host: str = field(
        default="", metadata=variable("JAARROND_SMTP_HOST", "the mail server (JAARROND_MAIL=smtp)")
    )
    smtp_port: int = field(
        default=587,
        metadata=variable(
            "JAARROND_SMTP_PORT",
            "the mail server's port (587 for starttls, 465 for ssl)",
            whole(1, 65535, "a port number 1-65535"),
        ),
    )
    # none only for a relay on the same machine or network.
    smtp_security: str = field(
        default="starttls",
        metadata=variable(
            "JAARROND_SMTP_SECURITY",
            "starttls | ssl | none (none only for a relay you trust)",
            choice(*SMTP_SECURITY),
        ),
    )
    smtp_username: str = field(
        default="",
        metadata=variable("JAARROND_SMTP_USERNAME", "login at the mail server (empty: no login)"),
    )
    smtp_password: str = field(
        default="",
        metadata=variable(
            "JAARROND_SMTP_PASSWORD", "password at the mail server (a secret)", secret=True
        ),
    )
    folder: str = field(
        default="",
        metadata=variable(
            "JAARROND_MAIL_FOLDER",
            "JAARROND_MAIL=folder: where each mail is written as an .eml file",
        ),
    )

    @property
    def configured(self) -> bool:
        return self.sender != "off"

    def problems(self) -> list[str]:
        """What a chosen sender still needs."""
        found = []
        if self.sender != "off" and "@" not in self.from_address:
            found.append(
                f"JAARROND_MAIL={self.sender} needs JAARROND_MAIL_FROM, the address mail comes "
                "from (for example jaarrond@example.org)"
            )
        if self.sender == "smtp" and not self.smtp_host:
            found.append("JAARROND_MAIL=smtp needs JAARROND_SMTP_HOST, the mail server's name")
        if self.sender == "folder" and not self.folder:
            found.append("JAARROND_MAIL=folder needs JAARROND_MAIL_FOLDER, where mail is written")
        return found


@dataclass(frozen=True)
class RetentionSettings:
    """Retention: how many days each kind of data is kept; 0 keeps it until erased by hand."""

    answers_days: int = field(
        default=730,
        metadata=variable(
            "JAARROND_RETAIN_ANSWERS_DAYS", "days check-in answers are kept (0: until erased)", DAYS
        ),
    )
    topics_days: int = field(
        default=730,
        metadata=variable(
            "JAARROND_RETAIN_TOPICS_DAYS", "days raised topics are kept (0: until erased)", DAYS
        ),
    )
    messages_days: int = field(
        default=90,
        metadata=variable(
            "JAARROND_RETAIN_MESSAGES_DAYS", "days the record of sent messages is kept", DAYS
        ),
    )
    events_days: int = field(
        default=30,
        metadata=variable(
            "JAARROND_RETAIN_EVENTS_DAYS", "days handled platform event ids are kept", DAYS
        ),
    )
    leavers_days: int = field(
        default=180,
        metadata=variable(
            "JAARROND_RETAIN_LEAVERS_DAYS",
            "days after leaving that a person's data is erased",
            DAYS,
        ),
    )


@dataclass(frozen=True)
class Settings:
    """General"""

    database_url: str = field(
        default="sqlite+aiosqlite:///jaarrond.db",
        metadata=variable(
            "JAARROND_DATABASE_URL",
            "sqlite:///jaarrond.db (one instance) or "
            "postgresql://USER:PASSWORD@HOST:5432/DB (production, several instances)",
            Kind(_database_url),
        ),
    )
    host: str = field(
        default="127.0.0.1",
        metadata=variable(
            "JAARROND_HOST", "address the HTTP server listens on (0.0.0.0 in a container)"
        ),
    )
    port: int = field(
        default=3978,
        metadata=variable(
            "JAARROND_PORT",
            "port of the HTTP server (platform endpoints, /healthz, /readyz, /metrics)",
            PORT,
        ),
    )
    profile: str = field(
        default="development",
        metadata=variable(
            "JAARROND_PROFILE",
            "development | production (JSON logs, strict platform checks)",
            choice("development", "production"),
        ),
    )
    default_timezone: str = field(
        default="Europe/Amsterdam",
        metadata=variable(
            "JAARROND_DEFAULT_TIMEZONE",
            "IANA time zone for people without one in the org file",
            Kind(_timezone),
        ),
    )
    default_locale: Locale = field(
        default="nl",
        metadata=variable(
            "JAARROND_DEFAULT_LOCALE",
            "nl | en, for people without a locale in the org file",
            choice(*LOCALES),
        ),
    )
    log_level: str = field(
        default="INFO",
        metadata=variable(
            "JAARROND_LOG_LEVEL",
            "DEBUG | INFO | WARNING | ERROR",
            choice("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        ),
    )
    # How long a stop waits for sends in progress; keep it below the orchestrator's own grace.
    shutdown_seconds: float = field(
        default=20.0,
        metadata=variable(
            "JAARROND_SHUTDOWN_SECONDS",
            "how long a stop waits for sends in progress (keep it below the orchestrator's grace "
            "period)",
            number(0, 3600, "0-3600 seconds"),
        ),
    )
    # How often the scheduler plans and dispatches.
    tick_seconds: float = field(
        default=60.0,
        metadata=variable(
            "JAARROND_TICK_SECONDS",
            "how often the scheduler plans and sends",
            number(0.1, float("inf"), "a number of at least 0.1"),
        ),
    )
    # The attention budget: separate prompts per person per calendar month; 0: no cap.
    max_prompts_per_month: int = field(
        default=6,
        metadata=variable(
            "JAARROND_MAX_PROMPTS_PER_MONTH",
            "the attention budget: separate prompts a person gets per calendar month at most "
            "(check-ins beyond it are merged or deferred; 0: no cap)",
            whole(0, 100, "a whole number 0-100 (0: no cap)"),
        ),
    )
    banks_dirs: tuple[Path, ...] = field(
        default=(),
        metadata=variable(
            "JAARROND_BANKS_DIR",
            "folders (separated by ':', on Windows ';') with HR's own question bank files",
            FOLDERS,
        ),
    )
    # A folder of coaching tips files; each replaces the built-in file of its moment.
    tips_dirs: tuple[Path, ...] = field(
        default=(),
        metadata=variable(
            "JAARROND_TIPS_DIR",
            "folders (separated by ':', on Windows ';') with coaching tips files; each replaces "
            "the built-in file of its moment",
            FOLDERS,
        ),
    )
    # The development ladder's rules file; None: the built-in one.
    ladder_rules: Path | None = field(
        default=None,
        metadata=variable(
            "JAARROND_LADDER_RULES",
            "a file with the development ladder's rules "
            "(default: the built-in dialogs/ladder.yaml)",
            Kind(_ladder_rules, lambda path: str(path or "")),
        ),
    )
    # Fernet keys for data at rest, newest first; empty only in development.
    data_keys: tuple[str, ...] = field(
        default=(),
        metadata=variable(
            "JAARROND_DATA_KEYS",
            "Fernet keys for free text and health answers at rest, newest first, comma separated "
            "(required in production; 'jaarrond keys generate'; a secret)",
            Kind(_data_keys, ",".join),
            secret=True,
        ),
    )
    data_key_file: str = field(
        default=".jaarrond-data.key",
        metadata=variable(
            "JAARROND_DATA_KEY_FILE", "development only: where a generated data key is kept"
        ),
    )
    # Exports, briefs and the terminal chat's log; empty: the per-user data folder.
    data_dir: str = field(
        default="",
        metadata=variable(
            "JAARROND_DATA_DIR",
            "where the terminal writes exports, briefs and the chat's log (empty: the per-user "
            "data folder, e.g. ~/.local/share/jaarrond; never a git checkout)",
        ),
    )
    now: str = field(
        default="",
        metadata=variable(
            "JAARROND_NOW", "fix the clock (rehearsals only), e.g. 2027-03-25T13:05:00Z", TEXT
        ),
    )
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    teams: TeamsSettings = field(default_factory=TeamsSettings)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def problems(self) -> list[str]:
        if self.data_keys or self.profile == "development":
            return []
        return [
            "JAARROND_DATA_KEYS is required outside development: free text and health answers "
            "are stored encrypted; make a key with 'jaarrond keys generate'"
        ]


def read_environment(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the `.env` file: a real variable always wins."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        from dotenv import dotenv_values

        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build and validate settings; every problem is reported at once."""
    problems: list[str] = []
    settings = read_group(Settings, env, problems)
    if problems:
        raise ConfigError("\n".join(f"- {p}" for p in problems))
    return settings
