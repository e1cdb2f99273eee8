"""Days as people type them: 2027-04-12 in any language, and with the year last the order
of the person's language: day first in Dutch (12-4-2027), month first in English
(4/12/2027)."""

from __future__ import annotations

import re
from datetime import date

from dialogs.messages import Locale

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class DayProblem(ValueError):
    """Why typed text is no day: `no_such_day` (31-02-2027) or `not_a_date`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_day(text: str, locale: Locale) -> date:
    """The day typed; raises DayProblem."""
    typed = text.strip()
    if iso := _ISO.match(typed):
        year, month, day = (int(part) for part in iso.groups())
    elif year_last := _YEAR_LAST.match(typed):
        first, second, year = (int(part) for part in year_last.groups())
        day, month = (first, second) if locale == "nl" else (second, first)
    else:
        raise DayProblem("not_a_date")
    try:
        return date(year, month, day)
    except ValueError:
        raise DayProblem("no_such_day") from None
