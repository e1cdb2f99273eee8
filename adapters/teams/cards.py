"""Outbound messages as Adaptive Cards (schema 1.5), built as dicts; pure.

Every text from an Outbound is shown through RichTextBlock/TextRun, which Teams renders
literally: a topic such as `**bold** [click](https://evil) <at>everyone</at>` stays exactly
that. Cards stay under Teams' ~28 KB message limit by shortening the body text on a
grapheme boundary, with a visible marker in the recipient's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from dialogs.catalog import Catalog
from dialogs.checkin import CONTROLS
from dialogs.graphemes import cut as grapheme_cut
from dialogs.messages import Choice, Locale, Outbound, Outcome, Question
from dialogs.texts import CHAT_TEXTS

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
SUBMIT_KEY = "jaarrond"
TEXT_INPUT = "jaarrond_text"
CHOICE_INPUT = "jaarrond_choice"
HINT_ID = "jaarrond_hint"
# Teams rejects messages over ~28 KB; leave room for the activity around the card.
MAX_CARD_BYTES = 24_000
MAX_BUTTONS = 6  # more choices than this become a choice list with one submit button
MAX_ANSWER_CHARS = 4000  # the engine keeps at most this much of a typed answer
TITLE_CHARS = 300
PROMPT_CHARS = 1000
LABEL_CHARS = 200
ECHO_CHARS = 300  # how much of the prompt a button carries back for the "recorded" card

# Texts this adapter shows itself, besides those every chat platform shows.
LABELS = Catalog(
    {
        **CHAT_TEXTS,
        "shortened": ("ingekort", "shortened"),
        "send": ("Versturen", "Send"),
        "text.placeholder": ("Typ je antwoord", "Type your answer"),
        "text.required": ("Typ eerst een antwoord.", "Please type an answer first."),
        "choice.required": ("Kies eerst een antwoord.", "Please choose an answer first."),
        "recorded.answer": ("Je antwoord:", "Your answer:"),
        "recorded.skip": ("Overgeslagen", "Skipped"),
        "recorded.later": (
            "Uitgesteld, ik vraag het later opnieuw",
            "Postponed, I'll ask again later",
        ),
        "recorded.stop": ("Gestopt", "Stopped"),
        "recorded.stale": (
            "Deze vraag was al afgehandeld; er is niets veranderd.",
            "This question was already dealt with; nothing was changed.",
        ),
        "file.description": (
            "Alles wat Jaarrond over je bewaart (JSON)",
            "Everything Jaarrond stores about you (JSON)",
        ),
        "personal_only": (
            "Ik werk alleen in een persoonlijke chat met jou. Open Jaarrond onder Chat.",
            "I only work in a personal chat with you. Open Jaarrond under Chat.",
        ),
    }
)

_SURROGATE = re.compile("[\ud800-\udfff]")
# Adaptive Cards' text functions, which Teams evaluates inside any text: {{DATE(...)}}.
_DATE_FUNCTION = re.compile(r"\{\{(?=\s*(?:DATE|TIME)\s*\()", re.IGNORECASE)


label = LABELS.text


# ---- literal text ------------------------------------------------------------------------


def clean(text: str) -> str:
    """Text safe to serialise and shown as typed: a lone surrogate (possible in JSON input)
    becomes U+FFFD, and a word joiner inside `{{` keeps Adaptive Cards from rendering a
    typed `{{DATE(...)}}` or `{{TIME(...)}}` as a formatted date (it is invisible)."""
    return _DATE_FUNCTION.sub("{\u2060{", _SURROGATE.sub("\ufffd", text))


def shorten(text: str, limit: int, locale: Locale) -> str:
    """The text, or its first part with a visible marker when it is longer than `limit`."""
    text = clean(text)
    if len(text) <= limit:
        return text
    marker = f"… ({label('shortened', locale)})"
    return grapheme_cut(text, max(limit - len(marker), 0)).rstrip() + marker


def run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def rich(*inlines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": list(inlines), **extra}


def paragraphs(text: str, **style: Any) -> list[dict[str, Any]]:
    """One RichTextBlock per line: Teams does not reliably break lines inside a TextRun."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = bool(blocks)
            continue
        spacing = "Medium" if gap else ("None" if blocks else "Default")
        blocks.append(rich(run(line, **style), spacing=spacing))
        gap = False
    return blocks


