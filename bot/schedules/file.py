"""The schedules file HR maintains: read and checked, every problem at once with how to fix
it (applied to the database by store.py).

A schedule says which theme is asked of whom, how often and when. The file is the
source of truth for the schedules it names; schedules it does not name are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from bot.schedules.calendar import (
    CADENCES,
    is_valid_time,
    parse_day,
)
from bot.schedules.days_off import supported_countries
from dialogs.dates import DEFAULT_WORKING_DAYS, in_week_order, weekday
from dialogs.messages import LOCALES
from dialogs.validators import as_locale, is_email, is_time_zone

TOP_LEVEL_KEYS = ("defaults", "schedules")
DEFAULT_KEYS = ("timezone", "locale", "working_days", "holidays", "on_day_off")
DAY_OFF_RULES = ("next_working_day", "skip")
SCHEDULE_KEYS = (
    "id",
    "theme",
    "cadence",
    "day",
    "time",
    "audience",
    "timezone",
    "locale",
    "working_days",
    "grace",
    "remind_after",
    "holidays",
    "on_day_off",
    "active",
)
REQUIRED_KEYS = ("id", "theme", "cadence", "day", "time", "audience")
DEFAULT_GRACE_MINUTES = 12 * 60
# One reminder a day after the prompt, if it is still unanswered; `remind_after: off` turns it off.
DEFAULT_REMIND_MINUTES = 24 * 60
# A grace as long as the period would let one period's prompt overlap the next one's.
PERIOD_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28, "quarterly": 89}
MAX_ID_LENGTH = 100

_ID = re.compile(r"[a-z0-9_-]+")
_GRACE = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")


class ScheduleFileError(ValueError):
    """The schedules file has problems; `errors` holds each, naming schedule and field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(f"- {e}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ScheduleSpec:
    id: str
    theme: str
    cadence: str
    day: str
    time: str
    # {"all": True} | {"department": NAME} | {"emails": [lowercase addresses]}
    audience: dict[str, Any]
    timezone: str | None
    locale: str | None
    working_days: tuple[str, ...]
    grace_minutes: int
    active: bool
    remind_minutes: int | None
    # Public holidays of this country (ISO code) count as days off, like non-working days.
    holidays: str | None
    # What happens to a prompt due on a day off: it moves to the next working day, or is skipped.
    on_day_off: str


# --- reading the file -------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted 14:00 as the base-60 integer 840; keep it as written."""


def _int_or_clock_time(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return loader.construct_undefined(node)
    if ":" in node.value:
        return node.value
    return loader.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_clock_time)


def parse_schedules(text: str, themes: Collection[str]) -> list[ScheduleSpec]:
    """Validate a schedules file; raises ScheduleFileError listing every problem at once."""
    specs, errors = parse_file(text, themes)
    if errors:
        raise ScheduleFileError(errors)
    return specs


def parse_file(text: str, themes: Collection[str]) -> tuple[list[ScheduleSpec], list[str]]:
    """The valid schedules and the errors, so database checks can add to the same list."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return [], [_yaml_error(exc)]
    return parse_data(data, themes)


def parse_data(data: Any, themes: Collection[str]) -> tuple[list[ScheduleSpec], list[str]]:
    """The same checks for a file's contents already read, e.g. from a web form."""
    if not isinstance(data, Mapping):
        return [], ["the file must be a mapping with a 'schedules' list at the top"]
    errors = [
        f"unknown top-level key '{key}'; use {' and '.join(TOP_LEVEL_KEYS)}"
        for key in data
        if key not in TOP_LEVEL_KEYS
    ]
    defaults = _defaults(data.get("defaults"), errors)
    raw = data.get("schedules")
    if not isinstance(raw, list):
        errors.append("'schedules' must be a list of schedules, each starting with '- id: ...'")
        return [], errors
    specs = [_schedule(item, i, themes, defaults, errors) for i, item in enumerate(raw, 1)]
    valid = [s for s in specs if s is not None]
    errors += _duplicate_ids(raw)
    return valid, errors


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"not valid YAML: {problem}"
    return f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}"


def _duplicate_ids(raw: list[Any]) -> list[str]:
    seen: dict[str, list[int]] = {}
    for number, item in enumerate(raw, 1):
        sid = _id_text(item.get("id")) if isinstance(item, Mapping) else None
        if sid:
            seen.setdefault(sid, []).append(number)
    return [
        f"schedule '{sid}': id is used by schedules {', '.join(f'#{n}' for n in numbers)}; "
        "every id must be unique"
        for sid, numbers in seen.items()
        if len(numbers) > 1
    ]


