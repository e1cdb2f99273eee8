"""The one place that decides which aggregate figures may be shown.

Every report builds its figures as candidate cells (the number and the people behind it),
declares how they add up (a total and the parts it is the union of), and hands them to
`settle`. A figure is shown only when

- the group behind it has at least `SCORE_MIN` people (`TEXT_MIN` for figures about free
  text); an empty group is shown as empty, because "nobody" singles out no one;
- it does not differ by fewer than the threshold from an overlapping group of the same
  measure published before it (the difference attack: a department of 6 next to an
  organisation of 7 reveals the seventh person);
- no total minus its shown parts leaves fewer than the threshold (complementary
  suppression: when one part of a total is hidden, enough other parts are hidden with it).

Health-related answers never reach this module: the queries that feed it exclude them by
topic, by the bank's flag and by the answer's `private` visibility (`health_question_ids`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.privacy.group_sizes import SCORE_MIN as SCORE_MIN
from bot.privacy.group_sizes import TEXT_MIN as TEXT_MIN
from dialogs.banks import HEALTH_TOPICS, Bank

Sensitivity = Literal["score", "text"]
# Answer visibilities that may be counted in group figures; `private` (health) never is.
AGGREGATABLE = ("aggregate", "shared")
# Question kinds whose stored value is a fixed option, kept in clear text; free text is
# never read for a figure.
CLOSED_KINDS = ("scale", "choice", "yes_no")


def threshold(sensitivity: Sensitivity) -> int:
    return TEXT_MIN if sensitivity == "text" else SCORE_MIN


def health_question_ids(banks: Mapping[str, Bank]) -> frozenset[str]:
    """Questions that are health data by the bank's flag or by their topic."""
    return frozenset(q.question_id for b in banks.values() for q in b.questions if q.is_health)


def health_only_themes(banks: Mapping[str, Bank]) -> frozenset[str]:
    """Themes that ask only about health: even taking part in them is not counted."""
    return frozenset(
        theme for theme, b in banks.items() if b.questions and all(q.is_health for q in b.questions)
    )


def is_health_topic(topic: str) -> bool:
    return topic in HEALTH_TOPICS


@dataclass(frozen=True)
class Candidate:
    """A figure before suppression: its value and the people behind it.

    `members` is the exact set of people when the report has it; without it the size is
    used and a total's parts must be disjoint groups of people for the sums to hold.
    """

    key: Hashable
    size: int
    value: float | None = None
    count: int | None = None
    members: frozenset[int] | None = None
    # Figures are compared for the difference attack only within one scope: the same
    # measure over the same period. Different measures or periods share no data. None:
    # compared with nothing (the lines still protect it).
    scope: Hashable = None


@dataclass(frozen=True)
class Line:
    """A total that is the union of its parts (for example the organisation and its
    departments for one theme and month). `disjoint`: no person is in two parts."""

    total: Hashable
    parts: tuple[Hashable, ...]
    disjoint: bool = True


@dataclass(frozen=True)
class Figure:
    """A published figure: the value, how many things it counts and the size of its group,
    or only `suppressed` when showing it could single someone out."""

    value: float | None
    count: int | None
    people: int | None
    suppressed: bool

    @property
    def shown(self) -> bool:
        return not self.suppressed


HIDDEN = Figure(value=None, count=None, people=None, suppressed=True)


@dataclass
class _State:
    candidates: dict[Hashable, Candidate]
    hidden: set[Hashable] = field(default_factory=set)


def _union_size(state: _State, keys: Iterable[Hashable], disjoint: bool) -> int:
    """How many people a set of hidden parts covers; a lower bound when unsure, so a
    doubtful case hides more, never less."""
    cells = [state.candidates[k] for k in keys]
    if cells and all(c.members is not None for c in cells):
        union: set[int] = set()
        for c in cells:
            union |= c.members or frozenset()
        return len(union)
    sizes = [c.size for c in cells]
    if not sizes:
        return 0
    return sum(sizes) if disjoint else max(sizes)


def _differs_too_little(a: Candidate, b: Candidate, minimum: int) -> bool:
    if a.members is None or b.members is None or not (a.members & b.members):
        return False
    only_a = len(a.members - b.members)
    only_b = len(b.members - a.members)
    return 0 < only_a < minimum or 0 < only_b < minimum


def settle(
    candidates: Sequence[Candidate],
    lines: Iterable[Line] = (),
    sensitivity: Sensitivity = "score",
) -> dict[Hashable, Figure]:
    """Which figures may be shown; candidates earlier in the sequence are published first,
    so when two overlapping groups differ too little the later one is hidden."""
    minimum = threshold(sensitivity)
    state = _State({c.key: c for c in candidates})
    line_list = list(lines)
    # 1. Groups too small to show.
    state.hidden = {c.key for c in candidates if 0 < c.size < minimum}
    # 2. The difference attack between overlapping groups of one measure.
    published: dict[Hashable, list[Candidate]] = {}
    for c in candidates:
        if c.key in state.hidden or c.scope is None:
            continue
        earlier = published.setdefault(c.scope, [])
        if any(_differs_too_little(c, e, minimum) for e in earlier):
            state.hidden.add(c.key)
            continue
        earlier.append(c)
    # 3. Complementary suppression: repeat until no total gives a small group away.
    changed = True
    while changed:
        changed = False
        for line in line_list:
            changed |= _protect(state, line, minimum)
    return {
        c.key: HIDDEN
        if c.key in state.hidden
        else Figure(value=c.value, count=c.count, people=c.size, suppressed=False)
        for c in candidates
    }


def _protect(state: _State, line: Line, minimum: int) -> bool:
    """Hide one more cell of the line when what is hidden could be worked out and covers
    fewer than `minimum` people; True when something changed."""
    parts = [p for p in line.parts if p in state.candidates]
    hidden_parts = [p for p in parts if p in state.hidden]
    shown_parts = [p for p in parts if p not in state.hidden and state.candidates[p].size > 0]
    total_hidden = line.total in state.hidden or line.total not in state.candidates
    if total_hidden:
        # The total is hidden: its parts must not add back up to it.
        if line.total in state.candidates and not hidden_parts and shown_parts:
            state.hidden.add(min(shown_parts, key=lambda p: state.candidates[p].size))
            return True
        return False
    if not hidden_parts:
        return False
    if _union_size(state, hidden_parts, line.disjoint) >= minimum:
        return False
    if shown_parts:
        state.hidden.add(min(shown_parts, key=lambda p: state.candidates[p].size))
    else:
        state.hidden.add(line.total)
    return True
