"""Every chart in Jaarrond, as geometry: shapes placed once, then drawn to SVG (`svg.py`) or
onto a PDF page (`pdf_chart.py`), so the two formats cannot drift apart.

Three kinds: bars (one per labelled figure), a line over periods (months or quarters of a
report year) and a line over time (a person's answers over their review year). Labels are
measured with the shipped font before they are placed: long bar labels wrap onto a second
line and end in an ellipsis, never clipped, and an axis shows only as many tick labels as
fit side by side. A hidden (suppressed) figure is a marked gap with words such as "fewer than
5", never a zero or an empty space. Every drawing carries its values in words (`desc`) for a
screen reader.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import Literal

from bot.documents.fonts import measure

WIDTH = 640.0
FONT = 12.0
SMALL = 11.0
GAP = 8.0  # the least room between two labels, and between a label and what it names
ELLIPSIS = "…"
Anchor = Literal["start", "middle", "end"]


# ---- shapes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    role: str
    size: float = FONT
    anchor: Anchor = "start"

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) the text takes, from the font's widths."""
        width = measure(self.text, self.size)
        left = self.x - {"start": 0.0, "middle": width / 2, "end": width}[self.anchor]
        return left, self.y - self.size * 0.8, left + width, self.y + self.size * 0.25


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    role: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    role: str


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    role: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    role: str  # "dot" filled, "open-dot" a ring


Shape = Text | Rect | Segment | Polyline | Dot


@dataclass(frozen=True)
class Style:
    fill: str | None = None
    stroke: str | None = None
    line: float = 1.0
    dashed: bool = False


INK, MUTED, ACCENT, PALE = "#1b1f24", "#57606a", "#2f6f9f", "#eef1f4"
STYLES: dict[str, Style] = {
    "label": Style(fill=INK),
    "value": Style(fill=INK),
    "tick": Style(fill=MUTED),
    "hidden": Style(fill=MUTED),
    "legend": Style(fill=MUTED),
    "axis": Style(stroke="#8c959f"),
    "grid": Style(stroke="#d8dee4", line=0.6),
    "bar": Style(fill=ACCENT),
    "gap": Style(fill=PALE, stroke="#8c959f", dashed=True),
    "line": Style(stroke=ACCENT, line=2.0),
    "dot": Style(fill=ACCENT, stroke=ACCENT),
    "open-dot": Style(fill="#ffffff", stroke=ACCENT, line=1.5),
}


@dataclass(frozen=True)
class Drawing:
    kind: str
    title: str
    desc: str
    width: float
    height: float
    shapes: tuple[Shape, ...]

    def texts(self) -> tuple[Text, ...]:
        return tuple(s for s in self.shapes if isinstance(s, Text))


# ---- words that fit ---------------------------------------------------------------------------


def fit(text: str, room: float, size: float = FONT, lines: int = 2) -> tuple[str, ...]:
    """`text` wrapped at spaces into at most `lines` lines of `room` wide; what does not fit
    ends the last line in an ellipsis (a word longer than a line is cut too)."""
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and measure(f"{line} {words[0]}", size) <= room:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if not out:
        return ("",)
    last = out[-1]
    if words or measure(last, size) > room:
        while last and measure(last + ELLIPSIS, size) > room:
            last = last[:-1].rstrip()
        out[-1] = last + ELLIPSIS
    return tuple(out)


def spaced(centres: Sequence[float], labels: Sequence[str], size: float = SMALL) -> list[int]:
    """The indexes of the labels to show under an axis: every label if they fit side by
    side, else every second, third, ... (always the first), so none overlap."""
    widths = [measure(label, size) for label in labels]
    for step in range(1, len(labels) + 1):
        chosen = list(range(0, len(labels), step))
        if all(
            centres[b] - centres[a] >= (widths[a] + widths[b]) / 2 + GAP
            for a, b in pairwise(chosen)
        ):
            return chosen
    return [0] if labels else []


def _steps(low: float, high: float) -> list[float]:
    """Round values for a value axis: about five of them from low to high."""
    span = (high - low) or 1.0
    step = next(s for s in (0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100) if span / s <= 5)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float, unit: str = "") -> str:
    return f"{value:g}{unit}"


# ---- bars -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden, drawn as a marked gap with `text`
    text: str  # the value in words: "12", "40%" or "fewer than 5"


