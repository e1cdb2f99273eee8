"""Prompts of one question are rendered once; each still carries its own token."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import blocks
from dialogs.messages import Choice, Outbound, PersonRef, Question

PERSON = PersonRef(1, "anna@example.org", "Anna", "en", "Europe/Amsterdam", slack_user_id="UA")
CONTROLS = (Choice("skip", "Skip"), Choice("later", "Later"), Choice("stop", "Stop"))


def prompt(
    token: str, prompt_text: str = "How was your workload?", kind: str = "scale"
) -> Outbound:
    choices = tuple(Choice(str(n), str(n)) for n in range(1, 6)) if kind == "scale" else ()
    question = Question("q1", kind, prompt_text, choices=choices, token=token, low="low")  # type: ignore[arg-type]
    return Outbound(PERSON, "Intro", title="Workload · 1/4", question=question, actions=CONTROLS)


def buttons(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        element
        for part in parts
        for block in part["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def tokens(parts: list[dict[str, Any]]) -> set[str]:
    return {json.loads(button["value"])["t"] for button in buttons(parts)}


def without_values(parts: list[dict[str, Any]]) -> str:
    text = json.dumps(parts)
    for button in buttons(parts):
        text = text.replace(json.dumps(button["value"])[1:-1], "")
    return text


def test_each_prompt_carries_its_own_token_and_the_rest_is_the_same() -> None:
    first, second = blocks.render_parts(prompt("c1.0")), blocks.render_parts(prompt("c2.0"))
    assert tokens(first) == {"c1.0"}
    assert tokens(second) == {"c2.0"}
    assert len(buttons(first)) == 5 + len(CONTROLS)
    assert without_values(first) == without_values(second)
    # A rendering handed out is the caller's: changing it does not change the next one.
    first[-1]["blocks"].clear()
    assert blocks.render_parts(prompt("c1.0")) == blocks.render_parts(prompt("c1.0"))
    assert len(buttons(blocks.render_parts(prompt("c1.0")))) == 5 + len(CONTROLS)


def test_text_questions_and_unusual_tokens_and_texts_render_literally() -> None:
    assert tokens(blocks.render_parts(prompt("c3.1", kind="text"))) == {"c3.1"}
    odd = 'a "quoted" \\ token'
    assert tokens(blocks.render_parts(prompt(odd))) == {odd}
    # Text that happens to hold the private-use characters the cache works with.
    strange = "\ue000token\ue000 is what I typed"
    parts = blocks.render_parts(prompt("c4.0", prompt_text=strange))
    assert tokens(parts) == {"c4.0"}
    assert strange in json.dumps(parts, ensure_ascii=False)
