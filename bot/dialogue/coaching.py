"""The `coach` command: the tips that fit the person's situation now.

A situation is read from what the dialogue already holds (a review month near, an agreement
at risk, a conversation logged lately); the tips come from `dialogs/tips/`. Asking for them
is not recorded anywhere: no row, no log line, no counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.digests import review_start
from bot.dialogue_config import DialogueSettings
from bot.org.people import Defaults, person_ref, reports_of
from bot.storage.agreement_models import Agreement
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Person
from dialogs import digest
from dialogs.dates import local_day
from dialogs.messages import Locale, Outbound
from dialogs.texts import format_day, t
from dialogs.tips import Party, tips_block

# A conversation logged this recently still calls for the after-the-talk tips.
RECENT_TALK = timedelta(days=14)


@dataclass(frozen=True)
class Situation:
    """What is coming up or just happened for one person, each with the side they are on."""

    review: tuple[Party, date, tuple[str, ...]] | None = None  # side, month, report names
    at_risk: tuple[tuple[Party, int], ...] = ()  # side and agreement id
    talked: tuple[Party, date] | None = None
    # The side whose general tips fit when nothing is coming up: a manager's, for anyone
    # with reports.
    role: Party = "employee"

    @property
    def nothing_special(self) -> bool:
        return self.review is None and not self.at_risk and self.talked is None


def review_near(month: int | None, today: date, days_before: int) -> date | None:
    """The review month's first day from `days_before` days ahead of it until it ends (the
    window in which the brief is sent), else None."""
    start = review_start(month, today)
    if start is None or today < start - timedelta(days=days_before):
        return None
    return start


async def situation(
    session: AsyncSession,
    person: Person,
    now: datetime,
    timezone: str,
    settings: DialogueSettings,
) -> Situation:
    today = local_day(now, timezone)
    days = settings.brief_days_before
    review: tuple[Party, date, tuple[str, ...]] | None = None
    reports = await reports_of(session, person)
    own = review_near(person.review_month, today, days) if person.manager_id else None
    if own is not None:
        review = ("employee", own, ())
    else:
        near = [
            (start, report.name)
            for report in reports
            if (start := review_near(report.review_month, today, days)) is not None
        ]
        if near:
            review = ("manager", min(s for s, _ in near), tuple(name for _, name in near))
    agreements = await session.execute(
        select(Agreement.id, Agreement.employee_id)
        .where(
            Agreement.status == "at_risk",
            or_(Agreement.employee_id == person.id, Agreement.manager_id == person.id),
        )
        .order_by(Agreement.id)
    )
    at_risk = tuple(
        (_side(employee_id == person.id), agreement_id) for agreement_id, employee_id in agreements
    )
    last = (
        await session.execute(
            select(Conversation.happened_at, Conversation.employee_id)
            .where(
                or_(Conversation.employee_id == person.id, Conversation.manager_id == person.id),
                Conversation.happened_at >= now - RECENT_TALK,
            )
            .order_by(Conversation.happened_at.desc())
            .limit(1)
        )
    ).first()
    talked: tuple[Party, date] | None = None
    if last is not None:
        talked = (
            _side(last.employee_id == person.id),
            local_day(last.happened_at, timezone),
        )
    return Situation(review, at_risk, talked, "manager" if reports else "employee")


def _side(is_employee: bool) -> Party:
    return "employee" if is_employee else "manager"


def render(found: Situation, locale: Locale) -> str:
    """Each situation's line and its tips; the general tips when nothing is coming up."""
    parts: list[str] = []
    if found.review is not None:
        side, start, names = found.review
        month = digest.month_name(start, locale)
        if side == "employee":
            line = t("coach.review", locale, month=month)
        else:
            line = t("coach.review_reports", locale, month=month, names=", ".join(names))
        parts.append(f"{line}\n{tips_block('review_brief', side, locale)}")
    sides = dict.fromkeys(side for side, _ in found.at_risk)
    for side in sides:
        ids = ", ".join(f"#{i}" for s, i in found.at_risk if s == side)
        line = t("coach.at_risk", locale, ids=ids, command=t("coach.show_command", locale))
        parts.append(f"{line}\n{tips_block('at_risk', side, locale)}")
    if found.talked is not None:
        side, day = found.talked
        line = t("coach.talked", locale, day=format_day(day, locale))
        parts.append(f"{line}\n{tips_block('talked', side, locale)}")
    if found.nothing_special:
        parts.append(f"{t('coach.general', locale)}\n{tips_block('general', found.role, locale)}")
    return "\n\n".join(parts)


async def coach_reply(
    session: AsyncSession,
    person: Person,
    now: datetime,
    defaults: Defaults,
    settings: DialogueSettings,
) -> Outbound:
    ref = person_ref(person, defaults)
    found = await situation(session, person, now, ref.timezone, settings)
    return Outbound(ref, render(found, ref.locale), t("coach.title", ref.locale))
