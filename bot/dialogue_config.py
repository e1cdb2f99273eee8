"""Settings of the manager digest and the review brief (part of the validated settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from dialogs.dates import WEEKDAYS


@dataclass(frozen=True)
class DialogueSettings:
    # The weekly digest: weekday (0 = Monday) and local time of each manager; None: off.
    digest_weekday: int | None = 0
    digest_time: time = time(9, 0)
    # More direct reports than this is flagged: too many for a real dialogue with each.
    span_of_control: int = 12
    # Figures about individuals (who did not answer, answer times): only with the works
    # council's consent, so off unless explicitly switched on.
    monitoring: bool = False
    # The review brief goes out this many days before the first day of the review month.
    brief_days_before: int = 14


def _digest_schedule(text: str, problems: list[str]) -> tuple[int | None, time]:
    """`mon 09:00` (weekday and local time) or `off`."""
    if text.lower() == "off":
        return None, time(9, 0)
    day, _, clock = text.lower().partition(" ")
    hours, _, minutes = clock.strip().partition(":")
    valid = day in WEEKDAYS and hours.isdigit() and minutes.isdigit()
    if valid and int(hours) < 24 and int(minutes) < 60:
        return WEEKDAYS.index(day), time(int(hours), int(minutes))
    problems.append(
        f"JAARROND_DIGEST_SCHEDULE must be a weekday and a local time such as 'mon 09:00', "
        f"or 'off'; not '{text}'"
    )
    return 0, time(9, 0)


def _count(env: Mapping[str, str], name: str, default: int, low: int, problems: list[str]) -> int:
    text = env.get(name, str(default)).strip()
    if text.isdigit() and int(text) >= low:
        return int(text)
    problems.append(f"{name} must be a whole number of at least {low}, not '{text}'")
    return default


def load_dialogue_settings(env: Mapping[str, str], problems: list[str]) -> DialogueSettings:
    """Read and check the settings; every problem is added to `problems`."""
    weekday, at = _digest_schedule(
        env.get("JAARROND_DIGEST_SCHEDULE", "mon 09:00").strip(), problems
    )
    monitoring_text = env.get("JAARROND_MONITORING", "off").strip().lower()
    if monitoring_text not in ("on", "off"):
        problems.append(
            "JAARROND_MONITORING must be 'on' or 'off' (on needs works-council consent)"
        )
    return DialogueSettings(
        digest_weekday=weekday,
        digest_time=at,
        span_of_control=_count(env, "JAARROND_SPAN_OF_CONTROL", 12, 1, problems),
        monitoring=monitoring_text == "on",
        brief_days_before=_count(env, "JAARROND_BRIEF_DAYS_BEFORE", 14, 0, problems),
    )
