"""The journey description: who is in it, and the steps they take, as plain data.

A journey is written once and run unchanged on the console, Slack and Teams (see
tests/support/journey_runner.py). A step names a person and what they do: type a line, answer the
question they were shown last (by its number, by its label in the other language, by its
label, or by clicking it), write a free text, press a navigation button, or let time pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from dialogs.messages import Locale, OutcomeKind

By = Literal["number", "other_language", "label", "click"]
Surfaces = tuple[str, ...]
EVERYWHERE: Surfaces = ("console", "slack", "teams")
CLICKABLE: Surfaces = ("slack", "teams")


@dataclass(frozen=True)
class Member:
    """One person of the journey's organisation, with an id on every platform."""

    key: str
    email: str
    name: str
    locale: Locale
    manager: str = ""
    hr: bool = False
    review_month: int | None = None
    # Not in the org file: someone the bot cannot link to a person.
    stranger: bool = False

    @property
    def slack_id(self) -> str:
        return "U" + self.key.upper()

    @property
    def teams_id(self) -> str:
        return "29:" + self.key


@dataclass(frozen=True)
class Cast:
    members: tuple[Member, ...]

    def __getitem__(self, key: str) -> Member:
        for member in self.members:
            if member.key == key:
                return member
        raise KeyError(key)

    def org_csv(self) -> str:
        """The org file: every person linked to Slack and Teams."""
        lines = [
            "email,name,manager_email,locale,timezone,department,hr,review_month,"
            "slack_user_id,teams_user_id"
        ]
        for m in self.members:
            if m.stranger:
                continue
            manager = self[m.manager].email if m.manager else ""
            department = "HR" if m.hr else "Support"
            month = str(m.review_month or "")
            lines.append(
                f"{m.email},{m.name},{manager},{m.locale},Europe/Amsterdam,{department},"
                f"{str(m.hr).lower()},{month},{m.slack_id},{m.teams_id}"
            )
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Step:
    """What every step has: who acts, where it applies, and what must come of it."""

    person: str
    # The outcome the engine must report; None: any.
    outcome: OutcomeKind | None = None
    # Texts that must be among what the person is shown in reply.
    sees: tuple[str, ...] = ()
    # Where the step can be taken (a click on an old message exists only where there are
    # buttons); it is left out of the comparison between surfaces when not everywhere.
    surfaces: Surfaces = EVERYWHERE
    # Known to differ between surfaces by design (a stranger's language): not compared.
    compared: bool = True
    # The engine must answer exactly as it did `like` steps earlier (-1: the step before):
    # a refused command reads like an unknown one.
    like: int = 0


@dataclass(frozen=True)
class Say(Step):
    """The person types a line."""

    text: str = ""


@dataclass(frozen=True)
class Answer(Step):
    """The person answers the question shown to them last with the option (or button, such
    as skip or cancel) whose value is `value`: by its number, by its label in the other
    language, by its label, or by clicking it (on the console: typing the label shown)."""

    value: str = ""
    by: By = "number"


@dataclass(frozen=True)
class Write(Step):
    """A free-text answer to the open text question: typed, or through the platform's own
    form (Slack's modal, the Teams card's input; on the console it is typed)."""

    text: str = ""
    by: Literal["typed", "form"] = "typed"


@dataclass(frozen=True)
class Press(Step):
    """A button of the last message that offers it but asks no question (a follow-up's
    "Add a comment"): clicked, or its label typed (in the person's or the other language)."""

    value: str = ""
    by: By = "click"


@dataclass(frozen=True)
class ClickOld(Step):
    """A click on an older message that still shows buttons for `token` (the first one
    shown), as someone scrolling back would do: only where there are buttons."""

    token: str = ""
    value: str = ""


@dataclass(frozen=True)
class Navigate(Step):
    """A navigation button (the agreements list) that stands for a typed command; on the
    console the command is typed."""

    command: str = ""


@dataclass(frozen=True)
class Tick:
    """Time moves to `at` and the scheduler ticks: what is due is sent on its own."""

    at: datetime
    # (person, text): what someone must be sent during the tick.
    sees: tuple[tuple[str, str], ...] = ()
    person: str = ""
    surfaces: Surfaces = EVERYWHERE
    compared: bool = True


Action = Say | Answer | Write | Press | ClickOld | Navigate | Tick


@dataclass(frozen=True)
class Journey:
    name: str
    cast: Cast
    steps: tuple[Action, ...]
    # Where the engine's clock starts.
    start: datetime
    # The schedules file HR applied before the journey starts ("" for none).
    schedules: str = ""


# ---- a few words to write journeys in ---------------------------------------------------


def say(person: str, text: str, **expect: object) -> Say:
    return Say(person, text=text, **expect)  # type: ignore[arg-type]


def answer(person: str, value: str, by: By = "number", **expect: object) -> Answer:
    expect.setdefault("outcome", "recorded")
    return Answer(person, value=value, by=by, **expect)  # type: ignore[arg-type]


def decline(person: str, by: By = "number", value: str = "no", **expect: object) -> Answer:
    """Answer a confirmation with its no."""
    return answer(person, value, by, **expect)


def write(
    person: str, text: str, by: Literal["typed", "form"] = "typed", **expect: object
) -> Write:
    expect.setdefault("outcome", "recorded")
    return Write(person, text=text, by=by, **expect)  # type: ignore[arg-type]


def press(person: str, value: str, by: By = "click", **expect: object) -> Press:
    expect.setdefault("outcome", "recorded")
    return Press(person, value=value, by=by, **expect)  # type: ignore[arg-type]


def click_old(person: str, token: str, value: str, **expect: object) -> ClickOld:
    return ClickOld(person, token=token, value=value, surfaces=CLICKABLE, **expect)  # type: ignore[arg-type]


def navigate(person: str, command: str, **expect: object) -> Navigate:
    return Navigate(person, command=command, **expect)  # type: ignore[arg-type]


def tick(at: datetime, *sees: tuple[str, str]) -> Tick:
    return Tick(at, sees)
