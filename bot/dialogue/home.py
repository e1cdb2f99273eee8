"""A person's home view: what comes next, what they gave, and what their role adds."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.service import AgreementService
from bot.checkins.budget import MonthSummary, month_summary
from bot.checkins.pauses import is_paused
from bot.dialogue import drift
from bot.dialogue.digests import DIGEST_WINDOW, shared_answers
from bot.dialogue.topics import open_topics
from bot.org.people import Defaults, person_ref, reports_of
from bot.privacy.audit import record_team_view
from bot.schedules.audience import in_audience
from bot.schedules.days_off import next_send
from bot.storage.models import Answer, Department, Occurrence, Person, Schedule
from dialogs.agreement_texts import ta
from dialogs.agreements import attention_lines
from dialogs.banks import Bank
from dialogs.dates import local_day
from dialogs.digest_texts import td
from dialogs.drift import home_lines
from dialogs.home import HomeSection, HomeView
from dialogs.messages import Locale, PersonRef
from dialogs.texts import format_day, format_moment, t

RECENT_ANSWERS = 10


async def build_home(
    session: AsyncSession,
    person: Person,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> HomeView:
    ref = person_ref(person, defaults)
    loc = ref.locale
    schedules = list(await session.scalars(select(Schedule)))
    sections = [
        await _next_checkins(
            session, person, ref, schedules, now, banks, defaults.max_prompts_per_month
        ),
        await _recent_answers(session, person, banks, loc),
        await _topics(session, person, loc),
    ]
    # A lasting change in their shared answers: shown here before their manager reads it.
    drifted = await drift.for_person(session, person, banks, loc, now)
    if drifted:
        sections.append(HomeSection(td("drift.home", loc), home_lines(drifted, loc)))
    open_section = await _open_checkin(session, person, banks, loc)
    if open_section is not None:
        sections.insert(0, open_section)
    reports = await reports_of(session, person)
    if reports:
        sections.append(await _team(session, reports, now, banks, loc))
        await record_team_view(session, person, "home_team", now, viewer_id=person.id)
    agreements = AgreementService(defaults)
    attention = await agreements.attention_for_employee(session, person, now)
    if reports:
        attention += await agreements.attention_for_manager(session, person, now)
    sections.append(
        HomeSection(
            ta("attention.title", loc), attention_lines(attention, loc), ta("attention.none", loc)
        )
    )
    if person.is_hr:
        sections.append(_schedules(schedules, ref, now))
    actions = tuple((f"checkin {theme}", banks[theme].title(loc)) for theme in sorted(banks))
    actions += (("coach", t("home.coach", loc)), ("export", t("home.export", loc)))
    return HomeView(ref, t("home.title", loc), tuple(sections), actions)


async def _next_checkins(
    session: AsyncSession,
    person: Person,
    ref: PersonRef,
    schedules: list[Schedule],
    now: datetime,
    banks: dict[str, Bank],
    cap: int,
) -> HomeSection:
    loc = ref.locale
    departments = {d.id: d.name for d in await session.scalars(select(Department))}
    upcoming = []
    for schedule in schedules:
        if not schedule.active or schedule.theme not in banks:
            continue
        if not in_audience(person, schedule.audience, departments):
            continue
        zone = ZoneInfo(person.timezone or schedule.timezone or ref.timezone)
        slot = next_send(schedule, zone, _sends_from(person, zone, now), person.working_days)
        if slot is not None:
            upcoming.append((slot.due_utc, banks[schedule.theme].title(loc), slot.local_due))
    lines = tuple(f"{title}: {format_moment(local, loc)}" for _, title, local in sorted(upcoming))
    if is_paused(person, local_day(now, ref.timezone)):
        assert person.paused_until is not None
        lines = (t("home.paused", loc, date=format_day(person.paused_until, loc)), *lines)
    if cap > 0:
        lines += _budget_line(
            await month_summary(session, person, ref.timezone, now), cap, banks, loc
        )
    return HomeSection(t("home.next", loc), lines, t("home.next_none", loc))


def _budget_line(
    month: MonthSummary, cap: int, banks: dict[str, Bank], loc: Locale
) -> tuple[str, ...]:
    """What the attention budget merged or deferred this month, if anything."""
    if not month.along and not month.deferred:
        return ()
    deferred = ", ".join(
        f"{banks[theme].title(loc) if theme in banks else theme} ({period})"
        for theme, period in month.deferred
    )
    return (
        t(
            "home.budget",
            loc,
            separate=month.separate,
            cap=cap,
            along=month.along,
            deferred=deferred or t("home.budget_none", loc),
        ),
    )


def _sends_from(person: Person, zone: ZoneInfo, now: datetime) -> datetime:
    """From when check-ins reach this person: a check-in due on a day of their pause is
    recorded, not sent, so the first one sent falls on the day the pause ends or later."""
    if person.paused_until is None:
        return now
    ends = datetime.combine(person.paused_until, time(), tzinfo=zone)
    # next_send looks strictly after its moment; a check-in at midnight that day counts.
    return max(now, ends - timedelta(microseconds=1))


async def _open_checkin(
    session: AsyncSession, person: Person, banks: dict[str, Bank], loc: Locale
) -> HomeSection | None:
    found = await session.scalars(
        select(Occurrence).where(Occurrence.person_id == person.id, Occurrence.status == "open")
    )
    occurrence = found.first()
    if occurrence is None or occurrence.theme not in banks:
        return None
    line = t(
        "home.open_line",
        loc,
        theme=banks[occurrence.theme].title(loc),
        n=min(occurrence.position + 1, len(occurrence.question_ids)),
        total=len(occurrence.question_ids),
    )
    return HomeSection(t("home.open", loc), (line,))


async def _recent_answers(
    session: AsyncSession, person: Person, banks: dict[str, Bank], loc: Locale
) -> HomeSection:
    """The person's own answers, private ones included: this view is only theirs."""
    found = await session.scalars(
        select(Answer)
        .where(Answer.person_id == person.id)
        .order_by(Answer.answered_at.desc(), Answer.id.desc())
        .limit(RECENT_ANSWERS)
    )
    lines = []
    for answer in found:
        bank = banks.get(answer.theme)
        try:
            question = bank.question(answer.question_id) if bank else None
        except KeyError:
            question = None
        prompt = question.text(loc) if question else answer.question_id
        shown = question.label_of(answer.value, loc) if question else answer.value
        visibility = t(f"home.visibility.{answer.visibility}", loc)
        lines.append(f"{prompt} {shown} ({visibility})")
    return HomeSection(t("home.answers", loc), tuple(lines), t("home.answers_none", loc))


