"""A schedule as a web form: form fields to the schedules file's mapping and back, and the
first message as each locale receives it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from bot.schedules.export import spec_to_raw
from bot.schedules.file import ScheduleSpec
from bot.storage.database import Database
from bot.storage.models import Department
from dialogs import checkin
from dialogs.banks import Bank
from dialogs.dates import DEFAULT_WORKING_DAYS, WEEKDAYS
from dialogs.messages import LOCALES, Locale, Outbound, PersonRef

# Optional text fields: left out of the mapping when empty, so the file's defaults apply.
OPTIONAL = ("timezone", "locale", "grace", "remind_after", "holidays", "on_day_off")


def form_to_raw(form: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping `schedules apply` reads for one schedule, from the form's fields.

    Values stay the strings typed, so the file's checks report them with the file's words.
    """
    raw: dict[str, Any] = {
        key: str(form.get(key, "")).strip() for key in ("id", "theme", "cadence", "day", "time")
    }
    raw = {key: value for key, value in raw.items() if value}
    kind = str(form.get("audience", "all"))
    if kind == "department":
        raw["audience"] = {"department": str(form.get("department", "")).strip()}
    elif kind == "emails":
        emails = [e.strip() for e in str(form.get("emails", "")).splitlines() if e.strip()]
        raw["audience"] = {"emails": emails}
    else:
        raw["audience"] = "all"
    for key in OPTIONAL:
        value = str(form.get(key, "")).strip()
        if value:
            raw[key] = value
    days = [d for d in WEEKDAYS if form.get(f"day_{d}")]
    raw["working_days"] = days
    raw["active"] = bool(form.get("active"))
    return raw


def raw_to_form(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for a stored schedule (or a refused form, shown again)."""
    audience = raw.get("audience", "all")
    values: dict[str, Any] = {
        key: str(raw.get(key, "") or "")
        for key in ("id", "theme", "cadence", "day", "time", *OPTIONAL)
    }
    values["audience"] = "all"
    values["department"] = ""
    values["emails"] = ""
    if isinstance(audience, Mapping) and "department" in audience:
        values["audience"] = "department"
        values["department"] = str(audience["department"])
    elif isinstance(audience, Mapping) and "emails" in audience:
        values["audience"] = "emails"
        values["emails"] = "\n".join(str(e) for e in audience["emails"])
    days = raw.get("working_days")
    values["working_days"] = list(days) if isinstance(days, list) else list(DEFAULT_WORKING_DAYS)
    values["active"] = bool(raw.get("active", True))
    return values


def spec_form(spec: ScheduleSpec) -> dict[str, Any]:
    raw = spec_to_raw(spec)
    raw.setdefault("active", spec.active)
    return raw_to_form(raw)


def empty_form(themes: Sequence[str]) -> dict[str, Any]:
    return raw_to_form({"theme": themes[0] if themes else "", "cadence": "weekly", "active": True})


async def departments(db: Database) -> list[str]:
    async with db.session() as session:
        return sorted(await session.scalars(select(Department.name)))


def previews(bank: Bank, sample_name: Mapping[Locale, str]) -> list[tuple[Locale, Outbound]]:
    """The first message of this theme's check-in, built by the check-in dialog itself."""
    state = checkin.CheckinState(0, bank.theme, tuple(q.question_id for q in bank.questions))
    out = []
    for locale in LOCALES:
        person = PersonRef(0, "", sample_name[locale], locale, "Europe/Amsterdam")
        ctx = checkin.Context(person=person, bank=bank, manager_name=None)
        out.append((locale, checkin.prompt(state, ctx)))
    return out