def bar_chart(title: str, bars: Sequence[Bar], *, width: float = WIDTH) -> Drawing:
    """Horizontal bars from a common axis, labels to the left, values after each bar."""
    widest_label = max((measure(b.label, FONT) for b in bars), default=0.0)
    label_room = min(widest_label, width * 0.38)
    axis = label_room + GAP
    value_room = max((measure(b.text, FONT) for b in bars), default=0.0) + GAP
    plot = max(width - axis - value_room - 2, 40.0)
    top = max((b.value for b in bars if b.value is not None), default=0.0) or 1.0
    shapes: list[Shape] = []
    y = 4.0
    for bar in bars:
        lines = fit(bar.label, label_room)
        row = max(26.0, len(lines) * FONT * 1.2 + 10)
        middle = y + row / 2
        first_baseline = middle - (len(lines) - 1) * FONT * 0.6 + FONT * 0.35
        for n, line in enumerate(lines):
            shapes.append(
                Text(label_room, first_baseline + n * FONT * 1.2, line, "label", FONT, "end")
            )
        baseline = middle + FONT * 0.35
        if bar.value is None:
            shapes.append(Rect(axis, middle - 9, 18, 18, "gap"))
            shapes.append(Text(axis + 18 + GAP / 2, baseline, bar.text, "hidden"))
        else:
            length = max(0.0, bar.value) / top * plot
            if length > 0:
                shapes.append(Rect(axis, middle - 9, length, 18, "bar"))
            shapes.append(Text(axis + length + GAP / 2, baseline, bar.text, "value"))
        y += row
    height = y + 4
    shapes.insert(0, Segment(axis, 2, axis, height - 2, "axis"))
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    return Drawing("bars", title, desc, width, height, tuple(shapes))


# ---- a value over a year ----------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The plot area and the value axis shared by both line charts."""

    left: float
    top: float
    right: float
    bottom: float
    low: float
    high: float

    def y(self, value: float) -> float:
        share = (value - self.low) / ((self.high - self.low) or 1.0)
        return self.bottom - share * (self.bottom - self.top)


def _frame(
    width: float, height: float, low: float, high: float, unit: str, right: float, rows: int = 1
) -> Frame:
    """The plot inside the drawing: room on the left for the value labels, below for `rows`
    rows of tick labels."""
    labels = [_number(v, unit) for v in _steps(low, high)]
    left = max(measure(label, SMALL) for label in labels) + GAP + 2
    return Frame(left, 10.0, width - right, height - 12.0 - rows * (SMALL + 6), low, high)


def _value_axis(frame: Frame, unit: str) -> list[Shape]:
    shapes: list[Shape] = []
    for value in _steps(frame.low, frame.high):
        y = frame.y(value)
        shapes.append(Segment(frame.left, y, frame.right, y, "grid"))
        shapes.append(
            Text(frame.left - GAP, y + SMALL * 0.35, _number(value, unit), "tick", SMALL, "end")
        )
    shapes.append(Segment(frame.left, frame.bottom, frame.right, frame.bottom, "axis"))
    return shapes


def _time_axis(
    frame: Frame, width: float, centres: Sequence[float], labels: Sequence[str], row: int = 0
) -> list[Shape]:
    """Tick labels under the axis (`row` 1 is a second row), each kept inside the drawing,
    as many as fit side by side."""
    halves = [measure(label, SMALL) / 2 for label in labels]
    placed = [min(max(c, h), width - h) for c, h in zip(centres, halves, strict=True)]
    baseline = frame.bottom + (row + 1) * (SMALL + 6)
    return [
        Text(placed[i], baseline, labels[i], "tick", SMALL, "middle")
        for i in spaced(placed, labels)
    ]


def _lines(points: Sequence[tuple[float, float] | None]) -> list[Shape]:
    """A line through the points; a None breaks it (no figure, or a hidden one)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [Polyline(tuple(run), "line") for run in runs if len(run) > 1]


@dataclass(frozen=True)
class Period:
    label: str  # "Mar", "Q1"
    value: float | None  # None: no figure, or a hidden one
    text: str  # the value in words; empty for a period without any figure
    hidden: bool = False


def _hidden_runs(periods: Sequence[Period]) -> list[tuple[int, int]]:
    """(first, past the last) index of each run of hidden periods."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, period in enumerate([*periods, Period("", None, "")]):
        if period.hidden and start is None:
            start = i
        elif not period.hidden and start is not None:
            runs.append((start, i))
            start = None
    return runs


