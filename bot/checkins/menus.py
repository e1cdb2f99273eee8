"""The menu a person was shown last: remembered with every question that reaches them (a
reply, or a message the bot sent on its own), so that what they type next answers exactly
that question."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Menu
from bot.storage.sql import upsert
from dialogs.answers import asks
from dialogs.messages import Outbound, PersonRef
from dialogs.payload import outbound_from_data, outbound_to_data

_MENUS = cast(Table, Menu.__table__)


async def remember(
    session: AsyncSession, shown: Iterable[tuple[int, Outbound]], now: datetime
) -> None:
    """(person id, message) just shown: a message that asks something (a question, or
    buttons of its own) becomes that person's menu (the last one per person wins); one that
    asks nothing leaves their menu as it is."""
    rows: dict[int, dict[str, object]] = {}
    for person_id, out in shown:
        token = asks(out)
        if not token:
            continue
        rows[person_id] = {
            "person_id": person_id,
            "token": token,
            # The text is not needed to ask again and may say more than the question.
            "message": outbound_to_data(replace(out, text="", attachment=None)),
            "shown_at": now,
        }
    # Written through the column types (sealed), as the ORM would.
    await upsert(session, _MENUS, list(rows.values()), ("person_id",))


async def current(session: AsyncSession, person: PersonRef) -> Outbound | None:
    """The message that asked the person's open question, addressed to them; None if none."""
    menu = await session.get(Menu, person.person_id, populate_existing=True)
    if menu is None:
        return None
    return outbound_from_data(menu.message, person)


async def forget(session: AsyncSession, person_id: int, token: str | None = None) -> None:
    """The person's menu is answered or gone (only if it is still `token`, when given)."""
    statement = delete(Menu).where(Menu.person_id == person_id)
    if token is not None:
        statement = statement.where(Menu.token == token)
    await session.execute(statement)
