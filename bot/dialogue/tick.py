"""The tick's dialogue work: the weekly manager digests, the review briefs before each
review month and the invitation to draft the new third contract once it starts, queued in
the outbox for the dispatcher. Safe to run on every tick and on several instances: UNIQUE
keys decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.dialogs import suggested_drafter
from bot.delivery import notices
from bot.dialogue.brief_files import BriefKey
from bot.dialogue.digests import review_start, team_digests
from bot.dialogue.notices import notice
from bot.dialogue.review_brief import build_briefs, local_midnight
from bot.dialogue_config import DialogueSettings
from bot.org.people import Defaults, person_ref
from bot.privacy import audit
from bot.storage.database import Database
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import OutboxKind, Person
from bot.storage.sql import insert_new
from dialogs.banks import Bank
from dialogs.brief import COPIES, summary
from dialogs.dates import local_day
from dialogs.digest import render_digest
from dialogs.digest_texts import td
from dialogs.messages import Outbound

# A digest goes out this long after its moment at the latest; after downtime the week's
# digest is skipped rather than sent stale (the next one follows a week later).
DIGEST_GRACE = timedelta(hours=12)
BRIEF_TIME_HOUR = 9
# Digests are read for this many managers at once: a few queries per batch, not per manager.
DIGEST_BATCH = 100
# A tick does at most this much, so check-ins are never held up; the rest follows a minute
# later (digests have 12 hours, briefs days).
DIGESTS_PER_TICK = 1000
BRIEFS_PER_TICK = 100
# An invitation that could not go out this long after the review month began is dropped.
INVITE_GRACE = timedelta(days=31)


@dataclass
class DialogueReport:
    """What one tick queued (the dispatcher sends it)."""

    digests: int = 0
    briefs: int = 0
    invitations: int = 0


def digest_moment(
    now: datetime, timezone: str, settings: DialogueSettings
) -> tuple[date, datetime]:
    """This week's digest day and moment in the manager's own time zone."""
    assert settings.digest_weekday is not None
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    day = today - timedelta(days=(today.weekday() - settings.digest_weekday) % 7)
    return day, datetime.combine(day, settings.digest_time, tzinfo=zone).astimezone(UTC)


async def digest_tick(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    settings: DialogueSettings,
    report: DialogueReport,
) -> None:
    if settings.digest_weekday is None:
        return
    # Every minute: the managers' ids and zones only; the moment is worked out per zone.
    async with db.session() as session:
        has_reports = select(Person.manager_id).where(Person.active, Person.manager_id.is_not(None))
        managers = await session.execute(
            select(Person.id, Person.timezone).where(Person.active, Person.id.in_(has_reports))
        )
        moments: dict[str, tuple[date, datetime]] = {}
        due: dict[str, int] = {}
        ends: dict[str, datetime] = {}
        for manager_id, zone in managers:
            zone = zone or defaults.timezone
            if zone not in moments:
                moments[zone] = digest_moment(now, zone, settings)
            day, moment = moments[zone]
            if moment <= now < moment + DIGEST_GRACE:
                key = f"digest.{manager_id}.{day.isoformat()}"
                due[key], ends[key] = manager_id, moment + DIGEST_GRACE
        sent = await notices.existing_keys(session, list(due))
    waiting = [(key, m) for key, m in due.items() if key not in sent][:DIGESTS_PER_TICK]
    for start in range(0, len(waiting), DIGEST_BATCH):
        batch = waiting[start : start + DIGEST_BATCH]
        async with db.session() as session:
            people = {
                p.id: p
                for p in await session.scalars(
                    select(Person).where(Person.id.in_([m for _, m in batch]))
                )
            }
            refs = [person_ref(people[m], defaults) for _, m in batch]
            digests = await team_digests(
                session,
                [(people[m], ref.locale) for (_, m), ref in zip(batch, refs, strict=True)],
                now,
                banks,
                defaults,
                settings,
            )
            messages = []
            for (key, manager_id), ref, digest in zip(batch, refs, digests, strict=True):
                title, body = render_digest(digest, ref.locale)
                out = Outbound(ref, body, title)
                messages.append(notice(manager_id, key, OutboxKind.DIGEST, out, ends[key]))
            report.digests += await notices.queue(session, messages, now)


def _brief_window(
    review_month: int | None, timezone: str, now: datetime, settings: DialogueSettings
) -> date | None:
    """The review month's first day when its brief is due now: from N days before it (at
    09:00 local) until the month begins."""
    today = local_day(now, timezone)
    start = review_start(review_month, today)
    if start is None:
        return None
    send_day = start - timedelta(days=settings.brief_days_before)
    opens = local_midnight(send_day, timezone) + timedelta(hours=BRIEF_TIME_HOUR)
    return start if opens <= now < local_midnight(start, timezone) else None


def _months_ahead(now: datetime, days: int) -> list[int]:
    """The review months whose brief can be due now (a day of slack for time zones)."""
    first, last = (now - timedelta(days=1)).date(), (now + timedelta(days=days + 1)).date()
    months = {first.month}
    day = first
    while day <= last:
        months.add(day.month)
        day += timedelta(days=27)
    months.add(last.month)
    return sorted(months)


async def _send_brief(
    session: AsyncSession,
    person: Person,
    start: date,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> bool:
    assert person.manager_id is not None
    row = {
        "person_id": person.id,
        "manager_id": person.manager_id,
        "year": start.year,
        "review_start": start,
        "sent_at": now,
    }
    table = ReviewBriefSent.__table__
    if not await insert_new(session, table, [row], table.c.id):  # type: ignore[arg-type]
        return False  # this year's brief went out already
    briefs = await build_briefs(session, person, COPIES, now, banks, defaults, start)
    for brief in briefs:
        if brief.copy == "manager":
            await audit.record_view(
                session,
                viewer_id=brief.reader.person_id,
                subject_id=person.id,
                what="brief",
                object_id=start.year,
                now=now,
            )
    # Built for the weeks before the review: not sent once the review month has begun.
    begins = local_midnight(start, person_ref(person, defaults).timezone)
    messages = [
        notice(
            brief.reader.person_id,
            str(BriefKey(person.id, start.year, brief.copy)),
            OutboxKind.BRIEF,
            summary(brief),
            begins,
        )
        for brief in briefs
    ]
    await notices.queue(session, messages, now)
    return True


async def brief_tick(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    settings: DialogueSettings,
    report: DialogueReport,
) -> None:
    months = _months_ahead(now, settings.brief_days_before)
    sent = select(ReviewBriefSent.person_id).where(
        ReviewBriefSent.person_id == Person.id,
        ReviewBriefSent.review_start > (now - timedelta(days=1)).date(),
    )
    # Every minute: only the few columns the window needs, of people not yet briefed.
    async with db.session() as session:
        candidates = await session.execute(
            select(Person.id, Person.review_month, Person.timezone).where(
                Person.active,
                Person.manager_id.is_not(None),
                Person.review_month.in_(months),
                ~sent.exists(),
            )
        )
        due = [
            (person_id, start)
            for person_id, month, zone in candidates
            if (start := _brief_window(month, zone or defaults.timezone, now, settings))
        ]
    for person_id, start in due[:BRIEFS_PER_TICK]:
        async with db.session() as session:
            person = await session.get_one(Person, person_id)
            if await _send_brief(session, person, start, now, banks, defaults):
                report.briefs += 1
    await _invite(db, now, defaults, report)


async def _invite(db: Database, now: datetime, defaults: Defaults, report: DialogueReport) -> None:
    """Once the review month began, both are invited to draft the new third contract."""
    async with db.session() as session:
        rows = list(
            await session.scalars(
                select(ReviewBriefSent).where(
                    ReviewBriefSent.invited_at.is_(None),
                    ReviewBriefSent.review_start <= (now + timedelta(days=1)).date(),
                )
            )
        )
        for row in rows:
            employee = await session.get_one(Person, row.person_id)
            manager = await session.get_one(Person, row.manager_id)
            timezone = person_ref(employee, defaults).timezone
            begins = local_midnight(row.review_start, timezone) + timedelta(hours=BRIEF_TIME_HOUR)
            if now < begins:
                continue
            row.invited_at = now
            if now >= begins + INVITE_GRACE:
                continue
            drafter_role = await suggested_drafter(
                session, employee, manager, row.review_start.year
            )
            drafter = employee if drafter_role == "employee" else manager
            for party in (employee, manager):
                ref = person_ref(party, defaults)
                text = td("invite.body", ref.locale, employee=employee.name, drafter=drafter.name)
                out = Outbound(ref, text, td("invite.title", ref.locale))
                key = f"invite.{row.person_id}.{row.year}.p{party.id}"
                message = notice(party.id, key, OutboxKind.INVITATION, out, begins + INVITE_GRACE)
                await notices.queue(session, [message], now)
            report.invitations += 1


async def dialogue_tick(
    db: Database,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
    settings: DialogueSettings,
) -> DialogueReport:
    report = DialogueReport()
    await digest_tick(db, now, banks, defaults, settings, report)
    await brief_tick(db, now, banks, defaults, settings, report)
    return report
