"""The one answer grammar: what a typed reply means for the question a person was shown.

Every menu the bot shows (a check-in question, whether to share, an agreement's actions,
a follow-up, a drafting step, a confirmation) is a `Question`, and typed text answers it
the same way everywhere: by the option's number as shown, by its value, or by its label in
either language (the other language's label travels as an alias), ignoring case, accents
and spacing; a start of a name that fits exactly one option is enough.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from dialogs.messages import Choice, Locale, Outbound, Question

# A typed start shorter than this never picks an option: "n" could be anything.
MIN_PREFIX = 2
# The key of a message whose buttons are commands (a list to open one item from): it asks
# nothing, so it is never a menu, and a click on it is read as the command typed.
NAVIGATION = "menu"
_EDGES = " .,;:!?'\"#()[]`*_-"


def fold(text: str) -> str:
    """The form names are compared in: no case, accents, repeated spaces or edge punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split()).strip(_EDGES)


def names(choice: Choice) -> tuple[str, ...]:
    """Every folded name that chooses this option."""
    found = (fold(name) for name in (choice.value, choice.label, *choice.aliases))
    return tuple(dict.fromkeys(name for name in found if name))


def number(typed: str) -> int | None:
    """A typed option number ("2", "2.", "#2"), ASCII digits only; None for anything else."""
    digits = typed.strip().strip(".#)")
    return int(digits) if digits.isascii() and digits.isdecimal() else None


def read_choice(choices: Sequence[Choice], typed: str) -> Choice | None:
    """The option `typed` chooses, or None when it chooses none (or several)."""
    position = number(typed)
    if position is not None and 1 <= position <= len(choices):
        return choices[position - 1]
    key = fold(typed)
    if not key:
        return None
    exact = [choice for choice in choices if key in names(choice)]
    if exact:
        return exact[0] if len({c.value for c in exact}) == 1 else None
    if len(key) < MIN_PREFIX:
        return None
    starts = [c for c in choices if any(name.startswith(key) for name in names(c))]
    return starts[0] if len({c.value for c in starts}) == 1 else None


def read_answer(question: Question, typed: str) -> str | None:
    """The value typed text gives `question`: a chosen option's value, or for a free-text
    question (and the other text of an open choice) the text itself; None when it is no
    answer, so the question is asked again."""
    text = typed.strip()
    if question.kind == "text":
        return text or None
    chosen = read_choice(question.choices, text)
    if chosen is not None:
        return chosen.value
    return text if question.other and text else None


def asks(out: Outbound) -> str:
    """The token of what a message asks, when a typed reply can answer it: its question,
    or its own buttons (Add a comment); "" for a message that asks nothing."""
    if out.question is not None:
        return out.question.token
    return out.key if out.actions and out.key and out.key != NAVIGATION else ""


def read(menu: Outbound, typed: str) -> str | None:
    """The value typed text gives the message that asked a question: one of its buttons
    (cancel, skip, add a comment) when it names one exactly, else an answer to its
    question. Buttons have no numbers, and a free text is never taken for a button's start
    ("stop the overtime" is an answer, not Stop)."""
    key = fold(typed)
    for action in menu.actions:
        if key and key in names(action):
            return action.value
    if menu.question is None:
        return None
    return read_answer(menu.question, typed)


def option(value: str, locale: Locale, label: Callable[[Locale], str], *aliases: str) -> Choice:
    """An option labelled in the reader's language that can be typed in either."""
    other: Locale = "en" if locale == "nl" else "nl"
    return Choice(value, label(locale), (label(other), *aliases))


def yes_no(
    question_id: str,
    token: str,
    prompt: str,
    hint: str,
    locale: Locale,
    yes: Callable[[Locale], str],
    no: Callable[[Locale], str],
) -> Question:
    """A question answered yes or no: clicked, or typed as the label, yes/no or ja/nee."""
    return Question(
        question_id=question_id,
        kind="choice",
        prompt=prompt,
        choices=(option("yes", locale, yes, "ja", "yes"), option("no", locale, no, "nee", "no")),
        hint=hint,
        token=token,
    )


def label_of(question: Question, value: str) -> str:
    """How an answer reads back on the prompt it answered: the option's label, or the text."""
    for choice in question.choices:
        if choice.value == value:
            return choice.label
    return value
