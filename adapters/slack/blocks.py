"""Outbound messages and home views as Block Kit, within Slack's limits, all text literal.

Every text that comes from the engine or from a person goes into a plain_text object with
emoji off: Slack renders it as written (no mentions, links, formatting or :codes:). The
notification fallback `text` is parsed by Slack, so it is escaped.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from adapters.slack.convert import (
    ANSWER_ACTION,
    MODAL_BLOCK,
    MODAL_CALLBACK,
    MODAL_INPUT,
    ModalTarget,
    button_value,
    command_value,
    modal_metadata,
)
from dialogs.catalog import Catalog
from dialogs.checkin import CONTROLS
from dialogs.graphemes import cut_units, units
from dialogs.home import HomeView
from dialogs.messages import LOCALES, Choice, Locale, Outbound, PersonRef, Question
from dialogs.texts import CHAT_TEXTS, t

Block = dict[str, Any]

# Block Kit's documented limits, counted in UTF-16 code units to be safe with emoji.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_TEXT = 2000
INPUT_LABEL = 2000
MODAL_TITLE = 24
ACTIONS_PER_BLOCK = 25
# Undocumented: Slack refuses a message whose blocks hold more than about 12,000 characters
# in all (msg_blocks_too_long, slackapi/bolt-js#2509); stay well below it.
MESSAGE_TEXT_BUDGET = 11000
VIEW_TEXT_BUDGET = 30000
FALLBACK_TEXT = 2000
# A long export is split over several DMs rather than cut; beyond this it is cut.
MAX_PARTS = 10

QUESTION_BLOCK = "jaarrond-question"
SCALE_BLOCK = "jaarrond-scale"
HINT_BLOCK = "jaarrond-hint"
CONTROLS_BLOCK = "jaarrond-controls"
DONE_BLOCK = "jaarrond-done"

# Texts this adapter shows itself, besides those every chat platform shows.
TEXTS = Catalog(
    {
        **CHAT_TEXTS,
        "answer": ("Antwoorden", "Answer"),
        "modal.title": ("Je antwoord", "Your answer"),
        "modal.submit": ("Versturen", "Send"),
        "modal.close": ("Annuleren", "Cancel"),
        "shortened": ("(ingekort)", "(shortened)"),
        "recorded.skip": ("overgeslagen", "skipped"),
        "recorded.later": ("later", "later"),
        "recorded.stop": ("gestopt", "stopped"),
        "sent_by_dm": (
            "Ik heb je een direct bericht gestuurd.",
            "I have sent you a direct message.",
        ),
    }
)


say = TEXTS.text


def both(key: str) -> str:
    """For someone whose language we do not know: Dutch, then English."""
    return "\n\n".join(TEXTS.every_language(key))


# ---- counting and cutting text -----------------------------------------------------------


def shorten(text: str, limit: int, locale: Locale) -> str:
    """`text` as is when it fits, else cut with a visible marker in the reader's language."""
    if units(text) <= limit:
        return text
    suffix = f"… {say('shortened', locale)}"
    room = limit - units(suffix)
    if room <= 0:
        return cut_units(text, limit)
    return cut_units(text, room).rstrip() + suffix