@dataclass(frozen=True)
class _Defaults:
    timezone: str | None = None
    locale: str | None = None
    working_days: tuple[str, ...] = DEFAULT_WORKING_DAYS
    holidays: str | None = None
    on_day_off: str | None = None


def _defaults(raw: Any, errors: list[str]) -> _Defaults:
    if raw is None:
        return _Defaults()
    if not isinstance(raw, Mapping):
        errors.append(f"defaults must be a mapping of {', '.join(DEFAULT_KEYS)}")
        return _Defaults()
    fields = _Fields(raw, "defaults", errors)
    fields.check_keys(DEFAULT_KEYS)
    return _Defaults(
        timezone=fields.timezone(),
        locale=fields.locale(),
        working_days=fields.working_days() or DEFAULT_WORKING_DAYS,
        holidays=fields.holidays(),
        on_day_off=fields.on_day_off(),
    )


class _Fields:
    """One mapping from the file, with error collection under a readable label."""

    def __init__(self, raw: Any, label: str, errors: list[str]) -> None:
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.label = label
        self.errors = errors
        self.ok = True

    def error(self, message: str) -> None:
        self.errors.append(f"{self.label}: {message}")
        self.ok = False

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.raw:
            if key not in known:
                self.error(f"unknown field '{key}'; known fields are {', '.join(known)}")

    def timezone(self) -> str | None:
        value = self.raw.get("timezone")
        if value is None:
            return None
        if not isinstance(value, str) or not is_time_zone(value):
            self.error(
                f"timezone '{value}' is not an IANA time zone; use for example Europe/Amsterdam"
            )
            return None
        return value

    def locale(self) -> str | None:
        value = self.raw.get("locale")
        if value is None:
            return None
        locale = as_locale(value) if isinstance(value, str) else None
        if locale is None:
            self.error(f"locale '{value}' is not supported; use {' or '.join(LOCALES)}")
        return locale

    def holidays(self) -> str | None:
        value = self.raw.get("holidays")
        if value is None:
            return None
        code = str(value).upper()
        if code not in supported_countries():
            self.error(
                f"holidays '{value}' is not a supported country code; use an ISO code such as "
                "NL, BE or DE"
            )
            return None
        return code

    def on_day_off(self) -> str | None:
        value = self.raw.get("on_day_off")
        if value is None:
            return None
        if value not in DAY_OFF_RULES:
            self.error(f"on_day_off '{value}' must be {' or '.join(DAY_OFF_RULES)}")
            return None
        return str(value)

    def working_days(self) -> tuple[str, ...] | None:
        value = self.raw.get("working_days")
        if value is None:
            return None
        days = {_weekday(v) for v in value} if isinstance(value, list) else set()
        if not days or None in days:
            self.error(
                f"working_days {value!r} is not a list of weekdays; "
                "use for example [mon, tue, wed, thu, fri]"
            )
            return None
        return in_week_order(day for day in days if day is not None)


def _weekday(value: Any) -> str | None:
    return weekday(value) if isinstance(value, str) else None


def _schedule(
    raw: Any, number: int, themes: Collection[str], defaults: _Defaults, errors: list[str]
) -> ScheduleSpec | None:
    if not isinstance(raw, Mapping):
        errors.append(f"schedule #{number}: expected a mapping of fields like 'id: ...'")
        return None
    sid = _id_text(raw.get("id"))
    fields = _Fields(raw, f"schedule '{sid}'" if sid else f"schedule #{number}", errors)
    fields.check_keys(SCHEDULE_KEYS)
    for key in REQUIRED_KEYS:
        if raw.get(key) is None:
            fields.error(f"{key} is missing")
    if raw.get("id") is not None and (
        sid is None or _ID.fullmatch(sid) is None or len(sid) > MAX_ID_LENGTH
    ):
        fields.error(
            f"id '{raw.get('id')}' may only hold lowercase letters, digits, - and _ "
            f"(at most {MAX_ID_LENGTH}), for example workload-weekly"
        )
    theme = _theme(fields, themes)
    cadence = _cadence(fields)
    spec = ScheduleSpec(
        id=sid or "",
        theme=theme,
        cadence=cadence,
        day=_day(fields, cadence),
        time=_time(fields),
        audience=_audience(fields),
        timezone=fields.timezone() or defaults.timezone,
        locale=fields.locale() or defaults.locale,
        working_days=fields.working_days() or defaults.working_days,
        grace_minutes=_grace(fields, cadence),
        active=_active(fields),
        remind_minutes=_remind_after(fields, cadence),
        holidays=fields.holidays() or defaults.holidays,
        on_day_off=fields.on_day_off() or defaults.on_day_off or DAY_OFF_RULES[0],
    )
    return spec if fields.ok else None


