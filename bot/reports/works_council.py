"""The annual overview for the works council: process, content and outcomes of the year's
dialogue for the whole organisation, plus what the system records and who sees it.

Only organisation-wide figures: a department breakdown is what the HR figures are for.
Every figure passes `aggregates.settle`; topics employees raise are free text, so their
counts need `TEXT_MIN` people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports import charts
from bot.reports.aggregates import (
    AGGREGATABLE,
    CLOSED_KINDS,
    SCORE_MIN,
    TEXT_MIN,
    Candidate,
    Figure,
    Line,
    Sensitivity,
    health_only_themes,
    health_question_ids,
    settle,
)
from bot.reports.source import prepare, year_window
from bot.services.conversations import held_review
from bot.services.people import Defaults
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.dialogue_models import Conversation, ReviewBriefSent
from bot.storage.models import Answer, Base, Occurrence, Person, Topic
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.messages import Locale
from dialogs.report_texts import label, record, tr

# Core PDF fonts speak Windows-1252: Dutch and English fit.
CORE_ENCODING = "windows-1252"
OUTCOMES = {
    "signed": "kept",
    "completed": "kept",
    "at_risk": "at_risk",
    "dropped": "dropped",
    "draft": "open",
    "proposed": "open",
}
PROCESS_KEYS = (
    "employees",
    "review_month_set",
    "reviews_held",
    "signed_share",
    "followup_rate",
    "checkins",
    "briefs_sent",
)
FOLLOWUP_ANSWERS = ("on_track", "partly", "not", "no_longer_relevant")


@dataclass(frozen=True)
class OverviewItem:
    """One figure: `group` is the block it belongs to (process, topics, categories, ...),
    `key` what it counts. A rate has value 0-1, count = numerator, people = denominator."""

    section: str
    group: str
    key: str
    figure: Figure


@dataclass(frozen=True)
class Overview:
    year: int
    generated_at: datetime
    minimum: int
    text_minimum: int
    items: tuple[OverviewItem, ...]
    # The tables the system keeps, for "what the system records and who sees it".
    tables: tuple[str, ...]

    def group(self, group: str) -> tuple[OverviewItem, ...]:
        return tuple(i for i in self.items if i.group == group)

    def find(self, group: str, key: str) -> Figure | None:
        for item in self.items:
            if item.group == group and item.key == key:
                return item.figure
        return None


@dataclass
class _Builder:
    """Candidates in publication order, their lines, and where each belongs."""

    candidates: list[Candidate]
    lines: list[Line]
    where: dict[Hashable, tuple[str, str, str]]

    def add(
        self,
        section: str,
        group: str,
        key: str,
        members: frozenset[int] | None,
        *,
        size: int | None = None,
        value: float | None = None,
        count: int | None = None,
        scope: Hashable = None,
    ) -> Hashable:
        ident = (group, key)
        people = len(members) if members is not None else (size or 0)
        shown_value = value if value is not None else float(count if count is not None else people)
        shown_count = count if count is not None else people
        self.candidates.append(Candidate(ident, people, shown_value, shown_count, members, scope))
        self.where[ident] = (section, group, key)
        return ident

    def line(self, total: Hashable, parts: Iterable[Hashable], disjoint: bool = False) -> None:
        self.lines.append(Line(total, tuple(parts), disjoint))


def _ids(rows: Iterable[tuple[int, ...]]) -> frozenset[int]:
    return frozenset(r[0] for r in rows)


async def works_council_overview(
    session: AsyncSession,
    *,
    year: int,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults | None = None,
) -> Overview:
    del defaults  # Figures are language-free; the renderers take the locale.
    start, end = year_window(year)
    await prepare(session)
    score = _Builder([], [], {})
    text = _Builder([], [], {})

    # ---- process
    employees = _ids(
        await session.execute(
            select(Person.id).where(Person.active, Person.manager_id.is_not(None))
        )
    )
    all_key = score.add("process", "process", "employees", employees)
    planned = _ids(
        await session.execute(
            select(Person.id).where(
                Person.active, Person.manager_id.is_not(None), Person.review_month.is_not(None)
            )
        )
    )
    score.add("process", "process", "review_month_set", planned)
    # Employees with an annual review recorded in the year (`review held`, not disputed).
    held = _ids(
        await session.execute(
            select(Conversation.employee_id).where(
                held_review(), Conversation.happened_at >= start, Conversation.happened_at < end
            )
        )
    )
    score.add("process", "process", "reviews_held", held)
    signed_rows = (
        await session.execute(
            select(Agreement.employee_id, Agreement.signed_at).where(
                Agreement.signed_at >= start, Agreement.signed_at < end
            )
        )
    ).all()
    # Who signed in the year: the total of the chart by month, not published itself.
    signed = frozenset(r[0] for r in signed_rows)
    signed_key = score.add("process", "signed_rest", "signed", signed)
    by_month: dict[str, set[int]] = defaultdict(set)
    for employee, signed_at in signed_rows:
        by_month[f"{signed_at:%Y-%m}"].add(employee)
    month_keys = [
        score.add(
            "process", "signed_by_month", f"{year}-{m:02d}", frozenset(by_month[f"{year}-{m:02d}"])
        )
        for m in range(1, 13)
    ]
    score.line(signed_key, month_keys)
    # People whose review brief of this year went out (each copy pair counts once).
    briefed = _ids(
        await session.execute(select(ReviewBriefSent.person_id).where(ReviewBriefSent.year == year))
    )
    score.add("process", "process", "briefs_sent", briefed)

    contract = (
        _ids(
            await session.execute(
                select(Agreement.employee_id).where(
                    Agreement.year == year, Agreement.signed_version.is_not(None)
                )
            )
        )
        & employees
    )
    share = len(contract) / len(employees) if employees else None
    with_key = score.add(
        "process", "process", "signed_share", contract, value=share, count=len(contract)
    )
    without_key = score.add("process", "signed_share_rest", "without", employees - contract)
    score.line(all_key, [with_key, without_key], disjoint=True)

    due = (
        await session.execute(
            select(AgreementFollowUp.party_id, AgreementFollowUp.answer).where(
                AgreementFollowUp.due_at >= start,
                AgreementFollowUp.due_at < min(end, now),
            )
        )
    ).all()
    parties = frozenset(r[0] for r in due)
    answered = [r for r in due if r[1] is not None]
    rate = len(answered) / len(due) if due else None
    score.add("process", "process", "followup_rate", parties, value=rate, count=len(answered))

    excluded = health_only_themes(banks)
    occurrence_filter = [
        Occurrence.status == "completed",
        Occurrence.due_at >= start,
        Occurrence.due_at < end,
    ]
    if excluded:
        occurrence_filter.append(Occurrence.theme.not_in(excluded))
    # Per person first, then over people: cheaper than COUNT(DISTINCT) over every row.
    per_person = (
        select(func.count().label("n"))
        .where(and_(*occurrence_filter))
        .group_by(Occurrence.person_id)
        .subquery()
    )
    checkins, checkin_people = (
        await session.execute(select(func.coalesce(func.sum(per_person.c.n), 0), func.count()))
    ).one()
    score.add("process", "process", "checkins", None, size=int(checkin_people), count=int(checkins))

    # ---- content
    health_ids = health_question_ids(banks)
    answer_filter = [
        Answer.kind.in_(CLOSED_KINDS),
        Answer.visibility.in_(AGGREGATABLE),
        Answer.topic.not_in(HEALTH_TOPICS),
        Answer.answered_at >= start,
        Answer.answered_at < end,
    ]
    if health_ids:
        answer_filter.append(Answer.question_id.not_in(health_ids))
    by_person = (
        select(Answer.topic.label("topic"), func.count().label("n"))
        .where(and_(*answer_filter))
        .group_by(Answer.topic, Answer.person_id)
        .subquery()
    )
    topic_rows = await session.execute(
        select(by_person.c.topic, func.sum(by_person.c.n), func.count())
        .group_by(by_person.c.topic)
        .order_by(by_person.c.topic)
    )
    for topic, answers, people in topic_rows:
        score.add("content", "topics", topic, None, size=int(people), count=int(answers))

    raised = (
        await session.execute(
            select(Topic.person_id, Topic.status).where(
                Topic.raised_at >= start, Topic.raised_at < end
            )
        )
    ).all()
    raised_key = text.add(
        "content", "raised_topics", "all", frozenset(r[0] for r in raised), count=len(raised)
    )
    parts = []
    for status in sorted({r[1] for r in raised}):
        of_status = [r for r in raised if r[1] == status]
        parts.append(
            text.add(
                "content",
                "raised_topics",
                status,
                frozenset(r[0] for r in of_status),
                count=len(of_status),
            )
        )
    text.line(raised_key, parts)

    agreements = (
        await session.execute(
            select(
                Agreement.employee_id, Agreement.category, Agreement.status, Agreement.is_i_deal
            ).where(Agreement.year == year)
        )
    ).all()
    total_key = score.add(
        "content", "categories", "all", frozenset(r[0] for r in agreements), count=len(agreements)
    )
    category_keys = []
    for category in sorted({r[1] for r in agreements}):
        of_category = [r for r in agreements if r[1] == category]
        category_key = score.add(
            "content",
            "categories",
            category,
            frozenset(r[0] for r in of_category),
            count=len(of_category),
            scope=("category", category),
        )
        category_keys.append(category_key)
        deals = [r for r in of_category if r[3]]
        if deals:
            # The i-deals are part of their category: one of them shown next to the other
            # hidden, or the two differing by a few people, would give the other away.
            deal_key = score.add(
                "content",
                "i_deals",
                category,
                frozenset(r[0] for r in deals),
                count=len(deals),
                scope=("category", category),
            )
            score.line(category_key, [deal_key])
    score.line(total_key, category_keys)

    # ---- outcomes
    outcome_keys = []
    for outcome in ("kept", "at_risk", "dropped", "open"):
        of_outcome = [r for r in agreements if OUTCOMES.get(r[2]) == outcome]
        outcome_keys.append(
            score.add(
                "outcomes",
                "outcomes",
                outcome,
                frozenset(r[0] for r in of_outcome),
                count=len(of_outcome),
            )
        )
    score.line(total_key, outcome_keys)
    answers_key = score.add(
        "outcomes",
        "followup_answers",
        "all",
        frozenset(r[0] for r in answered),
        count=len(answered),
    )
    answer_keys = []
    for answer in FOLLOWUP_ANSWERS:
        of_answer = [r for r in answered if r[1] == answer]
        answer_keys.append(
            score.add(
                "outcomes",
                "followup_answers",
                answer,
                frozenset(r[0] for r in of_answer),
                count=len(of_answer),
            )
        )
    score.line(answers_key, answer_keys)

    items = []
    for builder, sensitivity in ((score, "score"), (text, "text")):
        level: Sensitivity = "text" if sensitivity == "text" else "score"
        for key, figure in settle(builder.candidates, builder.lines, level).items():
            section, group, name = builder.where[key]
            if group in ("signed_share_rest", "signed_rest"):
                continue
            items.append(OverviewItem(section, group, name, figure))
    return Overview(
        year=year,
        generated_at=now,
        minimum=SCORE_MIN,
        text_minimum=TEXT_MIN,
        items=tuple(items),
        tables=tuple(sorted(Base.metadata.tables)),
    )


# ---- rendering ----------------------------------------------------------------------------

RATES = ("signed_share", "followup_rate")


def item_label(item: OverviewItem, locale: Locale) -> str:
    if item.group == "process":
        return tr(f"wc.{item.key}", locale)
    if item.group == "outcomes":
        return tr(f"wc.outcome.{item.key}", locale)
    if item.group in ("categories", "i_deals"):
        return label("category", item.key, locale)
    if item.group == "followup_answers":
        return label("answer", item.key, locale)
    if item.group == "raised_topics":
        return label("raised", item.key, locale)
    return item.key


def item_value(item: OverviewItem, overview: Overview, locale: Locale) -> str:
    f = item.figure
    minimum = overview.text_minimum if item.group == "raised_topics" else overview.minimum
    if f.suppressed:
        return tr("fewer_than", locale, minimum=minimum)
    if item.key in RATES and item.group == "process":
        return "-" if f.value is None else f"{f.value * 100:.0f}%"
    return str(f.count if f.count is not None else 0)


def blocks(overview: Overview, locale: Locale) -> list[tuple[str, str, list[OverviewItem]]]:
    """(section heading, block heading, items) in reading order; the records come last."""
    loc = locale
    found: list[tuple[str, str, list[OverviewItem]]] = [
        (tr("wc.process", loc), "", list(overview.group("process"))),
        (
            tr("wc.process", loc),
            tr("wc.chart.signed_by_month", loc),
            list(overview.group("signed_by_month")),
        ),
        (tr("wc.content", loc), tr("wc.topics", loc), list(overview.group("topics"))),
        (tr("wc.content", loc), tr("wc.raised_topics", loc), list(overview.group("raised_topics"))),
        (tr("wc.content", loc), tr("wc.categories", loc), list(overview.group("categories"))),
        (tr("wc.content", loc), tr("wc.i_deals", loc), list(overview.group("i_deals"))),
        (tr("wc.outcomes", loc), "", list(overview.group("outcomes"))),
        (
            tr("wc.outcomes", loc),
            tr("wc.followup_answers", loc),
            list(overview.group("followup_answers")),
        ),
    ]
    return found


def chart_items(items: list[OverviewItem], locale: Locale) -> list[tuple[str, float | None]]:
    return [
        (item_label(i, locale), None if i.figure.suppressed else float(i.figure.count or 0))
        for i in items
        if i.key != "all"
    ]


def render_html(overview: Overview, locale: Locale) -> str:
    loc = locale
    title = tr("wc.title", loc, year=overview.year)
    hidden = tr("fewer_than", loc, minimum=overview.minimum)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{loc}"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        "text-align:left}</style>",
        f"</head><body><h1>{escape(title)}</h1>",
        f"<p>{escape(tr('wc.intro', loc, minimum=overview.minimum))}</p>",
        f"<p>{escape(tr('generated', loc, at=overview.generated_at.strftime('%Y-%m-%d %H:%M')))}"
        " UTC</p>",
    ]
    current = ""
    for section, heading, items in blocks(overview, loc):
        if section != current:
            out.append(f"<h2>{escape(section)}</h2>")
            current = section
        if heading:
            out.append(f"<h3>{escape(heading)}</h3>")
        if not items:
            out.append(f"<p>{escape(tr('none', loc))}</p>")
            continue
        chartable = chart_items(items, loc)
        if items[0].group != "process" and chartable:
            out.append(charts.bar_chart(heading or section, chartable, hidden_label=hidden))
        if items[0].group == "signed_by_month":
            continue
        out.append("<table>")
        for item in items:
            name = item_label(item, loc) if item.key != "all" else tr("total", loc)
            value = item_value(item, overview, loc)
            out.append(f"<tr><td>{escape(name)}</td><td>{escape(value)}</td></tr>")
        out.append("</table>")
    out.append(f"<h2>{escape(tr('wc.records', loc))}</h2>")
    out.append(f"<p>{escape(tr('wc.records.note', loc))}</p><table>")
    head = "".join(
        f"<th>{escape(tr(key, loc))}</th>"
        for key in ("wc.records.table", "wc.records.what", "wc.records.who")
    )
    out.append(f"<tr>{head}</tr>")
    for table in overview.tables:
        what, who = record(table, loc)
        out.append(
            f"<tr><td>{escape(table)}</td><td>{escape(what)}</td><td>{escape(who)}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)


def _core(text: str) -> str:
    return text.encode(CORE_ENCODING, "replace").decode(CORE_ENCODING)


def _pdf_bars(
    pdf: FPDF, items: list[tuple[str, float | None]], hidden: str, family: str, core: bool
) -> None:
    """A horizontal bar chart drawn with the PDF's own shapes."""
    known = [v for _, v in items if v is not None]
    top = max(known, default=0.0) or 1.0
    label_w, plot_w, bar_h = 60.0, 100.0, 5.0
    pdf.set_font(family, "", 8)
    clean = _core if core else str
    for name, value in items:
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin)
        pdf.cell(label_w, bar_h, clean(name)[:40])
        x = pdf.l_margin + label_w
        if value is None:
            pdf.set_text_color(120, 120, 120)
            pdf.text(x + 1, y + 3.8, clean(hidden))
            pdf.set_text_color(0, 0, 0)
        else:
            width = max(0.3, value / top * plot_w)
            pdf.set_fill_color(47, 111, 159)
            pdf.rect(x, y + 0.5, width, bar_h - 1, style="F")
            pdf.text(x + width + 1.5, y + 3.8, f"{value:g}")
        pdf.set_y(y + bar_h + 1)
    pdf.ln(2)


