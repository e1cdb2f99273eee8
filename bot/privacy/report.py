"""The information sheet for a works council and a DPIA, generated from the running
configuration and the registry, so it cannot drift from the code; in Dutch or English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import make_url

from bot.config import RetentionSettings, Settings
from bot.documents.html import render
from bot.privacy.group_sizes import SCORE_MIN, TEXT_MIN
from bot.privacy.registry import (
    REGISTRY,
    RETAIN_AGREEMENT,
    RETAIN_ANSWERS,
    RETAIN_EVENTS,
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
from dialogs.privacy_report_texts import PRIVACY_REPORT_CATALOG, sheet_text

# Kinds kept for a period counted from a moment; the others are kept while something lasts.
TIMED = frozenset({RETAIN_ANSWERS, RETAIN_TOPICS, RETAIN_MESSAGES, RETAIN_EVENTS})
# Kinds about a person who may leave: erased the leavers' period after they left.
ABOUT_A_PERSON = frozenset({RETAIN_ANSWERS, RETAIN_TOPICS, RETAIN_PERSON, RETAIN_AGREEMENT})


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
    locale: Locale
    general: tuple[str, ...]
    tables: tuple[TableSection, ...]


def retention_text(kind: str, retention: RetentionSettings, locale: Locale) -> str:
    if kind in TIMED:
        days = period_days(kind, retention)
        key = f"retention.{kind}" if days else "retention.forever"
        text = sheet_text(key, locale, days=days)
    else:
        text = sheet_text(f"retention.{kind}", locale)
    if kind in ABOUT_A_PERSON and retention.leavers_days:
        text += sheet_text("retention.leavers", locale, days=retention.leavers_days)
    return text


def location(settings: Settings, locale: Locale) -> str:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return sheet_text("location.sqlite", locale, path=url.database)
    host, port = url.host or "localhost", url.port or 5432
    return sheet_text("location.postgres", locale, name=url.database, host=host, port=port)


def _general(settings: Settings, now: datetime, locale: Locale) -> tuple[str, ...]:
    keys = len(settings.data_keys)
    key_text = (
        sheet_text("keys.set", locale, n=keys) if keys else sheet_text("keys.development", locale)
    )
    platforms = [sheet_text("platform.console", locale)]
    if settings.slack.configured:
        platforms.append("Slack")
    if settings.teams.enabled:
        platforms.append("Microsoft Teams")
    suppressed = sheet_text("suppressed", locale, minimum=SCORE_MIN, text_minimum=TEXT_MIN)
    return (
        sheet_text("generated", locale, at=f"{now:%Y-%m-%d %H:%M} UTC", profile=settings.profile),
        sheet_text("location", locale, location=location(settings, locale)),
        sheet_text("encryption", locale, keys=key_text),
        sheet_text("platforms", locale, platforms=", ".join(platforms)),
        f"{say(SEEN_BY_NOTE, locale)} {suppressed}",
        sheet_text("rights", locale),
        sheet_text("seen_by.intro", locale),
    )


def build_report(settings: Settings, now: datetime, locale: Locale) -> Report:
    """Every table of the registry, each with its personal columns; a table with none says
    so, so the sheet lists what the works council's overview lists."""
    sealed_here = sealed()
    yes, no = sheet_text("encrypted.yes", locale), sheet_text("encrypted.no", locale)
    sections = []
    for name in sorted(REGISTRY):
        entry = REGISTRY[name]
        lines = tuple(
            ColumnLine(column, say(holds, locale), yes if (name, column) in sealed_here else no)
            for column, holds in entry.personal.items()
        )
        sections.append(
            TableSection(
                name,
                say(entry.holds, locale),
                say(entry.purpose, locale),
                entry.seen_by_text(locale),
                retention_text(entry.retention, settings.retention, locale),
                sheet_text(f"erase.{entry.erasure}", locale),
                lines,
            )
        )
    return Report(locale, _general(settings, now, locale), tuple(sections))


def render_markdown(report: Report) -> str:
    def t(key: str) -> str:
        return sheet_text(key, report.locale)

    out = [f"# {t('title')}", ""]
    out += [f"- {line}" for line in report.general]
    for section in report.tables:
        out += ["", f"## {section.table}", "", f"{section.holds}. {section.purpose}", ""]
        out.append(f"- {t('seen_by')}: {section.seen_by}")
        out.append(f"- {t('retention')}: {section.retention}")
        out.append(f"- {t('erasure')}: {section.erasure}")
        if not section.columns:
            out += ["", t("no_personal_data")]
            continue
        out += ["", f"| {t('column')} | {t('holds')} | {t('encrypted')} |", "|---|---|---|"]
        out += [
            f"| {c.column} | {c.holds.replace('|', '/')} | {c.encrypted} |" for c in section.columns
        ]
    return "\n".join(out) + "\n"


def render_html(report: Report) -> str:
    """The same sheet as a web page: an autoescaped template, like every document."""
    return render(
        "privacy_report.html",
        locale=report.locale,
        catalog=PRIVACY_REPORT_CATALOG.text,
        title=sheet_text("title", report.locale),
        meta=[],
        report=report,
    )
