"""Logged conversations (`talked`) and topics marked as discussed (`discussed`).

Either party logs that a conversation happened, with an optional note both see. Topics the
employee raised before it can then be marked discussed, by either party."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services import notices
from bot.services.people import Defaults, manager_of, person_ref, reports_of
from bot.services.topics import clean_text
from bot.storage.dialogue_models import Conversation, ReviewBriefSent, TopicDiscussion
from bot.storage.models import OutboxKind, Person, Topic
from dialogs.agreements import local_day
from dialogs.answers import option
from dialogs.digest_texts import td
from dialogs.graphemes import cut
from dialogs.messages import Choice, Outbound, Outcome, PersonRef, Question, Turn
from dialogs.texts import format_day

MAX_NOTE_LENGTH = 2000
# The token of the question which open topics a logged conversation covered.
TALKED_PREFIX = "talked."
WITH_WORDS = ("with", "met")
LABEL_LENGTH = 60


def _matches(words: list[str], people: list[Person]) -> tuple[list[Person], str]:
    """The people named by the longest leading words (an email, a full or a first name),
    and the rest of the words: the note."""
    for count in range(len(words), 0, -1):
        name = " ".join(words[:count]).casefold()
        found = [p for p in people if name in (p.email, p.name.casefold())]
        if not found and count == 1:
            found = [p for p in people if p.name.split()[0].casefold() == name]
        if found:
            return found, " ".join(words[count:])
    return [], ""


async def _partner(
    session: AsyncSession, person: Person, argument: str
) -> tuple[Person | None, Person | None, str, str]:
    """(employee, manager, note, refusal key) of the conversation the person logs."""
    words = argument.split()
    manager = await manager_of(session, person)
    if words and words[0].casefold() in WITH_WORDS:
        reports = await reports_of(session, person)
        candidates = reports + ([manager] if manager else [])
        found, note = _matches(words[1:], candidates)
        unique = {p.id: p for p in found}
        if len(unique) != 1:
            return None, None, " ".join(words[1:]), "ambiguous" if found else "unknown"
        other = next(iter(unique.values()))
        if manager is not None and other.id == manager.id:
            return person, manager, note, ""
        return other, person, note, ""
    if manager is None:
        return None, None, argument, "no_partner"
    return person, manager, argument, ""


async def talked(
    session: AsyncSession, person: Person, argument: str, now: datetime, defaults: Defaults
) -> list[Outbound]:
    ref = person_ref(person, defaults)
    loc = ref.locale
    employee, manager, note, refused = await _partner(session, person, argument)
    if employee is None or manager is None:
        reports = await reports_of(session, person)
        names = ", ".join(f"{r.name} <{r.email}>" for r in reports) or "-"
        if refused == "no_partner":
            key = "talked.usage_manager" if reports else "talked.no_manager"
            return [Outbound(ref, td(key, loc, names=names))]
        who = " ".join(argument.split()[1:])
        return [Outbound(ref, td(f"talked.{refused}", loc, who=who, names=names))]
    conversation = Conversation(
        employee_id=employee.id,
        manager_id=manager.id,
        logged_by_id=person.id,
        note=clean_text(note, MAX_NOTE_LENGTH) or None,
        happened_at=now,
        created_at=now,
    )
    session.add(conversation)
    await session.flush()
    topics = await _open_before(session, employee.id, now)
    other = manager if person.id == employee.id else employee
    reply = _logged(ref, employee, manager, conversation, topics, None)
    # Written when it is sent, so it lists only the topics still open by then.
    key = f"talked.{conversation.id}.p{other.id}"
    told = notices.Notice(other.id, OutboxKind.TALKED, key, conversation_id=conversation.id)
    await notices.queue(session, [told], now)
    return [reply]


async def _open_before(session: AsyncSession, employee_id: int, moment: datetime) -> list[Topic]:
    """The employee's topics still open that were raised before the moment."""
    found = await session.scalars(
        select(Topic)
        .where(Topic.person_id == employee_id, Topic.status == "open", Topic.raised_at <= moment)
        .order_by(Topic.raised_at, Topic.id)
    )
    return list(found)


def owns(token: str) -> bool:
    """Whether a prompt's token is the question which topics a conversation covered."""
    return token.startswith(TALKED_PREFIX)


def _topics_question(ref: PersonRef, conversation_id: int, topics: list[Topic]) -> Question:
    """Which of the open topics were discussed: each by its number or its text, or all."""
    loc = ref.locale
    choices = [Choice(str(topic.id), _label(topic.text)) for topic in topics]
    if len(topics) > 1:
        choices.append(option("all", loc, partial(td, "talked.all")))
    return Question(
        question_id="discussed",
        kind="choice",
        prompt=td("talked.topics", loc),
        choices=tuple(choices),
        hint=td("talked.hint", loc, count=len(choices)),
        token=f"{TALKED_PREFIX}{conversation_id}",
    )


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else cut(text, LABEL_LENGTH - 3).rstrip() + "..."


