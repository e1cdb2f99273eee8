"""The attention budget: how many prompts of its own a person gets in a month, and the
agreement follow-up questions that ride along with a check-in instead of arriving alone.

A separate prompt is a message that asks for the person's attention on its own: a
check-in prompt that opens a conversation, a follow-up question sent by itself, a review
brief (each copy, to the employee and to the manager). Not counted: a check-in asked right
after another one in the same conversation (`along`), a follow-up question asked at the end
of a check-in, a reminder of a check-in already counted, and check-ins the person starts.

The rule, per person and calendar month in the person's time zone, with a cap of N
(`JAARROND_MAX_PROMPTS_PER_MONTH`, 0: no cap):

1. A follow-up question waits for the person's check-in that is open, or due within its
   window (a week for a monthly agreement, two for a quarterly one), and is asked right
   after that check-in is completed. If none comes, it goes alone at the end of the window.
2. Follow-up questions and review briefs are never deferred: they go first.
3. When check-ins fall due, they are ordered by the theme asked longest ago: by its rhythm,
   the one whose previous check-in lies furthest back (quarterly before monthly before
   weekly). The first is a prompt of its own if the month still has room for it and for
   the check-ins of themes asked longer ago that are still to come this month; the others
   are asked right after it (merged). A check-in due while another of the person's check-ins
   waits or is open is merged behind that one and costs nothing.
4. A check-in that does not fit is deferred: recorded with the status `deferred`, not sent;
   its theme comes again in its next period.

The planner (bot/delivery/planner.py) applies 3 and 4 per batch with one grouped query for
the month's counts; bot/agreements/ride_along.py applies 1 (when follow-ups are planned,
when the dispatcher is about to send one, and when a check-in ends).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedules.days_off import next_send
from bot.storage.agreement_models import AgreementFollowUp
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import Occurrence, Person, Schedule, UTCDateTime

ALONE, ALONG = "alone", "along"
# How long a follow-up question waits for a check-in to ride along with.
RIDE_WINDOW = {"monthly": timedelta(days=7), "quarterly": timedelta(days=14)}
DEFAULT_RIDE_WINDOW = timedelta(days=7)
# Days between two check-ins of a rhythm: a check-in due at T was asked last at T minus this.
INTERVAL_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30, "quarterly": 91}
# An open check-in untouched this long gives way to the next prompt that falls due
# (checkins.py); a new check-in is not merged behind it, a follow-up does not wait for it.
ABANDONED_AFTER = timedelta(hours=24)
# Check-ins a new one is asked right after: not sent yet, or held behind an open one.
WAITING = ("planned", "queued")


def month_of(moment: datetime, zone: str) -> tuple[datetime, datetime]:
    """The calendar month of `moment` in `zone`, as UTC start and end."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    start = datetime(local.year, local.month, 1, tzinfo=tz)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    end = datetime(year, month, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_asked(due: datetime, cadence: str) -> datetime:
    """When a check-in due at `due` was asked before, by its rhythm: the priority key."""
    return due - timedelta(days=INTERVAL_DAYS.get(cadence, 7))


def ride_window(cadence: str) -> timedelta:
    return RIDE_WINDOW.get(cadence, DEFAULT_RIDE_WINDOW)


# ---- the month's count ------------------------------------------------------------------


