"""HR's own questions as pure logic: checking a draft, spotting health questions, and
merging them into the banks the check-ins use."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from dialogs.banks import HEALTH_TOPICS, KINDS, Bank, BankQuestion, Option, Text

# Words that suggest a question collects health details (Dutch and English). A match is a
# warning, because "ziek" also appears in harmless questions; marking a question as health
# is HR's decision, and a health question can never be shown to managers.
HEALTH_WORDS = (
    # nl
    "ziek",
    "ziekte",
    "gezondheid",
    "gezond",
    "burn-out",
    "burnout",
    "overspannen",
    "depressie",
    "depressief",
    "angst",
    "medicijn",
    "medicatie",
    "arts",
    "huisarts",
    "dokter",
    "diagnose",
    "therapie",
    "psycholoog",
    "zwanger",
    "handicap",
    "beperking",
    "pijn",
    "klachten",
    "slaap",
    "verzuim",
    "bedrijfsarts",
    # en
    "sick",
    "illness",
    "health",
    "healthy",
    "burnout",
    "burn-out",
    "depression",
    "depressed",
    "anxiety",
    "medication",
    "medicine",
    "doctor",
    "diagnosis",
    "therapy",
    "therapist",
    "pregnant",
    "pregnancy",
    "disability",
    "pain",
    "symptoms",
    "sleep",
    "sick leave",
    "mental",
)
_WORDS = re.compile(r"[\w-]+(?: leave)?", re.UNICODE)
_WORD_START = re.compile(r"\b\w", re.UNICODE)
# The health words of four letters or more, by their first four (prefix matching).
_BY_HEAD: dict[str, tuple[str, ...]] = {}
for _word in HEALTH_WORDS:
    if len(_word) >= 4:
        _BY_HEAD[_word[:4]] = (*_BY_HEAD.get(_word[:4], ()), _word)
_VALUE = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True)
class DraftOption:
    value: str
    nl: str
    en: str


@dataclass(frozen=True)
class Draft:
    """A question as HR typed it, before it is checked."""

    theme: str
    topic: str
    kind: str
    text_nl: str
    text_en: str
    low_nl: str = ""
    low_en: str = ""
    high_nl: str = ""
    high_en: str = ""
    options: tuple[DraftOption, ...] = ()
    health: bool = False
    visible_to_manager: bool = True

    @property
    def is_health(self) -> bool:
        return self.health or self.topic in HEALTH_TOPICS


@dataclass(frozen=True)
class Verdict:
    """Problems block saving; warnings are shown and HR may save anyway."""

    problems: tuple[str, ...]
    warnings: tuple[str, ...]


def health_words(draft: Draft) -> tuple[str, ...]:
    """The health words found in any of the draft's texts, in the order of the list."""
    texts = [draft.text_nl, draft.text_en, draft.topic]
    texts += [o.nl for o in draft.options] + [o.en for o in draft.options]
    return health_words_in(texts)


def health_words_in(texts: Iterable[str]) -> tuple[str, ...]:
    """The health words found in any of the texts, in the order of the list."""
    found = {w.casefold() for text in texts for w in _words(text)}
    return tuple(dict.fromkeys(w for w in HEALTH_WORDS if w in found))


def _words(text: str) -> list[str]:
    lowered = text.casefold()
    words = _WORDS.findall(lowered)
    # Also compounds such as "ziekteverzuim" and "slaapproblemen": a word starting with one
    # (at any word boundary). Looked up by the first four letters at each word start, so
    # the tips files, checked at every start, cost one pass per text.
    prefixes = {
        w
        for start in _WORD_START.finditer(lowered)
        for w in _BY_HEAD.get(lowered[start.start() : start.start() + 4], ())
        if lowered.startswith(w, start.start())
    }
    return words + [w for w in HEALTH_WORDS if w in prefixes]


def check(draft: Draft, themes: Iterable[str]) -> Verdict:
    """Problem and warning keys (texts live in the console catalog)."""
    problems: list[str] = []
    if draft.theme not in set(themes):
        problems.append("question.problem.theme")
    if draft.kind not in KINDS:
        problems.append("question.problem.kind")
    if not draft.text_nl.strip() or not draft.text_en.strip():
        problems.append("question.problem.text")
    if not _VALUE.fullmatch(draft.topic):
        problems.append("question.problem.topic")
    if draft.kind == "scale" and not all(
        s.strip() for s in (draft.low_nl, draft.low_en, draft.high_nl, draft.high_en)
    ):
        problems.append("question.problem.scale")
    if draft.kind == "choice":
        values = [o.value for o in draft.options]
        complete = all(
            _VALUE.fullmatch(o.value) and o.nl.strip() and o.en.strip() for o in draft.options
        )
        if len(values) < 2 or len(set(values)) != len(values) or not complete:
            problems.append("question.problem.options")
    words = health_words(draft)
    if (draft.is_health or words) and draft.visible_to_manager:
        # The hard line: what looks like health data never reaches a manager.
        problems.append("question.problem.health_visible")
    warnings = ["question.warning.health"] if words and not draft.is_health else []
    return Verdict(tuple(problems), tuple(warnings))


def question_id(theme: str, number: int) -> str:
    """HR questions are numbered per database row, in a namespace no bank file uses."""
    return f"{theme}.hr_{number}"


def to_bank_question(draft: Draft, number: int) -> BankQuestion:
    """The bank form: a question not visible to managers is private, like a health one."""
    scale = draft.kind == "scale"
    return BankQuestion(
        question_id=question_id(draft.theme, number),
        theme=draft.theme,
        topic=draft.topic,
        kind=draft.kind,  # type: ignore[arg-type]
        text=Text(draft.text_nl.strip(), draft.text_en.strip()),
        low=Text(draft.low_nl.strip(), draft.low_en.strip()) if scale else None,
        high=Text(draft.high_nl.strip(), draft.high_en.strip()) if scale else None,
        options=tuple(Option(o.value, Text(o.nl.strip(), o.en.strip())) for o in draft.options)
        if draft.kind == "choice"
        else (),
        health=draft.is_health or not draft.visible_to_manager,
    )


def merge(builtin: Mapping[str, Bank], extra: Iterable[BankQuestion]) -> dict[str, Bank]:
    """The banks with HR's questions after each theme's own; unknown themes are left out."""
    added: dict[str, list[BankQuestion]] = {}
    for question in extra:
        if question.theme in builtin:
            added.setdefault(question.theme, []).append(question)
    return {
        theme: replace(bank, questions=bank.questions + tuple(added.get(theme, ())))
        for theme, bank in builtin.items()
    }
