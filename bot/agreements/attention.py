"""What needs a conversation, for the overviews (the manager's digest, the home view): at-risk
agreements and follow-up questions left unanswered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import records
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.models import Person
from dialogs import agreements as ag

# A follow-up nobody answered this long after it was due is flagged in the overviews.
UNANSWERED_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class UnansweredFollowUp:
    agreement_id: int
    party_id: int
    role: str
    period: str
    due_at: datetime


async def attention_for_manager(
    session: AsyncSession, manager: Person, now: datetime
) -> list[ag.Attention]:
    """At-risk and unanswered agreements with this manager's reports (digest data)."""
    return await _attention(session, Agreement.manager_id == manager.id, now)


async def attention_for_employee(
    session: AsyncSession, employee: Person, now: datetime
) -> list[ag.Attention]:
    """The employee's own at-risk and unanswered agreements (home view data)."""
    return await _attention(session, Agreement.employee_id == employee.id, now)


async def _attention(
    session: AsyncSession, condition: ColumnElement[bool], now: datetime
) -> list[ag.Attention]:
    agreements = list(
        await session.scalars(
            select(Agreement)
            .where(condition, Agreement.status.in_(ag.RUNNING))
            .order_by(Agreement.id)
        )
    )
    if not agreements:
        return []
    rounds: dict[int, dict[str, dict[str, AgreementFollowUp]]] = defaultdict(dict)
    for row in await session.scalars(
        select(AgreementFollowUp).where(
            AgreementFollowUp.agreement_id.in_([a.id for a in agreements])
        )
    ):
        rounds[row.agreement_id].setdefault(row.period, {})[row.role] = row
    views = {v.agreement_id: v for v in await records.summaries(session, agreements)}
    items = []
    for agreement in agreements:
        periods = sorted(rounds[agreement.id].items(), reverse=True)
        view = views[agreement.id]
        if agreement.status == "at_risk":
            items.append(_risk(view, periods))
        if periods:
            latest_period, latest = periods[0]
            missing = tuple(
                (view.employee if role == "employee" else view.manager).name
                for role, row in sorted(latest.items())
                if row.answer is None and row.due_at <= now - UNANSWERED_AFTER
            )
            if missing:
                items.append(_item(view, "unanswered", latest_period, latest, missing))
    return items


def _item(
    view: ag.AgreementView,
    reason: str,
    period: str,
    answers: dict[str, AgreementFollowUp],
    missing: tuple[str, ...] = (),
) -> ag.Attention:
    employee, manager = answers.get("employee"), answers.get("manager")
    return ag.Attention(
        agreement_id=view.agreement_id,
        employee_name=view.employee.name,
        manager_name=view.manager.name,
        category=view.current.terms.category,
        # What both parties read: for an agency worker, the manager's terms only.
        text=ag.seen_by(view, view.manager.person_id).current.terms.text,
        reason=reason,  # type: ignore[arg-type]
        period=period,
        employee_answer=employee.answer if employee else None,
        manager_answer=manager.answer if manager else None,
        missing=missing,
    )


def _risk(
    view: ag.AgreementView, periods: list[tuple[str, dict[str, AgreementFollowUp]]]
) -> ag.Attention:
    """Why it is at risk: the most recent round with a gap or a "not kept", or asked early
    because a check-in answer said it was not kept."""
    for period, answers in periods:
        employee, manager = answers.get("employee"), answers.get("manager")
        e = employee.answer if employee else None
        m = manager.answer if manager else None
        if e and m and ag.perception(e, m) == "perception_gap":
            return _item(view, "perception_gap", period, answers)
        if "not" in (e, m):
            return _item(view, "not_kept", period, answers)
        if any(r.asked_because == ag.ASKED_AFTER_CHECKIN for r in answers.values()):
            return _item(view, "checkin", period, answers)
    return _item(view, "not_kept", periods[0][0] if periods else "", {})


async def unanswered_follow_ups(
    session: AsyncSession, now: datetime, *, older_than: timedelta = UNANSWERED_AFTER
) -> list[UnansweredFollowUp]:
    """Follow-up questions of running agreements still unanswered long after they were due."""
    rows = await session.scalars(
        select(AgreementFollowUp)
        .join(Agreement, Agreement.id == AgreementFollowUp.agreement_id)
        .where(
            Agreement.status.in_(ag.RUNNING),
            AgreementFollowUp.answer.is_(None),
            AgreementFollowUp.due_at <= now - older_than,
        )
        .order_by(AgreementFollowUp.due_at, AgreementFollowUp.id)
    )
    return [
        UnansweredFollowUp(r.agreement_id, r.party_id, r.role, r.period, r.due_at) for r in rows
    ]
