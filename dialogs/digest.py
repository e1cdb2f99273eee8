"""The manager's team digest: its content and how it reads in chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dialogs.agreement_texts import ta
from dialogs.agreements import Attention, attention_lines
from dialogs.digest_texts import td
from dialogs.drift import DriftNote, drift_line
from dialogs.messages import Locale
from dialogs.texts import MONTH_NAMES, format_day, t

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
class DueAgreement:
    """An agreement of a report with a review date or follow-up coming up."""

    agreement_id: int
    category: str
    kind: str  # review | follow_up
    day: date


@dataclass(frozen=True)
class Monitoring:
    """Participation figures about one person: shown only when explicitly enabled."""

    asked: int
    missed: int
    median_answer_hours: float | None


@dataclass(frozen=True)
class ReportDigest:
    email: str
    name: str
    trends: tuple[QuestionTrend, ...]
    topics: tuple[RaisedTopic, ...]
    last_conversation: datetime | None = None
    # The first day of the coming (or current) review month, when one is set.
    review_start: date | None = None
    due: tuple[DueAgreement, ...] = ()
    monitoring: Monitoring | None = None
    # Lasting changes in shared answers, worth a conversation (the report saw them first).
    drift: tuple[DriftNote, ...] = ()
    # When the last annual review was recorded as held (`review held`).
    last_review: datetime | None = None


@dataclass(frozen=True)
class TeamDigest:
    manager_email: str
    manager_name: str
    since: datetime
    generated_at: datetime
    reports: tuple[ReportDigest, ...]
    # Agreements with a report that need a conversation: at risk, gaps, no follow-up.
    agreements: tuple[Attention, ...] = ()
    # More reports than the configured span of control: flagged at the top.
    span_limit: int = 0

    @property
    def over_span(self) -> bool:
        return self.span_limit > 0 and len(self.reports) > self.span_limit


def ago(then: date, today: date, loc: Locale) -> str:
    """How long ago a day was, as people say it."""
    days = (today - then).days
    if days <= 0:
        return td("ago.today", loc)
    if days < 14:
        return td("ago.days", loc, n=days)
    if days < 61:
        return td("ago.weeks", loc, n=days // 7)
    return td("ago.months", loc, n=days // 30)


def ahead(then: date, today: date, loc: Locale) -> str:
    days = (then - today).days
    if days <= 0:
        return td("ago.today", loc)
    if days < 14:
        return td("in.days", loc, n=days)
    if days < 61:
        return td("in.weeks", loc, n=days // 7)
    return td("in.months", loc, n=days // 30)


def last_review(then: date, today: date, loc: Locale) -> str:
    """How many calendar months ago the last review was held."""
    months = (today.year - then.year) * 12 + today.month - then.month
    key = "digest.last_review" if months > 0 else "digest.last_review_now"
    return td(key, loc, months=months, day=format_day(then, loc))


def month_name(day: date, loc: Locale) -> str:
    return f"{MONTH_NAMES[loc][day.month - 1]} {day.year}"


def _report_extras(report: ReportDigest, today: date, loc: Locale) -> list[str]:
    """Conversation, review, agreements due and (if enabled) participation of one report."""
    lines = []
    if report.last_conversation is not None:
        day = report.last_conversation.date()
        lines.append(
            td("digest.last_talk", loc, ago=ago(day, today, loc), day=format_day(day, loc))
        )
    else:
        lines.append(td("digest.no_talk", loc, email=report.email))
    if report.review_start is not None:
        month = month_name(report.review_start, loc)
        if report.review_start <= today:
            lines.append(td("digest.review_now", loc, month=month))
        else:
            when = ahead(report.review_start, today, loc)
            lines.append(td("digest.review", loc, month=month, ago=when))
    if report.last_review is not None:
        lines.append(last_review(report.last_review.date(), today, loc))
    if report.due:
        lines.append(f"{td('digest.agreements_due', loc)}:")
        for due in report.due:
            category = ta(f"category.{due.category}", loc)
            text = td(
                f"digest.due_{due.kind}",
                loc,
                id=due.agreement_id,
                category=category,
                day=format_day(due.day, loc),
            )
            lines.append(f"- {text}")
    if report.monitoring is not None:
        m = report.monitoring
        hours = "-" if m.median_answer_hours is None else f"{m.median_answer_hours:.0f}"
        lines.append(td("digest.monitoring", loc, missed=m.missed, asked=m.asked, hours=hours))
    return lines


def render_digest(digest: TeamDigest, locale: Locale) -> tuple[str, str]:
    """Title and body as plain text; every answer and topic appears exactly as written."""
    title = t("digest.title", locale, manager=digest.manager_name)
    if not digest.reports:
        return title, t("digest.no_reports", locale)
    blocks = []
    today = digest.generated_at.date()
    if digest.over_span:
        blocks.append(td("digest.span", locale, count=len(digest.reports), limit=digest.span_limit))
    if digest.agreements:
        attention = attention_lines(digest.agreements, locale)
        blocks.append("\n".join([ta("attention.title", locale), *(f"- {a}" for a in attention)]))
    for report in digest.reports:
        lines = [f"{report.name} <{report.email}>"]
        lines += [f"  {drift_line(note, locale)}" for note in report.drift]
        if not report.trends and not report.topics:
            lines.append(f"  ({t('digest.nothing_shared', locale)})")
        for trend in report.trends:
            chart = f"{trend.sparkline} " if trend.sparkline else ""
            latest = t("digest.last_value", locale)
            lines.append(f"  - {trend.prompt}\n    {chart}{latest}: {trend.latest}")
        if report.topics:
            lines.append(f"  {td('digest.topics_open', locale)}:")
            lines += [f"  - {topic.text}" for topic in report.topics]
        lines += [f"  {line}" for line in _report_extras(report, today, locale)]
        blocks.append("\n".join(lines))
    return title, "\n\n".join(blocks)