async def _topics(session: AsyncSession, person: Person, loc: Locale) -> HomeSection:
    topics = await open_topics(session, [person.id])
    return HomeSection(
        t("home.topics", loc), tuple(topic.text for topic in topics), t("home.topics_none", loc)
    )


async def _team(
    session: AsyncSession,
    reports: list[Person],
    now: datetime,
    banks: dict[str, Bank],
    loc: Locale,
) -> HomeSection:
    """Counts only, from what reports shared; the digest has the detail."""
    ids = [r.id for r in reports]
    shared = await shared_answers(session, ids, now - DIGEST_WINDOW, banks)
    answers = Counter(a.person_id for a in shared)
    topics = Counter(topic.person_id for topic in await open_topics(session, ids))
    lines = tuple(
        t("home.team_line", loc, name=r.name, answers=answers[r.id], topics=topics[r.id])
        for r in reports
    )
    return HomeSection(t("home.team", loc), lines)


def _schedules(schedules: list[Schedule], ref: PersonRef, now: datetime) -> HomeSection:
    """Each schedule's next run in its own zone (else the reader's) for its working week;
    the admin console lists it per recipients' zone and working week."""
    loc = ref.locale
    lines = []
    for schedule in sorted(schedules, key=lambda s: s.id):
        zone = ZoneInfo(schedule.timezone or ref.timezone)
        slot = next_send(schedule, zone, now) if schedule.active else None
        state = t("home.active" if schedule.active else "home.inactive", loc)
        upcoming = format_moment(slot.local_due, loc) if slot is not None else "-"
        lines.append(
            t(
                "home.schedule_line",
                loc,
                id=schedule.id,
                theme=schedule.theme,
                cadence=schedule.cadence,
                state=state,
                next=upcoming,
            )
        )
    return HomeSection(t("home.schedules", loc), tuple(lines), t("home.schedules_none", loc))
