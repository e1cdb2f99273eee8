"""Linking people to their chat accounts from a platform's directory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person
from dialogs.messages import DirectoryUser
from dialogs.validators import as_locale, is_time_zone

ID_COLUMNS = {"slack": "slack_user_id", "teams": "teams_user_id"}


async def sync_directory(
    session: AsyncSession, users: Sequence[DirectoryUser], now: datetime
) -> int:
    """Fill in what the org file left open; what HR set is never overwritten.

    A person is matched by their platform id, else by email. A platform id already linked
    to someone else is left alone: the org file is the authority on who is who.
    """
    people = list(await session.scalars(select(Person).where(Person.active)))
    by_email = {p.email: p for p in people}
    by_id = {
        (platform, getattr(p, column)): p
        for platform, column in ID_COLUMNS.items()
        for p in people
        if getattr(p, column)
    }
    changed = 0
    for user in users:
        column = ID_COLUMNS.get(user.platform)
        if column is None:
            continue
        key = (user.platform, user.user_id)
        person = by_id.get(key) or by_email.get(user.email.strip().lower())
        if person is None:
            continue
        before = (getattr(person, column), person.timezone, person.locale)
        if getattr(person, column) is None and key not in by_id:
            setattr(person, column, user.user_id)
            by_id[key] = person
        if person.timezone is None and is_time_zone(user.timezone):
            person.timezone = user.timezone
        language = as_locale(user.locale[:2])
        if person.locale is None and language is not None:
            person.locale = language
        if (getattr(person, column), person.timezone, person.locale) != before:
            person.updated_at = now
            changed += 1
    return changed
