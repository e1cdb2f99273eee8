"""A fan-out of every kind of message at once, for the crash tests: pairs of a manager and an
employee, each with agreement news, follow-up questions, a conversation note, a digest, a
review brief and invitations waiting, queued through the services that queue them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.agreements import negotiation
from bot.agreements.followups import plan_round
from bot.delivery import notices
from bot.dialogue.conversations import talked
from bot.dialogue.notices import notice
from bot.dialogue.topics import raise_topic
from bot.org.people import Defaults, find_by_email, person_ref
from bot.storage.database import Database
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus, Person
from dialogs import agreements as ag
from dialogs.messages import Outbound

DEFAULTS = Defaults(locale="en", timezone="Europe/Amsterdam")
PAIRS = 50  # managers and employees with every other kind of message waiting too
MONDAY = "2027-03-22T09:00:00+01:00"  # the organisation and the schedule are set up
THURSDAY = "2027-03-25T14:05:00+01:00"  # five minutes after the check-in fell due


def manager_of(n: int, pairs: int) -> str:
    """In the org file: p0 manages p1, p2 manages p3, ... for the first `pairs` pairs."""
    return f"p{n - 1}@example.org" if n < 2 * pairs and n % 2 else ""


async def seed(db: Database, pairs: int, now: datetime) -> None:
    """Queue every kind of notice for each pair, as the services do when people act."""
    for k in range(pairs):
        async with db.session() as session:
            manager = await find_by_email(session, f"p{2 * k}@example.org")
            employee = await find_by_email(session, f"p{2 * k + 1}@example.org")
            assert manager is not None and employee is not None
            terms = ag.Terms(
                "place_of_work", f"Home on Mondays ({k}).", now.date(), cadence="monthly"
            )
            # A proposal for the employee to answer ...
            await negotiation.create(DEFAULTS, session, manager, employee.id, terms, now)
            # ... and a signed agreement: its news, then both parties' follow-up question.
            signed, _ = await negotiation.create(
                DEFAULTS, session, manager, employee.id, terms, now
            )
            for party in (manager, employee):
                await negotiation.sign(DEFAULTS, session, party, signed.id, 1, now)
            signed.next_follow_up_on = now.date()
            await plan_round(DEFAULTS, session, signed, now)
            # Asked now: they would otherwise wait to ride along with next week's check-in.
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.agreement_id == signed.id,
                    OutboxMessage.kind == OutboxKind.FOLLOW_UP,
                )
                .values(next_attempt_at=now)
            )
            # Half the notes list an open topic (with buttons to mark it discussed).
            if k % 2:
                await raise_topic(session, employee, f"Topic of pair {k}", now - timedelta(days=1))
            await talked(session, manager, f"with {employee.email}", now, DEFAULTS)
            until = now + timedelta(hours=12)
            queued = []
            for person, kind, key in (
                (manager, OutboxKind.DIGEST, f"digest.{manager.id}.{now.date()}"),
                (employee, OutboxKind.BRIEF, f"brief.{employee.id}.{now.year}.employee"),
                (
                    employee,
                    OutboxKind.INVITATION,
                    f"invite.{employee.id}.{now.year}.p{employee.id}",
                ),
                (manager, OutboxKind.INVITATION, f"invite.{employee.id}.{now.year}.p{manager.id}"),
            ):
                out = Outbound(person_ref(person, DEFAULTS), f"A {kind} for {person.name}.", kind)
                queued.append(notice(person.id, key, kind, out, until))
            await notices.queue(session, queued, now)


@dataclass(frozen=True)
class Delivery:
    """What reached one chat, in arrival order: outbox ids where the message carries one."""

    ids: list[int]
    unkeyed: int


def outbox_id(key: str) -> int | None:
    """The outbox row a platform message's key names (c<occurrence>.<kind>.<id>, m<id>.<kind>)."""
    found = re.fullmatch(r"c\d+\.\w+\.(\d+)|m(\d+)\.\w+", key)
    return int(found[1] or found[2]) if found else None


def deliveries(keys: Sequence[tuple[str, str]]) -> dict[str, Delivery]:
    """(chat, message key) in arrival order -> per chat what arrived."""
    ids: dict[str, list[int]] = defaultdict(list)
    unkeyed: Counter[str] = Counter()
    for chat, key in keys:
        found = outbox_id(key)
        if found is None:
            unkeyed[chat] += 1
        else:
            ids[chat].append(found)
    return {chat: Delivery(ids[chat], unkeyed[chat]) for chat in {*ids, *unkeyed}}


async def sent_rows(db: Database) -> list[tuple[OutboxMessage, str]]:
    """Every message that went out, with its recipient's email (reminders wait for tomorrow)."""
    async with db.session() as session:
        rows = await session.execute(
            select(OutboxMessage, Person.email)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .order_by(OutboxMessage.id)
        )
        return [(row, email) for row, email in rows]


async def settled(db: Database) -> bool:
    """Nothing left to send now: no message in flight or due (reminders are due tomorrow)."""
    async with db.session() as session:
        waiting = await session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.kind != OutboxKind.REMINDER,
                OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            )
        )
    return waiting is None
