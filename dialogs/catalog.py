"""The one shape of every text table: each key in Dutch and English, filled the same way.

Each part of the product keeps its own catalog (check-ins, agreements, the console, an
adapter's buttons), but they are all instances of `Catalog`, so a text is looked up,
counted and checked one way everywhere.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any

from dialogs.messages import LOCALES, Locale


class _Counting(string.Formatter):
    """str.format, plus counted nouns: "{n:dag|dagen}" reads "1 dag" or "3 dagen"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return f"{value} {one if value == 1 else many}"
        return str(super().format_field(value, format_spec))


_COUNTING = _Counting()


def fill(template: str, values: Mapping[str, object]) -> str:
    """A text with its placeholders filled in; plural forms are written `{n:one|many}`."""
    return _COUNTING.vformat(template, (), values) if values else template


def placeholders(template: str) -> frozenset[str]:
    """The names a text fills in: "{n:dag|dagen} voor {name}" has n and name."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )


class Catalog(Mapping[str, tuple[str, str]]):
    """Texts by key, each a pair (nl, en) with the same placeholders in both languages.

    Read-only; as a mapping it gives the pairs themselves, for code that checks whether a
    key exists or shows a text in both languages.
    """

    def __init__(self, texts: Mapping[str, tuple[str, str]]) -> None:
        self._texts = dict(texts)

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def text(self, key: str, locale: Locale, **values: object) -> str:
        """The text for `key` in `locale`, with placeholders filled in."""
        nl, en = self._texts[key]
        return fill(nl if locale == "nl" else en, values)

    def every_language(self, key: str, **values: object) -> list[str]:
        """The text in each language, Dutch first."""
        return [self.text(key, locale, **values) for locale in LOCALES]

    def both(self, key: str, **values: object) -> str:
        """Dutch / English on one line: for a reader whose language is unknown, or for what
        is stored once and read by people of either language."""
        return " / ".join(self.every_language(key, **values))

    def problems(self) -> list[str]:
        """What is wrong with the texts: a language missing, or placeholders that differ
        between the languages (a value shown in one language would be lost in the other)."""
        found: list[str] = []
        for key, pair in self._texts.items():
            if len(pair) != len(LOCALES) or not all(
                isinstance(text, str) and text.strip() for text in pair
            ):
                found.append(f"{key}: needs a text in each of {', '.join(LOCALES)}")
                continue
            nl, en = (placeholders(text) for text in pair)
            if nl != en:
                found.append(f"{key}: placeholders differ, nl {sorted(nl)} and en {sorted(en)}")
        return found
