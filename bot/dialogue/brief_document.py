"""The review brief as a document: HTML (a template, autoescaped) with inline SVG charts,
and PDF in the shipped Unicode font; both draw the same chart geometry.

Everything a person wrote is escaped (HTML) or drawn as plain text (PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from bot.documents import charts, html
from bot.documents.charts import Drawing
from bot.documents.pdf import KEEP, Page
from dialogs.agreement_texts import ta
from dialogs.brief import ReviewBrief, agenda_lines, answer_text, conversation_tips
from dialogs.dates import local_day
from dialogs.digest import month_name
from dialogs.digest_texts import td
from dialogs.messages import Locale
from dialogs.report_texts import period_name
from dialogs.texts import MONTH_ABBREVIATIONS, format_day
from dialogs.tips import tips_title

Format = Literal["html", "pdf"]


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[tuple[str, bool], ...]  # (text, private)
    empty: str = ""


def _period(period: str, locale: Locale) -> str:
    """A follow-up round as people say it: '2027-03' is 'maart 2027', '2027-Q1' 'Q1 2027'."""
    name = period_name(period, locale, short=False)
    return period if name == period else f"{name} {period[:4]}"


def sections(brief: ReviewBrief) -> list[Section]:
    """The brief's text parts, shared by both formats (the charts are drawn per format)."""
    loc = brief.reader.locale

    def day(moment: datetime) -> str:
        return format_day(local_day(moment, brief.reader.timezone), loc)

    found = [
        Section(
            td("brief.shared_answers", loc),
            tuple(
                (
                    td(
                        "brief.answer_line",
                        loc,
                        question=a.prompt,
                        answer=a.answer,
                        day=day(a.answered_at),
                    ),
                    False,
                )
                for a in brief.shared_answers
            ),
        )
    ]
    if brief.copy == "employee" and brief.private_answers:
        found.append(
            Section(
                td("brief.private_answers", loc),
                tuple(
                    (
                        td(
                            "brief.answer_line",
                            loc,
                            question=a.prompt,
                            answer=a.answer,
                            day=day(a.answered_at),
                        ),
                        True,
                    )
                    for a in brief.private_answers
                ),
            )
        )
    agreement_lines: list[tuple[str, bool]] = []
    for a in brief.agreements:
        i_deal = f" ({ta('i_deal', loc)})" if a.i_deal else ""
        head = td(
            "brief.agreement",
            loc,
            id=a.agreement_id,
            category=ta(f"category.{a.category}", loc),
            i_deal=i_deal,
            status=ta(f"status.{a.status}", loc),
        )
        agreement_lines.append((f"{head} — {a.text}", False))
        if not a.rounds:
            agreement_lines.append((f"    {td('brief.no_follow_ups', loc)}", False))
        for r in a.rounds:
            line = td(
                "brief.follow_up",
                loc,
                period=_period(r.period, loc),
                employee=answer_text(r.employee_answer, loc),
                manager=answer_text(r.manager_answer, loc),
                gap=td("brief.gap", loc) if r.gap else "",
            )
            agreement_lines.append((f"    {line}", False))
    found.append(
        Section(td("brief.agreements", loc), tuple(agreement_lines), td("brief.no_agreements", loc))
    )
    topic_lines = []
    for topic in brief.topics:
        raised = day(topic.raised_at)
        if topic.discussed_at is not None:
            text = td(
                "brief.topic_discussed",
                loc,
                text=topic.text,
                raised=raised,
                day=day(topic.discussed_at),
            )
        else:
            text = td("brief.topic_open", loc, text=topic.text, raised=raised)
        topic_lines.append((text, False))
    found.append(Section(td("brief.topics", loc), tuple(topic_lines), td("brief.no_topics", loc)))
    found.append(
        Section(
            td("brief.conversations", loc),
            tuple(
                (td("brief.conversation", loc, day=day(c.happened_at), note=c.note), False)
                for c in brief.conversations
            ),
            td("brief.no_conversations", loc),
        )
    )
    found.append(
        Section(
            td("brief.agenda", loc),
            tuple((line, False) for line in agenda_lines(brief)),
        )
    )
    found.append(
        Section(
            tips_title("review_brief", loc), tuple((tip, False) for tip in conversation_tips(brief))
        )
    )
    return found


