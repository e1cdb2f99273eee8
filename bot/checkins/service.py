"""Check-ins: starting, delivering, answering, snoozing and closing them."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot import metrics
from bot.agreements import checkin_answers as agreement_checkins
from bot.agreements.ride_along import asked_along
from bot.checkins.budget import ABANDONED_AFTER, ALONE, ALONG
from bot.dialogue import drift
from bot.dialogue.topics import clean_text, too_long
from bot.org.people import Defaults, by_platform, manager_of, person_ref
from bot.schedules.worktime import next_working_morning
from bot.storage.models import Answer, Menu, Occurrence, OutboxMessage, Person, Schedule
from bot.storage.sealed import Private
from bot.storage.sql import insert_new
from dialogs import checkin
from dialogs.banks import Bank
from dialogs.dates import DEFAULT_WORKING_DAYS
from dialogs.messages import Outbound, PersonRef, Turn
from dialogs.texts import format_moment, t

MAX_ANSWER_LENGTH = 4000
_ANSWERS = cast(Table, Answer.__table__)
_OCCURRENCES = cast(Table, Occurrence.__table__)
_ADVANCE = (
    update(_OCCURRENCES)
    .where(_OCCURRENCES.c.id == bindparam("occurrence"))
    .values(position=bindparam("position"))
)


class Repeated(Exception):
    """Something already handled, arriving again (a platform delivering the same event
    twice, an answer clicked twice): nothing changes and nothing is said."""


class UnknownTheme(LookupError):
    def __init__(self, theme: str, themes: list[str]) -> None:
        super().__init__(theme)
        self.theme = theme
        self.themes = themes


@dataclass(frozen=True)
class OpenCheckin:
    """A person's open check-in and menu row as they were read together with them; None:
    they have none."""

    occurrence: Occurrence | None
    menu: Menu | None = None


async def person_and_open_checkin(
    session: AsyncSession, platform: str, user_id: str, aad_object_id: str | None = None
) -> tuple[Person | None, OpenCheckin]:
    """The person behind a chat account, their open check-in (as `open_occurrence` picks
    it), its schedule and their menu row, in one statement: what an answer needs, read
    once."""
    lookup = by_platform(_with_open_checkin(), platform, user_id, aad_object_id)
    if lookup is None:
        return None, OpenCheckin(None)
    row = (await session.execute(lookup.query, lookup.params)).first()
    if row is None:
        return None, OpenCheckin(None)
    # The schedule now sits in the session: `_person_for` finds it there without a query.
    return row[0], OpenCheckin(row[1], row[3])


@functools.cache
def _with_open_checkin() -> Select[*tuple[Any, ...]]:
    """People with their latest open check-in, its schedule and their menu (built once:
    see sql.py)."""
    latest_open = (
        select(Occurrence.id)
        .where(Occurrence.person_id == Person.id, Occurrence.status == "open")
        .order_by(Occurrence.opened_at.desc())
        .limit(1)
        .correlate(Person)
        .scalar_subquery()
    )
    return (
        select(Person, Occurrence, Schedule, Menu)
        .outerjoin(Occurrence, Occurrence.id == latest_open)
        .outerjoin(Schedule, Schedule.id == Occurrence.schedule_id)
        .outerjoin(Menu, Menu.person_id == Person.id)
    )


@dataclass
class CheckinService:
    banks: dict[str, Bank]
    defaults: Defaults

    def themes(self) -> list[str]:
        return sorted(self.banks)

    async def open_occurrence(self, session: AsyncSession, person: Person) -> Occurrence | None:
        found = await session.scalars(
            select(Occurrence)
            .where(Occurrence.person_id == person.id, Occurrence.status == "open")
            .order_by(Occurrence.opened_at.desc())
        )
        return found.first()

    async def awaits_free_text(self, session: AsyncSession, person: Person) -> bool:
        """Is the person's open check-in asking a free-text question right now? Then what
        they type is their answer, even when it starts with a command word."""
        occurrence = await self.open_occurrence(session, person)
        if occurrence is None or occurrence.position >= len(occurrence.question_ids):
            return False
        bank = self.banks.get(occurrence.theme)
        if bank is None:
            return False
        try:
            question = bank.question(occurrence.question_ids[occurrence.position])
        except KeyError:
            return False
        return question.kind == "text"

    async def open_occurrences(
        self, session: AsyncSession, person_ids: Iterable[int]
    ) -> dict[int, Occurrence]:
        """Each person's open check-in, as `open_occurrence` picks it, in one query."""
        found = await session.scalars(
            select(Occurrence)
            .where(Occurrence.person_id.in_(set(person_ids)), Occurrence.status == "open")
            .order_by(Occurrence.opened_at.desc())
        )
        current: dict[int, Occurrence] = {}
        for occurrence in found:
            current.setdefault(occurrence.person_id, occurrence)
        return current

    async def start(
        self, session: AsyncSession, person: Person, theme: str, now: datetime
    ) -> list[Outbound]:
        """A check-in the person asked for; an open one is resumed instead of doubled."""
        if theme not in self.banks:
            raise UnknownTheme(theme, self.themes())
        current = await self.open_occurrence(session, person)
        if current is not None:
            ctx = await self._context(session, person, current)
            lead = t("checkin.busy", ctx.person.locale)
            return [checkin.prompt(_state(current), ctx, lead=lead)]
        occurrence = Occurrence(
            schedule_id=None,
            person_id=person.id,
            period=f"adhoc-{now:%Y%m%dT%H%M%S.%f}",
            theme=theme,
            due_at=now,
            status="open",
            question_ids=[q.question_id for q in self.banks[theme].questions],
            position=0,
            created_at=now,
            opened_at=now,
        )
        session.add(occurrence)
        await session.flush()
        ctx = await self._context(session, person, occurrence)
        return [checkin.prompt(_state(occurrence), ctx)]

    async def deliver(
        self,
        session: AsyncSession,
        occurrence: Occurrence,
        now: datetime,
        open_now: dict[int, Occurrence] | None = None,
    ) -> Outbound | None:
        """Open a planned or snoozed check-in; None when it must wait behind an open one.

        `open_now` (from `open_occurrences`) saves a query per prompt when a batch is
        delivered; it is kept up to date as check-ins open.
        """
        person = await session.get_one(Person, occurrence.person_id)
        if open_now is None:
            current = await self.open_occurrence(session, person)
        else:
            current = open_now.get(person.id)
        if current is not None and current.id != occurrence.id:
            if current.opened_at is not None and now - current.opened_at < ABANDONED_AFTER:
                occurrence.status = "queued"
                return None
            # The person walked away from it: a new prompt replaces it instead of piling up.
            current.status = "expired"
            current.closed_at = now
        resumed = occurrence.status == "snoozed"
        occurrence.status = "open"
        # Its prompt opens a conversation of its own, unless it follows another check-in.
        occurrence.asked = occurrence.asked or ALONE
        occurrence.snoozed_until = None
        occurrence.opened_at = occurrence.opened_at or now
        if open_now is not None:
            open_now[person.id] = occurrence
        ctx = await self._context(session, person, occurrence)
        lead = t("checkin.resumed", ctx.person.locale) if resumed else ""
        return checkin.prompt(_state(occurrence), ctx, lead=lead)

    async def remind(self, session: AsyncSession, occurrence: Occurrence) -> Outbound:
        """The question the person stopped at, once more, introduced as a reminder."""
        person = await session.get_one(Person, occurrence.person_id)
        ctx = await self._context(session, person, occurrence)
        return checkin.prompt(
            _state(occurrence), ctx, lead=t("checkin.reminder", ctx.person.locale)
        )

    async def ask(
        self, session: AsyncSession, person: Person, occurrence: Occurrence, lead: str = ""
    ) -> Outbound:
        """What the check-in asks now (where the person is)."""
        ctx = await self._context(session, person, occurrence)
        return checkin.prompt(_state(occurrence), ctx, lead=lead)

    async def current_prompt(
        self, session: AsyncSession, person: Person, lead: str = ""
    ) -> Outbound | None:
        """The open check-in's question once more (where the person is), or None."""
        occurrence = await self.open_occurrence(session, person)
        if occurrence is None:
            return None
        return await self.ask(session, person, occurrence, lead)

    async def handle(
        self,
        session: AsyncSession,
        person: Person,
        event: checkin.Event,
        now: datetime,
        read: OpenCheckin | None = None,
    ) -> Turn | None:
        """Apply an answer or control to the open check-in; None when there is none.
        `read`: the open check-in as read with the person (saves reading it again)."""
        if read is not None:
            occurrence = read.occurrence
        else:
            occurrence = await self.open_occurrence(session, person)
        if isinstance(event, checkin.Reply) and await self._answered(
            session, person, occurrence, event
        ):
            raise Repeated(event.token)
        if occurrence is None:
            return None
        ctx = await self._context(session, person, occurrence, now)
        result = checkin.step(_state(occurrence), event, ctx)
        notes: list[Outbound] = []
        for effect in result.effects:
            if await self._apply(session, person, occurrence, effect, now):
                note = t("answer.shortened", ctx.person.locale, limit=MAX_ANSWER_LENGTH)
                notes.append(Outbound(ctx.person, note))
        if occurrence.position != result.state.position:
            if occurrence in session.dirty:
                occurrence.position = result.state.position
            else:
                # The one change of a plain answer, written without the unit of work's flush.
                await session.execute(
                    _ADVANCE, {"occurrence": occurrence.id, "position": result.state.position}
                )
                set_committed_value(occurrence, "position", result.state.position)
        out = [*notes, *result.out]
        if occurrence.status in ("completed", "stopped"):
            following = await self._open_next(session, person, now)
            if not following and occurrence.status == "completed":
                # Follow-up questions waiting for a check-in are asked at its end; after a
                # stop they wait for the next one (or the end of their window).
                following = await asked_along(session, person, now, self.defaults)
            out += following
        return Turn(tuple(out), result.outcome)

    async def _answered(
        self,
        session: AsyncSession,
        person: Person,
        occurrence: Occurrence | None,
        reply: checkin.Reply,
    ) -> bool:
        """Whether the question `reply` names has this very answer already. The open
        question has none yet, so only a reply to an earlier one is looked up."""
        if occurrence is not None and reply.token == _state(occurrence).token:
            return False
        question = checkin.question_of(reply.token)
        if question is None:
            return False
        occurrence_id, position = question
        asked = await session.get(Occurrence, occurrence_id)
        if asked is None or asked.person_id != person.id or position >= len(asked.question_ids):
            return False
        stored = await session.scalar(
            select(Answer.value).where(
                Answer.occurrence_id == occurrence_id,
                Answer.question_id == asked.question_ids[position],
            )
        )
        return stored is not None and str(stored) == clean_text(reply.text, MAX_ANSWER_LENGTH)

    async def _open_next(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> list[Outbound]:
        """After one check-in ends, the oldest queued one for the person starts."""
        found = await session.scalars(
            select(Occurrence)
            .where(Occurrence.person_id == person.id, Occurrence.status == "queued")
            .order_by(Occurrence.due_at)
        )
        queued = found.first()
        if queued is None:
            return []
        queued.asked = ALONG
        out = await self.deliver(session, queued, now)
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.occurrence_id == queued.id, OutboxMessage.status == "held")
            .values(status="sent", sent_at=now)
        )
        return [out] if out is not None else []

    async def _apply(
        self,
        session: AsyncSession,
        person: Person,
        occurrence: Occurrence,
        effect: checkin.Effect,
        now: datetime,
    ) -> bool:
        """Store what the step decided; True when an answer had to be shortened to fit."""
        if isinstance(effect, checkin.RecordAnswer):
            question = self.banks[occurrence.theme].question(effect.question_id)
            value = clean_text(effect.value, MAX_ANSWER_LENGTH)
            shortened = too_long(effect.value, MAX_ANSWER_LENGTH)
            if question.kind == "text" or question.is_health:
                # Sealed at rest; only countable non-health scale and choice answers stay clear.
                value = Private(value)
            row = {
                "occurrence_id": occurrence.id,
                "person_id": person.id,
                "question_id": question.question_id,
                "theme": question.theme,
                "topic": question.topic,
                "kind": question.kind,
                "value": value,
                # Health answers are private by law, whatever is chosen later.
                "visibility": "private" if question.is_health else "aggregate",
                "answered_at": now,
            }
            # One answer per question: the same question answered at the same moment in
            # another transaction (a delivery repeated on another replica) counts once.
            if not await insert_new(session, _ANSWERS, [row], _ANSWERS.c.id):
                raise Repeated(occurrence.id)
            metrics.ANSWERS_RECEIVED.inc()
            return shortened
        if isinstance(effect, checkin.Close):
            occurrence.status = effect.status
            occurrence.closed_at = now
            occurrence.shared = effect.shared
            if effect.shared:
                await session.execute(
                    update(Answer)
                    .where(Answer.occurrence_id == occurrence.id, Answer.visibility == "aggregate")
                    .values(visibility="shared")
                )
                await self._shared(session, person, occurrence, now)
            return False
        await self._snooze(session, person, occurrence, now)
        return False

    async def _shared(
        self, session: AsyncSession, person: Person, occurrence: Occurrence, now: datetime
    ) -> None:
        """What shared answers set going: drift signals (told to the person first) and
        agreements reported as not kept (at risk, both asked early)."""
        await drift.after_share(session, person, occurrence, self.banks, self.defaults, now)
        await agreement_checkins.after_share(
            session, person, occurrence, self.banks, self.defaults, now
        )

    async def _snooze(
        self, session: AsyncSession, person: Person, occurrence: Occurrence, now: datetime
    ) -> None:
        """Park the check-in and re-arm its delivery for the next working morning."""
        ref, working_days = await self._person_for(session, person, occurrence)
        until = next_working_morning(now, ref.timezone, working_days)
        occurrence.status = "snoozed"
        occurrence.snoozed_until = until
        outbox = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.occurrence_id == occurrence.id, OutboxMessage.kind == "prompt"
            )
        )
        message = outbox.first()
        if message is None:
            message = OutboxMessage(
                occurrence_id=occurrence.id, person_id=person.id, kind="prompt", created_at=now
            )
            session.add(message)
        message.status = "pending"
        message.next_attempt_at = until
        message.attempts = 0
        message.last_error = None

    async def _person_for(
        self, session: AsyncSession, person: Person, occurrence: Occurrence
    ) -> tuple[PersonRef, tuple[str, ...]]:
        """The person as this check-in sees them: a schedule's defaults fill the gaps."""
        schedule = (
            await session.get(Schedule, occurrence.schedule_id) if occurrence.schedule_id else None
        )
        if schedule is None:
            return person_ref(person, self.defaults), DEFAULT_WORKING_DAYS
        ref = person_ref(person, self.defaults, locale=schedule.locale, timezone=schedule.timezone)
        return ref, tuple(schedule.working_days)

    async def _context(
        self,
        session: AsyncSession,
        person: Person,
        occurrence: Occurrence,
        now: datetime | None = None,
    ) -> checkin.Context:
        ref, working_days = await self._person_for(session, person, occurrence)
        manager: Person | None = None
        answers: tuple[tuple[str, str], ...] = ()
        # The summary and the offer to share come only at the end: read what they need then.
        if occurrence.position + 1 >= len(occurrence.question_ids):
            manager = await manager_of(session, person)
            rows = await session.execute(
                select(Answer.question_id, Answer.value)
                .where(Answer.occurrence_id == occurrence.id)
                .order_by(Answer.id)
            )
            answers = tuple((question_id, value) for question_id, value in rows)
        snooze_text = ""
        if now is not None:
            until = next_working_morning(now, ref.timezone, working_days)
            snooze_text = format_moment(until, ref.locale)
        return checkin.Context(
            person=ref,
            bank=self.banks[occurrence.theme],
            manager_name=manager.name if manager else None,
            answers=answers,
            snooze_until=snooze_text,
        )


def _state(occurrence: Occurrence) -> checkin.CheckinState:
    status = occurrence.status if occurrence.status in ("open", "snoozed") else "completed"
    return checkin.CheckinState(
        occurrence_id=occurrence.id,
        theme=occurrence.theme,
        question_ids=tuple(occurrence.question_ids),
        position=occurrence.position,
        status=status,  # type: ignore[arg-type]
    )
