"""Agreement notices are stored until sent: the message as data, and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs.messages import Choice, Outbound, PersonRef, Question


def outbound_to_data(out: Outbound) -> dict[str, Any]:
    data: dict[str, Any] = {"text": out.text, "title": out.title, "key": out.key}
    data["actions"] = [[c.value, c.label] for c in out.actions]
    if out.question is not None:
        q = out.question
        data["question"] = {
            "question_id": q.question_id,
            "kind": q.kind,
            "prompt": q.prompt,
            "choices": [[c.value, c.label] for c in q.choices],
            "hint": q.hint,
            "token": q.token,
        }
    return data


def outbound_from_data(data: Mapping[str, Any], recipient: PersonRef) -> Outbound:
    """The stored message, addressed to the person as they are reached today."""
    question = None
    if q := data.get("question"):
        question = Question(
            question_id=q["question_id"],
            kind=q["kind"],
            prompt=q["prompt"],
            choices=tuple(Choice(v, label) for v, label in q["choices"]),
            hint=q["hint"],
            token=q["token"],
        )
    return Outbound(
        recipient,
        data["text"],
        data["title"],
        question=question,
        actions=tuple(Choice(v, label) for v, label in data["actions"]),
        key=data["key"],
    )
