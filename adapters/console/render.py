"""Plain-text rendering of outbound messages; choices become numbered lines."""

from __future__ import annotations

from dialogs.messages import Outbound

# Control characters in a person's text would drive the reader's terminal (clear the
# screen, set the title, recolour, move the cursor); show them as visible symbols instead.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"}
_VISIBLE |= {0x7F: "\u2421"} | {code: "\ufffd" for code in range(0x80, 0xA0)}


def visible(text: str) -> str:
    """`text` with every terminal control character shown as a symbol (ESC as ␛)."""
    return text.translate(_VISIBLE)


def render(out: Outbound) -> str:
    """The message as the terminal shows it. Buttons degrade to numbered options; the
    texts themselves say how to type the other actions."""
    lines: list[str] = []
    if out.title:
        lines.append(f"== {out.title} ==")
    if out.text:
        lines.append(out.text)
    question = out.question
    if question is not None:
        if lines:
            lines.append("")
        lines.append(question.prompt)
        if question.kind == "scale":
            lines.append(f"  1 = {question.low}  ...  5 = {question.high}")
        else:
            lines += [f"  {n}. {choice.label}" for n, choice in enumerate(question.choices, 1)]
        if question.hint:
            lines.append(f"({question.hint})")
    return visible("\n".join(lines)) + "\n"