# ---- cards ---------------------------------------------------------------------------------


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def as_activity(card: dict[str, Any]) -> dict[str, Any]:
    """A message activity (Bot Framework JSON) carrying one card and no text of its own,
    so no preview or fallback ever renders user text as Markdown."""
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }


def card_bytes(card: dict[str, Any]) -> int:
    return len(json.dumps(card).encode())  # ASCII-escaped: the largest it can get on the wire


def _submit(title: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": {SUBMIT_KEY: data}, **extra}


def _echo(token: str, choice: Choice, prompt: str, locale: Locale) -> dict[str, Any]:
    """Button data: what to answer, and the question to show once it is answered."""
    return {"token": token, "value": choice.value, "q": shorten(prompt, ECHO_CHARS, locale)}


def _question(question: Question, locale: Locale) -> list[dict[str, Any]]:
    prompt = shorten(question.prompt, PROMPT_CHARS, locale)
    body = [rich(run(prompt, weight="Bolder"), spacing="Medium")]
    if question.kind == "scale" and (question.low or question.high):
        ends = f"1 = {question.low} · 5 = {question.high}"
        body.append(rich(run(shorten(ends, PROMPT_CHARS, locale), isSubtle=True), spacing="None"))
    if question.kind == "text":
        body.append(
            {
                "type": "Input.Text",
                "id": TEXT_INPUT,
                "isMultiline": True,
                "maxLength": MAX_ANSWER_CHARS,
                "placeholder": label("text.placeholder", locale),
                "isRequired": True,
                "errorMessage": label("text.required", locale),
            }
        )
        body.append(_action_set([_send(question, TEXT_INPUT, prompt, locale)]))
    elif len(question.choices) > MAX_BUTTONS:
        body.append(_choice_list(question, locale))
        body.append(_action_set([_send(question, CHOICE_INPUT, prompt, locale)]))
    elif question.choices:
        buttons = [
            _submit(_numbered(question, n, c, locale), _echo(question.token, c, prompt, locale))
            for n, c in enumerate(question.choices, 1)
        ]
        body.append(_action_set(buttons))
    if question.hint:
        hint = shorten(question.hint, PROMPT_CHARS, locale)
        body.append(rich(run(hint, isSubtle=True, size="Small"), spacing="Small", id=HINT_ID))
    return body


def _numbered(question: Question, number: int, choice: Choice, locale: Locale) -> str:
    """A choice's label with the number that types it (a scale's labels are numbers)."""
    shown = shorten(choice.label, LABEL_CHARS, locale)
    return shown if question.kind == "scale" else f"{number}. {shown}"


def _send(question: Question, input_id: str, prompt: str, locale: Locale) -> dict[str, Any]:
    """The submit button under an input; the answer travels in the input's own field."""
    echo = {"token": question.token, "input": input_id, "q": shorten(prompt, ECHO_CHARS, locale)}
    return _submit(label("send", locale), echo)


def _choice_list(question: Question, locale: Locale) -> dict[str, Any]:
    return {
        "type": "Input.ChoiceSet",
        "id": CHOICE_INPUT,
        "style": "expanded",
        "isRequired": True,
        "errorMessage": label("choice.required", locale),
        "choices": [
            {"title": _numbered(question, n, c, locale), "value": c.value}
            for n, c in enumerate(question.choices, 1)
        ],
    }


def _action_set(actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "ActionSet", "actions": actions}


def _card(out: Outbound, text: str) -> dict[str, Any]:
    locale = out.recipient.locale
    body: list[dict[str, Any]] = []
    if out.title:
        title = shorten(out.title, TITLE_CHARS, locale)
        body.append(rich(run(title, weight="Bolder", size="Medium")))
    body += paragraphs(text)
    question = out.question
    if question is not None:
        body += _question(question, locale)
    token = question.token if question is not None else out.key
    prompt = question.prompt if question is not None else out.title
    actions = [
        # Skip, later and stop must work with an empty answer box.
        _submit(
            shorten(a.label, LABEL_CHARS, locale),
            _echo(token, a, prompt, locale),
            associatedInputs="none",
        )
        for a in out.actions
    ]
    return adaptive_card(body, actions)


def render_card(out: Outbound) -> dict[str, Any]:
    """The Adaptive Card for an outbound message, within the size limit."""
    text = clean(out.text)
    card = _card(out, text)
    if card_bytes(card) <= MAX_CARD_BYTES:
        return card
    # Find the longest prefix of the text that fits (the other parts are capped already).
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if card_bytes(_card(out, shorten(text, middle, out.recipient.locale))) <= MAX_CARD_BYTES:
            low = middle
        else:
            high = middle - 1
    return _card(out, shorten(text, low, out.recipient.locale))


def render(out: Outbound) -> dict[str, Any]:
    """The message activity (Bot Framework JSON) for an outbound message."""
    return as_activity(render_card(out))


# ---- the card that replaces an answered one -------------------------------------------------


# What a card showed before it was settled: its body, or (when the adapter no longer has it)
# at least its question, echoed in the submit's data.
Shown: TypeAlias = Sequence[dict[str, Any]] | str
_LIVE = frozenset({"ActionSet", "Input.Text", "Input.ChoiceSet"})


def _settled(before: Shown, line: dict[str, Any], locale: Locale) -> dict[str, Any]:
    """A card that asks nothing any more: what it showed, without its buttons, inputs and
    hint, and one line saying what became of it."""
    if isinstance(before, str):
        body = [rich(run(shorten(before, PROMPT_CHARS, locale), isSubtle=True))] if before else []
    else:
        body = [e for e in before if e.get("type") not in _LIVE and e.get("id") != HINT_ID]
    return as_activity(adaptive_card([*body, line], []))


def recorded(before: Shown, answer: str, locale: Locale) -> dict[str, Any]:
    """What an answered card becomes: what it showed, and the answer."""
    line = rich(
        run(label("recorded.answer", locale) + " ", weight="Bolder"),
        run(shorten(answer, MAX_ANSWER_CHARS, locale)),
    )
    return _settled(before, line, locale)


def control_done(before: Shown, control: str, locale: Locale) -> dict[str, Any]:
    """What a card becomes after skip, later or stop."""
    return _settled(
        before, rich(run(label(f"recorded.{control}", locale), weight="Bolder")), locale
    )


def already_handled(before: Shown, locale: Locale) -> dict[str, Any]:
    """What a card becomes when its buttons were out of date."""
    return _settled(before, rich(run(label("recorded.stale", locale))), locale)


def asked_again(before: Shown, locale: Locale) -> dict[str, Any]:
    """What a card becomes when its question is asked again in a newer card."""
    return _settled(before, rich(run(label("asked_again", locale))), locale)


def plain(text: str, locale: Locale) -> dict[str, Any]:
    """A card with one literal text, for notices that have no Outbound."""
    return as_activity(adaptive_card(paragraphs(shorten(text, 2000, locale)), []))


def echoed_prompt(submit: Any) -> str | None:
    """The question a submitted card asked (echoed in its data); None for a card not ours."""
    ours = submit.get(SUBMIT_KEY) if isinstance(submit, Mapping) else None
    return str(ours.get("q") or "") if isinstance(ours, Mapping) else None


def answered_card(before: Shown, outcome: Outcome, locale: Locale) -> dict[str, Any] | None:
    """What a card becomes after the engine's outcome: what was recorded, or that it was
    out of date; None leaves it as it is (asked again, or nothing was answered)."""
    if outcome.kind == "refused":
        return already_handled(before, locale)
    if outcome.kind != "recorded":
        return None
    if outcome.value in CONTROLS:
        return control_done(before, outcome.value, locale)
    return recorded(before, outcome.label or outcome.value, locale)
