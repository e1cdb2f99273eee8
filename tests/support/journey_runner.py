"""Runs a journey on one surface, checks every step, and keeps a transcript of what the
engine said, so that surfaces can be compared.

The checks, at every step:
- a question is answered by its number (the option at that place in what the surface
  shows), by its label in the other language, by its label, or by a click, and the engine
  reports the answer recorded for that question, with the value chosen;
- a typed line that answers something answers the question shown last on that surface;
- an answered message (Slack, Teams) is replaced by what was recorded, without buttons;
  no older message with live buttons for that question is left behind; and nothing else is
  replaced (a navigation list is never replaced by one item's answer);
- every reply and every message the bot sends on its own reaches the person, with its
  title, question and options as the engine gave them, and its file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.schedules.store import apply_schedules
from dialogs.checkin import CONTROLS
from dialogs.messages import Choice, Outbound, Turn
from tests.support.journey_script import (
    EVERYWHERE,
    Action,
    Answer,
    ClickOld,
    Journey,
    Member,
    Navigate,
    Press,
    Say,
    Tick,
    Write,
)
from tests.support.journey_surfaces import Shown, Surface

# What differs between runs by nature: one-time links.
_SCRUB = (re.compile(r"/signin/[A-Za-z0-9_-]+"), "/signin/<link>")


@dataclass
class Run:
    surface: str
    # (step number, what the engine said during the step, normalised)
    transcript: list[tuple[int, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Names:
    """Tokens and keys carry database ids: named by first appearance instead."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        if not token:
            return ""
        return self.seen.setdefault(token, f"<{len(self.seen) + 1}>")


def normal_choices(choices: Iterable[Choice]) -> tuple[Any, ...]:
    # The first alias is the other language's label; the order of the rest does not matter
    # (the agreement dialogs' cancel words come from a set).
    return tuple((c.value, c.label, c.aliases[:1], sorted(c.aliases[1:])) for c in choices)


def normal_outbound(out: Outbound, names: Names) -> tuple[Any, ...]:
    q = out.question
    question = None
    if q is not None:
        question = (
            q.kind,
            q.prompt,
            normal_choices(q.choices),
            q.hint,
            q.low,
            q.high,
            names(q.token),
            q.other,
        )
    text = _SCRUB[0].sub(_SCRUB[1], out.text)
    attachment = None if out.attachment is None else out.attachment.filename
    actions = normal_choices(out.actions)
    return (out.recipient.email, out.title, text, question, actions, names(out.key), attachment)


def normal_turn(turn: Turn, names: Names) -> tuple[Any, ...]:
    o = turn.outcome
    replies = tuple(normal_outbound(r, names) for r in turn.replies)
    menu = names(turn.menu.token) if turn.menu is not None else None
    return ("turn", replies, (o.kind, names(o.token), o.value, o.label), menu)


def other_language(choice: Choice) -> str | None:
    """The option's label in the reader's other language: the first alias (see
    dialogs.answers.option); None when it has none."""
    return choice.aliases[0] if choice.aliases else None


def clipped(label: str) -> str:
    """What every surface shows of a label at least (Slack cuts buttons at 75)."""
    return label[:60]


def reads(option: str, number: int, label: str) -> bool:
    """Whether option `number` as shown reads as `label`: the label itself, or with the
    number that types it in front ("2. Pace and deadlines")."""
    prefix = f"{number}. "
    shown = option[len(prefix) :] if option.startswith(prefix) else option
    return shown.startswith(clipped(label))