def _header(brief: ReviewBrief) -> tuple[str, list[str]]:
    loc = brief.reader.locale
    title = td("brief.title", loc, name=brief.employee_name)
    meta = td(
        "brief.meta",
        loc,
        month=month_name(brief.review_start, loc),
        manager=brief.manager_name,
        start=format_day(brief.period_start, loc),
        end=format_day(brief.period_end, loc),
    )
    copy = (
        td("brief.copy.employee", loc)
        if brief.copy == "employee"
        else td("brief.copy.manager", loc, name=brief.employee_name)
    )
    generated = td(
        "brief.generated",
        loc,
        day=format_day(local_day(brief.generated_at, brief.reader.timezone), loc),
    )
    return title, [meta, copy, generated]


def brief_charts(brief: ReviewBrief) -> list[tuple[Drawing, str]]:
    """Each question's answers over the review year, with its caption (the scale's ends)."""
    loc = brief.reader.locale
    private = td("brief.private", loc)

    def words(at: datetime, value: int, is_private: bool) -> str:
        day = format_day(local_day(at, brief.reader.timezone), loc)
        return f"{day}: {value}" + (f" ({private})" if is_private else "")

    found = []
    for chart in brief.charts:
        moments = [
            charts.Moment(p.at, p.value, p.private, words(p.at, p.value, p.private))
            for p in chart.points
        ]
        drawing = charts.time_chart(
            chart.prompt,
            moments,
            first=brief.period_start,
            last=brief.period_end,
            month_names=MONTH_ABBREVIATIONS[loc],
        )
        scale = td("brief.chart_scale", loc, low=chart.low, high=chart.high)
        found.append((drawing, f"{chart.prompt} ({scale})"))
    return found


def _private_legend(brief: ReviewBrief) -> bool:
    return any(p.private for c in brief.charts for p in c.points)


def to_html(brief: ReviewBrief) -> str:
    title, header = _header(brief)
    return html.render(
        "brief.html",
        locale=brief.reader.locale,
        catalog=td,
        title=title,
        meta=header,
        charts=brief_charts(brief),
        any_private=_private_legend(brief),
        sections=sections(brief),
    )


def to_pdf(brief: ReviewBrief, *, font_path: Path | None = None) -> bytes:
    """The brief as PDF in the shipped font (or `font_path`): every script a name may be
    written in comes out as written."""
    loc = brief.reader.locale
    title, header = _header(brief)
    private = td("brief.private", loc)
    page = Page(title, font_path=font_path)
    page.paragraph(title, 17, bold=True)
    for line in header:
        page.paragraph(line)
    drawn = brief_charts(brief)
    first = page.chart_height(drawn[0][0]) + 12 if drawn else KEEP
    page.heading(td("brief.trends", loc), keep=first)
    if not drawn:
        page.paragraph(td("brief.no_trends", loc))
    if _private_legend(brief):
        page.paragraph(td("brief.private_legend", loc), 9)
    for drawing, caption in drawn:
        page.chart(drawing, caption, 9)
    for section in sections(brief):
        page.heading(section.title)
        if not section.lines and section.empty:
            page.paragraph(section.empty)
        for text, is_private in section.lines:
            indent = 10.0 if text.startswith("    ") else 4.0
            mark = f" [{private}]" if is_private else ""
            page.paragraph(f"- {text.strip()}{mark}", indent=indent)
    return bytes(page.output())


def render(brief: ReviewBrief, fmt: Format, *, font_path: Path | None = None) -> bytes:
    if fmt == "pdf":
        return to_pdf(brief, font_path=font_path)
    return to_html(brief).encode("utf-8")
