"""The information sheet for a works council and a DPIA, generated from the running
configuration and the models, so it cannot drift from the code."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import make_url

from bot.config import RetentionSettings, Settings
from bot.privacy.keys import sealed_columns
from bot.privacy.registry import (
    REGISTRY,
    RETAIN_AGREEMENT,
    RETAIN_ANSWERS,
    RETAIN_CONFIG,
    RETAIN_EVENTS,
    RETAIN_INSTALL,
    RETAIN_MESSAGES,
    RETAIN_PERSON,
    RETAIN_TOPICS,
)
from bot.storage import schema  # noqa: F401  (every table)


@dataclass(frozen=True)
class ColumnLine:
    column: str
    holds: str
    encrypted: str


@dataclass(frozen=True)
class TableSection:
    table: str
    purpose: str
    seen_by: tuple[str, ...]
    retention: str
    columns: tuple[ColumnLine, ...]


@dataclass(frozen=True)
class Report:
    generated_at: str
    location: str
    profile: str
    keys: int
    platforms: tuple[str, ...]
    tables: tuple[TableSection, ...]


def _days(days: int, what: str) -> str:
    return f"{days} days after {what}" if days else "kept until erased (no period set)"


def retention_text(kind: str, retention: RetentionSettings) -> str:
    leavers = (
        f"; erased {retention.leavers_days} days after the person is marked as left"
        if retention.leavers_days
        else ""
    )
    texts = {
        RETAIN_ANSWERS: _days(retention.answers_days, "the answer (or check-in)") + leavers,
        RETAIN_TOPICS: _days(retention.topics_days, "the topic was raised") + leavers,
        RETAIN_MESSAGES: _days(retention.messages_days, "the message was created, once sent"),
        RETAIN_EVENTS: _days(retention.events_days, "receipt"),
        RETAIN_PERSON: "while the person takes part; anonymised on erasure" + leavers,
        RETAIN_AGREEMENT: "while both parties take part; texts erased with either party's data"
        + leavers,
        RETAIN_INSTALL: "while the app is installed in the workspace",
        RETAIN_CONFIG: "configuration; changed by HR",
    }
    return texts[kind]


def location(settings: Settings) -> str:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL database '{url.database}' on {url.host or 'localhost'}:{url.port or 5432}"


def build_report(settings: Settings, now: datetime) -> Report:
    sealed = {(c.table.name, c.name) for c in sealed_columns()}
    sections = []
    for name in sorted(REGISTRY):
        entry = REGISTRY[name]
        if not entry.personal:
            continue
        lines = tuple(
            ColumnLine(
                column,
                holds,
                "yes (Fernet)" if (name, column) in sealed else "no",
            )
            for column, holds in entry.personal.items()
        )
        sections.append(
            TableSection(
                name,
                entry.purpose,
                entry.seen_by,
                retention_text(entry.retention, settings.retention),
                lines,
            )
        )
    platforms = ["console"]
    if settings.slack.configured:
        platforms.append("Slack")
    if settings.teams.enabled:
        platforms.append("Microsoft Teams")
    return Report(
        generated_at=now.isoformat(),
        location=location(settings),
        profile=settings.profile,
        keys=len(settings.data_keys),
        platforms=tuple(platforms),
        tables=tuple(sections),
    )


def _general(report: Report) -> list[str]:
    keys = (
        f"{report.keys} key(s) from JAARROND_DATA_KEYS"
        if report.keys
        else "a development key file (not for real data)"
    )
    return [
        f"Generated at {report.generated_at} from the running configuration "
        f"(profile {report.profile}).",
        f"Where the data lives: {report.location}. Backups of it hold the same sealed values "
        "and must follow the same retention periods (delete backups older than the "
        "longest period).",
        f"Encryption at rest: free text and health answers are sealed with Fernet "
        f"(AES-128-CBC + HMAC-SHA256), {keys}; the keys are never stored in the database.",
        f"Chat platforms in use: {', '.join(report.platforms)}. Messages shown in a chat "
        "are also kept by that platform under its own retention.",
        "Health answers are private to the employee; group figures are suppressed below 5 "
        "people for scores and 10 for free text.",
        "Every person can type 'export' (a JSON file of everything stored about them) and "
        "'delete my data'; HR can do both with 'jaarrond person export|erase EMAIL'.",
    ]


def render_markdown(report: Report) -> str:
    out = ["# Jaarrond: what it records", ""]
    out += [f"- {line}" for line in _general(report)]
    for section in report.tables:
        out += ["", f"## {section.table}", "", section.purpose, ""]
        out.append(f"- Who can see it: {'; '.join(section.seen_by)}")
        out.append(f"- Retention: {section.retention}")
        out += ["", "| Column | Holds | Encrypted |", "|---|---|---|"]
        out += [
            f"| {c.column} | {c.holds.replace('|', '/')} | {c.encrypted} |" for c in section.columns
        ]
    return "\n".join(out) + "\n"


def render_html(report: Report) -> str:
    e = html.escape
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>Jaarrond: what it records</title>',
        "</head><body>",
        "<h1>Jaarrond: what it records</h1>",
        "<ul>",
        *[f"<li>{e(line)}</li>" for line in _general(report)],
        "</ul>",
    ]
    for section in report.tables:
        out += [
            f"<h2>{e(section.table)}</h2>",
            f"<p>{e(section.purpose)}</p>",
            f"<p>Who can see it: {e('; '.join(section.seen_by))}<br>",
            f"Retention: {e(section.retention)}</p>",
            "<table><tr><th>Column</th><th>Holds</th><th>Encrypted</th></tr>",
            *[
                f"<tr><td>{e(c.column)}</td><td>{e(c.holds)}</td><td>{e(c.encrypted)}</td></tr>"
                for c in section.columns
            ],
            "</table>",
        ]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
