"""Text as people typed it, made storable, and cut without breaking a visible character."""

from __future__ import annotations

import re
import unicodedata

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ZWJ = "\u200d"


def storable(text: str) -> str:
    """Everything as typed, except what no database can hold: NUL is dropped (PostgreSQL
    text refuses it) and a lone surrogate (possible in JSON) becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def units(text: str) -> int:
    """Length in UTF-16 code units: what a JavaScript-based limit (Slack's) counts, and never
    less than the number of characters."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _extends(char: str) -> bool:
    """Characters that belong to the one before them: accents, joiners, modifiers, tags."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or 0x1160 <= code <= 0x11FF  # Hangul medial vowels and final consonants
        or 0xDC00 <= code <= 0xDFFF  # a low surrogate never starts anything
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def is_boundary(text: str, index: int) -> bool:
    """Whether cutting `text` at `index` keeps every visible character whole."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if before == "\r" and after == "\n":
        return False
    if _extends(after) or before == _ZWJ or 0xD800 <= ord(before) <= 0xDBFF:
        return False
    if _regional(before) and _regional(after):
        run = 0
        while index - run - 1 >= 0 and _regional(text[index - run - 1]):
            run += 1
        return run % 2 == 0  # flags are pairs: cut between pairs only
    return True


def _back_to_boundary(text: str, end: int) -> str:
    while end > 0 and not is_boundary(text, end):
        end -= 1
    return text[:end]


def cut(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, never ending inside a visible character:
    no accent torn from its letter, no half emoji sequence, no half flag."""
    if len(text) <= limit:
        return text
    return _back_to_boundary(text, max(limit, 0))


def cut_units(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-16 units that ends on a character
    boundary: for limits a JavaScript-based platform counts."""
    if units(text) <= limit:
        return text
    used = 0
    end = 0
    for end, char in enumerate(text):  # noqa: B007 - `end` is used after the loop
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > limit:
            break
        used += width
    return _back_to_boundary(text, end)
