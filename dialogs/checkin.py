"""The check-in conversation as a pure state machine: step(state, event) -> (state, out)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal, get_args

from dialogs.answers import label_of, option
from dialogs.banks import Bank
from dialogs.messages import MAX_ID, Choice, Outbound, Outcome, PersonRef, Question
from dialogs.texts import t

Status = Literal["open", "snoozed", "completed", "stopped"]
SHARE_STEP = "share"
_TOKEN = re.compile(rf"c([0-9]{{1,10}})\.([0-9]{{1,4}}|{SHARE_STEP})")
# What a person can do with an open question besides answering it; every platform's buttons
# and typed words lead to one of these.
ControlAction = Literal["skip", "later", "stop"]
CONTROLS: tuple[ControlAction, ...] = get_args(ControlAction)


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


def occurrence_of(token: str) -> int | None:
    """The check-in whose question a token names (`CheckinState.token`); None for any
    other token."""
    found = _TOKEN.fullmatch(token)
    if found is None or int(found[1]) > MAX_ID:
        return None  # no row has such an id; the database would refuse to even look
    return int(found[1])


def question_of(token: str) -> tuple[int, int] | None:
    """(check-in, position) of the question a check-in token names; None for the share
    step and any other token."""
    occurrence_id = occurrence_of(token)
    if occurrence_id is None or token.endswith(SHARE_STEP):
        return None
    return occurrence_id, int(token.rsplit(".", 1)[1])


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
    """The person answered: an option's value, or the text of a free-text question (the
    engine reads typed words into a value with dialogs.answers); token is the prompt's."""

    text: str
    token: str = ""


@dataclass(frozen=True)
class Control:
    action: ControlAction
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
    # What became of the event: recorded, asked again, or refused (an outdated prompt).
    outcome: Outcome = field(default_factory=Outcome)


def _controls(ctx: Context) -> tuple[Choice, ...]:
    loc = ctx.person.locale
    return tuple(option(a, loc, partial(t, f"action.{a}")) for a in CONTROLS)


def _hint(question: Question, health: bool, ctx: Context) -> str:
    loc = ctx.person.locale
    if question.kind == "scale":
        parts = [t("checkin.scale_hint", loc)]
    elif question.kind == "text":
        parts = [t("checkin.text_hint", loc)]
    else:
        parts = [t("checkin.choice_hint", loc, count=len(question.choices))]
    if health:
        parts.append(t("checkin.private_hint", loc))
    parts.append(t("checkin.controls_hint", loc))
    return " ".join(parts)


def current_question(state: CheckinState, ctx: Context) -> Question:
    """The question the check-in asks now, as the person sees it: the menu it answers."""
    if state.asking_to_share:
        return _share_question(state, ctx)
    asked = ctx.bank.question(state.question_ids[state.position])
    question = asked.to_question(ctx.person.locale, token=state.token)
    return replace(question, hint=_hint(question, asked.is_health, ctx))