class Runner:
    def __init__(self, journey: Journey, surface: Surface) -> None:
        self.journey = journey
        self.surface = surface
        self.run = Run(surface.name)
        self.names = Names()
        # The message that asked each person's open question, as the engine gave it.
        self.asked: dict[str, Outbound | None] = {}
        # The last message with buttons that each person was shown.
        self.buttons: dict[str, Outbound] = {}
        # What the engine answered at each step, normalised.
        self.said: dict[int, list[Any]] = {}
        self.number = 0

    def problem(self, text: str) -> None:
        step = self.journey.steps[self.number - 1]
        who = f" {step.person}" if step.person else ""
        self.run.problems.append(
            f"{self.surface.name} step {self.number}{who} {describe(step)}: {text}"
        )

    def member(self, key: str) -> Member:
        return self.journey.cast[key]

    async def go(self) -> Run:
        self.surface.clock.set(self.journey.start)
        if self.journey.schedules:
            app = self.surface.app
            await apply_schedules(app.db, self.journey.schedules, app.banks.keys(), app.clock.now())
        for number, step in enumerate(self.journey.steps, 1):
            self.number = number
            if self.surface.name not in step.surfaces:
                continue
            try:
                await self.step(step)
            except StepFailed as failed:
                self.problem(str(failed))
                break
        return self.run

    async def step(self, step: Action) -> None:
        before = {m.key: self.surface.screen(m) for m in self.journey.cast.members}
        mark = self.surface.mark()
        turns_before = len(self.surface.recorder.turns)
        sent_before = len(self.surface.recorder.sent)
        answered: Shown | None = None
        if isinstance(step, Tick):
            self.surface.clock.set(step.at)
            await self.surface.tick()
        else:
            answered = await self.act(step, before[step.person])
        turns = self.surface.recorder.turns[turns_before:]
        sent = self.surface.recorder.sent[sent_before:]
        if isinstance(step, Tick):
            for key, text in step.sees:
                self.check_sees(key, [text], before[key])
        else:
            self.check_turn(step, turns, before[step.person], answered)
        self.check_shown(before, turns, sent)
        self.check_replaced(step, turns, sent, before, mark)
        for turn in turns:
            self.follow(turn)
            self.check_menu(turn)
        for out in sent:
            if out.question is not None:
                self.asked[self.key_of(out)] = out
            if out.actions:
                self.buttons[self.key_of(out)] = out
        said = [normal_turn(t, self.names) for t in turns]
        self.said[self.number] = said
        like = 0 if isinstance(step, Tick) else step.like
        if like and self.said.get(self.number + like) != said:
            earlier = self.said.get(self.number + like)
            self.problem(f"answered {said}, not as step {self.number + like}: {earlier}")
        if step.compared and step.surfaces == EVERYWHERE:
            entries = list(said)
            entries += [("sent", normal_outbound(o, self.names)) for o in sent]
            self.run.transcript.append((self.number, entries))

    def key_of(self, out: Outbound) -> str:
        for member in self.journey.cast.members:
            if member.email == out.recipient.email:
                return member.key
        return "?"

    def follow(self, turn: Turn) -> None:
        """The question each person was shown last, after a turn."""
        for reply in turn.replies:
            if reply.question is not None:
                self.asked[self.key_of(reply)] = reply
            if reply.actions:
                self.buttons[self.key_of(reply)] = reply
        outcome = turn.outcome
        if turn.replies and not any(r.question for r in turn.replies):
            key = self.key_of(turn.replies[0])
            open_ = self.asked.get(key)
            question = open_.question if open_ is not None else None
            if outcome.kind == "recorded" and question and question.token == outcome.token:
                self.asked[key] = None

    def check_menu(self, turn: Turn) -> None:
        """The engine expects an answer to the question the person was shown last."""
        if not turn.replies or self.key_of(turn.replies[0]) == "?":
            return
        key = self.key_of(turn.replies[0])
        asked = self.asked.get(key)
        shown = asked.question.token if asked is not None and asked.question else None
        expected = turn.menu.token if turn.menu is not None else None
        if shown != expected:
            self.problem(f"the engine expects an answer to {expected}, but {key} was shown {shown}")

    def check_sees(self, key: str, texts: Iterable[str], before: list[Shown]) -> None:
        """What the person is shown during the step says all of `texts`."""
        known = {s.id for s in before}
        new = [s.text for s in self.surface.screen(self.member(key)) if s.id not in known]
        missing = [text for text in texts if not any(text in shown for shown in new)]
        if missing:
            self.problem(f"{key} is not shown {missing}")

    # ---- acting ----------------------------------------------------------------------

    async def act(self, step: Action, before: list[Shown]) -> Shown | None:
        member = self.member(step.person)
        if isinstance(step, Say):
            await self.surface.type(member, step.text)
            return None
        if isinstance(step, Navigate):
            if not await self.surface.navigate(member, step.command):
                raise StepFailed(f"no button for '{step.command}' is shown")
            return None
        if isinstance(step, ClickOld):
            target = next((s for s in before if s.token == step.token and s.live), None)
            if not await self.surface.click(member, step.token, step.value, oldest=True):
                raise StepFailed(f"no message shows a live '{step.value}' for {step.token}")
            return target
        if isinstance(step, Press):
            return await self.press(step, member, before)
        asked = self.asked.get(step.person)
        if isinstance(step, Write) and (asked is None or asked.question is None):
            # Typed all the same, as a person would: the outcome shows what became of it.
            self.problem("no question is open to answer")
            await self.surface.type(member, step.text)
            return None
        if asked is None or asked.question is None:
            raise StepFailed("no question is open to answer")
        question = asked.question
        shown = [s for s in before if s.token == question.token]
        if not shown:
            raise StepFailed(f"the question '{question.prompt[:50]}' is not shown")
        last = shown[-1]
        if isinstance(step, Write):
            if step.by == "form" and self.surface.name != "console":
                if not await self.surface.form(member, question.token, step.text):
                    raise StepFailed("the question has no form to fill in")
            else:
                await self.surface.type(member, step.text)
            return last
        assert isinstance(step, Answer)
        options = list(question.choices)
        choice = next((c for c in options if c.value == step.value), None)
        button = next((a for a in asked.actions if a.value == step.value), None)
        chosen = choice or button
        if chosen is None:
            raise StepFailed(f"'{step.value}' is not offered: {[c.value for c in options]}")
        if step.by == "click" and self.surface.name != "console":
            if not await self.surface.click(member, question.token, step.value):
                raise StepFailed(f"no button or choice for '{chosen.label}' is shown")
            return last
        typed = self.typed(step, chosen, options, last)
        await self.surface.type(member, typed)
        return last

    async def press(self, step: Press, member: Member, before: list[Shown]) -> Shown | None:
        message = self.buttons.get(step.person)
        offered = message.actions if message is not None else ()
        chosen = next((a for a in offered if a.value == step.value), None)
        if message is None or chosen is None:
            raise StepFailed(f"no message offers '{step.value}'")
        token = message.question.token if message.question is not None else message.key
        target = next((s for s in reversed(before) if token in s.keys), None)
        if step.by == "click" and self.surface.name != "console":
            if not await self.surface.click(member, token, step.value):
                raise StepFailed(f"no button '{chosen.label}' is shown")
            return target
        other = other_language(chosen) if step.by == "other_language" else chosen.label
        if other is None:
            raise StepFailed(f"'{chosen.label}' has no label in the other language")
        await self.surface.type(member, other)
        return target

    def typed(self, step: Answer, chosen: Choice, options: list[Choice], shown: Shown) -> str:
        if step.by == "number":
            if chosen not in options:
                raise StepFailed(f"'{chosen.label}' is a button, not a numbered option")
            number = options.index(chosen) + 1
            seen = shown.options[number - 1] if number <= len(shown.options) else None
            if seen is None or not reads(seen, number, chosen.label):
                self.problem(
                    f"option {number} should read '{chosen.label}' but the surface shows "
                    f"{list(shown.options)}"
                )
            return str(number)
        if step.by == "other_language":
            other = other_language(chosen)
            if other is None:
                raise StepFailed(f"'{chosen.label}' has no label in the other language")
            return other
        return chosen.label  # by label, or a click on the console

    # ---- checking --------------------------------------------------------------------

    def check_turn(
        self, step: Action, turns: list[Turn], before: list[Shown], answered: Shown | None
    ) -> None:
        if len(turns) != 1:
            raise StepFailed(f"the engine was asked {len(turns)} times, not once")
        turn = turns[0]
        outcome = turn.outcome
        if step.outcome is not None and outcome.kind != step.outcome:
            self.problem(f"the outcome is {outcome}, not '{step.outcome}'")
        if isinstance(step, Answer) and outcome.kind == "recorded" and outcome.value != step.value:
            self.problem(f"recorded '{outcome.value}', not '{step.value}'")
        written = isinstance(step, Write) and outcome.kind == "recorded"
        if written and outcome.value != typed_text(step).strip():
            self.problem(f"recorded '{outcome.value}', not the text written")
        typed = isinstance(step, Say | Answer | Write) and not (
            getattr(step, "by", "") in ("click", "form") and self.surface.name != "console"
        )
        if typed and outcome.kind in ("recorded", "again") and outcome.token:
            last = next((s.token for s in reversed(before) if s.token), "")
            if outcome.token != last:
                self.problem(
                    f"typed '{typed_text(step)}' answered {outcome.token}, but the question "
                    f"shown last is {last or 'none'}"
                )
        recorded = answered is not None and outcome.kind == "recorded"
        if recorded and answered is not None and outcome.token not in answered.keys:
            self.problem(f"answered {outcome.token}, not the message acted on ({answered.keys})")
        self.check_sees(step.person, step.sees, before)

    def check_shown(
        self, before: dict[str, list[Shown]], turns: list[Turn], sent: list[Outbound]
    ) -> None:
        """Every message the engine gave reaches its person, as given."""
        messages = [reply for turn in turns for reply in turn.replies] + sent
        for out in messages:
            key = self.key_of(out)
            member = self.journey.cast.members[0] if key == "?" else self.member(key)
            if key == "?":
                continue  # a stranger: checked by the journey's expectations
            known = {s.id for s in before[key]}
            new = [s for s in self.surface.screen(member) if s.id not in known]
            text = "\n".join(s.text for s in new)
            for part in (out.title, out.question.prompt if out.question else ""):
                if part and clipped(part) not in text:
                    self.problem(f"'{clipped(part)}' did not reach {key}")
            question = out.question
            if question is not None and question.kind != "text":
                asked = [s for s in new if s.token == question.token]
                labels = [c.label for c in question.choices]
                if not asked:
                    self.problem(f"the question '{clipped(question.prompt)}' has no options")
                elif len(asked[-1].options) != len(labels) or not all(
                    reads(option, n, label)
                    for n, (option, label) in enumerate(
                        zip(asked[-1].options, labels, strict=True), 1
                    )
                ):
                    self.problem(f"options {asked[-1].options} shown for {labels}")
            if out.attachment is not None:
                names = [name for s in new for name in s.files]
                if not names:
                    self.problem(f"the file {out.attachment.filename} did not reach {key}")

    def check_replaced(
        self,
        step: Action,
        turns: list[Turn],
        sent: list[Outbound],
        before: dict[str, list[Shown]],
        mark: int,
    ) -> None:
        if self.surface.name == "console":
            return
        outcome = turns[0].outcome if len(turns) == 1 else None
        replaced = self.surface.replaced_since(mark)
        # A question asked again: only its newest message keeps buttons.
        messages = [reply for turn in turns for reply in turn.replies] + list(sent)
        asked_again = {(self.key_of(o), o.question.token) for o in messages if o.question}
        for key, message_id in replaced:
            was = next((s for s in before.get(key, []) if s.id == message_id), None)
            if was is None:
                now = [s for s in self.surface.screen(self.member(key)) if s.id == message_id]
                if not now or now[0].live or (key, now[0].token) not in asked_again:
                    self.problem(f"a message of {key} sent in this step was replaced")
            elif (key, was.token) in asked_again:
                if any(s.live for s in self.surface.screen(self.member(key)) if s.id == was.id):
                    self.problem(f"the question {was.token} asked again keeps its older buttons")
            elif outcome is None or not outcome.token or outcome.token not in was.keys:
                what = f"the question {was.token}" if was.token else "a message without question"
                self.problem(f"{what} of {key} was replaced, though nothing answered it")
        if outcome is None or outcome.kind != "recorded" or not outcome.token:
            return
        key = step.person
        now = {s.id: s for s in self.surface.screen(self.member(key))}
        earlier = [s for s in before[key] if outcome.token in s.keys]
        if not earlier:
            return
        answered = earlier[-1]
        current = now[answered.id]
        if (key, answered.id) not in replaced or current.live:
            self.problem(f"the answered question {outcome.token} still shows its buttons")
        # A control's answered message says what was done, not the button's label.
        elif outcome.value not in CONTROLS and clipped(outcome.label) not in current.text:
            self.problem(f"the answered message does not show '{outcome.label}'")
        for old in earlier[:-1]:
            if now[old.id].live:
                self.problem(
                    f"an older message with live buttons for {outcome.token} is left behind"
                )


