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
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def cut(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, never ending inside a visible character:
    no accent torn from its letter, no half emoji sequence, no half flag."""
    if len(text) <= limit:
        return text
    end = max(limit, 0)
    while end > 0 and (_extends(text[end]) or text[end - 1] == _ZWJ):
        end -= 1
    if end > 0 and _regional(text[end]):
        run = 0
        while end - run > 0 and _regional(text[end - run - 1]):
            run += 1
        end -= run % 2  # flags are pairs; an odd run means one would be split
    return text[:end]
