"""The guided drafting dialog of an agreement as pure logic: step(draft, reply, ctx) -> result,
each step's question in the person's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, Literal

from dialogs.agreement_texts import ta
from dialogs.agreements import (
    CADENCES,
    CANCEL_WORDS,
    CATEGORIES,
    MAX_TEXT,
    MIN_RATIONALE,
    Role,
    Terms,
    cancel_button,
    dialog_token,
    optional_day,
    other_role,
)
from dialogs.answers import label_of, option
from dialogs.dates import DayProblem, add_months, parse_day
from dialogs.messages import Choice, Locale, Outbound, OutcomeKind, PersonRef, Question
from dialogs.tips import tip_lines, tips_block, tips_title

DraftOutcome = Literal["open", "propose", "save", "cancel"]
REVIEW_MONTHS = ("3", "6", "12")
MAX_REVIEW_YEARS = 5


@dataclass(frozen=True)
class Counterpart:
    person_id: int
    name: str
    role: Role  # the counterpart's role in the agreement
    drafter: Role  # whose turn it is to draft this year, for this pair
    # The agency the pair's employee works through: its terms are tagged in the text.
    agency: str = ""


@dataclass(frozen=True)
class DraftContext:
    person: PersonRef
    counterparts: tuple[Counterpart, ...]
    today: date  # the person's local date

    def counterpart(self, person_id: int | None) -> Counterpart | None:
        return next((c for c in self.counterparts if c.person_id == person_id), None)


@dataclass(frozen=True)
class Draft:
    dialog_id: int
    step: str = "counterpart"
    counterpart_id: int | None = None
    category: str = ""
    text: str = ""
    i_deal: bool = False
    rationale: str = ""
    review: date | None = None
    cadence: str = ""

    @property
    def token(self) -> str:
        return dialog_token(self.dialog_id, self.step)

    def data(self) -> dict[str, Any]:
        return {
            "counterpart_id": self.counterpart_id,
            "category": self.category,
            "text": self.text,
            "i_deal": self.i_deal,
            "rationale": self.rationale,
            "review": self.review.isoformat() if self.review else None,
            "cadence": self.cadence,
        }

    @classmethod
    def from_data(cls, dialog_id: int, step: str, data: Mapping[str, Any]) -> Draft:
        review = data.get("review")
        return cls(
            dialog_id=dialog_id,
            step=step,
            counterpart_id=data.get("counterpart_id"),
            category=data.get("category", ""),
            text=data.get("text", ""),
            i_deal=bool(data.get("i_deal")),
            rationale=data.get("rationale", ""),
            review=date.fromisoformat(review) if review else None,
            cadence=data.get("cadence", ""),
        )

    def terms(self, start: date) -> Terms:
        return Terms(
            category=self.category,
            text=self.text,
            start=start,
            i_deal=self.i_deal,
            rationale=self.rationale if self.i_deal else "",
            review=self.review,
            cadence=self.cadence,
        )


@dataclass(frozen=True)
class DraftResult:
    draft: Draft
    out: tuple[Outbound, ...] = ()
    outcome: DraftOutcome = "open"
    # What became of the answer: taken (and how it reads), asked again, or outdated.
    answer: OutcomeKind = "recorded"
    label: str = ""


def _choices(draft: Draft, ctx: DraftContext) -> tuple[Choice, ...]:
    loc = ctx.person.locale
    match draft.step:
        case "counterpart":
            return tuple(
                option(str(c.person_id), loc, partial(_with_role, c), c.name)
                for c in ctx.counterparts
            )
        case "category":
            return tuple(option(c, loc, partial(ta, f"category.{c}")) for c in CATEGORIES)
        case "i_deal":
            return tuple(option(a, loc, partial(ta, a), a) for a in ("yes", "no"))
        case "review":
            return tuple(
                option(m, loc, partial(ta, "draft.review_in", months=m)) for m in REVIEW_MONTHS
            )
        case "cadence":
            return tuple(option(c, loc, partial(_capitalised, f"cadence.{c}")) for c in CADENCES)
        case "confirm":
            steps = ("propose", "save", "cancel")
            return tuple(option(a, loc, partial(ta, f"draft.{a}")) for a in steps)
    return ()


def _capitalised(key: str, loc: Locale) -> str:
    """A word that reads lower-case inside a sentence, as an option of its own."""
    text = ta(key, loc)
    return text[:1].upper() + text[1:]


def _with_role(counterpart: Counterpart, loc: Locale) -> str:
    return f"{counterpart.name} ({ta(f'role.{counterpart.role}', loc)})"


def _summary(draft: Draft, ctx: DraftContext) -> str:
    loc = ctx.person.locale
    counterpart = ctx.counterpart(draft.counterpart_id)
    lines = [
        ta("show.with", loc, name=counterpart.name, role=ta(f"role.{counterpart.role}", loc))
        if counterpart
        else "",
        ta("show.category", loc, category=ta(f"category.{draft.category}", loc)),
        "",
        draft.text,
        "",
    ]
    if draft.i_deal:
        lines.append(ta("show.i_deal", loc, rationale=draft.rationale))
    cadence = ta(f"cadence.{draft.cadence}", loc)
    lines.append(ta("show.review", loc, day=optional_day(draft.review, loc), cadence=cadence))
    return "\n".join(lines).strip()


def draft_prompt(draft: Draft, ctx: DraftContext, lead: str = "") -> Outbound:
    """The question of the current step, with a cancel button on every platform."""
    loc = ctx.person.locale
    choices = _choices(draft, ctx)
    kind: Literal["choice", "text"] = "choice" if choices else "text"
    hint = ta("choice_hint", loc, count=len(choices)) if choices else ta("draft.text_hint", loc)
    if draft.step == "review":
        hint = ta("draft.review_hint", loc, count=len(choices))
    counterpart = ctx.counterpart(draft.counterpart_id)
    prompt = ta(f"draft.{draft.step}", loc, name=counterpart.name if counterpart else "")
    if draft.step == "text" and counterpart is not None and counterpart.agency:
        prompt = f"{prompt} {ta('draft.text_agency', loc, agency=counterpart.agency)}"
    question = Question(
        question_id=f"agreement_{draft.step}",
        kind=kind,
        prompt=prompt,
        choices=choices,
        hint=f"{hint} {ta('cancel_hint', loc)}",
        token=draft.token,
        # Besides "in 3 months", a review date can be typed.
        other=draft.step == "review",
    )
    body = _summary(draft, ctx) if draft.step == "confirm" else ""
    return Outbound(
        ctx.person,
        "\n\n".join(p for p in (lead, body) if p),
        ta("draft.title", loc),
        question=question,
        actions=(cancel_button(loc),),
        key=draft.token,
    )


def _drafter_note(counterpart: Counterpart, loc: Locale) -> str:
    """Whose turn it is to draft, and the drafter's tips (what both sides give and get),
    once the other party is known."""
    mine = other_role(counterpart.role)
    if counterpart.drafter == mine:
        note = ta("draft.your_turn", loc, name=counterpart.name)
    else:
        note = ta("draft.their_turn", loc, name=counterpart.name)
    return f"{note}\n\n{tips_block('agreement_new', mine, loc)}"


def _i_deal_tips(draft: Draft, ctx: DraftContext) -> str:
    """Before an i-deal's reason is asked: why colleagues will understand it."""
    counterpart = ctx.counterpart(draft.counterpart_id)
    if counterpart is None:
        return ""
    loc = ctx.person.locale
    lines = tip_lines("agreement_new", other_role(counterpart.role), loc, "i_deal")
    return "\n".join([f"{tips_title('agreement_new', loc)}:", *(f"- {line}" for line in lines)])


