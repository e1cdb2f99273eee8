"""The font every document uses: DejaVu Sans, shipped with the package (licence beside it).

It covers Latin with its extensions, Vietnamese, Greek, Cyrillic, Hebrew and Arabic, so a
person's name comes out as they wrote it. A character no font in use has (most emoji, CJK)
is written as its Unicode name in brackets: a reader sees what was there, never a '?'.
Widths are measured from the font's own metrics, so a chart can place its labels before
anything is drawn, the same for SVG and PDF.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont

_FOLDER = resources.files("bot.documents") / "fonts"
REGULAR = Path(str(_FOLDER / "DejaVuSans.ttf"))
BOLD = Path(str(_FOLDER / "DejaVuSans-Bold.ttf"))
# How SVG asks for the same face; DejaVu Sans is wide, so most stand-ins take less room.
SVG_FAMILY = "DejaVu Sans, Verdana, sans-serif"
# Invisible joiners and selectors inside emoji sequences: nothing to show on their own.
_SILENT = {"Cf", "Mn", "Me"}


@dataclass(frozen=True)
class Metrics:
    """Advance widths of one font, in units of its em."""

    widths: dict[int, float]
    fallback: float

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(ord(c), self.fallback) for c in text) * size


@cache
def metrics(path: Path) -> Metrics:
    font = TTFont(str(path), lazy=True)
    per_em = float(font["head"].unitsPerEm)
    advances = font["hmtx"].metrics
    widths = {code: advances[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
    return Metrics(widths, widths.get(ord("0"), 0.6))


@cache
def _coverage(paths: tuple[Path, ...]) -> frozenset[int]:
    found: set[int] = set()
    for path in paths:
        found.update(metrics(path).widths)
    return frozenset(found)


def measure(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` set in the shipped font at `size` (in the size's own unit)."""
    return metrics(BOLD if bold else REGULAR).width(text, size)


def _name(char: str) -> str:
    return unicodedata.name(char, f"U+{ord(char):04X}").lower()


def printable(text: str, fonts: Iterable[Path] = (REGULAR,)) -> str:
    """`text` with every character the fonts lack written as its name: '[party popper]'."""
    covered = _coverage(tuple(fonts))
    out = []
    for char in text:
        if ord(char) in covered or char in "\n\t":
            out.append(char)
        elif unicodedata.category(char) not in _SILENT:
            out.append(f"[{_name(char)}]")
    return "".join(out)


def lacks_any(text: str, fonts: Iterable[Path] = (REGULAR,)) -> bool:
    """Whether `printable` would write any character of `text` by its name."""
    return printable(text, fonts) != text
