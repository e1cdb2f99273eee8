"""Drift signals in the dialogue (the rules are in dialogs/drift.py).

- When a check-in is shared, the person's shared answers to that theme's scale questions
  are read back as far as the cadence needs (`after_share`): a signal whose trend returned
  ends, a new lasting change raises one, and the person is told at once in a note that
  quotes, word for word, what their manager will read.
- The manager's digest shows a signal only once the person has seen it (`shown_at`): the
  note to them was sent, or they opened their home view since (`for_digest`). Nothing
  reaches the manager that the person has not seen first.
- A conversation logged after the signal was raised clears it from the digest and the home
  view; it ends for good when the trend returns.

Only shared answers to non-health scale questions are read, so private, aggregate-only and
health answers can never raise or hold a signal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import notices
from bot.org.people import Defaults, manager_of, person_ref
from bot.storage.dialogue_models import Conversation
from bot.storage.drift_models import DriftSignal
from bot.storage.models import (
    Answer,
    Occurrence,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Person,
    Schedule,
)
from dialogs import drift
from dialogs.banks import Bank, BankQuestion
from dialogs.drift import DriftNote
from dialogs.messages import Locale
from dialogs.payload import outbound_to_data


def counted_questions(bank: Bank) -> dict[str, BankQuestion]:
    """The questions whose lasting changes count: scale questions, never about health."""
    return {q.question_id: q for q in bank.questions if q.kind == "scale" and not q.is_health}


async def after_share(
    session: AsyncSession,
    person: Person,
    occurrence: Occurrence,
    banks: Mapping[str, Bank],
    defaults: Defaults,
    now: datetime,
) -> list[DriftSignal]:
    """Weigh the theme's shared scale answers again after a check-in was shared; the
    signals raised now (their note is queued)."""
    bank = banks.get(occurrence.theme)
    manager = await manager_of(session, person)
    if bank is None or manager is None:
        return []  # no one to talk it over with: nothing to flag
    questions = counted_questions(bank)
    if not questions:
        return []
    cadence = None
    if occurrence.schedule_id is not None:
        cadence = await session.scalar(
            select(Schedule.cadence).where(Schedule.id == occurrence.schedule_id)
        )
    rows = await session.execute(
        select(
            Answer.question_id, Answer.value, Answer.visibility, Answer.topic, Answer.answered_at
        )
        .where(
            Answer.person_id == person.id,
            Answer.question_id.in_(questions),
            Answer.visibility == "shared",
            Answer.kind == "scale",
            Answer.answered_at >= now - drift.LONGEST,
        )
        .order_by(Answer.answered_at, Answer.id)
    )
    points: dict[str, list[drift.Point]] = defaultdict(list)
    for question_id, value, visibility, topic, at in rows:
        health = questions[question_id].is_health
        points[question_id].append(drift.Point(at, str(value), visibility, topic, health))
    current = {
        s.question_id: s
        for s in await session.scalars(
            select(DriftSignal).where(
                DriftSignal.person_id == person.id,
                DriftSignal.question_id.in_(questions),
                DriftSignal.ended_at.is_(None),
            )
        )
    }
    await _noted(session, current.values())
    # Where ended signals returned to: answers back there are no new change.
    settled = {
        s.question_id: s.baseline
        for s in await session.scalars(
            select(DriftSignal)
            .where(
                DriftSignal.person_id == person.id,
                DriftSignal.question_id.in_(questions),
                DriftSignal.ended_at >= now - drift.LONGEST,
            )
            .order_by(DriftSignal.ended_at, DriftSignal.id)
        )
    }
    raised = []
    for question_id, question in questions.items():
        series = drift.shared_series(points[question_id])
        pace = cadence or drift.cadence_of([at for at, _ in series])
        signal = current.get(question_id)
        if signal is not None:
            direction: drift.Direction = "lower" if signal.direction == "lower" else "higher"
            if drift.continues(series, pace, signal.baseline, direction):
                continue
            signal.ended_at = now  # the trend returned
            settled[question_id] = signal.baseline
        found = drift.detect(series, pace, settled=settled.get(question_id))
        if found is None:
            continue
        row = DriftSignal(
            person_id=person.id,
            question_id=question_id,
            theme=question.theme,
            direction=found.direction,
            kind=found.kind,
            baseline=found.baseline,
            since=found.since,
            raised_at=found.raised_at,
        )
        session.add(row)
        raised.append((row, question))
    if raised:
        await session.flush()
        await _tell(session, person, manager, raised, defaults, now)
    return [row for row, _ in raised]


async def _tell(
    session: AsyncSession,
    person: Person,
    manager: Person,
    raised: list[tuple[DriftSignal, BankQuestion]],
    defaults: Defaults,
    now: datetime,
) -> None:
    """One note to the person about the signals raised together, before any digest."""
    ref = person_ref(person, defaults)
    key = f"drift.{person.id}.{raised[0][0].id}"
    notes = [drift.note_of(q, _direction(row), row.since, ref.locale) for row, q in raised]
    out = drift.employee_note(ref, manager.name, notes)
    for row, _ in raised:
        row.note_key = key
    told = notices.Notice(person.id, OutboxKind.DRIFT, key, outbound_to_data(out))
    await notices.queue(session, [told], now)


def _direction(row: DriftSignal) -> drift.Direction:
    return "lower" if row.direction == "lower" else "higher"


def _note(row: DriftSignal, banks: Mapping[str, Bank], locale: Locale) -> DriftNote | None:
    bank = banks.get(row.theme)
    try:
        question = bank.question(row.question_id) if bank else None
    except KeyError:
        question = None
    if question is None or question.is_health:
        return None  # the bank changed since: nothing to say it with
    return drift.note_of(question, _direction(row), row.since, locale)


async def _noted(session: AsyncSession, rows: Iterable[DriftSignal]) -> None:
    """Signals whose note has reached the person count as seen from when it was sent (kept
    on the signal: sent messages are purged after their retention period)."""
    waiting = {r.note_key: r for r in rows if r.shown_at is None and r.note_key}
    if not waiting:
        return
    for key, sent_at in await session.execute(
        select(OutboxMessage.key, OutboxMessage.sent_at).where(
            OutboxMessage.key.in_(waiting), OutboxMessage.status == OutboxStatus.SENT
        )
    ):
        if key is not None:
            waiting[key].shown_at = sent_at


async def _open(
    session: AsyncSession, person_ids: Iterable[int], talks: Mapping[int, datetime]
) -> list[DriftSignal]:
    """Signals still open that no conversation since has cleared, oldest first."""
    rows = await session.scalars(
        select(DriftSignal)
        .where(DriftSignal.person_id.in_(set(person_ids)), DriftSignal.ended_at.is_(None))
        .order_by(DriftSignal.raised_at, DriftSignal.id)
    )
    return [r for r in rows if not (r.person_id in talks and talks[r.person_id] > r.raised_at)]


async def for_digest(
    session: AsyncSession,
    person_ids: list[int],
    talks: Mapping[int, datetime],
    banks: Mapping[str, Bank],
    locale: Locale,
) -> dict[int, list[DriftNote]]:
    """Per report, the signals their manager may read: open, not talked about since, and
    already seen by the report (their note was sent, or they saw it at home)."""
    rows = await _open(session, person_ids, talks)
    await _noted(session, rows)
    found: dict[int, list[DriftNote]] = defaultdict(list)
    for row in rows:
        if row.shown_at is None:
            continue
        if (note := _note(row, banks, locale)) is not None:
            found[row.person_id].append(note)
    return found


async def for_person(
    session: AsyncSession,
    person: Person,
    banks: Mapping[str, Bank],
    locale: Locale,
    now: datetime,
) -> list[DriftNote]:
    """The person's own open signals, as their manager reads them; from now on they count
    as seen."""
    talked = await session.scalar(
        select(Conversation.happened_at)
        .where(Conversation.employee_id == person.id)
        .order_by(Conversation.happened_at.desc())
        .limit(1)
    )
    rows = await _open(session, [person.id], {person.id: talked} if talked else {})
    notes = []
    for row in rows:
        if (note := _note(row, banks, locale)) is None:
            continue
        notes.append(note)
        if row.shown_at is None:
            row.shown_at = now
    return notes
