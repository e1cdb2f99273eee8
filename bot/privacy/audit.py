"""The audit log: every time a manager, HR or the operator is shown an individual's data,
and every refused request, a row says who, what and when; the employee can read theirs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.org.people import reports_of
from bot.storage.agreement_models import Agreement
from bot.storage.audit_models import AuditView
from bot.storage.models import Person
from dialogs.messages import MAX_ID, Outbound, PersonRef
from dialogs.viewed import ViewLine, render_viewed

# "Who viewed my data" shows this many of the latest views; the export has all of them.
VIEWS_SHOWN = 50


async def record_view(
    session: AsyncSession,
    *,
    viewer_id: int | None,
    subject_id: int | None,
    what: str,
    object_id: str | int | None,
    now: datetime,
) -> None:
    """One view of `subject_id`'s data by `viewer_id` (None: the operator at the CLI).

    A person looking at their own data is not audited: nobody else saw anything.
    """
    if viewer_id is not None and viewer_id == subject_id:
        return
    session.add(
        AuditView(
            viewer_id=viewer_id,
            subject_id=subject_id,
            what=what,
            object_id=None if object_id is None else str(object_id)[:100],
            viewed_at=now,
        )
    )


async def record_team_view(
    session: AsyncSession,
    manager: Person,
    what: str,
    now: datetime,
    *,
    viewer_id: int | None,
    object_id: str | None = None,
) -> None:
    """A view that shows every report of `manager` (the digest, the home view's team part)."""
    for report in await reports_of(session, manager):
        await record_view(
            session,
            viewer_id=viewer_id,
            subject_id=report.id,
            what=what,
            object_id=object_id,
            now=now,
        )


async def views_of(
    session: AsyncSession, person: Person, *, limit: int | None = VIEWS_SHOWN
) -> list[tuple[AuditView, str | None]]:
    """The person's audit rows, newest first, with each viewer's name (None: the operator)."""
    viewer = aliased(Person)
    query = (
        select(AuditView, viewer.name)
        .outerjoin(viewer, viewer.id == AuditView.viewer_id)
        .where(AuditView.subject_id == person.id)
        .order_by(AuditView.viewed_at.desc(), AuditView.id.desc())
        .limit(limit)
    )
    return [(row, name) for row, name in await session.execute(query)]


async def viewed_message(session: AsyncSession, person: Person, ref: PersonRef) -> Outbound:
    """`viewed` / `ingezien`: who saw what of mine, and when, in my own time zone."""
    zone = ZoneInfo(ref.timezone)
    lines = [
        ViewLine(
            viewer=(name or "?") if row.viewer_id is not None else None,
            what=row.what,
            object_id=row.object_id,
            local=row.viewed_at.astimezone(zone),
        )
        for row, name in await views_of(session, person)
    ]
    title, body = render_viewed(lines, ref.locale)
    return Outbound(ref, body, title)


async def record_agreement_view(
    session: AsyncSession,
    viewer: Person,
    agreement_id: int,
    shown: Agreement | None,
    now: datetime,
) -> None:
    """An agreement shown to its manager is a view of the employee's data; a refused
    lookup (not a party, or no such id) is a denial, recorded against the employee of the
    agreement when it exists, so they learn someone tried."""
    if shown is not None:
        if viewer.id == shown.manager_id:
            await record_view(
                session,
                viewer_id=viewer.id,
                subject_id=shown.employee_id,
                what="agreement",
                object_id=shown.id,
                now=now,
            )
        return
    in_range = 0 < agreement_id <= MAX_ID
    existing = await session.get(Agreement, agreement_id) if in_range else None
    await record_view(
        session,
        viewer_id=viewer.id,
        subject_id=existing.employee_id if existing is not None else None,
        what="denied",
        object_id=f"agreement {agreement_id}",
        now=now,
    )
