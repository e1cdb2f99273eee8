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
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversations import held_review
from bot.documents import html
from bot.org.people import Defaults
from bot.reports import ladder_views, pdf, views
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
from bot.reports.ladder import Ladder, ladder_figures
from bot.reports.source import NO_DEPARTMENT, department_names, prepare, year_window
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.dialogue_models import Conversation, ReviewBriefSent
from bot.storage.models import EMPLOYMENTS, Answer, Occurrence, Person, Topic
from dialogs.banks import HEALTH_TOPICS, Bank
from dialogs.ladder import Rules
from dialogs.messages import Locale
from dialogs.report_texts import tr

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
    # The organisation's development ladder, this year and last.
    ladder: Ladder | None = None

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
    ladder_rules: Rules | None = None,
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
    # Temporary and agency workers apart: how many, and how many have a third contract.
    # Filtered here, not with IN: the employees can outnumber a statement's parameters.
    employment_of = {
        person: employment
        for person, employment in (
            await session.execute(select(Person.id, Person.employment))
        ).all()
        if person in employees
    }
    kinds = [k for k in EMPLOYMENTS if k in set(employment_of.values())]
    groups = {k: frozenset(p for p, e in employment_of.items() if e == k) for k in kinds}
    score.line(
        all_key, [score.add("process", "employment", k, groups[k]) for k in kinds], disjoint=True
    )
    score.line(
        with_key,
        [score.add("process", "employment_signed", k, groups[k] & contract) for k in kinds],
        disjoint=True,
    )

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
    # Departments are computed so the organisation's figures are settled as their union,
    # exactly as in the HR figures; the overview shows only the organisation.
    names: dict[int | None, str] = {None: NO_DEPARTMENT}
    for dept_id, name in (await department_names(session)).items():
        names[dept_id] = name
    ladder = await ladder_figures(
        session, year=year, now=now, banks=banks, names=names, rules=ladder_rules
    )
    ladder = ladder.only(None)
    return Overview(
        year=year,
        generated_at=now,
        minimum=SCORE_MIN,
        text_minimum=TEXT_MIN,
        items=tuple(items),
        ladder=ladder,
    )


# ---- rendering ----------------------------------------------------------------------------


def _meta(overview: Overview, locale: Locale) -> list[str]:
    """What the overview holds and when it was made, under its title."""
    at = f"{overview.generated_at:%Y-%m-%d %H:%M} UTC"
    return [tr("wc.intro", locale, minimum=overview.minimum), tr("generated", locale, at=at)]


def render_html(overview: Overview, locale: Locale) -> str:
    """The overview as a self-contained page, from the same blocks as the admin console's."""
    loc = locale
    return html.render(
        "report.html",
        locale=loc,
        catalog=tr,
        title=tr("wc.title", loc, year=overview.year),
        meta=_meta(overview, loc),
        groups=groups(overview, loc),
    )


def groups(overview: Overview, locale: Locale) -> list[views.Group]:
    """The overview's sections, the development ladder of the organisation after them."""
    found = views.works_council_groups(overview, locale)
    if overview.ladder is None:
        return found
    # Before the records: the ladder reads the dialogue's figures, the records close it.
    ladder = ladder_views.ladder_groups(overview.ladder, locale, None, departments=False)
    return [*found[:-1], *ladder, found[-1]]


def render_pdf(overview: Overview, locale: Locale, *, font_path: Path | None = None) -> bytes:
    """The overview as PDF: the HTML's blocks, each chart kept on one page with its title."""
    title = tr("wc.title", locale, year=overview.year)
    return pdf.render(
        title, _meta(overview, locale), groups(overview, locale), locale, font_path=font_path
    )
