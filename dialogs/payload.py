"""A message kept until it is sent or answered (a queued message, the menu a person was
shown last): the Outbound as JSON-able data, and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs.messages import Choice, Outbound, PersonRef, Question


def _choices_to_data(choices: tuple[Choice, ...]) -> list[list[Any]]:
    return [[c.value, c.label, list(c.aliases)] for c in choices]


def _choices_from_data(rows: list[list[Any]]) -> tuple[Choice, ...]:
    # Rows written before aliases existed have two items.
    return tuple(Choice(row[0], row[1], tuple(row[2]) if len(row) > 2 else ()) for row in rows)


def question_to_data(question: Question) -> dict[str, Any]:
    return {
        "question_id": question.question_id,
        "kind": question.kind,
        "prompt": question.prompt,
        "choices": _choices_to_data(question.choices),
        "hint": question.hint,
        "low": question.low,
        "high": question.high,
        "token": question.token,
        "other": question.other,
    }


def question_from_data(data: Mapping[str, Any]) -> Question:
    return Question(
        question_id=data["question_id"],
        kind=data["kind"],
        prompt=data["prompt"],
        choices=_choices_from_data(data["choices"]),
        hint=data.get("hint", ""),
        low=data.get("low", ""),
        high=data.get("high", ""),
        token=data.get("token", ""),
        other=bool(data.get("other", False)),
    )


def outbound_to_data(out: Outbound) -> dict[str, Any]:
    data: dict[str, Any] = {"text": out.text, "title": out.title, "key": out.key}
    data["actions"] = _choices_to_data(out.actions)
    if out.question is not None:
        data["question"] = question_to_data(out.question)
    return data


def outbound_from_data(data: Mapping[str, Any], recipient: PersonRef) -> Outbound:
    """The stored message, addressed to the person as they are reached today."""
    question = question_from_data(q) if (q := data.get("question")) else None
    return Outbound(
        recipient,
        data.get("text", ""),
        data.get("title", ""),
        question=question,
        actions=_choices_from_data(data.get("actions", [])),
        key=data.get("key", ""),
    )