def start_draft(dialog_id: int, ctx: DraftContext) -> DraftResult:
    loc = ctx.person.locale
    draft = Draft(dialog_id)
    if not ctx.counterparts:
        return DraftResult(
            draft, (Outbound(ctx.person, ta("draft.no_counterpart", loc)),), "cancel"
        )
    lead = ta("draft.intro", loc)
    if len(ctx.counterparts) == 1:
        only = ctx.counterparts[0]
        draft = replace(draft, counterpart_id=only.person_id, step="category")
        lead = f"{lead}\n\n{_drafter_note(only, loc)}"
    return DraftResult(draft, (draft_prompt(draft, ctx, lead),))


def _review_day(typed: str, locale: Locale) -> date | str:
    """A typed review date, or the text key saying what is wrong with it."""
    try:
        return parse_day(typed, locale)
    except DayProblem as problem:
        return "draft.no_such_day" if problem.reason == "no_such_day" else "draft.invalid_date"


def _next(draft: Draft, text: str, ctx: DraftContext) -> Draft | str:
    """The draft one step further, or the text key saying why the answer does not fit.
    `text` is an option's value, or the text typed for a text step (or a review date)."""
    typed = text.replace("\x00", "").strip()
    picked = typed if typed in {c.value for c in _choices(draft, ctx)} else None
    match draft.step:
        case "counterpart":
            if picked is None:
                return "draft.invalid_choice"
            return replace(draft, counterpart_id=int(picked), step="category")
        case "category":
            return (
                replace(draft, category=picked, step="text") if picked else "draft.invalid_choice"
            )
        case "text":
            if not typed:
                return "refused.empty_text"
            if len(typed) > MAX_TEXT:
                return "draft.too_long"
            return replace(draft, text=typed, step="i_deal")
        case "i_deal":
            if picked is None:
                return "draft.invalid_choice"
            return replace(
                draft, i_deal=picked == "yes", step="rationale" if picked == "yes" else "review"
            )
        case "rationale":
            if len(typed) < MIN_RATIONALE:
                return "refused.rationale"
            return replace(draft, rationale=typed[:MAX_TEXT], step="review")
        case "review":
            review = (
                add_months(ctx.today, int(picked))
                if picked
                else _review_day(typed, ctx.person.locale)
            )
            if isinstance(review, str):
                return review
            if not ctx.today < review <= add_months(ctx.today, 12 * MAX_REVIEW_YEARS):
                return "draft.date_range"
            return replace(draft, review=review, step="cadence")
        case "cadence":
            return (
                replace(draft, cadence=picked, step="confirm") if picked else "draft.invalid_choice"
            )
    return "draft.invalid_choice"


