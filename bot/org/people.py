"""Finding people and describing them to dialogs and adapters."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person
from dialogs.messages import LOCALES, Locale, PersonRef

_PEOPLE = select(Person)


@dataclass(frozen=True)
class Defaults:
    """What applies to a person who has no locale or time zone of their own, and the
    attention budget everyone has: separate prompts per calendar month (0: no cap)."""

    locale: Locale = "nl"
    timezone: str = "Europe/Amsterdam"
    max_prompts_per_month: int = 6


def locale_of(person: Person, defaults: Defaults, fallback: str | None = None) -> Locale:
    for candidate in (person.locale, fallback):
        if candidate in LOCALES:
            return candidate
    return defaults.locale


def person_ref(
    person: Person,
    defaults: Defaults,
    *,
    locale: str | None = None,
    timezone: str | None = None,
) -> PersonRef:
    """The platform-free view of a person; schedule defaults fill what the person lacks."""
    return PersonRef(
        person_id=person.id,
        email=person.email,
        name=person.name,
        locale=locale_of(person, defaults, locale),
        timezone=person.timezone or timezone or defaults.timezone,
        slack_user_id=person.slack_user_id,
        teams_user_id=person.teams_user_id,
    )


async def find_by_email(session: AsyncSession, email: str) -> Person | None:
    lookup = by_platform(_PEOPLE, "console", email)
    assert lookup is not None
    found = await session.scalars(lookup.query, lookup.params)
    return found.first()


async def find_by_platform(
    session: AsyncSession, platform: str, user_id: str, aad_object_id: str | None = None
) -> Person | None:
    """The person behind a platform user id; the console identifies people by email.

    In Teams a person is known by the channel's user id (29:...) or by their Entra object
    id, which is what HR exports from Entra: the org file's teams_user_id may be either,
    and a message carries both."""
    lookup = by_platform(_PEOPLE, platform, user_id, aad_object_id)
    if lookup is None:
        return None
    found = await session.scalars(lookup.query, lookup.params)
    return found.first()


@dataclass(frozen=True)
class Lookup:
    """A query narrowed to the person behind a chat account, and the values it takes."""

    query: Select[*tuple[Any, ...]]
    params: dict[str, Any]


def by_platform(
    query: Select[*tuple[Any, ...]],
    platform: str,
    user_id: str,
    aad_object_id: str | None = None,
) -> Lookup | None:
    """`query` narrowed to the active person behind a chat account (best match first);
    None for a platform whose accounts we do not link (see `find_by_platform`)."""
    if platform == "console":
        return Lookup(_narrowed(query, platform), {"user": user_id.strip().lower()})
    if platform not in _ACCOUNT_COLUMNS:
        return None
    ids = {user_id}
    if platform == "teams" and aad_object_id:
        ids.add(aad_object_id)
    return Lookup(_narrowed(query, platform), {"user": user_id, "ids": sorted(ids)})


_ACCOUNT_COLUMNS = {"slack": Person.slack_user_id, "teams": Person.teams_user_id}


@functools.cache
def _narrowed(query: Select[*tuple[Any, ...]], platform: str) -> Select[*tuple[Any, ...]]:
    """Built once per query and platform, its values bound at execution: building a
    statement and its cache key costs more than running this one."""
    if platform == "console":
        return query.where(Person.email == bindparam("user"), Person.active)
    column = _ACCOUNT_COLUMNS[platform]
    return query.where(column.in_(bindparam("ids", expanding=True)), Person.active).order_by(
        (column == bindparam("user")).desc()
    )


async def manager_of(session: AsyncSession, person: Person) -> Person | None:
    if person.manager_id is None:
        return None
    manager = await session.get(Person, person.manager_id)
    return manager if manager is not None and manager.active else None


async def reports_of(session: AsyncSession, manager: Person) -> list[Person]:
    found = await session.scalars(
        select(Person).where(Person.manager_id == manager.id, Person.active).order_by(Person.name)
    )
    return list(found)
