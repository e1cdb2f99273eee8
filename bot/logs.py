"""Logging: JSON lines in production, readable lines in development, secrets never shown.

What may be logged is decided where a line is written (ids, counts, statuses; never a
person's text). As a second line of defence every record passes a filter that replaces the
configured secrets (tokens, passwords, signing secrets) wherever they would appear.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.config import Settings
from bot.setting import secret_values

REDACTED = "[redacted]"
# Attributes every LogRecord has; anything else was passed with `extra=` and is a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Libraries whose DEBUG output contains request bodies or SQL parameters (people's answers):
# they log warnings and errors only, whatever JAARROND_LOG_LEVEL says.
_QUIET = (
    "aiohttp.access",
    "aiosqlite",
    "alembic",
    "apscheduler",
    "asyncpg",
    "botbuilder",
    "msrest",
    "slack_bolt",
    "slack_sdk",
    "sqlalchemy",
    "urllib3",
)


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields a line carries besides its message."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(fields(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class ReadableFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in fields(record).items())
        text = super().format(record)
        return f"{text} {extra}" if extra else text


class RedactSecrets(logging.Filter):
    """Replaces known secret values in the message and fields of every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Short values would redact ordinary words; real secrets are long.
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self._clean(record.getMessage())
        record.args = None
        for key, value in fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self._clean(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def secrets_of(settings: Settings) -> list[str]:
    values = secret_values(settings)
    if "@" in settings.database_url:  # the password part of a database URL
        credentials = settings.database_url.split("://", 1)[-1].rsplit("@", 1)[0]
        values.append(credentials.split(":", 1)[-1])
    return values


def make_handler(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    production = settings.profile == "production"
    handler.setFormatter(JsonFormatter() if production else ReadableFormatter())
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    return handler


def quiet_libraries() -> None:
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(
    settings: Settings,
    *,
    terminal_level: str | None = None,
    log_file: Path | None = None,
    verbose: bool = False,
) -> None:
    """One handler on the root logger for the terminal (stderr), formatted for the profile,
    secrets filtered; with `log_file` a second one that writes everything there.

    `terminal_level` (default: the settings' level) is what the terminal shows: a command
    whose output is its result shows warnings only, a terminal chat sends its lines to the
    file and hushes the terminal once the conversation starts (`hush_terminal`) unless
    `verbose` asks for the lines on the terminal too.
    """
    global _terminal, _verbose
    _verbose = verbose
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    _terminal = make_handler(settings)
    _terminal.setLevel(terminal_level or settings.log_level)
    root.addHandler(_terminal)
    if log_file is not None:
        to_file = logging.FileHandler(log_file, encoding="utf-8")
        to_file.setFormatter(ReadableFormatter())
        to_file.addFilter(RedactSecrets(secrets_of(settings)))
        root.addHandler(to_file)
    root.setLevel(settings.log_level)
    quiet_libraries()


_terminal: logging.Handler | None = None
_verbose = False
_HUSHED = logging.CRITICAL + 1


def hush_terminal() -> None:
    """From now on the terminal shows no log lines unless they were asked for (`-v`): a
    terminal chat's prompt is never interrupted by one. The log file still gets them."""
    if _terminal is not None and not _verbose:
        _terminal.setLevel(_HUSHED)
