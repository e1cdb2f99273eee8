"""The manager's team digest: its content and how it reads in chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.agreement_texts import ta
from dialogs.agreements import Attention, attention_lines
from dialogs.messages import Locale
from dialogs.texts import t

SPARK = {"1": "▁", "2": "▃", "3": "▄", "4": "▆", "5": "█"}
TREND_POINTS = 12


def sparkline(values: tuple[str, ...]) -> str:
    """Scale answers 1-5 as a small bar chart, oldest first."""
    return "".join(SPARK.get(v, "·") for v in values[-TREND_POINTS:])


@dataclass(frozen=True)
class QuestionTrend:
    question_id: str
    theme: str
    topic: str
    kind: str
    prompt: str
    values: tuple[str, ...]
    latest: str
    latest_at: datetime

    @property
    def sparkline(self) -> str:
        return sparkline(self.values) if self.kind == "scale" else ""


@dataclass(frozen=True)
class RaisedTopic:
    text: str
    raised_at: datetime


@dataclass(frozen=True)
class ReportDigest:
    email: str
    name: str
    trends: tuple[QuestionTrend, ...]
    topics: tuple[RaisedTopic, ...]


@dataclass(frozen=True)
class TeamDigest:
    manager_email: str
    manager_name: str
    since: datetime
    generated_at: datetime
    reports: tuple[ReportDigest, ...]
    # Agreements with a report that need a conversation: at risk, gaps, no follow-up.
    agreements: tuple[Attention, ...] = ()


def render_digest(digest: TeamDigest, locale: Locale) -> tuple[str, str]:
    """Title and body as plain text; every answer and topic appears exactly as written."""
    title = t("digest.title", locale, manager=digest.manager_name)
    if not digest.reports:
        return title, t("digest.no_reports", locale)
    blocks = []
    if digest.agreements:
        attention = attention_lines(digest.agreements, locale)
        blocks.append("\n".join([ta("attention.title", locale), *(f"- {a}" for a in attention)]))
    for report in digest.reports:
        lines = [f"{report.name} <{report.email}>"]
        if not report.trends and not report.topics:
            lines.append(f"  ({t('digest.nothing_shared', locale)})")
        for trend in report.trends:
            chart = f"{trend.sparkline} " if trend.sparkline else ""
            latest = t("digest.last_value", locale)
            lines.append(f"  - {trend.prompt}\n    {chart}{latest}: {trend.latest}")
        if report.topics:
            lines.append(f"  {t('digest.topics', locale)}:")
            lines += [f"  - {topic.text}" for topic in report.topics]
        blocks.append("\n".join(lines))
    return title, "\n\n".join(blocks)
