"""Logged conversations (`talked`), the annual review (`review held`) and topics marked as
discussed (`discussed`).

Either party logs that a conversation happened, with an optional note both see. Topics the
employee raised before it can then be marked discussed, by either party. `review held` logs
the conversation as the annual review; the other party is asked to confirm it took place.
A review counts as held unless they answer that it did not."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.delivery import notices
from bot.dialogue.topics import clean_text
from bot.org.people import Defaults, manager_of, person_ref, reports_of
from bot.storage.dialogue_models import Conversation, ReviewBriefSent, TopicDiscussion
from bot.storage.models import OutboxKind, Person, Topic
from dialogs.answers import option, yes_no
from dialogs.dates import local_day
from dialogs.digest_texts import td
from dialogs.graphemes import cut
from dialogs.messages import Choice, Outbound, Outcome, PersonRef, Question, Turn
from dialogs.texts import format_day, t
from dialogs.tips import Party, tips_block

MAX_NOTE_LENGTH = 2000
# The token of the question which open topics a logged conversation covered.
TALKED_PREFIX = "talked."
# The token of the question whether the annual review took place.
REVIEW_PREFIX = "review."
WITH_WORDS = ("with", "met")
# `review held` (`jaargesprek gehouden`): the word that says it took place.
HELD_WORDS = ("held", "done", "gehouden", "gevoerd")
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
    session: AsyncSession,
    person: Person,
    argument: str,
    now: datetime,
    defaults: Defaults,
    *,
    review: bool = False,
) -> list[Outbound]:
    """Log a conversation of the person with their manager or a report (`review`: it was
    the annual review); the other party is told."""
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
        is_review=review,
        happened_at=now,
        created_at=now,
    )
    session.add(conversation)
    await session.flush()
    topics = await _open_before(session, employee.id, now)
    other = manager if person.id == employee.id else employee
    reply = _logged(ref, employee, manager, conversation, topics, None)
    # Written when it is sent, so it lists only the topics still open by then.
    await _tell(session, conversation, other, "talked", now)
    return [reply]


async def review_held(
    session: AsyncSession, person: Person, argument: str, now: datetime, defaults: Defaults
) -> list[Outbound]:
    """`review held [with NAME] [note]`: the annual review took place (logged as `talked`)."""
    word, _, rest = argument.strip().partition(" ")
    if word.casefold() not in HELD_WORDS:
        ref = person_ref(person, defaults)
        return [Outbound(ref, td("review.usage", ref.locale))]
    return await talked(session, person, rest.strip(), now, defaults, review=True)


async def _tell(
    session: AsyncSession, conversation: Conversation, reader: Person, about: str, now: datetime
) -> None:
    """Queue the notice to `reader` about the conversation (`talked`: it was logged;
    `review`: the other party answered whether the review took place)."""
    key = f"{about}.{conversation.id}.p{reader.id}"
    told = notices.Notice(reader.id, OutboxKind.TALKED, key, conversation_id=conversation.id)
    await notices.queue(session, [told], now)


async def _open_before(session: AsyncSession, employee_id: int, moment: datetime) -> list[Topic]:
    """The employee's topics still open that were raised before the moment."""
    found = await session.scalars(
        select(Topic)
        .where(Topic.person_id == employee_id, Topic.status == "open", Topic.raised_at <= moment)
        .order_by(Topic.raised_at, Topic.id)
    )
    return list(found)


def owns(token: str) -> bool:
    """Whether a prompt's token is a question about a logged conversation: which topics it
    covered, or whether the review took place."""
    return token.startswith((TALKED_PREFIX, REVIEW_PREFIX))


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
    if reader.person_id == logger.id:
        other = manager if logger.id == employee.id else employee
        return _review_answered(reader, conversation, other.name)
    topics = await _open_before(session, employee.id, conversation.happened_at)
    if conversation.is_review and conversation.review_confirmed is None:
        return _confirm_review(reader, conversation, logger.name)
    return _logged(reader, employee, manager, conversation, topics, logger.name)


def _day(ref: PersonRef, conversation: Conversation) -> str:
    return format_day(local_day(conversation.happened_at, ref.timezone), ref.locale)


def _confirm_review(ref: PersonRef, conversation: Conversation, told_by: str) -> Outbound:
    """The other party's notice of a review logged by `told_by`: did it take place?"""
    loc = ref.locale
    lines = [td("review.notice", loc, who=told_by, day=_day(ref, conversation))]
    if conversation.note:
        lines.append(td("talked.note", loc, note=conversation.note))
    token = f"{REVIEW_PREFIX}{conversation.id}"
    question = yes_no(
        "review_held",
        token,
        td("review.confirm", loc),
        td("review.hint", loc),
        loc,
        partial(td, "review.yes"),
        partial(td, "review.no"),
    )
    return Outbound(ref, "\n".join(lines), question=question, key=token)


