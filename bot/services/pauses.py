"""Time off from check-ins: `pause until DATE` and `resume`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.storage.models import Person

MAX_PAUSE = timedelta(days=366)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_UNTIL = ("until ", "tot ", "t/m ")


class PauseError(ValueError):
    """Why a pause was refused: a key of the text catalog."""


def parse_pause_date(argument: str) -> date:
    """`until 2027-04-12`, `tot 12-4-2027` or just the date; raises PauseError."""
    text = argument.strip().lower()
    for word in _UNTIL:
        if text.startswith(word):
            text = text[len(word) :].strip()
    iso, dutch = _ISO.match(text), _DUTCH.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dutch:
            return date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    except ValueError as exc:
        raise PauseError("pause.bad_date") from exc
    raise PauseError("pause.bad_date")


def local_today(person_timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(person_timezone)).date()


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