def typed_text(step: Action) -> str:
    return str(getattr(step, "text", "") or getattr(step, "value", ""))


def describe(step: Action) -> str:
    if isinstance(step, Tick):
        return f"tick {step.at:%Y-%m-%d %H:%M}"
    if isinstance(step, Say):
        return f"says '{step.text}'"
    if isinstance(step, Answer):
        return f"answers {step.value} by {step.by}"
    if isinstance(step, Write):
        return f"writes '{step.text[:30]}' ({step.by})"
    if isinstance(step, ClickOld):
        return f"clicks {step.value} on an old {step.token}"
    if isinstance(step, Press):
        return f"presses {step.value} by {step.by}"
    return f"presses '{step.command}'"


class StepFailed(Exception):
    """The step could not be taken at all; the journey stops there."""


async def run_journey(journey: Journey, surface: Surface) -> Run:
    return await Runner(journey, surface).go()


def first_difference(reference: Run, other: Run) -> str:
    """Where two transcripts part, shown side by side; "" when they do not."""
    for (number, mine), (their_number, theirs) in zip(
        reference.transcript, other.transcript, strict=False
    ):
        if number != their_number:
            return f"step {number} on {reference.surface} meets step {their_number}"
        if mine != theirs:
            return (
                f"step {number} differs:\n  {reference.surface}: {mine}\n"
                f"  {other.surface}: {theirs}"
            )
    if len(reference.transcript) != len(other.transcript):
        return (
            f"{reference.surface} has {len(reference.transcript)} steps, "
            f"{other.surface} {len(other.transcript)}"
        )
    return ""
