"""Time off from check-ins: `pause until DATE` and `resume`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from bot.storage.models import Person
from dialogs.dates import DayProblem, parse_day
from dialogs.messages import Locale

MAX_PAUSE = timedelta(days=366)
_UNTIL = ("until ", "tot ", "t/m ")


class PauseError(ValueError):
    """Why a pause was refused: a key of the text catalog."""


def parse_pause_date(argument: str, locale: Locale) -> date:
    """`until 2027-04-12`, `tot 12-4-2027` or just the date, day or month first as the
    person's language writes it; raises PauseError."""
    text = argument.strip().lower()
    for word in _UNTIL:
        if text.startswith(word):
            text = text[len(word) :].strip()
    try:
        return parse_day(text, locale)
    except DayProblem as problem:
        raise PauseError(f"pause.{problem.reason}") from None


def pause(person: Person, until: date, today: date) -> None:
    if until <= today:
        raise PauseError("pause.in_past")
    if until - today > MAX_PAUSE:
        raise PauseError("pause.too_long")
    person.paused_until = until


class Pausable(Protocol):
    @property
    def paused_until(self) -> date | None: ...


def is_paused(person: Pausable, today: date) -> bool:
    return person.paused_until is not None and today < person.paused_until
