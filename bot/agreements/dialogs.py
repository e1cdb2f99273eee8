"""An agreement conversation that spans messages: one open dialog per person (drafting an
agreement, or typing a text that was asked for), kept in the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.records import as_role
from bot.org.people import Defaults, manager_of, person_ref, reports_of
from bot.storage.agreement_models import Agreement, AgreementDialog
from bot.storage.models import Person
from dialogs import agreement_draft as drafting
from dialogs import agreements as ag
from dialogs.dates import local_day
from dialogs.messages import Outbound

DIALOG_TTL = timedelta(days=7)


async def current_dialog(
    session: AsyncSession, person: Person, now: datetime
) -> AgreementDialog | None:
    """The person's open dialog, or None; an expired one is removed."""
    found = await session.scalars(
        select(AgreementDialog).where(AgreementDialog.person_id == person.id)
    )
    dialog = found.first()
    if dialog is not None and dialog.expires_at <= now:
        await session.delete(dialog)
        await session.flush()
        return None
    return dialog


async def open_dialog(
    session: AsyncSession,
    person: Person,
    kind: str,
    step: str,
    now: datetime,
    **fields: object,
) -> AgreementDialog:
    """One dialog per person: starting one replaces what was open."""
    existing = await current_dialog(session, person, now)
    if existing is not None:
        await session.delete(existing)
        await session.flush()
    dialog = AgreementDialog(
        person_id=person.id,
        kind=kind,
        step=step,
        data={},
        expires_at=now + DIALOG_TTL,
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(dialog)
    await session.flush()
    return dialog


async def draft_context(
    defaults: Defaults, session: AsyncSession, person: Person, now: datetime
) -> drafting.DraftContext:
    """Whom the person can draft with (their reports and their manager), and whose turn
    it is to draft with each this year."""
    ref = person_ref(person, defaults)
    today = local_day(now, ref.timezone)
    history: dict[tuple[int, int], list[tuple[int, ag.Role]]] = defaultdict(list)
    rows = await session.execute(
        select(Agreement.employee_id, Agreement.manager_id, Agreement.year, Agreement.drafter_role)
        .where(or_(Agreement.manager_id == person.id, Agreement.employee_id == person.id))
        .order_by(Agreement.created_at, Agreement.id)
    )
    for employee_id, manager_id, year, role in rows:
        history[employee_id, manager_id].append((year, as_role(role)))
    counterparts = [
        drafting.Counterpart(
            r.id,
            r.name,
            "employee",
            ag.suggested_drafter(history[r.id, person.id], today.year),
            _agency(r),
        )
        for r in await reports_of(session, person)
    ]
    manager = await manager_of(session, person)
    if manager is not None:
        drafter = ag.suggested_drafter(history[person.id, manager.id], today.year)
        counterparts.append(
            drafting.Counterpart(manager.id, manager.name, "manager", drafter, _agency(person))
        )
    return drafting.DraftContext(ref, tuple(counterparts), today)


def _agency(employee: Person) -> str:
    """The agency an agency worker works through (a third party to their agreements)."""
    if employee.employment == "agency" and employee.agency_contact_email:
        return employee.agency or ""
    return ""


async def suggested_drafter(
    session: AsyncSession, employee: Person, manager: Person, year: int
) -> ag.Role:
    """Who drafts the pair's agreements in `year`: the drafter alternates every year."""
    rows = await session.execute(
        select(Agreement.year, Agreement.drafter_role)
        .where(Agreement.employee_id == employee.id, Agreement.manager_id == manager.id)
        .order_by(Agreement.created_at, Agreement.id)
    )
    return ag.suggested_drafter([(y, as_role(role)) for y, role in rows], year)


async def start_draft(
    defaults: Defaults, session: AsyncSession, person: Person, now: datetime
) -> list[Outbound]:
    """Open the drafting dialog and ask its first question."""
    ctx = await draft_context(defaults, session, person, now)
    dialog = await open_dialog(session, person, "draft", "counterpart", now)
    result = drafting.start_draft(dialog.id, ctx)
    if result.outcome == "cancel":
        await session.delete(dialog)
    else:
        save_draft(dialog, result.draft, now)
    return list(result.out)


def save_draft(dialog: AgreementDialog, draft: drafting.Draft, now: datetime) -> None:
    dialog.step = draft.step
    dialog.data = draft.data()
    dialog.updated_at = now
    dialog.expires_at = now + DIALOG_TTL