def _review_answered(ref: PersonRef, conversation: Conversation, who: str) -> Outbound | None:
    """The notice to whoever logged the review of the other party's answer."""
    if conversation.review_confirmed is None:
        return None
    key = "review.told_confirmed" if conversation.review_confirmed else "review.told_disputed"
    text = td(key, ref.locale, who=who, day=_day(ref, conversation))
    return Outbound(ref, text)


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
    day = _day(ref, conversation)
    if told_by is None:
        logged = "review.logged" if conversation.is_review else "talked.logged"
        lines = [td(logged, loc, employee=employee.name, manager=manager.name, day=day)]
    else:
        lines = [td("talked.notice", loc, who=told_by, day=day)]
    if conversation.note:
        lines.append(td("talked.note", loc, note=conversation.note))
    # Both parties, after any conversation: did you both sum up what you agreed?
    party: Party = "employee" if ref.person_id == employee.id else "manager"
    lines.append(f"\n{tips_block('talked', party, loc)}")
    question = _topics_question(ref, conversation.id, topics) if topics else None
    key = question.token if question is not None else f"{TALKED_PREFIX}{conversation.id}"
    return Outbound(ref, "\n".join(lines), question=question, key=key)


async def answer(
    session: AsyncSession,
    person: Person,
    token: str,
    value: str,
    now: datetime,
    defaults: Defaults,
) -> Turn:
    """An answer to a question about a logged conversation (see `owns`): which topics it
    covered, or, from the other party, whether the annual review took place. Whoever logged
    the review is told; after a yes the open topics raised before it are asked about as
    after `talked`."""
    if not token.startswith(REVIEW_PREFIX):
        return await discussed_answer(session, person, token, [value], now, defaults)
    ref = person_ref(person, defaults)
    loc = ref.locale
    conversation = await _conversation(session, token[len(REVIEW_PREFIX) :])
    parties = (conversation.employee_id, conversation.manager_id) if conversation else ()
    if (
        conversation is None
        or not conversation.is_review
        or person.id not in parties
        or person.id == conversation.logged_by_id
        or conversation.review_confirmed is not None
        or value not in ("yes", "no")
    ):
        gone = Outbound(ref, t("answer.no_longer_open", loc))
        return Turn((gone,), Outcome("refused", token))
    conversation.review_confirmed = value == "yes"
    logger = await session.get_one(Person, conversation.logged_by_id)
    await _tell(session, conversation, logger, "review", now)
    label = td(f"review.{value}", loc)
    if value == "no":
        reply = Outbound(ref, td("review.disputed", loc, who=logger.name))
        return Turn((reply,), Outcome("recorded", token, value, label))
    topics = await _open_before(session, conversation.employee_id, conversation.happened_at)
    question = _topics_question(ref, conversation.id, topics) if topics else None
    reply = Outbound(ref, td("review.confirmed", loc, who=logger.name), question=question)
    return Turn((reply,), Outcome("recorded", token, value, label))


async def _conversation(session: AsyncSession, number: str) -> Conversation | None:
    """The conversation a token's number names, if there is one."""
    if not number.isdecimal() or len(number) >= 10:
        return None
    return await session.get(Conversation, int(number))


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
    conversation = await _conversation(session, token[len(TALKED_PREFIX) :])
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
    if shown is None or not shown.token.startswith(TALKED_PREFIX):
        return Turn((Outbound(ref, td("discussed.usage", ref.locale)),), Outcome("none"))
    values = [shown.choices[n - 1].value for n in numbers if 1 <= n <= len(shown.choices)]
    if not values:
        again = Outbound(ref, td("discussed.usage", ref.locale), question=shown)
        return Turn((again,), Outcome("again", shown.token))
    return await discussed_answer(session, person, shown.token, values, now, defaults)


def held_review() -> ColumnElement[bool]:
    """A logged conversation that counts as a review held: flagged as the annual review, and
    the other party did not answer that it did not take place."""
    return and_(Conversation.is_review.is_(True), Conversation.review_confirmed.is_not(False))


async def last_reviews(session: AsyncSession, person_ids: list[int]) -> dict[int, datetime]:
    """Each employee's last review held, for those with one."""
    rows = await session.execute(
        select(Conversation.employee_id, func.max(Conversation.happened_at))
        .where(Conversation.employee_id.in_(person_ids), held_review())
        .group_by(Conversation.employee_id)
    )
    return {employee: at for employee, at in rows if at is not None}


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
                "review": c.is_review,
                "review_confirmed": c.review_confirmed,
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
