"""The review brief: the year on one page for the review, in two copies.

Both copies hold the same shared material; only the employee's own copy adds their private
answers, each marked private. The manager's copy is built without them, not filtered after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from dialogs.agreement_texts import ta
from dialogs.digest import month_name
from dialogs.digest_texts import td
from dialogs.messages import Locale, Outbound, PersonRef
from dialogs.texts import format_day
from dialogs.tips import opener, tip_lines, tips_title

Copy = Literal["employee", "manager"]
COPIES: tuple[Copy, ...] = ("employee", "manager")
# A scale trend that moved this many steps over the year is worth a question at the review.
TREND_STEPS = 2


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    value: int  # 1-5
    private: bool


@dataclass(frozen=True)
class Chart:
    question_id: str
    prompt: str
    low: str
    high: str
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class AnswerLine:
    prompt: str
    answer: str
    answered_at: datetime


@dataclass(frozen=True)
class FollowUpRound:
    period: str
    employee_answer: str | None
    manager_answer: str | None
    gap: bool


@dataclass(frozen=True)
class BriefAgreement:
    agreement_id: int
    category: str
    text: str
    status: str
    i_deal: bool
    rounds: tuple[FollowUpRound, ...]


@dataclass(frozen=True)
class BriefTopic:
    text: str
    raised_at: datetime
    discussed_at: datetime | None


@dataclass(frozen=True)
class BriefConversation:
    happened_at: datetime
    note: str


@dataclass(frozen=True)
class ReviewBrief:
    copy: Copy
    reader: PersonRef
    employee_name: str
    employee_email: str
    manager_name: str
    review_start: date
    period_start: date
    period_end: date
    generated_at: datetime
    charts: tuple[Chart, ...]
    shared_answers: tuple[AnswerLine, ...]
    # Only ever filled in the employee's copy.
    private_answers: tuple[AnswerLine, ...]
    agreements: tuple[BriefAgreement, ...]
    topics: tuple[BriefTopic, ...]
    conversations: tuple[BriefConversation, ...]
    drafter: str  # employee | manager: who drafts the new third contract

    @property
    def agenda(self) -> tuple[str, ...]:
        return tuple(item.text for item in agenda_items(self))


@dataclass(frozen=True)
class AgendaItem:
    """One item of the suggested agenda: what kind it is (a tips bank's `about`), what it
    says, and the reader's opening question for it."""

    kind: str
    text: str
    opening: str = ""


def _risk(agreement: BriefAgreement) -> str | None:
    """Why an agreement belongs on the agenda: a gap, a breach, or its at-risk status."""
    if any(r.gap for r in agreement.rounds):
        return "perception_gap"
    if any("not" in (r.employee_answer, r.manager_answer) for r in agreement.rounds):
        return "not_kept"
    return "at_risk" if agreement.status == "at_risk" else None


def agenda_items(brief: ReviewBrief) -> tuple[AgendaItem, ...]:
    """Open topics first (the employee asked for them), then agreements that drifted,
    then trends that moved, then the year ahead and the new third contract; each with the
    opening question for the reader's side (`dialogs/tips/review_brief.yaml`)."""
    loc = brief.reader.locale
    found = [
        ("topic", td("agenda.topic", loc, text=t.text))
        for t in brief.topics
        if t.discussed_at is None
    ]
    for agreement in brief.agreements:
        reason = _risk(agreement)
        if reason is not None:
            category = ta(f"category.{agreement.category}", loc)
            why = td(f"agenda.reason.{reason}", loc)
            found.append(
                (
                    reason,
                    td(
                        "agenda.agreement",
                        loc,
                        id=agreement.agreement_id,
                        category=category,
                        reason=why,
                    ),
                )
            )
    for chart in brief.charts:
        # Only shared answers set the agenda, in both copies: it is what both bring to the
        # conversation; a private trend (health above all) is not put on the table for them.
        values = [p.value for p in chart.points if not p.private]
        if len(values) >= 2 and abs(values[-1] - values[0]) >= TREND_STEPS:
            found.append(
                (
                    "trend",
                    td(
                        "agenda.trend", loc, question=chart.prompt, first=values[0], last=values[-1]
                    ),
                )
            )
    found.append(("year", td("agenda.year", loc, name=brief.employee_name)))
    found.append(("contract", td("agenda.contract", loc, role=td(f"role.{brief.drafter}", loc))))
    return tuple(
        AgendaItem(kind, text, opener("review_brief", brief.copy, loc, kind))
        for kind, text in found
    )


def agenda_lines(brief: ReviewBrief) -> tuple[str, ...]:
    """The numbered agenda, each item followed by its opening question, indented."""
    loc = brief.reader.locale
    lines: list[str] = []
    for n, item in enumerate(agenda_items(brief), 1):
        lines.append(f"{n}. {item.text}")
        if item.opening:
            lines.append(f"    {td('brief.opening', loc, question=item.opening)}")
    return tuple(lines)


def conversation_tips(brief: ReviewBrief) -> tuple[str, ...]:
    """The reader's tips for the review itself: summarise before answering, ask further,
    prepare (the copy says whose side the reader is on)."""
    return tip_lines("review_brief", brief.copy, brief.reader.locale)


def answer_text(value: str | None, loc: Locale) -> str:
    return ta(f"answer.{value}", loc) if value else ta("answer.none", loc)


def again_command(brief: ReviewBrief) -> str:
    """What the reader types in chat to get this copy again."""
    command = td("brief.command", brief.reader.locale)
    return command if brief.copy == "employee" else f"{command} {brief.employee_email}"


def summary(brief: ReviewBrief) -> Outbound:
    """The brief in chat: what it holds and the agenda; the whole document goes with it as
    a file (attached where it is sent, see bot/dialogue/brief_files.py)."""
    ref = brief.reader
    loc = ref.locale
    at_risk = sum(1 for a in brief.agreements if _risk(a) is not None)
    open_topics = sum(1 for t in brief.topics if t.discussed_at is None)
    if brief.copy == "employee":
        copy_line = td("brief.copy.employee", loc)
    else:
        copy_line = td("brief.copy.manager", loc, name=brief.employee_name)
    lines = [
        td(
            "brief.meta",
            loc,
            month=month_name(brief.review_start, loc),
            manager=brief.manager_name,
            start=format_day(brief.period_start, loc),
            end=format_day(brief.period_end, loc),
        ),
        copy_line,
        td(
            "brief.summary_counts",
            loc,
            charts=len(brief.charts),
            agreements=len(brief.agreements),
            at_risk=at_risk,
            open=open_topics,
            topics=len(brief.topics),
        ),
        "",
        f"{td('brief.agenda', loc)}:",
        *agenda_lines(brief),
        "",
        f"{tips_title('review_brief', loc)}:",
        *(f"- {tip}" for tip in conversation_tips(brief)),
        "",
        td("brief.summary_hint", loc, command=again_command(brief)),
    ]
    title = td("brief.title", loc, name=brief.employee_name)
    return Outbound(ref, "\n".join(lines), title)
