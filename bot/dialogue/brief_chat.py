"""`brief` in chat (`voorbereiding`): a person's own review brief, or a manager's copy of
one of their reports' briefs, as the summary with the PDF attached.

The employee's own copy holds their private answers, marked private; a manager gets the
manager's copy, built from shared answers only, and the view is audited. A name that is not
one of the asker's reports answers exactly as an unknown name does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.brief_files import brief_file
from bot.dialogue.review_brief import BriefRefused, build_brief
from bot.org.people import Defaults, person_ref, reports_of
from bot.privacy import audit
from bot.storage.models import Person
from dialogs.banks import Bank
from dialogs.brief import Copy, summary
from dialogs.digest_texts import td
from dialogs.messages import Outbound, PersonRef


def _named(who: str, people: list[Person]) -> list[Person]:
    """The people `who` names: an email, a full name, or else a first name."""
    wanted = " ".join(who.split()).casefold()
    found = [p for p in people if wanted in (p.email, p.name.casefold())]
    return found or [p for p in people if p.name.split()[0].casefold() == wanted]


async def brief_reply(
    session: AsyncSession,
    person: Person,
    argument: str,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> Outbound:
    ref = person_ref(person, defaults)
    if not argument.strip() or _named(argument, [person]):
        return await _copy(session, person, person, "employee", ref, now, banks, defaults)
    reports = await reports_of(session, person)
    found = _named(argument, reports)
    if len(found) != 1:
        await _refused(session, person, argument, now)
        names = ", ".join(f"{r.name} <{r.email}>" for r in reports) or "-"
        return Outbound(ref, td("brief.not_found", ref.locale, who=argument.strip(), names=names))
    return await _copy(session, person, found[0], "manager", ref, now, banks, defaults)


async def _copy(
    session: AsyncSession,
    reader: Person,
    employee: Person,
    copy: Copy,
    ref: PersonRef,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> Outbound:
    try:
        brief = await build_brief(session, employee, copy, now, banks, defaults)
    except BriefRefused:
        return Outbound(ref, td("brief.no_review_month", ref.locale, name=employee.name))
    if brief.reader.person_id != reader.id:
        raise AssertionError("a brief is only ever built for its own reader")
    await audit.record_view(
        session,
        viewer_id=reader.id,
        subject_id=employee.id,
        what="brief",
        object_id=brief.review_start.year,
        now=now,
    )
    message = summary(brief)
    return Outbound(ref, message.text, message.title, attachment=brief_file(brief))


async def _refused(session: AsyncSession, person: Person, argument: str, now: datetime) -> None:
    """Audit a request for a brief that is not the asker's to see: the person it named
    (when one exists) can read that it was refused."""
    wanted = " ".join(argument.split()).casefold()
    named = await session.scalar(
        select(Person.id)
        .where(Person.active, or_(Person.email == wanted, func.lower(Person.name) == wanted))
        .order_by(Person.id)
        .limit(1)
    )
    await audit.record_view(
        session, viewer_id=person.id, subject_id=named, what="denied", object_id="brief", now=now
    )