async def month_counts(
    session: AsyncSession,
    months: Mapping[str, tuple[datetime, datetime]],
    default_zone: str,
    now: datetime,
    person_id: int | None = None,
) -> dict[int, tuple[int, bool]]:
    """Per person of the given zones (or only `person_id`): the separate prompts of their
    month (sent, or planned to go alone) and whether a check-in of theirs waits or is open
    (a new one is merged behind it). One grouped statement over check-ins, follow-up
    questions and briefs."""
    if not months:
        return {}
    stamp = UTCDateTime()
    since = literal(min(start for start, _ in months.values()), stamp)
    counted = case(
        (Occurrence.asked == ALONE, 1),
        (and_(Occurrence.asked.is_(None), Occurrence.status == "planned"), 1),
        else_=0,
    )
    recent = Occurrence.opened_at > literal(now - ABANDONED_AFTER, stamp)
    waiting = case(
        (Occurrence.status.in_(WAITING), 1),
        (and_(Occurrence.status == "open", recent), 1),
        else_=0,
    )
    checkins = select(
        Occurrence.person_id.label("person_id"),
        Occurrence.due_at.label("at"),
        counted.label("n"),
        waiting.label("w"),
    ).where(or_(Occurrence.due_at >= since, Occurrence.status.in_((*WAITING, "open"))))
    follow_ups = select(
        AgreementFollowUp.party_id, AgreementFollowUp.asked_at, literal(1), literal(0)
    ).where(AgreementFollowUp.asked == ALONE, AgreementFollowUp.asked_at >= since)
    briefs = [
        select(reader, ReviewBriefSent.sent_at, literal(1), literal(0)).where(
            ReviewBriefSent.sent_at >= since
        )
        for reader in (ReviewBriefSent.person_id, ReviewBriefSent.manager_id)
    ]
    if person_id is not None:
        checkins = checkins.where(Occurrence.person_id == person_id)
        follow_ups = follow_ups.where(AgreementFollowUp.party_id == person_id)
        briefs = [
            briefs[0].where(ReviewBriefSent.person_id == person_id),
            briefs[1].where(ReviewBriefSent.manager_id == person_id),
        ]
    sources = union_all(checkins, follow_ups, *briefs).subquery("prompts")
    zone = func.coalesce(Person.timezone, default_zone)
    start = case(*((zone == z, literal(s, stamp)) for z, (s, _) in months.items()))
    end = case(*((zone == z, literal(e, stamp)) for z, (_, e) in months.items()))
    in_month = and_(sources.c.at >= start, sources.c.at < end)
    rows = await session.execute(
        select(
            sources.c.person_id,
            func.sum(case((in_month, sources.c.n), else_=0)),
            func.max(sources.c.w),
        )
        .join(Person, Person.id == sources.c.person_id)
        .where(zone.in_(list(months)))
        .group_by(sources.c.person_id)
    )
    return {person: (int(n or 0), bool(w)) for person, n, w in rows}


@dataclass(frozen=True)
class MonthSummary:
    """A person's month under the budget, for their home view."""

    separate: int
    along: int
    # (theme, period) of the check-ins deferred this month
    deferred: tuple[tuple[str, str], ...]


async def month_summary(
    session: AsyncSession, person: Person, zone: str, now: datetime
) -> MonthSummary:
    start, end = month_of(now, zone)
    counts = await month_counts(session, {zone: (start, end)}, zone, now, person.id)
    in_month = and_(Occurrence.due_at >= start, Occurrence.due_at < end)
    along = await session.scalar(
        select(func.count()).where(
            Occurrence.person_id == person.id, Occurrence.asked == ALONG, in_month
        )
    )
    along_follow_ups = await session.scalar(
        select(func.count()).where(
            AgreementFollowUp.party_id == person.id,
            AgreementFollowUp.asked == ALONG,
            AgreementFollowUp.asked_at >= start,
            AgreementFollowUp.asked_at < end,
        )
    )
    deferred = await session.execute(
        select(Occurrence.theme, Occurrence.period)
        .where(Occurrence.person_id == person.id, Occurrence.status == "deferred", in_month)
        .order_by(Occurrence.due_at)
    )
    return MonthSummary(
        separate=counts.get(person.id, (0, False))[0],
        along=int(along or 0) + int(along_follow_ups or 0),
        deferred=tuple((theme, period) for theme, period in deferred),
    )


# ---- planning ---------------------------------------------------------------------------


class Upcoming:
    """The check-ins of a schedule still to come in a month, per zone and working week:
    worked out once per group of people, not per person."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._slots: dict[tuple[str, str, tuple[str, ...], datetime], list[datetime]] = {}

    def slots(
        self, schedule: Schedule, zone: str, days: Sequence[str] | None, until: datetime
    ) -> list[datetime]:
        key = (schedule.id, zone, tuple(days or ()), until)
        found = self._slots.get(key)
        if found is None:
            found = []
            after = self.now
            while True:
                slot = next_send(schedule, ZoneInfo(zone), after, days)
                if slot is None or slot.due_utc >= until:
                    break
                found.append(slot.due_utc)
                after = slot.due_utc
            self._slots[key] = found
        return found

    def reserved(
        self,
        schedules: Sequence[tuple[Schedule, str, Sequence[str] | None]],
        key: datetime,
        until: datetime,
    ) -> int:
        """How many moments this month check-ins of themes asked before `key` still come:
        the room they keep (several at one moment are one prompt)."""
        moments = {
            due
            for schedule, zone, days in schedules
            for due in self.slots(schedule, zone, days, until)
            if last_asked(due, schedule.cadence) < key
        }
        return len(moments)
