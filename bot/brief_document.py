"""The review brief as a document: HTML with inline SVG charts, and PDF (fpdf2).

Everything a person wrote is escaped (HTML) or drawn as plain text (PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Literal

from fpdf import FPDF

from bot.services.contract_document import CORE_ENCODING
from dialogs.agreement_texts import ta
from dialogs.agreements import local_day
from dialogs.brief import Chart, ReviewBrief, answer_text
from dialogs.digest import month_name
from dialogs.digest_texts import td
from dialogs.texts import format_day

Format = Literal["html", "pdf"]
CHART_W, CHART_H, PAD = 560.0, 150.0, 28.0


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[tuple[str, bool], ...]  # (text, private)
    empty: str = ""


def _x(moment: datetime, first: date, last: date, width: float) -> float:
    start = datetime.combine(first, time(), tzinfo=UTC).timestamp()
    end = max(datetime.combine(last, time(), tzinfo=UTC).timestamp(), start + 86400)
    share = min(max((moment.timestamp() - start) / (end - start), 0.0), 1.0)
    return share * width


def _y(value: int, height: float) -> float:
    return (5 - value) / 4 * height


def chart_svg(chart: Chart, first: date, last: date, private_label: str) -> str:
    """One question's answers over the period: 5 at the top, filled dots shared, open
    dots private (only ever present in the employee's copy)."""
    w, h = CHART_W - 2 * PAD, CHART_H - 2 * PAD
    points = [
        (PAD + _x(p.at, first, last, w), PAD + _y(p.value, h), p.private) for p in chart.points
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W:.0f}" height="{CHART_H:.0f}" '
        f'viewBox="0 0 {CHART_W:.0f} {CHART_H:.0f}" role="img" '
        f'aria-label="{escape(chart.prompt)}">',
        f'<rect x="{PAD}" y="{PAD}" width="{w}" height="{h}" fill="none" stroke="#bbb"/>',
    ]
    for value in range(1, 6):
        y = PAD + _y(value, h)
        parts.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{PAD + w}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{PAD - 12}" y="{y + 4:.1f}" font-size="10">{value}</text>')
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2a6ebb" stroke-width="2"/>')
    for x, y, private in points:
        fill = "#fff" if private else "#2a6ebb"
        title = f"<title>{escape(private_label)}</title>" if private else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" stroke="#2a6ebb">{title}'
            "</circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


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
                period=r.period,
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
            tuple((f"{n}. {item}", False) for n, item in enumerate(brief.agenda, 1)),
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


def to_html(brief: ReviewBrief) -> str:
    loc = brief.reader.locale
    title, header = _header(brief)
    private = td("brief.private", loc)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{loc}"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.4}"
        ".private{color:#8a3b00;font-weight:bold}.indent{margin-left:1.5em}"
        "figure{margin:1em 0}figcaption{font-size:.9em}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        *(f"<p>{escape(line)}</p>" for line in header),
        f"<h2>{escape(td('brief.trends', loc))}</h2>",
    ]
    if not brief.charts:
        out.append(f"<p>{escape(td('brief.no_trends', loc))}</p>")
    if any(p.private for c in brief.charts for p in c.points):
        out.append(f'<p class="private">{escape(td("brief.private_legend", loc))}</p>')
    for chart in brief.charts:
        scale = td("brief.chart_scale", loc, low=chart.low, high=chart.high)
        out.append(
            f"<figure>{chart_svg(chart, brief.period_start, brief.period_end, private)}"
            f"<figcaption>{escape(chart.prompt)} ({escape(scale)})</figcaption></figure>"
        )
    for section in sections(brief):
        out.append(f"<h2>{escape(section.title)}</h2>")
        if not section.lines and section.empty:
            out.append(f"<p>{escape(section.empty)}</p>")
        out.append("<ul>")
        for text, is_private in section.lines:
            css = ' class="indent"' if text.startswith("    ") else ""
            mark = f' <span class="private">[{escape(private)}]</span>' if is_private else ""
            out.append(f"<li{css}>{escape(text.strip())}{mark}</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def _plain(text: str, unicode_font: bool) -> str:
    if unicode_font:
        return text
    return text.encode(CORE_ENCODING, errors="replace").decode(CORE_ENCODING)


def _pdf_chart(pdf: FPDF, chart: Chart, first: date, last: date) -> None:
    """The same chart as the HTML's, drawn with PDF lines (5 at the top)."""
    width, height = pdf.epw - 10, 32.0
    left, top = pdf.l_margin + 8, pdf.get_y() + 2
    if top + height + 8 > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y() + 2
    pdf.set_draw_color(190, 190, 190)
    pdf.rect(left, top, width, height)
    pdf.set_font(size=7)
    for value in range(1, 6):
        y = top + _y(value, height)
        pdf.text(left - 4, y + 1, str(value))
    points = [
        (left + _x(p.at, first, last, width), top + _y(p.value, height), p.private)
        for p in chart.points
    ]
    pdf.set_draw_color(42, 110, 187)
    pdf.set_line_width(0.5)
    for (x1, y1, _), (x2, y2, _) in pairwise(points):
        pdf.line(x1, y1, x2, y2)
    pdf.set_fill_color(42, 110, 187)
    for x, y, private in points:
        pdf.circle(x, y, 0.9, style="D" if private else "FD")
    pdf.set_line_width(0.2)
    pdf.set_y(top + height + 3)


def to_pdf(brief: ReviewBrief, *, font_path: Path | None = None) -> bytes:
    loc = brief.reader.locale
    title, header = _header(brief)
    pdf = FPDF(format="A4")
    pdf.set_title(_plain(title, font_path is not None))
    pdf.set_creator("Jaarrond")
    family = "helvetica"
    if font_path is not None:
        pdf.add_font("body", "", str(font_path))
        family = "body"
    else:
        pdf.core_fonts_encoding = CORE_ENCODING
    plain = font_path is not None
    bold = "" if font_path is not None else "B"
    private = td("brief.private", loc)
    pdf.add_page()

    def write(text: str, size: float = 10.0, style: str = "", indent: float = 0.0) -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, 5.0, _plain(text, plain), new_x="LMARGIN", new_y="NEXT")

    write(title, 17, bold)
    for line in header:
        write(line)
    pdf.ln(3)
    write(td("brief.trends", loc), 13, bold)
    if not brief.charts:
        write(td("brief.no_trends", loc))
    if any(p.private for c in brief.charts for p in c.points):
        write(td("brief.private_legend", loc), 9)
    for chart in brief.charts:
        write(f"{chart.prompt} ({td('brief.chart_scale', loc, low=chart.low, high=chart.high)})", 9)
        _pdf_chart(pdf, chart, brief.period_start, brief.period_end)
    for section in sections(brief):
        pdf.ln(2)
        write(section.title, 13, bold)
        if not section.lines and section.empty:
            write(section.empty)
        for text, is_private in section.lines:
            indent = 10.0 if text.startswith("    ") else 4.0
            mark = f" [{private}]" if is_private else ""
            write(f"- {text.strip()}{mark}", indent=indent)
    return bytes(pdf.output())


def render(brief: ReviewBrief, fmt: Format, *, font_path: Path | None = None) -> bytes:
    if fmt == "pdf":
        return to_pdf(brief, font_path=font_path)
    return to_html(brief).encode("utf-8")
