"""HR's own questions in the database, merged into the live banks the check-ins read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.storage.console_models import HrQuestion
from bot.storage.database import Database
from dialogs import hr_questions as hq
from dialogs.banks import Bank


class QuestionRefused(ValueError):
    """The draft has problems; `problems` holds their text keys."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def draft_of(row: HrQuestion) -> hq.Draft:
    labels: dict[str, Any] = row.labels or {}
    low, high = labels.get("low", {}), labels.get("high", {})
    options = tuple(
        hq.DraftOption(str(o["value"]), str(o["nl"]), str(o["en"]))
        for o in labels.get("options", [])
    )
    return hq.Draft(
        theme=row.theme,
        topic=row.topic,
        kind=row.kind,
        text_nl=row.text_nl,
        text_en=row.text_en,
        low_nl=low.get("nl", ""),
        low_en=low.get("en", ""),
        high_nl=high.get("nl", ""),
        high_en=high.get("en", ""),
        options=options,
        health=row.health,
        visible_to_manager=row.visible_to_manager,
    )


def _labels(draft: hq.Draft) -> dict[str, Any]:
    if draft.kind == "scale":
        return {
            "low": {"nl": draft.low_nl.strip(), "en": draft.low_en.strip()},
            "high": {"nl": draft.high_nl.strip(), "en": draft.high_en.strip()},
        }
    if draft.kind == "choice":
        return {
            "options": [
                {"value": o.value, "nl": o.nl.strip(), "en": o.en.strip()} for o in draft.options
            ]
        }
    return {}


@dataclass
class QuestionBanks:
    """The built-in banks, kept apart, and the live dict that services share by reference."""

    db: Database
    live: dict[str, Bank]
    builtin: dict[str, Bank] = field(init=False)
    # The rows `live` was last built from: a read that finds the same leaves it alone.
    _merged: list[tuple[int, hq.Draft]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.builtin = dict(self.live)

    async def rows(self) -> list[tuple[int, hq.Draft]]:
        async with self.db.session() as session:
            rows = await session.scalars(select(HrQuestion).order_by(HrQuestion.id))
            return [(row.id, draft_of(row)) for row in rows]

    async def get(self, number: int) -> hq.Draft | None:
        async with self.db.session() as session:
            row = await session.get(HrQuestion, number)
            return draft_of(row) if row else None

    async def refresh(self) -> None:
        """Read HR's questions and, when they changed, rebuild the live banks in place, so
        every holder of the dict sees the change. Every replica calls this each tick: the
        database, not this process, knows what HR saved."""
        rows = await self.rows()
        if rows == self._merged:
            return
        self._merged = rows
        extra = [hq.to_bank_question(draft, number) for number, draft in rows]
        merged = hq.merge(self.builtin, extra)
        self.live.clear()
        self.live.update(merged)

    async def save(self, draft: hq.Draft, now: datetime, number: int | None = None) -> int:
        """Create or replace a question; refused (nothing stored) when the check finds problems.

        Questions are edited, never deleted: check-ins already planned refer to them by id.
        """
        verdict = hq.check(draft, self.builtin)
        if verdict.problems:
            raise QuestionRefused(verdict.problems)
        async with self.db.session() as session:
            row = await session.get(HrQuestion, number) if number is not None else None
            if row is None:
                if number is not None:
                    raise QuestionRefused(("question.problem.missing",))
                row = HrQuestion(created_at=now)
                session.add(row)
            else:
                # A question keeps its theme: its id, and so planned check-ins, depend on it.
                draft = hq.Draft(**{**draft.__dict__, "theme": row.theme})
            row.theme = draft.theme
            row.topic = draft.topic
            row.kind = draft.kind
            row.text_nl = draft.text_nl.strip()
            row.text_en = draft.text_en.strip()
            row.labels = _labels(draft)
            row.health = draft.is_health
            row.visible_to_manager = draft.visible_to_manager
            row.updated_at = now
            await session.flush()
            saved = row.id
        await self.refresh()
        return saved
