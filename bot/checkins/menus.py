"""The menu a person was shown last: remembered with every question that reaches them (a
reply, or a message the bot sent on its own), so that what they type next answers exactly
that question.

A check-in's question is remembered as the check-in itself: the menu is then whatever that
check-in asks now, so answering its questions one after another leaves the row as it is.
Any other question is remembered as the message that asked it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.checkins.service import CheckinService
from bot.storage.models import Menu, Occurrence, Person
from bot.storage.sql import upsert
from dialogs import checkin
from dialogs.answers import asks
from dialogs.messages import Outbound, PersonRef
from dialogs.payload import outbound_from_data, outbound_to_data

_MENUS = cast(Table, Menu.__table__)


def row_for(person_id: int, out: Outbound, now: datetime) -> dict[str, object] | None:
    """The menu row a message makes, None when it asks nothing."""
    token = asks(out)
    if not token:
        return None
    occurrence_id = checkin.occurrence_of(token)
    if occurrence_id is not None:
        return {
            "person_id": person_id,
            "occurrence_id": occurrence_id,
            "token": None,
            "message": None,
            "shown_at": now,
        }
    return {
        "person_id": person_id,
        "occurrence_id": None,
        "token": token,
        # The text is not needed to ask again and may say more than the question.
        "message": outbound_to_data(replace(out, text="", attachment=None)),
        "shown_at": now,
    }


async def remember(
    session: AsyncSession, shown: Iterable[tuple[int, Outbound]], now: datetime
) -> None:
    """(person id, message) just shown: a message that asks something (a question, or
    buttons of its own) becomes that person's menu (the last one per person wins); one that
    asks nothing leaves their menu as it is."""
    rows: dict[int, dict[str, object]] = {}
    for person_id, out in shown:
        row = row_for(person_id, out, now)
        if row is not None:
            rows[person_id] = row
    # Written through the column types (sealed), as the ORM would.
    await upsert(session, _MENUS, list(rows.values()), ("person_id",))


def follows(menu: Menu | None, out: Outbound) -> bool:
    """Whether the menu already is what `out` asks: the same check-in, whose question it
    reads when needed."""
    occurrence_id = checkin.occurrence_of(asks(out))
    return menu is not None and occurrence_id is not None and menu.occurrence_id == occurrence_id


async def read(session: AsyncSession, person_id: int) -> Menu | None:
    """The person's menu row as stored now."""
    return await session.get(Menu, person_id, populate_existing=True)


async def current(
    session: AsyncSession, ref: PersonRef, checkins: CheckinService, menu: Menu | None = None
) -> Outbound | None:
    """The message that asks the person's open question, addressed to them; None if none.
    `menu`: their menu row when it was just read (saves reading it again)."""
    if menu is None:
        menu = await read(session, ref.person_id)
    if menu is None:
        return None
    if menu.occurrence_id is None:
        assert menu.message is not None
        return outbound_from_data(menu.message, ref)
    occurrence = await session.get(Occurrence, menu.occurrence_id)
    if occurrence is None or occurrence.status != "open":
        # The check-in was answered, stopped or snoozed: it asks nothing now.
        return None
    person = await session.get_one(Person, ref.person_id)
    return await checkins.ask(session, person, occurrence)


async def forget(session: AsyncSession, person_id: int, token: str) -> None:
    """The person's menu `token` is answered (unless another replaced it meanwhile)."""
    await session.execute(delete(Menu).where(Menu.person_id == person_id, Menu.token == token))
