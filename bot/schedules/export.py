"""Schedules back into the YAML `schedules apply` reads, so the file can live in version
control and a round trip changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from bot.schedules.file import DEFAULT_GRACE_MINUTES, DEFAULT_REMIND_MINUTES, ScheduleSpec

HEADER = "# Check-in schedules; apply with: jaarrond schedules apply FILE\n"


def duration_text(minutes: int) -> str:
    """90 -> '1h30m', 2880 -> '2d': the spelling the schedules file takes."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return "".join(parts) or "0m"


def spec_to_raw(spec: ScheduleSpec) -> dict[str, Any]:
    """One schedule as the file's mapping; defaults are left out to keep the file short."""
    audience: Any = "all" if spec.audience.get("all") else dict(spec.audience)
    raw: dict[str, Any] = {
        "id": spec.id,
        "theme": spec.theme,
        "cadence": spec.cadence,
        "day": spec.day,
        "time": spec.time,
        "audience": audience,
    }
    optional: dict[str, Any] = {
        "timezone": spec.timezone,
        "locale": spec.locale,
        "working_days": list(spec.working_days),
        "grace": duration_text(spec.grace_minutes)
        if spec.grace_minutes != DEFAULT_GRACE_MINUTES
        else None,
        "remind_after": "off"
        if spec.remind_minutes is None
        else duration_text(spec.remind_minutes)
        if spec.remind_minutes != DEFAULT_REMIND_MINUTES
        else None,
        "holidays": spec.holidays,
        "on_day_off": spec.on_day_off if spec.on_day_off != "next_working_day" else None,
        "active": False if not spec.active else None,
    }
    raw.update({key: value for key, value in optional.items() if value is not None})
    return raw


class _Dumper(yaml.SafeDumper):
    """Times quoted, so YAML 1.1 readers never see 14:00 as a number."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if ":" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def export_yaml(specs: Sequence[ScheduleSpec]) -> str:
    body = {"schedules": [spec_to_raw(spec) for spec in specs]}
    return HEADER + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
