"""Finding people and describing them to dialogs and adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, overload

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person
from dialogs.messages import LOCALES, Locale, PersonRef


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
    found = await session.scalars(by_platform(select(Person), "console", email))
    return found.first()


async def find_by_platform(
    session: AsyncSession, platform: str, user_id: str, aad_object_id: str | None = None
) -> Person | None:
    """The person behind a platform user id; the console identifies people by email.

    In Teams a person is known by the channel's user id (29:...) or by their Entra object
    id, which is what HR exports from Entra: the org file's teams_user_id may be either,
    and a message carries both."""
    query = by_platform(select(Person), platform, user_id, aad_object_id)
    if query is None:
        return None
    found = await session.scalars(query)
    return found.first()


@overload
def by_platform(
    query: Select[*tuple[Any, ...]], platform: Literal["console"], user_id: str
) -> Select[*tuple[Any, ...]]: ...


@overload
def by_platform(
    query: Select[*tuple[Any, ...]],
    platform: str,
    user_id: str,
    aad_object_id: str | None = None,
) -> Select[*tuple[Any, ...]] | None: ...


def by_platform(
    query: Select[*tuple[Any, ...]],
    platform: str,
    user_id: str,
    aad_object_id: str | None = None,
) -> Select[*tuple[Any, ...]] | None:
    """`query` narrowed to the active person behind a chat account (best match first);
    None for a platform whose accounts we do not link (see `find_by_platform`)."""
    if platform == "console":
        return query.where(Person.email == user_id.strip().lower(), Person.active)
    column = {"slack": Person.slack_user_id, "teams": Person.teams_user_id}.get(platform)
    if column is None:
        return None
    ids = {user_id}
    if platform == "teams" and aad_object_id:
        ids.add(aad_object_id)
    return query.where(column.in_(ids), Person.active).order_by((column == user_id).desc())


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
