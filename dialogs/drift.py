"""Drift: a change in one person's shared scale answers that lasts, told apart from the
ups and downs of single answers, so that it is talked about before the review instead of
first seen in its charts.

Pure: the series of one question's answers (moment, value), the cadence it is asked on and
its scale go in; a signal, or none, comes out. The service (bot/dialogue/drift.py) reads
the series, keeps the signals and tells the employee before their manager sees anything.

The rules, per cadence (`WINDOWS`):
- the *recent level* is the mean of the last `recent` answers: 6 weekly, 4 biweekly,
  3 monthly, 2 quarterly;
- the *baseline* is the median of the same person's earlier answers to the question, at
  most `history` before the latest one (26 weeks weekly, 39 weeks biweekly, 400 days
  monthly and quarterly: a year and the quarter before it), and at least `baseline_min` of
  them. A median, so the first answers of a slow slide do not drag the baseline along;
- a signal is raised when the recent level is at least one step from the baseline (a
  trend), or the latest answer two steps (a jump);
- it holds, measured against the baseline it was raised with, until the recent level is
  back within half a step of that baseline and the latest answer within two steps: the
  trend returned. The half step in between keeps a level hovering at the threshold from
  raising and clearing a signal week after week;
- a level back within half a step of where an ended signal returned to is that return,
  not a new change the other way.

Only shared answers to non-health questions ever count (`shared_series`): private,
aggregate-only and health answers never reach the rules.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from dialogs.banks import HEALTH_TOPICS, BankQuestion
from dialogs.digest_texts import td
from dialogs.messages import Locale, Outbound, PersonRef
from dialogs.texts import MONTH_NAMES

Cadence = Literal["weekly", "biweekly", "monthly", "quarterly"]
Direction = Literal["lower", "higher"]
Kind = Literal["trend", "jump"]
Series = Sequence[tuple[datetime, int]]

SCALE = (1, 5)
RAISE_STEPS = 1.0  # the recent level this far from the baseline raises a signal
JUMP_STEPS = 2  # one answer this far from the baseline does too
RETURN_STEPS = 0.5  # back within this much of the baseline, the trend returned


@dataclass(frozen=True)
class Window:
    recent: int  # answers in the recent level (the moving average)
    baseline_min: int  # earlier answers needed before a baseline counts
    history: timedelta  # how far before the latest answer earlier answers count


WINDOWS: dict[str, Window] = {
    "weekly": Window(recent=6, baseline_min=6, history=timedelta(weeks=26)),
    "biweekly": Window(recent=4, baseline_min=4, history=timedelta(weeks=39)),
    "monthly": Window(recent=3, baseline_min=3, history=timedelta(days=400)),
    "quarterly": Window(recent=2, baseline_min=2, history=timedelta(days=400)),
}
# The most history any cadence reads.
LONGEST = max(w.history for w in WINDOWS.values())


@dataclass(frozen=True)
class Signal:
    """A lasting change in one question's answers: which way, since when, against what."""

    direction: Direction
    kind: Kind
    baseline: float
    # The first answer of the change, and the answer that crossed the threshold.
    since: datetime
    raised_at: datetime


@dataclass(frozen=True)
class Point:
    """One stored answer as the rules may see it, with what decides whether it counts."""

    at: datetime
    value: str
    visibility: str
    topic: str = ""
    health: bool = False


def window(cadence: str) -> Window:
    """The windows of a cadence; an unknown one reads like a monthly question."""
    return WINDOWS.get(cadence, WINDOWS["monthly"])


def cadence_of(moments: Sequence[datetime]) -> Cadence:
    """The cadence a series was answered on, from the typical time between answers (for
    answers not asked by a schedule, and people whose schedules changed)."""
    ordered = sorted(moments)
    if len(ordered) < 2:
        return "monthly"
    gap = statistics.median((b - a).days for a, b in itertools.pairwise(ordered))
    if gap <= 10:
        return "weekly"
    if gap <= 21:
        return "biweekly"
    if gap <= 50:
        return "monthly"
    return "quarterly"


def shared_series(
    points: Iterable[Point], scale: tuple[int, int] = SCALE
) -> list[tuple[datetime, int]]:
    """The answers that may count, oldest first: shared, not about health, on the scale."""
    low, high = scale
    found = []
    for p in points:
        if p.visibility != "shared" or p.health or p.topic in HEALTH_TOPICS:
            continue
        try:
            value = int(p.value)
        except ValueError:
            continue
        if low <= value <= high:
            found.append((p.at, value))
    return sorted(found, key=lambda point: point[0])


