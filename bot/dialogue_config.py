"""Settings of the manager digest and the review brief (part of the validated settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import NamedTuple

from bot.setting import Invalid, Kind, switch, variable, whole
from dialogs.dates import WEEKDAYS


class DigestSchedule(NamedTuple):
    """Weekday (0 = Monday) and local time of each manager's digest; weekday None: off."""

    weekday: int | None
    at: time


def _digest_schedule(text: str) -> DigestSchedule:
    """`mon 09:00` (weekday and local time) or `off`."""
    if text.lower() == "off":
        return DigestSchedule(None, time(9, 0))
    day, _, clock = text.lower().partition(" ")
    hours, _, minutes = clock.strip().partition(":")
    valid = day in WEEKDAYS and hours.isdigit() and minutes.isdigit()
    if valid and int(hours) < 24 and int(minutes) < 60:
        return DigestSchedule(WEEKDAYS.index(day), time(int(hours), int(minutes)))
    raise Invalid(f"must be a weekday and a local time such as 'mon 09:00', or 'off'; not '{text}'")


def _show_schedule(schedule: DigestSchedule) -> str:
    if schedule.weekday is None:
        return "off"
    return f"{WEEKDAYS[schedule.weekday]} {schedule.at:%H:%M}"


@dataclass(frozen=True)
class DialogueSettings:
    """The manager digest and the review brief"""

    digest: DigestSchedule = field(
        default=DigestSchedule(0, time(9, 0)),
        metadata=variable(
            "JAARROND_DIGEST_SCHEDULE",
            "when managers get their weekly digest, in their own time zone: e.g. mon 09:00, or off",
            Kind(_digest_schedule, _show_schedule),
        ),
    )
    # Figures about individuals (who did not answer, answer times): only with the works
    # council's consent, so off unless explicitly switched on.
    monitoring: bool = field(
        default=False,
        metadata=variable(
            "JAARROND_MONITORING",
            "off | on: who did not answer and answer times in the digest "
            "(on needs the works council's consent)",
            switch(("on",), ("off",)),
        ),
    )
    # More direct reports than this is flagged: too many for a real dialogue with each.
    span_of_control: int = field(
        default=12,
        metadata=variable(
            "JAARROND_SPAN_OF_CONTROL",
            "the digest flags a manager with more reports than this",
            whole(1, 1_000_000, "a whole number of at least 1"),
        ),
    )
    # The review brief goes out this many days before the first day of the review month.
    brief_days_before: int = field(
        default=14,
        metadata=variable(
            "JAARROND_BRIEF_DAYS_BEFORE",
            "days before the review month that both receive the brief",
            whole(0, 1_000_000, "a whole number of at least 0"),
        ),
    )

    @property
    def digest_weekday(self) -> int | None:
        return self.digest.weekday

    @property
    def digest_time(self) -> time:
        return self.digest.at