async def talked_note(
    session: AsyncSession, conversation_id: int, reader: PersonRef
) -> Outbound | None:
    """The other party's note that a conversation was logged, as it is now: the topics
    raised before it that are still open. None when the conversation is gone."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    employee = await session.get_one(Person, conversation.employee_id)
    manager = await session.get_one(Person, conversation.manager_id)
    logger = await session.get_one(Person, conversation.logged_by_id)
    topics = await _open_before(session, employee.id, conversation.happened_at)
    return _logged(reader, employee, manager, conversation, topics, logger.name)


def _logged(
    ref: PersonRef,
    employee: Person,
    manager: Person,
    conversation: Conversation,
    topics: list[Topic],
    told_by: str | None,
) -> Outbound:
    """The confirmation (or, with `told_by`, the other party's notice) asking which of the
    open topics were discussed."""
    loc = ref.locale
    day = format_day(local_day(conversation.happened_at, ref.timezone), loc)
    if told_by is None:
        lines = [td("talked.logged", loc, employee=employee.name, manager=manager.name, day=day)]
    else:
        lines = [td("talked.notice", loc, who=told_by, day=day)]
    if conversation.note:
        lines.append(td("talked.note", loc, note=conversation.note))
    question = _topics_question(ref, conversation.id, topics) if topics else None
    key = question.token if question is not None else f"{TALKED_PREFIX}{conversation.id}"
    return Outbound(ref, "\n".join(lines), question=question, key=key)


async def discussed_answer(
    session: AsyncSession,
    person: Person,
    token: str,
    values: Sequence[str],
    now: datetime,
    defaults: Defaults,
) -> Turn:
    """Topics (or "all") chosen from a logged conversation's question: marked discussed,
    and the ones still open asked again."""
    ref = person_ref(person, defaults)
    number = token[len(TALKED_PREFIX) :]
    conversation = (
        await session.get(Conversation, int(number))
        if number.isdecimal() and len(number) < 10
        else None
    )
    if conversation is None or person.id not in (conversation.employee_id, conversation.manager_id):
        gone = Outbound(ref, td("discussed.none", ref.locale))
        return Turn((gone,), Outcome("refused", token))
    topics = await _open_before(session, conversation.employee_id, conversation.happened_at)
    every = "all" in values
    chosen = [topic for topic in topics if every or str(topic.id) in values]
    if not chosen:
        gone = Outbound(ref, td("discussed.none", ref.locale))
        return Turn((gone,), Outcome("refused", token))
    for topic in chosen:
        _mark(session, topic, conversation, person, now)
    left = [topic for topic in topics if topic not in chosen]
    listed = "; ".join(topic.text for topic in chosen)
    question = _topics_question(ref, conversation.id, left) if left else None
    reply = Outbound(ref, td("discussed.done", ref.locale, topics=listed), question=question)
    label = td("talked.all", ref.locale) if every else "; ".join(_label(t.text) for t in chosen)
    return Turn((reply,), Outcome("recorded", token, ",".join(values), label))


def _mark(
    session: AsyncSession, topic: Topic, conversation: Conversation, person: Person, now: datetime
) -> None:
    topic.status = "discussed"
    session.add(
        TopicDiscussion(
            topic_id=topic.id,
            conversation_id=conversation.id,
            marked_by_id=person.id,
            discussed_at=now,
        )
    )


async def discussed(
    session: AsyncSession,
    person: Person,
    argument: str,
    shown: Question | None,
    now: datetime,
    defaults: Defaults,
) -> Turn:
    """`discussed 1 3`: the topics with those numbers in the question the person was shown
    last (which topics a logged conversation covered) are marked discussed."""
    ref = person_ref(person, defaults)
    numbers = [int(n) for n in re.findall(r"[0-9]+", argument) if len(n) < 10]
    if shown is None or not owns(shown.token):
        return Turn((Outbound(ref, td("discussed.usage", ref.locale)),), Outcome("none"))
    values = [shown.choices[n - 1].value for n in numbers if 1 <= n <= len(shown.choices)]
    if not values:
        again = Outbound(ref, td("discussed.usage", ref.locale), question=shown)
        return Turn((again,), Outcome("again", shown.token))
    return await discussed_answer(session, person, shown.token, values, now, defaults)


async def export_dialogue(session: AsyncSession, person: Person) -> dict[str, Any]:
    """The person's logged conversations (either side) and review briefs, for `export`."""
    other = aliased(Person)
    talks = await session.execute(
        select(Conversation, other.email)
        .join(
            other,
            other.id
            == case(
                (Conversation.employee_id == person.id, Conversation.manager_id),
                else_=Conversation.employee_id,
            ),
        )
        .where(or_(Conversation.employee_id == person.id, Conversation.manager_id == person.id))
        .order_by(Conversation.happened_at, Conversation.id)
    )
    briefs = await session.scalars(
        select(ReviewBriefSent)
        .where(ReviewBriefSent.person_id == person.id)
        .order_by(ReviewBriefSent.year)
    )
    return {
        "conversations": [
            {
                "with": email,
                "role": "employee" if c.employee_id == person.id else "manager",
                "note": c.note,
                "logged_by_me": c.logged_by_id == person.id,
                "happened_at": c.happened_at.isoformat(),
            }
            for c, email in talks
        ],
        "review_briefs": [
            {
                "year": b.year,
                "review_start": b.review_start.isoformat(),
                "sent_at": b.sent_at.isoformat(),
            }
            for b in briefs
        ],
    }