def _within(series: Series, cadence: str, scale: tuple[int, int]) -> list[tuple[datetime, int]]:
    """The answers on the scale, oldest first, no further back than the cadence reads."""
    low, high = scale
    points = sorted((p for p in series if low <= p[1] <= high), key=lambda p: p[0])
    if not points:
        return []
    start = points[-1][0] - window(cadence).history
    return [p for p in points if p[0] >= start]


def _away(value: float, baseline: float, direction: Direction) -> float:
    """How far a value is from the baseline in the signal's direction (negative: the other
    way)."""
    return baseline - value if direction == "lower" else value - baseline


def detect(
    series: Series,
    cadence: str,
    scale: tuple[int, int] = SCALE,
    settled: float | None = None,
) -> Signal | None:
    """A new signal in this series, or None: not enough answers, or no lasting change.

    `settled` is the baseline of a signal on this question that ended because the answers
    came back to it: answers back at that level are that return, not a new change (the
    earlier answers, from during the drift, would otherwise read as a baseline to rise
    or fall from)."""
    w = window(cadence)
    points = _within(series, cadence, scale)
    if len(points) < w.recent + w.baseline_min:
        return None
    earlier, recent = points[: -w.recent], points[-w.recent :]
    baseline = float(statistics.median(v for _, v in earlier))
    level = statistics.fmean(v for _, v in recent)
    latest_at, latest = recent[-1]
    direction: Direction = "lower" if level < baseline else "higher"
    if settled is not None and abs(level - settled) <= RETURN_STEPS:
        return None
    if abs(level - baseline) >= RAISE_STEPS:
        # The change began with the answers on its side of the baseline just before or in
        # the recent ones: walk back over the earlier answers while they are, then forward
        # to the first that is.
        start = len(earlier)
        while start > 0 and _away(points[start - 1][1], baseline, direction) >= RETURN_STEPS:
            start -= 1
        since = next(
            at for at, v in points[start:] if _away(v, baseline, direction) >= RETURN_STEPS
        )
        return Signal(direction, "trend", baseline, since, latest_at)
    if abs(latest - baseline) >= JUMP_STEPS:
        jump: Direction = "lower" if latest < baseline else "higher"
        return Signal(jump, "jump", baseline, latest_at, latest_at)
    return None


def continues(
    series: Series,
    cadence: str,
    baseline: float,
    direction: Direction,
    scale: tuple[int, int] = SCALE,
) -> bool:
    """Does a signal raised against `baseline` still hold, or did the trend return?"""
    points = _within(series, cadence, scale)
    if not points:
        return False
    recent = [v for _, v in points[-window(cadence).recent :]]
    level = statistics.fmean(recent)
    return (
        _away(level, baseline, direction) > RETURN_STEPS
        or _away(recent[-1], baseline, direction) >= JUMP_STEPS
    )


# ---- how a signal reads --------------------------------------------------------------------


@dataclass(frozen=True)
class DriftNote:
    """A signal as the digest and the home view show it: the question and the change in
    words, never a score."""

    question_id: str
    question: str
    change: str
    since: datetime


def change_in_words(question: BankQuestion, direction: Direction, locale: Locale) -> str:
    """The bank's words for the change, or the scale's label it moves towards."""
    text = question.drift_lower if direction == "lower" else question.drift_higher
    if text is not None:
        return text(locale)
    label = question.low if direction == "lower" else question.high
    return td("drift.towards", locale, label=label(locale) if label else direction)


def note_of(
    question: BankQuestion, direction: Direction, since: datetime, locale: Locale
) -> DriftNote:
    return DriftNote(
        question.question_id,
        question.text(locale),
        change_in_words(question, direction, locale),
        since,
    )


def drift_line(note: DriftNote, locale: Locale) -> str:
    """The one line the manager reads, and the employee sees first, word for word."""
    month = f"{MONTH_NAMES[locale][note.since.month - 1]} {note.since.year}"
    return td("drift.line", locale, change=note.change, month=month, question=note.question)


def home_lines(notes: Sequence[DriftNote], locale: Locale) -> tuple[str, ...]:
    """The employee's own view: the manager's lines word for word, and how they clear."""
    if not notes:
        return ()
    return (*(drift_line(n, locale) for n in notes), td("drift.home_clears", locale))


def employee_note(ref: PersonRef, manager: str, notes: Sequence[DriftNote]) -> Outbound:
    """The note that tells the employee, before the next digest, what their manager reads."""
    loc = ref.locale
    lines = "\n".join(f"- {drift_line(n, loc)}" for n in notes)
    text = td("drift.note", loc, manager=manager, lines=lines)
    return Outbound(ref, text, td("drift.note_title", loc))