def period_chart(
    title: str,
    periods: Sequence[Period],
    *,
    low: float,
    high: float,
    unit: str = "",
    hidden_words: str,
    width: float = WIDTH,
    height: float = 200.0,
) -> Drawing:
    """A line over the report year's periods. A run of hidden periods is a shaded band that
    says what it hides; where a band is too narrow for the words, a legend under the axis
    says what the shading means."""
    runs = _hidden_runs(periods)
    last = measure(periods[-1].label, SMALL) / 2 if periods else 0.0
    right = max(last, 10.0)
    # The plot's width does not depend on its height: the legend can be decided first.
    probe = _frame(width, height, low, high, unit, right)
    slot = (probe.right - probe.left) / max(1, len(periods))
    words = measure(hidden_words, SMALL) + 2 * GAP
    legend = any((end - start) * slot < words for start, end in runs)
    frame = _frame(width, height - (FONT * 1.6 if legend else 0.0), low, high, unit, right)
    centres = [frame.left + (i + 0.5) * slot for i in range(len(periods))]
    middle = (frame.top + frame.bottom) / 2 + SMALL * 0.35
    shapes: list[Shape] = [
        Rect(
            frame.left + start * slot,
            frame.top,
            (end - start) * slot,
            frame.bottom - frame.top,
            "gap",
        )
        for start, end in runs
    ]
    shapes += _value_axis(frame, unit)
    shapes += [
        Text(frame.left + (start + end) / 2 * slot, middle, hidden_words, "hidden", SMALL, "middle")
        for start, end in runs
        if (end - start) * slot >= words
    ]
    shapes += _time_axis(frame, width, centres, [p.label for p in periods])
    points = [
        None if p.value is None else (centres[i], frame.y(p.value)) for i, p in enumerate(periods)
    ]
    shapes += _lines(points)
    shapes += [Dot(x, y, 3.0, "dot") for point in points if point is not None for x, y in [point]]
    if legend:
        y = height - FONT * 0.6
        shapes.append(Rect(frame.left, y - FONT * 0.85, FONT, FONT, "gap"))
        shapes.append(Text(frame.left + FONT + GAP / 2, y, hidden_words, "legend", SMALL))
    desc = "; ".join(f"{p.label}: {p.text}" for p in periods if p.text)
    return Drawing("line", title, desc, width, height, tuple(shapes))


@dataclass(frozen=True)
class Moment:
    at: datetime
    value: float
    open: bool  # drawn as a ring (a private answer)
    words: str  # "Tuesday 2 March 2027: 4"


def _month_starts(first: date, last: date) -> list[date]:
    day = date(first.year, first.month, 1)
    if day < first:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    found = []
    while day <= last:
        found.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def time_chart(
    title: str,
    moments: Sequence[Moment],
    *,
    first: date,
    last: date,
    month_names: Sequence[str],
    low: float = 1.0,
    high: float = 5.0,
    width: float = WIDTH,
    height: float = 170.0,
) -> Drawing:
    """Values at moments between two days, with a tick at every month's start. A second row
    names the year under each January, and under the first month unless a January follows
    right after it."""
    months = _month_starts(first, last)
    names = [month_names[m.month - 1] for m in months]
    right = max((measure(n, SMALL) / 2 for n in names[-1:]), default=0.0) + 10
    frame = _frame(width, height, low, high, "", right, rows=2)
    start = datetime.combine(first, time(), tzinfo=UTC).timestamp()
    end = max(datetime.combine(last, time(), tzinfo=UTC).timestamp(), start + 86400)

    def x(moment: datetime) -> float:
        share = min(max((moment.timestamp() - start) / (end - start), 0.0), 1.0)
        return frame.left + share * (frame.right - frame.left)

    centres = [x(datetime.combine(m, time(), tzinfo=UTC)) for m in months]
    shapes: list[Shape] = [Segment(c, frame.top, c, frame.bottom, "grid") for c in centres]
    shapes += _value_axis(frame, "")
    shapes += _time_axis(frame, width, centres, names)
    years = [i for i, m in enumerate(months) if m.month == 1 or (i == 0 and m.month < 11)]
    shapes += _time_axis(
        frame, width, [centres[i] for i in years], [str(months[i].year) for i in years], row=1
    )
    points = [(x(m.at), frame.y(m.value)) for m in moments]
    shapes += _lines(points)
    shapes += [
        Dot(px, py, 3.5, "open-dot" if m.open else "dot")
        for m, (px, py) in zip(moments, points, strict=True)
    ]
    desc = "; ".join(m.words for m in moments)
    return Drawing("time", title, desc, width, height, tuple(shapes))