def render_pdf(overview: Overview, locale: Locale, *, font_path: Path | None = None) -> bytes:
    """The overview as PDF, with the same bar charts as the HTML drawn natively."""
    loc = locale
    pdf = FPDF(format="A4")
    title = tr("wc.title", loc, year=overview.year)
    pdf.set_title(title)
    pdf.set_creator("Jaarrond")
    family = "helvetica"
    if font_path is not None:
        pdf.add_font("body", "", str(font_path))
        family = "body"
    else:
        pdf.core_fonts_encoding = CORE_ENCODING
    clean = _core if font_path is None else (lambda s: s)
    hidden = tr("fewer_than", loc, minimum=overview.minimum)
    pdf.add_page()

    def write(text: str, size: float = 10.0, bold: bool = False) -> None:
        pdf.set_font(family, "B" if bold and font_path is None else "", size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, size * 0.5 + 1, clean(text), new_x="LMARGIN", new_y="NEXT")

    write(title, 16, True)
    write(tr("wc.intro", loc, minimum=overview.minimum), 9)
    write(tr("generated", loc, at=overview.generated_at.strftime("%Y-%m-%d %H:%M")) + " UTC", 9)
    current = ""
    for section, heading, items in blocks(overview, loc):
        if section != current:
            pdf.ln(3)
            write(section, 13, True)
            current = section
        if heading:
            write(heading, 11, True)
        if not items:
            write(tr("none", loc), 9)
            continue
        chartable = chart_items(items, loc)
        if items[0].group != "process" and chartable:
            _pdf_bars(pdf, chartable, hidden, family, font_path is None)
        if items[0].group == "signed_by_month":
            continue
        for item in items:
            name = item_label(item, loc) if item.key != "all" else tr("total", loc)
            write(f"{name}: {item_value(item, overview, loc)}", 9)
    pdf.ln(3)
    write(tr("wc.records", loc), 13, True)
    write(tr("wc.records.note", loc), 9)
    for table in overview.tables:
        what, who = record(table, loc)
        write(f"{table}: {what}. {tr('wc.records.who', loc)}: {who}.", 9)
    return bytes(pdf.output())