def _id_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    # An unquoted numeric id is still a fine name.
    return str(value) if isinstance(value, str | int) else None


def _theme(fields: _Fields, themes: Collection[str]) -> str:
    value = fields.raw.get("theme")
    if value is None:
        return ""
    if not isinstance(value, str) or value not in themes:
        known = ", ".join(sorted(themes)) or "none loaded"
        fields.error(f"theme '{value}' is unknown (known: {known})")
        return ""
    return str(value)


def _cadence(fields: _Fields) -> str:
    value = fields.raw.get("cadence")
    if value is None:
        return ""
    if value not in CADENCES:
        fields.error(f"cadence '{value}' is unknown; use one of {', '.join(CADENCES)}")
        return ""
    return str(value)


def _day(fields: _Fields, cadence: str) -> str:
    value = fields.raw.get("day")
    if value is None or not cadence:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        fields.error(f"day {value!r} is not a weekday or a day number; use for example thu")
        return ""
    try:
        return parse_day(cadence, str(value))
    except ValueError as exc:
        fields.error(str(exc))
        return ""


def _time(fields: _Fields) -> str:
    value = fields.raw.get("time")
    if value is None:
        return ""
    if not isinstance(value, str):
        fields.error(f'time {value!r} is not a time of day; use HH:MM in quotes, like "14:00"')
        return ""
    text = value.strip()
    # "9:00" is clear enough; store it the one way the rest of the bot reads times.
    if re.fullmatch(r"\d:\d\d", text):
        text = f"0{text}"
    if not is_valid_time(text):
        fields.error(f"time '{value}' is not a time of day; use HH:MM, for example 14:00")
        return ""
    return text


def _audience(fields: _Fields) -> dict[str, Any]:
    value = fields.raw.get("audience")
    if value is None:
        return {}
    if value == "all":
        return {"all": True}
    if isinstance(value, Mapping) and len(value) == 1:
        if "department" in value:
            name = value["department"]
            if isinstance(name, str) and name.strip():
                return {"department": name.strip()}
        if "emails" in value:
            emails = _emails(value["emails"])
            if emails:
                return {"emails": emails}
            fields.error(
                "audience emails must be a non-empty list of addresses, "
                "for example {emails: [anna@example.com]}"
            )
            return {}
    fields.error(
        f"audience {value!r} is not understood; use all, {{department: NAME}} "
        "or {emails: [ADDRESS, ...]}"
    )
    return {}


def _emails(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        return []
    if not all(isinstance(v, str) and is_email(v.strip()) for v in value):
        return []
    # People are stored by lowercase address; keep the file's order, drop repeats.
    return list(dict.fromkeys(v.strip().lower() for v in value))


def _duration(fields: _Fields, key: str, default: int, cadence: str) -> int:
    """A duration like 12h, 90m or 2d, shorter than one period of the cadence."""
    value = fields.raw.get(key)
    if value is None:
        return default
    match = _GRACE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        fields.error(
            f"{key} {value!r} is not a duration; use a number with d, h or m, "
            "for example 12h, 90m or 2d"
        )
        return default
    days, hours, minutes = (int(g or 0) for g in match.groups())
    total = days * 24 * 60 + hours * 60 + minutes
    limit_days = PERIOD_DAYS.get(cadence)
    if total == 0:
        fields.error(f"{key} '{value}' is zero; use a positive duration like 12h")
    elif limit_days is not None and total >= limit_days * 24 * 60:
        fields.error(
            f"{key} '{value}' would overlap the next {cadence} period; use less than {limit_days}d"
        )
    return total


def _grace(fields: _Fields, cadence: str) -> int:
    return _duration(fields, "grace", DEFAULT_GRACE_MINUTES, cadence)


def _remind_after(fields: _Fields, cadence: str) -> int | None:
    if fields.raw.get("remind_after") in ("off", False):
        return None
    return _duration(fields, "remind_after", DEFAULT_REMIND_MINUTES, cadence)


def _active(fields: _Fields) -> bool:
    value = fields.raw.get("active", True)
    if not isinstance(value, bool):
        fields.error(f"active {value!r} must be true or false")
        return True
    return value


# --- the database -----------------------------------------------------------------------