def chunks(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` units, split at line ends where possible."""
    pieces: list[str] = []
    rest = text
    while rest:
        if units(rest) <= size:
            pieces.append(rest)
            break
        head = cut_units(rest, size)
        if not head:  # a single unsplittable cluster longer than size: give up on it
            break
        for separator in ("\n", " "):
            at = head.rfind(separator)
            if at > len(head) // 2:
                head = head[: at + 1]
                break
        pieces.append(head.rstrip("\n") or head)
        rest = rest[len(head) :]
    return [piece for piece in pieces if piece.strip()]


def escape(text: str) -> str:
    """For the fallback `text`, which Slack parses: no mentions, links or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- elements ----------------------------------------------------------------------------


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": False}


def header(text: str, locale: Locale) -> Block:
    return {"type": "header", "text": plain(shorten(text, HEADER_TEXT, locale))}


def section(text: str, locale: Locale, block_id: str = "") -> Block:
    block: Block = {"type": "section", "text": plain(shorten(text, SECTION_TEXT, locale))}
    if block_id:
        block["block_id"] = block_id
    return block


def context(text: str, locale: Locale, block_id: str = "") -> Block:
    block: Block = {"type": "context", "elements": [plain(shorten(text, CONTEXT_TEXT, locale))]}
    if block_id:
        block["block_id"] = block_id
    return block


def button(action_id: str, label: str, value: str, locale: Locale, primary: bool = False) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(shorten(label, BUTTON_TEXT, locale) or "?"),
        "value": value,
    }
    if primary:
        element["style"] = "primary"
    return element


def actions(block_id: str, elements: Sequence[Block]) -> list[Block]:
    """Buttons in rows of at most 25, the most one actions block takes."""
    rows = [elements[i : i + ACTIONS_PER_BLOCK] for i in range(0, len(elements), ACTIONS_PER_BLOCK)]
    return [
        {"type": "actions", "block_id": f"{block_id}-{n}" if n else block_id, "elements": list(row)}
        for n, row in enumerate(rows)
    ]


def text_units(blocks: Iterable[Any]) -> int:
    """All characters in the text objects of some blocks, as Slack's total limit counts."""
    total = 0
    stack = list(blocks)
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if item.get("type") in ("plain_text", "mrkdwn") and isinstance(item.get("text"), str):
                total += units(item["text"])
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


# ---- messages ----------------------------------------------------------------------------


def render(out: Outbound) -> dict[str, Any]:
    """One message: {"text", "blocks"}; a text too long for one message is cut, marked."""
    return render_parts(out, max_parts=1)[0]


# A prompt token as check-ins make them ("c12.0"): it goes into JSON text unescaped.
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,100}")
# Stands for the token in a cached rendering (private-use characters).
_TOKEN_MARK = "\ue000token\ue000"


def render_parts(out: Outbound, max_parts: int = MAX_PARTS) -> list[dict[str, Any]]:
    """The message as one or more DMs; the question and buttons come in the last one.

    The prompts of one check-in differ only in their token (in the buttons' values), so a
    question's rendering is made once per text and locale and the token put in afterwards.
    """
    question = out.question
    if question is None or not _PLAIN_TOKEN.fullmatch(question.token):
        return _render_parts(out, max_parts)
    template, marks = _template(
        out.recipient.locale,
        out.title,
        out.text,
        replace(question, token=_TOKEN_MARK),
        out.actions,
        max_parts,
    )
    # The mark in any text of the message itself (never in practice): render it plainly.
    if marks != (1 if question.kind == "text" else len(question.choices)) + len(out.actions):
        return _render_parts(out, max_parts)
    parts: list[dict[str, Any]] = json.loads(template.replace(_TOKEN_MARK, question.token))
    return parts


@functools.lru_cache(maxsize=256)
def _template(
    locale: Locale,
    title: str,
    text: str,
    question: Question,
    actions: tuple[Choice, ...],
    max_parts: int,
) -> tuple[str, int]:
    """A question message rendered as JSON with the token marked, and how often it is."""
    nobody = PersonRef(0, "", "", locale, "")
    out = Outbound(nobody, text, title=title, question=question, actions=actions)
    template = json.dumps(_render_parts(out, max_parts), ensure_ascii=False)
    return template, template.count(_TOKEN_MARK)


def _render_parts(out: Outbound, max_parts: int) -> list[dict[str, Any]]:
    locale = out.recipient.locale
    head = [header(out.title, locale)] if out.title.strip() else []
    body = [section(piece, locale) for piece in chunks(out.text, SECTION_TEXT)]
    tail = question_blocks(out.question, locale) + action_blocks(out, locale)
    parts = _pack(head, body, tail, MESSAGE_BLOCKS, MESSAGE_TEXT_BUDGET)
    if len(parts) > max_parts:
        parts = _pack_cut(head, body, tail, max_parts, locale)
    return [{"text": fallback(part, locale), "blocks": part} for part in parts]


def question_blocks(question: Question | None, locale: Locale) -> list[Block]:
    if question is None:
        return []
    blocks = [section(question.prompt, locale, QUESTION_BLOCK)]
    token = question.token
    if question.kind == "text":
        value = button_value(token, "", locale)
        answer = button(ANSWER_ACTION, say("answer", locale), value, locale, primary=True)
        blocks += actions("jaarrond-answer", [answer])
    else:
        # Numbered as a typed answer would name them (a scale's labels are numbers already).
        numbered = question.kind != "scale"
        buttons = [
            button(
                f"jaarrond:choice:{n}",
                f"{n + 1}. {c.label}" if numbered else c.label,
                button_value(token, c.value),
                locale,
            )
            for n, c in enumerate(question.choices)
        ]
        blocks += actions("jaarrond-choices", buttons)
    if question.kind == "scale" and (question.low or question.high):
        blocks.append(context(f"1 = {question.low}  ·  5 = {question.high}", locale, SCALE_BLOCK))
    if question.hint:
        blocks.append(context(question.hint, locale, HINT_BLOCK))
    return blocks


def action_blocks(out: Outbound, locale: Locale) -> list[Block]:
    """The extra buttons: check-in controls, or a menu whose token is the message key."""
    if not out.actions:
        return []
    token = out.question.token if out.question is not None else out.key
    buttons = [
        button(f"jaarrond:control:{n}", choice.label, _value(token, choice), locale)
        for n, choice in enumerate(out.actions)
    ]
    return actions(CONTROLS_BLOCK, buttons)


def _value(token: str, choice: Choice) -> str:
    # Without a token the click could not be matched to anything; it is the typed command.
    return button_value(token, choice.value) if token else command_value(choice.value)


def _fits(blocks: Sequence[Block], max_blocks: int, budget: int) -> bool:
    return len(blocks) <= max_blocks and text_units(blocks) <= budget


def _pack(
    head: list[Block], body: list[Block], tail: list[Block], max_blocks: int, budget: int
) -> list[list[Block]]:
    """Fill messages in order; each stays within the block and character limits."""
    parts: list[list[Block]] = [list(head)]
    for block in body:
        if not _fits([*parts[-1], block], max_blocks, budget):
            parts.append([])
        parts[-1].append(block)
    if tail and not _fits(parts[-1] + tail, max_blocks, budget):
        parts.append([])
    parts[-1].extend(tail)
    return [part for part in parts if part] or [[section("…", "en")]]


def _pack_cut(
    head: list[Block], body: list[Block], tail: list[Block], max_parts: int, locale: Locale
) -> list[list[Block]]:
    """As much of the text as `max_parts` messages hold, then a visible marker."""
    marker = context(f"… {say('shortened', locale)}", locale)

    def layout(text_blocks: list[Block]) -> list[list[Block]]:
        return _pack(head, [*text_blocks, marker], tail, MESSAGE_BLOCKS, MESSAGE_TEXT_BUDGET)

    # More text never takes fewer messages, so the most that fits is found by bisection.
    low, high = 0, len(body)
    while low < high:
        middle = (low + high + 1) // 2
        if len(layout(body[:middle])) <= max_parts:
            low = middle
        else:
            high = middle - 1
    kept = body[:low]
    if low < len(body):
        # Give what room is left to the start of the first piece that did not fit.
        for room in (3000, 2000, 1000, 500, 200):
            piece = section(shorten(_block_text(body[low]), room, locale), locale)
            trial = layout([*kept, piece])
            if len(trial) <= max_parts:
                return trial
    return layout(kept)


def _block_text(block: Mapping[str, Any]) -> str:
    text = block.get("text")
    return str(text.get("text", "")) if isinstance(text, Mapping) else ""


def fallback(blocks: Sequence[Block], locale: Locale) -> str:
    """The notification text of a message: what it says, escaped, short."""
    texts = [
        _block_text(block)
        for block in blocks
        if block.get("type") in ("header", "section") and _block_text(block)
    ]
    return escape(shorten("\n".join(texts), FALLBACK_TEXT, locale)) or "Jaarrond"


# ---- the answered prompt -----------------------------------------------------------------


def recorded_line(value: str, label: str, locale: Locale) -> str:
    """How the answer reads on the prompt it answered: "✓ 4", "✓ Pace", "skipped"."""
    if value in CONTROLS:
        return say(f"recorded.{value}", locale)
    return f"✓ {label or value}"


def answered(original: Sequence[Mapping[str, Any]], line: str, locale: Locale) -> dict[str, Any]:
    """The prompt message without its buttons, showing what was recorded."""
    kept: list[Block] = [
        dict(block)
        for block in original
        if block.get("type") != "actions" and block.get("block_id") not in (HINT_BLOCK, DONE_BLOCK)
    ]
    while len(kept) >= MESSAGE_BLOCKS or MESSAGE_TEXT_BUDGET - text_units(kept) < 200:
        if not _drop_plain_section(kept):
            break
    room = min(SECTION_TEXT, max(200, MESSAGE_TEXT_BUDGET - text_units(kept)))
    kept.append(section(shorten(line, room, locale), locale, DONE_BLOCK))
    return {"text": escape(shorten(line, FALLBACK_TEXT, locale)), "blocks": kept}


def _drop_plain_section(blocks: list[Block]) -> bool:
    """Drop the last text section that is not the question itself; False when none is left."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.get("type") == "section" and block.get("block_id") != QUESTION_BLOCK:
            del blocks[index]
            return True
    return False


def question_prompt(blocks: Sequence[Mapping[str, Any]]) -> str:
    for block in blocks:
        if block.get("block_id") == QUESTION_BLOCK:
            return _block_text(block)
    return ""


# ---- modal and home ----------------------------------------------------------------------


def answer_modal(prompt: str, target: ModalTarget) -> dict[str, Any]:
    """The modal of a free-text question; its input holds what one section can show."""
    locale = target.locale
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": modal_metadata(target),
        "title": plain(shorten(say("modal.title", locale), MODAL_TITLE, locale)),
        "submit": plain(shorten(say("modal.submit", locale), MODAL_TITLE, locale)),
        "close": plain(shorten(say("modal.close", locale), MODAL_TITLE, locale)),
        "blocks": [
            {
                "type": "input",
                "block_id": MODAL_BLOCK,
                "label": plain(shorten(prompt or say("modal.title", locale), INPUT_LABEL, locale)),
                "element": {
                    "type": "plain_text_input",
                    "action_id": MODAL_INPUT,
                    "multiline": True,
                    "max_length": SECTION_TEXT,
                    "focus_on_load": True,
                },
                "hint": plain(t("checkin.text_hint", locale)),
            }
        ],
    }


def home_view(view: HomeView) -> dict[str, Any]:
    """The App Home tab: a header, each section with its lines, then the start buttons."""
    locale = view.person.locale
    blocks: list[Block] = [header(view.title, locale)]
    for part in view.sections:
        blocks.append({"type": "divider"})
        if part.title.strip():
            blocks.append(header(part.title, locale))
        lines = [f"• {line}" for line in part.lines] or [part.empty]
        for piece in _line_chunks([line for line in lines if line.strip()], SECTION_TEXT):
            blocks.append(section(piece, locale))
    buttons = [
        button(f"jaarrond:home:{n}", label, command_value(value), locale)
        for n, (value, label) in enumerate(view.actions)
    ]
    tail = [{"type": "divider"}, *actions("jaarrond-home", buttons)] if buttons else []
    return {"type": "home", "blocks": _fit_view(blocks, tail, locale)}


def stranger_home() -> dict[str, Any]:
    blocks = [header("Jaarrond", "en")]
    blocks += [section(t("unknown_person", loc), loc) for loc in LOCALES]
    return {"type": "home", "blocks": blocks}


def _line_chunks(lines: Sequence[str], size: int) -> list[str]:
    """Lines joined into sections of at most `size`; a line too long is split itself."""
    pieces: list[str] = []
    current = ""
    for line in lines:
        for piece in chunks(line, size):
            joined = f"{current}\n{piece}" if current else piece
            if units(joined) <= size:
                current = joined
                continue
            pieces.append(current)
            current = piece
    if current:
        pieces.append(current)
    return pieces


def _fit_view(blocks: list[Block], tail: list[Block], locale: Locale) -> list[Block]:
    if _fits(blocks + tail, VIEW_BLOCKS, VIEW_TEXT_BUDGET):
        return blocks + tail
    marker = context(f"… {say('shortened', locale)}", locale)
    kept = list(blocks)
    while len(kept) > 1 and not _fits([*kept, marker, *tail], VIEW_BLOCKS, VIEW_TEXT_BUDGET):
        kept.pop()
    return [*kept, marker, *tail]
