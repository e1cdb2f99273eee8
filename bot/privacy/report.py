"""The information sheet for a works council and a DPIA, generated from the running
configuration and the models, so it cannot drift from the code."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import make_url

from bot.config import RetentionSettings, Settings
from bot.privacy.registry import (
    ERASE_ANONYMISE,
    ERASE_DELETE,
    ERASE_NONE,
    ERASE_TOMBSTONE,
    ERASE_UNLINK,
    REGISTRY,
    RETAIN_AGREEMENT,
    RETAIN_ANSWERS,
    RETAIN_CONFIG,
    RETAIN_EVENTS,
    RETAIN_INSTALL,
    RETAIN_MESSAGES,
    RETAIN_PERSON,
    RETAIN_TOPICS,
    SEEN_BY_NOTE,
    period_days,
    say,
    sealed,
)
from bot.storage import schema  # noqa: F401  (every table)
from dialogs.messages import Locale

# The sheet is written in English (a DPIA's working language here); every table's own
# words come from the registry, which the works council's overview reads in its language.
LOCALE: Locale = "en"
ERASURE = {
    ERASE_DELETE: "the rows about the person are deleted",
    ERASE_ANONYMISE: "the row stays, the person's values are cleared",
    ERASE_TOMBSTONE: "the row stays for the other party as a tombstone, its texts replaced",
    ERASE_UNLINK: "the row stays, the person is taken out of it",
    ERASE_NONE: "not about a person",
}


@dataclass(frozen=True)
class ColumnLine:
    column: str
    holds: str
    encrypted: str


@dataclass(frozen=True)
class TableSection:
    table: str
    holds: str
    purpose: str
    seen_by: str
    retention: str
    erasure: str
    columns: tuple[ColumnLine, ...]


@dataclass(frozen=True)
class Report:
    generated_at: str
    location: str
    profile: str
    keys: int
    platforms: tuple[str, ...]
    tables: tuple[TableSection, ...]


# What a timed kind's period counts from.
COUNTED_FROM = {
    RETAIN_ANSWERS: "the answer (or check-in)",
    RETAIN_TOPICS: "the topic was raised",
    RETAIN_MESSAGES: "the message was created, once sent",
    RETAIN_EVENTS: "receipt",
}
UNTIMED = {
    RETAIN_PERSON: "while the person takes part; anonymised on erasure",
    RETAIN_AGREEMENT: "while both parties take part; texts erased with either party's data",
    RETAIN_INSTALL: "while the app is installed in the workspace",
    RETAIN_CONFIG: "configuration; changed by HR",
}
# Kinds about a person who may leave: erased the leavers' period after they left.
ABOUT_A_PERSON = frozenset({RETAIN_ANSWERS, RETAIN_TOPICS, RETAIN_PERSON, RETAIN_AGREEMENT})


def retention_text(kind: str, retention: RetentionSettings) -> str:
    if kind in COUNTED_FROM:
        days = period_days(kind, retention)
        text = (
            f"{days} days after {COUNTED_FROM[kind]}"
            if days
            else "kept until erased (no period set)"
        )
    else:
        text = UNTIMED[kind]
    if kind in ABOUT_A_PERSON and retention.leavers_days:
        text += f"; erased {retention.leavers_days} days after the person is marked as left"
    return text


def location(settings: Settings) -> str:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL database '{url.database}' on {url.host or 'localhost'}:{url.port or 5432}"


def build_report(settings: Settings, now: datetime) -> Report:
    """Every table of the registry, each with its personal columns; a table with none says
    so, so the sheet lists what the works council's overview lists."""
    sealed_here = sealed()
    sections = []
    for name in sorted(REGISTRY):
        entry = REGISTRY[name]
        lines = tuple(
            ColumnLine(
                column,
                say(holds, LOCALE),
                "yes (Fernet)" if (name, column) in sealed_here else "no",
            )
            for column, holds in entry.personal.items()
        )
        sections.append(
            TableSection(
                name,
                say(entry.holds, LOCALE),
                say(entry.purpose, LOCALE),
                entry.seen_by_text(LOCALE),
                retention_text(entry.retention, settings.retention),
                ERASURE[entry.erasure],
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
        say(SEEN_BY_NOTE, LOCALE)
        + " Group figures are suppressed below 5 people for scores and 10 for free text.",
        "Every person can type 'export' (a JSON file of everything stored about them) and "
        "'delete my data'; HR can do both with 'jaarrond person export|erase EMAIL'.",
        "Who can see it (below) names who reads a table through the chat, the admin console "
        "and the reports.",
    ]


def render_markdown(report: Report) -> str:
    out = ["# Jaarrond: what it records", ""]
    out += [f"- {line}" for line in _general(report)]
    for section in report.tables:
        out += ["", f"## {section.table}", "", f"{section.holds}. {section.purpose}", ""]
        out.append(f"- Who can see it: {section.seen_by}")
        out.append(f"- Retention: {section.retention}")
        out.append(f"- On erasure: {section.erasure}")
        if not section.columns:
            out += ["", "No personal data."]
            continue
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
            f"<p>{e(section.holds)}. {e(section.purpose)}</p>",
            f"<p>Who can see it: {e(section.seen_by)}<br>",
            f"Retention: {e(section.retention)}<br>",
            f"On erasure: {e(section.erasure)}</p>",
        ]
        if not section.columns:
            out.append("<p>No personal data.</p>")
            continue
        out += [
            "<table><tr><th>Column</th><th>Holds</th><th>Encrypted</th></tr>",
            *[
                f"<tr><td>{e(c.column)}</td><td>{e(c.holds)}</td><td>{e(c.encrypted)}</td></tr>"
                for c in section.columns
            ],
            "</table>",
        ]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
