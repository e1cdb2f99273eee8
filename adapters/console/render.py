"""Plain-text rendering of outbound messages; choices become numbered lines."""

from __future__ import annotations

from dialogs.messages import Outbound


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
    return "\n".join(lines) + "\n"
