"""The check-in conversation as a pure state machine: step(state, event) -> (state, out)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from dialogs.banks import Bank, BankQuestion
from dialogs.messages import Choice, Outbound, PersonRef, Question
from dialogs.texts import t

Status = Literal["open", "snoozed", "completed", "stopped"]
SHARE_STEP = "share"


@dataclass(frozen=True)
class CheckinState:
    occurrence_id: int
    theme: str
    question_ids: tuple[str, ...]
    # Index of the question being asked; len(question_ids) means "asking to share".
    position: int = 0
    status: Status = "open"

    @property
    def asking_to_share(self) -> bool:
        return self.position >= len(self.question_ids)

    @property
    def token(self) -> str:
        step = SHARE_STEP if self.asking_to_share else str(self.position)
        return f"c{self.occurrence_id}.{step}"


@dataclass(frozen=True)
class Context:
    """What the dialog needs to know about the world, handed in by the service."""

    person: PersonRef
    bank: Bank
    manager_name: str | None
    answers: tuple[tuple[str, str], ...] = ()  # (question_id, value) given so far
    snooze_until: str = ""  # how the snooze moment reads to this person


@dataclass(frozen=True)
class Reply:
    """The person answered (typed or clicked); token is empty for typed text."""

    text: str
    token: str = ""


@dataclass(frozen=True)
class Control:
    action: Literal["skip", "later", "stop"]
    token: str = ""


Event = Reply | Control


@dataclass(frozen=True)
class RecordAnswer:
    question_id: str
    value: str
    private: bool


@dataclass(frozen=True)
class Close:
    status: Literal["completed", "stopped"]
    shared: bool | None = None


@dataclass(frozen=True)
class Snooze:
    pass


Effect = RecordAnswer | Close | Snooze


@dataclass(frozen=True)
class Step:
    state: CheckinState
    out: tuple[Outbound, ...] = ()
    effects: tuple[Effect, ...] = ()


def _controls(ctx: Context) -> tuple[Choice, ...]:
    loc = ctx.person.locale
    return tuple(Choice(a, t(f"action.{a}", loc)) for a in ("skip", "later", "stop"))


def _hint(question: BankQuestion, ctx: Context) -> str:
    loc = ctx.person.locale
    if question.kind == "scale":
        parts = [t("checkin.scale_hint", loc)]
    elif question.kind == "text":
        parts = [t("checkin.text_hint", loc)]
    else:
        parts = [t("checkin.choice_hint", loc, count=len(question.valid_values()))]
    if question.is_health:
        parts.append(t("checkin.private_hint", loc))
    parts.append(t("checkin.controls_hint", loc))
    return " ".join(parts)


def prompt(state: CheckinState, ctx: Context, lead: str = "") -> Outbound:
    """The message that asks the current step: a question, or whether to share."""
    loc = ctx.person.locale
    if state.asking_to_share:
        return _share_prompt(state, ctx, lead)
    question = ctx.bank.question(state.question_ids[state.position])
    progress = t("checkin.progress", loc, n=state.position + 1, total=len(state.question_ids))
    intro = ctx.bank.intro(loc) if state.position == 0 else ""
    text = "\n\n".join(p for p in (lead, intro) if p)
    return Outbound(
        recipient=ctx.person,
        title=f"{ctx.bank.title(loc)} · {progress}",
        text=text,
        question=question.to_question(loc, token=state.token, hint=_hint(question, ctx)),
        actions=_controls(ctx),
        key=state.token,
    )


def _summary(ctx: Context) -> str:
    loc = ctx.person.locale
    if not ctx.answers:
        return t("checkin.summary_empty", loc)
    lines = []
    for question_id, value in ctx.answers:
        question = ctx.bank.question(question_id)
        shown = question.label_of(value, loc)
        marker = f" ({t('checkin.private_marker', loc)})" if question.is_health else ""
        lines.append(f"- {question.text(loc)}\n  {shown}{marker}")
    return "\n".join(lines)


def _share_prompt(state: CheckinState, ctx: Context, lead: str) -> Outbound:
    loc = ctx.person.locale
    manager = ctx.manager_name or t("your_manager", loc)
    question = Question(
        question_id=SHARE_STEP,
        kind="choice",
        prompt=t("checkin.share_question", loc, manager=manager),
        choices=(Choice("yes", t("share.yes", loc)), Choice("no", t("share.no", loc))),
        hint=t("checkin.choice_hint", loc, count=2),
        token=state.token,
    )
    text = "\n\n".join(p for p in (lead, _summary(ctx)) if p)
    return Outbound(
        recipient=ctx.person,
        title=t("checkin.summary_title", loc),
        text=text,
        question=question,
        key=state.token,
    )


def _advance(state: CheckinState, ctx: Context, effects: tuple[Effect, ...]) -> Step:
    """Move past the current question; finish when there is nothing left to ask."""
    state = replace(state, position=state.position + 1)
    if not state.asking_to_share:
        return Step(state, (prompt(state, ctx),), effects)
    if ctx.manager_name is None or not ctx.answers:
        done = replace(state, status="completed")
        loc = ctx.person.locale
        text = "\n\n".join((_summary(ctx), t("checkin.done_no_manager", loc)))
        out = Outbound(ctx.person, text, title=t("checkin.summary_title", loc), key=done.token)
        return Step(done, (out,), (*effects, Close("completed", shared=False)))
    return Step(state, (prompt(state, ctx),), effects)


def _finish_sharing(state: CheckinState, ctx: Context, shared: bool) -> Step:
    loc = ctx.person.locale
    manager = ctx.manager_name or t("your_manager", loc)
    lines = [t("checkin.shared" if shared else "checkin.not_shared", loc, manager=manager)]
    answered = {qid for qid, _ in ctx.answers}
    if any(q.is_health and q.question_id in answered for q in ctx.bank.questions):
        lines.append(t("checkin.health_topic_tip", loc, manager=manager))
    done = replace(state, status="completed")
    out = Outbound(ctx.person, "\n\n".join(lines), key=done.token)
    return Step(done, (out,), (Close("completed", shared=shared),))


def _with_new_answer(ctx: Context, question_id: str, value: str) -> Context:
    return replace(ctx, answers=(*ctx.answers, (question_id, value)))


def step(state: CheckinState, event: Event, ctx: Context) -> Step:
    """Apply one event; the returned effects tell the service what to store."""
    loc = ctx.person.locale
    if state.status != "open":
        return Step(state, (Outbound(ctx.person, t("checkin.none_open", loc), refusal=True),))
    if event.token and event.token != state.token:
        # A click on an older prompt: refuse politely and show where the person is.
        stale = replace(prompt(state, ctx, lead=t("checkin.stale", loc)), refusal=True)
        return Step(state, (stale,))
    if isinstance(event, Control):
        return _control(state, event, ctx)
    if state.asking_to_share:
        choice = {"1": True, "yes": True, "ja": True, "2": False, "no": False, "nee": False}
        shared = choice.get(event.text.strip().casefold())
        if shared is None:
            lead = t("checkin.invalid_choice", loc, answer=event.text.strip(), count=2)
            return Step(state, (prompt(state, ctx, lead=lead),))
        return _finish_sharing(state, ctx, shared)
    question = ctx.bank.question(state.question_ids[state.position])
    value = question.parse_answer(event.text)
    if value is None:
        return Step(state, (prompt(state, ctx, lead=_invalid(question, event.text, ctx)),))
    record = RecordAnswer(question.question_id, value, private=question.is_health)
    return _advance(state, _with_new_answer(ctx, question.question_id, value), (record,))


def _invalid(question: BankQuestion, answer: str, ctx: Context) -> str:
    loc = ctx.person.locale
    shown = answer.strip()[:40]
    if question.kind == "scale":
        return t("checkin.invalid_scale", loc, answer=shown)
    if question.kind == "text":
        return t("checkin.invalid_text", loc)
    return t("checkin.invalid_choice", loc, answer=shown, count=len(question.valid_values()))


def _control(state: CheckinState, event: Control, ctx: Context) -> Step:
    loc = ctx.person.locale
    if event.action == "skip":
        if state.asking_to_share:
            return _finish_sharing(state, ctx, shared=False)
        return _advance(state, ctx, ())
    if event.action == "later":
        snoozed = replace(state, status="snoozed")
        out = Outbound(ctx.person, t("checkin.snoozed", loc, when=ctx.snooze_until))
        return Step(snoozed, (out,), (Snooze(),))
    stopped = replace(state, status="stopped")
    out = Outbound(ctx.person, t("checkin.stopped", loc), key=stopped.token)
    return Step(stopped, (out,), (Close("stopped"),))