def prompt(state: CheckinState, ctx: Context, lead: str = "") -> Outbound:
    """The message that asks the current step: a question, or whether to share."""
    loc = ctx.person.locale
    if state.asking_to_share:
        return _share_prompt(state, ctx, lead)
    progress = t("checkin.progress", loc, n=state.position + 1, total=len(state.question_ids))
    intro = ctx.bank.intro(loc) if state.position == 0 else ""
    text = "\n\n".join(p for p in (lead, intro) if p)
    return Outbound(
        recipient=ctx.person,
        title=f"{ctx.bank.title(loc)} · {progress}",
        text=text,
        question=current_question(state, ctx),
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


def _share_question(state: CheckinState, ctx: Context) -> Question:
    loc = ctx.person.locale
    manager = ctx.manager_name or t("your_manager", loc)
    return Question(
        question_id=SHARE_STEP,
        kind="choice",
        prompt=t("checkin.share_question", loc, manager=manager),
        choices=(
            option("yes", loc, partial(t, "share.yes"), "ja", "yes"),
            option("no", loc, partial(t, "share.no"), "nee", "no"),
        ),
        hint=t("checkin.choice_hint", loc, count=2),
        token=state.token,
    )


def _share_prompt(state: CheckinState, ctx: Context, lead: str) -> Outbound:
    loc = ctx.person.locale
    text = "\n\n".join(p for p in (lead, _summary(ctx)) if p)
    return Outbound(
        recipient=ctx.person,
        title=t("checkin.summary_title", loc),
        text=text,
        question=_share_question(state, ctx),
        key=state.token,
    )


def _advance(
    state: CheckinState, ctx: Context, effects: tuple[Effect, ...], outcome: Outcome
) -> Step:
    """Move past the current question; finish when there is nothing left to ask."""
    state = replace(state, position=state.position + 1)
    if not state.asking_to_share:
        return Step(state, (prompt(state, ctx),), effects, outcome)
    if ctx.manager_name is None or not ctx.answers:
        done = replace(state, status="completed")
        loc = ctx.person.locale
        text = "\n\n".join((_summary(ctx), t("checkin.done_no_manager", loc)))
        out = Outbound(ctx.person, text, title=t("checkin.summary_title", loc), key=done.token)
        return Step(done, (out,), (*effects, Close("completed", shared=False)), outcome)
    return Step(state, (prompt(state, ctx),), effects, outcome)


def _finish_sharing(state: CheckinState, ctx: Context, shared: bool, outcome: Outcome) -> Step:
    loc = ctx.person.locale
    manager = ctx.manager_name or t("your_manager", loc)
    lines = [t("checkin.shared" if shared else "checkin.not_shared", loc, manager=manager)]
    answered = {qid for qid, _ in ctx.answers}
    if any(q.is_health and q.question_id in answered for q in ctx.bank.questions):
        lines.append(t("checkin.health_topic_tip", loc, manager=manager))
    done = replace(state, status="completed")
    out = Outbound(ctx.person, "\n\n".join(lines), key=done.token)
    return Step(done, (out,), (Close("completed", shared=shared),), outcome)


def _with_new_answer(ctx: Context, question_id: str, value: str) -> Context:
    return replace(ctx, answers=(*ctx.answers, (question_id, value)))


def step(state: CheckinState, event: Event, ctx: Context) -> Step:
    """Apply one event; the effects tell the service what to store, the outcome what
    became of the event."""
    loc = ctx.person.locale
    if state.status != "open":
        out = Outbound(ctx.person, t("checkin.none_open", loc))
        return Step(state, (out,), outcome=Outcome("refused", event.token))
    if event.token and event.token != state.token:
        # A click on an older prompt: refuse politely and show where the person is.
        stale = prompt(state, ctx, lead=t("checkin.stale", loc))
        return Step(state, (stale,), outcome=Outcome("refused", event.token))
    if isinstance(event, Control):
        return _control(state, event, ctx)
    question = current_question(state, ctx)
    value = event.text.strip()
    if not _valid(question, value):
        lead = t("answer.not_an_option", loc, answer=value[:40], count=len(question.choices))
        if question.kind == "text":
            lead = t("checkin.invalid_text", loc)
        again = prompt(state, ctx, lead=lead)
        return Step(state, (again,), outcome=Outcome("again", state.token))
    recorded = Outcome("recorded", state.token, value, label_of(question, value))
    if state.asking_to_share:
        return _finish_sharing(state, ctx, value == "yes", recorded)
    asked = ctx.bank.question(question.question_id)
    record = RecordAnswer(asked.question_id, value, private=asked.is_health)
    return _advance(state, _with_new_answer(ctx, asked.question_id, value), (record,), recorded)


def _valid(question: Question, value: str) -> bool:
    """A value this question takes: one of its options, or any text for a text question."""
    if question.kind == "text":
        return bool(value)
    return any(choice.value == value for choice in question.choices)


def _control(state: CheckinState, event: Control, ctx: Context) -> Step:
    loc = ctx.person.locale
    done = Outcome("recorded", state.token, event.action, t(f"action.{event.action}", loc))
    if event.action == "skip":
        if state.asking_to_share:
            return _finish_sharing(state, ctx, False, done)
        return _advance(state, ctx, (), done)
    if event.action == "later":
        snoozed = replace(state, status="snoozed")
        out = Outbound(ctx.person, t("checkin.snoozed", loc, when=ctx.snooze_until))
        return Step(snoozed, (out,), (Snooze(),), done)
    stopped = replace(state, status="stopped")
    out = Outbound(ctx.person, t("checkin.stopped", loc), key=stopped.token)
    return Step(stopped, (out,), (Close("stopped"),), done)
