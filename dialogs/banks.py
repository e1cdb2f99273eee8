"""Question banks: one YAML file per theme, every text in Dutch and English."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from dialogs.messages import LOCALES, Choice, Locale, Question

QuestionKind = Literal["scale", "choice", "yes_no", "text"]
KINDS: tuple[QuestionKind, ...] = ("scale", "choice", "yes_no", "text")
SCALE_VALUES = ("1", "2", "3", "4", "5")
# Topics whose answers are health data: private to the employee, never shown or aggregated.
HEALTH_TOPICS = frozenset({"health"})
# What a question can be marked as being about (`about:`), so its answers count there too:
# a shared "not kept" about agreements puts the person's running agreements at risk.
ABOUTS = ("agreements",)
# A scale question about agreements that says nothing else: its two lowest answers say
# an agreement was not kept. Choice and yes/no questions name their values (`not_kept:`).
SCALE_NOT_KEPT = ("1", "2")


class BankError(ValueError):
    """A bank file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    nl: str
    en: str

    def __call__(self, locale: Locale) -> str:
        return self.nl if locale == "nl" else self.en


YES = Text(nl="Ja", en="Yes")
NO = Text(nl="Nee", en="No")


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class BankQuestion:
    question_id: str
    theme: str
    topic: str
    kind: QuestionKind
    text: Text
    low: Text | None = None
    high: Text | None = None
    options: tuple[Option, ...] = ()
    health: bool = False
    # What else the answers are about (one of ABOUTS), and which values say "not kept".
    about: str | None = None
    not_kept: tuple[str, ...] = ()
    # How a lasting change reads in the digest, lower and higher (scale questions; without
    # them the change is described by the scale's labels).
    drift_lower: Text | None = None
    drift_higher: Text | None = None

    @property
    def about_agreements(self) -> bool:
        return self.about == "agreements"

    @property
    def is_health(self) -> bool:
        """Health data by topic or by explicit flag; either makes the answer private."""
        return self.health or self.topic in HEALTH_TOPICS

    def valid_values(self) -> tuple[str, ...]:
        if self.kind == "scale":
            return SCALE_VALUES
        return tuple(o.value for o in self.effective_options())

    def effective_options(self) -> tuple[Option, ...]:
        if self.kind == "yes_no":
            return (Option("yes", YES), Option("no", NO))
        return self.options

    def to_question(self, locale: Locale, token: str = "", hint: str = "") -> Question:
        """The question as one person sees it: choices numbered from 1, each answerable by
        its label in either language (a scale's ends by their labels too)."""
        if self.kind == "text":
            return Question(self.question_id, "text", self.text(locale), hint=hint, token=token)
        if self.kind == "scale":
            assert self.low is not None and self.high is not None
            ends = {"1": (self.low.nl, self.low.en), "5": (self.high.nl, self.high.en)}
            choices = tuple(Choice(v, v, ends.get(v, ())) for v in SCALE_VALUES)
            return Question(
                self.question_id,
                "scale",
                self.text(locale),
                choices,
                hint,
                low=self.low(locale),
                high=self.high(locale),
                token=token,
            )
        choices = tuple(
            Choice(o.value, o.label(locale), (o.label.nl, o.label.en))
            for o in self.effective_options()
        )
        return Question(self.question_id, "choice", self.text(locale), choices, hint, token=token)

    def label_of(self, value: str, locale: Locale) -> str:
        """How a stored value reads back to a person."""
        if self.kind == "scale" and self.low is not None and self.high is not None:
            return f"{value} (1 = {self.low(locale)}, 5 = {self.high(locale)})"
        for option in self.effective_options():
            if option.value == value:
                return option.label(locale)
        return value


@dataclass(frozen=True)
class Bank:
    theme: str
    title: Text
    intro: Text
    questions: tuple[BankQuestion, ...]

    def question(self, question_id: str) -> BankQuestion:
        for q in self.questions:
            if q.question_id == question_id:
                return q
        raise KeyError(question_id)


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, Mapping):
        raise BankError(f"{where}: expected a mapping with 'nl' and 'en' texts")
    missing = [loc for loc in LOCALES if not isinstance(value.get(loc), str) or not value[loc]]
    if missing:
        raise BankError(f"{where}: missing text for {', '.join(missing)}")
    return Text(nl=value["nl"].strip(), en=value["en"].strip())