def draft_step(draft: Draft, text: str, token: str, ctx: DraftContext) -> DraftResult:
    """Apply one answer (an option's value or typed text) or click to the drafting dialog."""
    loc = ctx.person.locale
    question = draft_prompt(draft, ctx).question
    assert question is not None
    label = label_of(question, text.strip())
    if text.strip().casefold() in CANCEL_WORDS:
        cancelled = (Outbound(ctx.person, ta("draft.cancelled", loc)),)
        return DraftResult(draft, cancelled, "cancel", label=ta("action.cancel", loc))
    if token and token != draft.token:
        return DraftResult(draft, (draft_prompt(draft, ctx, ta("stale", loc)),), answer="refused")
    if draft.step == "confirm":
        if text.strip() in ("propose", "save"):
            return DraftResult(draft, (), text.strip(), label=label)  # type: ignore[arg-type]
        again = (draft_prompt(draft, ctx, ta("draft.invalid_choice", loc)),)
        return DraftResult(draft, again, answer="again")
    moved = _next(draft, text, ctx)
    if isinstance(moved, str):
        lead = ta(moved, loc, answer=text.strip()[:40], min=MIN_RATIONALE, max=MAX_TEXT)
        return DraftResult(draft, (draft_prompt(draft, ctx, lead),), answer="again")
    lead = ""
    if draft.step == "counterpart":
        counterpart = ctx.counterpart(moved.counterpart_id)
        lead = _drafter_note(counterpart, loc) if counterpart else ""
    if moved.step == "rationale":
        lead = _i_deal_tips(moved, ctx)
    return DraftResult(moved, (draft_prompt(moved, ctx, lead),), label=label)
