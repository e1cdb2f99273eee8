"""One grapheme cutter for the dialogs and both adapters: whole characters only."""

from __future__ import annotations

import pytest

from dialogs.graphemes import cut, cut_units, is_boundary, units

HANGUL = "\u1100\u1161\u11a8"  # one syllable written as three jamo: initial, vowel, final


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("ab\r\ncd", 3, "ab"),  # a line end is one character
        ("x" + HANGUL * 2, 3, "x"),
        ("x" + HANGUL * 2, 4, "x" + HANGUL),
        ("e\u0301e\u0301", 3, "e\u0301"),
        ("🇳🇱🇧🇪", 3, "🇳🇱"),
        ("👩\u200d👧x", 2, ""),
        ("kort", 10, "kort"),
        ("kort", -1, ""),
    ],
)
def test_a_cut_counts_characters_and_never_splits_one(text: str, limit: int, expected: str) -> None:
    assert cut(text, limit) == expected
    assert is_boundary(text, len(expected))


def test_a_cut_in_utf16_units_counts_an_emoji_twice() -> None:
    assert units("a🙂") == 3
    assert cut_units("a🙂b", 2) == "a"
    assert cut_units("a🙂b", 3) == "a🙂"
    assert cut("a🙂b", 2) == "a🙂"
    # Without characters outside the basic plane, both measures agree.
    text = "e\u0301" * 40 + HANGUL * 10 + "\r\n" * 5
    for limit in range(len(text) + 1):
        assert cut(text, limit) == cut_units(text, limit)
