"""Logged conversations (`talked`) and topics marked as discussed (`discussed`).

Either party logs that a conversation happened, with an optional note both see. Topics the
employee raised before it can then be marked discussed, by either party."""

from __future__ import annotations

import re
from datetime import datetime
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
from dialogs.digest_texts import td
from dialogs.messages import Choice, Outbound, PersonRef
from dialogs.texts import format_day

MAX_NOTE_LENGTH = 2000
# The engine reads a click on a message with this key as the command in the click's value.
COMMAND_KEY = "menu"
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
    topics = list(
        await session.scalars(
            select(Topic)
            .where(Topic.person_id == employee.id, Topic.status == "open", Topic.raised_at <= now)
            .order_by(Topic.raised_at, Topic.id)
        )
    )
    other = manager if person.id == employee.id else employee
    reply = _logged(ref, employee, manager, conversation, topics, None)
    # Written when it is sent, so it lists only the topics still open by then.
    key = f"talked.{conversation.id}.p{other.id}"
    told = notices.Notice(other.id, OutboxKind.TALKED, key, conversation_id=conversation.id)
    await notices.queue(session, [told], now)
    return [reply]


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
    topics = await session.scalars(
        select(Topic)
        .where(
            Topic.person_id == employee.id,
            Topic.status == "open",
            Topic.raised_at <= conversation.happened_at,
        )
        .order_by(Topic.raised_at, Topic.id)
    )
    return _logged(reader, employee, manager, conversation, list(topics), logger.name)


def _logged(
    ref: PersonRef,
    employee: Person,
    manager: Person,
    conversation: Conversation,
    topics: list[Topic],
    told_by: str | None,
) -> Outbound:
    """The confirmation (or, with `told_by`, the other party's notice) with the open topics
    as buttons: clicking one marks it discussed."""
    loc = ref.locale
    day = format_day(local_day(conversation.happened_at, ref.timezone), loc)
    if told_by is None:
        lines = [td("talked.logged", loc, employee=employee.name, manager=manager.name, day=day)]
    else:
        lines = [td("talked.notice", loc, who=told_by, day=day)]
    if conversation.note:
        lines.append(td("talked.note", loc, note=conversation.note))
    actions: list[Choice] = []
    if topics:
        lines += ["", td("talked.topics", loc)]
        for topic in topics:
            lines.append(td("talked.topic_line", loc, id=topic.id, text=topic.text))
            label = topic.text if len(topic.text) <= LABEL_LENGTH else topic.text[:57] + "..."
            actions.append(Choice(f"discussed {topic.id}", label))
        if len(topics) > 1:
            every = " ".join(str(topic.id) for topic in topics)
            actions.append(Choice(f"discussed {every}", td("talked.all", loc)))
    return Outbound(ref, "\n".join(lines), actions=tuple(actions), key=COMMAND_KEY)


async def discussed(
    session: AsyncSession, person: Person, argument: str, now: datetime, defaults: Defaults
) -> list[Outbound]:
    ref = person_ref(person, defaults)
    ids = sorted({int(n) for n in re.findall(r"\d+", argument)})
    if not ids:
        return [Outbound(ref, td("discussed.usage", ref.locale))]
    rows = await session.execute(
        select(Topic, Person.manager_id)
        .join(Person, Person.id == Topic.person_id)
        .where(Topic.id.in_(ids), Topic.status == "open")
        .order_by(Topic.id)
    )
    marked = []
    for topic, owner_manager in rows:
        # Only the two parties: the employee who raised it and their manager.
        if person.id not in (topic.person_id, owner_manager):
            continue
        talk = (
            await session.scalars(
                select(Conversation)
                .where(
                    Conversation.employee_id == topic.person_id,
                    Conversation.happened_at >= topic.raised_at,
                )
                .order_by(Conversation.happened_at.desc(), Conversation.id.desc())
                .limit(1)
            )
        ).first()
        if talk is None:
            continue
        topic.status = "discussed"
        session.add(
            TopicDiscussion(
                topic_id=topic.id, conversation_id=talk.id, marked_by_id=person.id, discussed_at=now
            )
        )
        marked.append(topic.text)
    if not marked:
        return [Outbound(ref, td("discussed.none", ref.locale), refusal=True)]
    listed = "; ".join(marked)
    return [Outbound(ref, td("discussed.done", ref.locale, topics=listed))]


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