def _question(raw: Any, theme: str, where: str) -> BankQuestion:
    if not isinstance(raw, Mapping):
        raise BankError(f"{where}: expected a mapping")
    qid = raw.get("id")
    if not isinstance(qid, str) or not qid:
        raise BankError(f"{where}: 'id' is required")
    where = f"{where} ({qid})"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise BankError(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    topic = raw.get("topic", theme)
    if not isinstance(topic, str) or not topic:
        raise BankError(f"{where}: 'topic' must be a text")
    low = high = None
    options: tuple[Option, ...] = ()
    if kind == "scale":
        low = _text(raw.get("low"), f"{where}.low")
        high = _text(raw.get("high"), f"{where}.high")
    if kind == "choice":
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise BankError(f"{where}: a choice question needs at least two options")
        options = tuple(
            Option(str(o.get("value", "")), _text(o.get("label"), f"{where}.options[{i}]"))
            for i, o in enumerate(raw_options)
            if isinstance(o, Mapping)
        )
        values = [o.value for o in options]
        if len(options) != len(raw_options) or "" in values or len(set(values)) != len(values):
            raise BankError(f"{where}: every option needs a unique 'value' and a 'label'")
    question = BankQuestion(
        question_id=qid,
        theme=theme,
        topic=topic,
        kind=kind,
        text=_text(raw.get("text"), f"{where}.text"),
        low=low,
        high=high,
        options=options,
        health=bool(raw.get("health", False)),
    )
    return _about(_drift(question, raw, where), raw, where)


def _drift(question: BankQuestion, raw: Mapping[str, Any], where: str) -> BankQuestion:
    """The optional `drift:` texts, `lower` and `higher`, of a scale question."""
    drift = raw.get("drift")
    if drift is None:
        return question
    if question.kind != "scale":
        raise BankError(f"{where}.drift: only a scale question has drift texts")
    if not isinstance(drift, Mapping) or set(drift) != {"lower", "higher"}:
        raise BankError(f"{where}.drift: expected 'lower' and 'higher', each with nl and en")
    return replace(
        question,
        drift_lower=_text(drift["lower"], f"{where}.drift.lower"),
        drift_higher=_text(drift["higher"], f"{where}.drift.higher"),
    )


def _about(question: BankQuestion, raw: Mapping[str, Any], where: str) -> BankQuestion:
    """The optional `about:` (one of ABOUTS) and, about agreements, which values say that
    one was not kept (`not_kept:`; a scale question's default is its two lowest values)."""
    about, not_kept = raw.get("about"), raw.get("not_kept")
    if about is None:
        if not_kept is not None:
            raise BankError(f"{where}.not_kept: only for a question with 'about: agreements'")
        return question
    if about not in ABOUTS:
        raise BankError(f"{where}.about: must be one of {', '.join(ABOUTS)}")
    if question.kind == "text":
        raise BankError(f"{where}.about: a free-text answer cannot say whether it was kept")
    if question.is_health:
        raise BankError(f"{where}.about: a health answer is private and never counts elsewhere")
    if not_kept is None and question.kind == "scale":
        not_kept = list(SCALE_NOT_KEPT)
    if not isinstance(not_kept, list) or not not_kept:
        raise BankError(f"{where}.not_kept: list the values that say an agreement was not kept")
    values = [str(v) for v in not_kept]
    unknown = [v for v in values if v not in question.valid_values()]
    if unknown:
        raise BankError(f"{where}.not_kept: {', '.join(unknown)} is not one of its values")
    return replace(question, about=about, not_kept=tuple(values))


def parse_bank(data: Any, source: str) -> Bank:
    """Validate one bank document; raises BankError naming the source and field."""
    if not isinstance(data, Mapping):
        raise BankError(f"{source}: expected a mapping at the top")
    theme = data.get("theme")
    if not isinstance(theme, str) or not theme.isidentifier():
        raise BankError(f"{source}: 'theme' must be a simple name like workload")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise BankError(f"{source}: 'questions' must be a non-empty list")
    questions = tuple(
        _question(q, theme, f"{source}: questions[{i}]") for i, q in enumerate(raw_questions)
    )
    ids = [q.question_id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BankError(f"{source}: duplicate question ids {', '.join(duplicates)}")
    return Bank(
        theme=theme,
        title=_text(data.get("title"), f"{source}: title"),
        intro=_text(data.get("intro"), f"{source}: intro"),
        questions=questions,
    )


def read_yaml(content: str, source: str) -> Any:
    """One YAML document of a data file (a bank, the ladder's rules); a syntax error names
    the file."""
    try:
        # libyaml's loader when PyYAML has it: every command loads the banks at start.
        return yaml.load(content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise BankError(f"{source}: not valid YAML ({exc})") from exc


def bilingual(value: Any, where: str) -> Text:
    """A text in Dutch and English from a data file, or a BankError naming `where`."""
    return _text(value, where)


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("dialogs") / "banks"
    return sorted(
        (f"banks/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def load_banks(extra_dirs: Iterable[Path] = ()) -> dict[str, Bank]:
    """The built-in banks plus HR's own bank files; a theme defined twice is an error."""
    sources = _builtin_files()
    for folder in extra_dirs:
        sources += sorted(
            (str(path), path.read_text(encoding="utf-8")) for path in folder.glob("*.yaml")
        )
    banks: dict[str, Bank] = {}
    for source, content in sources:
        bank = parse_bank(read_yaml(content, source), source)
        if bank.theme in banks:
            raise BankError(f"{source}: theme '{bank.theme}' is already defined")
        banks[bank.theme] = bank
    all_ids = [q.question_id for b in banks.values() for q in b.questions]
    clashes = sorted({i for i in all_ids if all_ids.count(i) > 1})
    if clashes:
        raise BankError(f"question ids used in more than one bank: {', '.join(clashes)}")
    return banks
