"""What typed or imported values must look like: an e-mail address, a time zone, a language.

One rule each, shared by the settings, the org import, the schedules file and the chat
directory, so an address or a zone accepted in one place is accepted in all of them.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from dialogs.messages import LOCALES, Locale

# Something@domain.tld: enough to catch a name or a typo in an address column; whether
# the address exists is for the mail server to say.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_email(text: str) -> bool:
    return _EMAIL.fullmatch(text) is not None


@cache
def _time_zones() -> frozenset[str]:
    # available_timezones() walks the tz database on every call; once per process is enough.
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone, such as Europe/Amsterdam."""
    return name in _time_zones()


def as_locale(text: str) -> Locale | None:
    """The language `text` names ("nl", "EN"), or None for one Jaarrond does not speak."""
    lowered = text.strip().lower()
    return next((locale for locale in LOCALES if locale == lowered), None)
