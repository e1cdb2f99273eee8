"""Following agreements up: both parties are asked, separately, on the agreement's cadence
(for an agency worker: the parties of the terms, the agency contact by e-mail);
their answers are weighed (a perception gap or a "not kept" puts it at risk), and the
scheduler tick plans the rounds that are due (the outbox sends the questions)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import agency_mail, notices, records
from bot.agreements.dialogs import open_dialog
from bot.agreements.notices import follow_up_moment
from bot.agreements.records import AgreementRefused
from bot.agreements.ride_along import follow_up_at
from bot.dialogue.topics import clean_text
from bot.org.people import Defaults, person_ref
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import Person
from bot.storage.sql import insert_new
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.messages import Outbound, Outcome, Turn

# An early round stands in for a regular one due this soon after it.
EARLY_ROUND_COVERS = timedelta(days=14)


async def pending_follow_up(
    session: AsyncSession, agreement: Agreement, person: Person
) -> AgreementFollowUp | None:
    """The party's latest unanswered follow-up question about a running agreement."""
    if agreement.status not in ag.RUNNING:
        return None
    found = await session.scalars(
        select(AgreementFollowUp)
        .where(
            AgreementFollowUp.agreement_id == agreement.id,
            AgreementFollowUp.party_id == person.id,
            AgreementFollowUp.answer.is_(None),
        )
        .order_by(AgreementFollowUp.period.desc())
    )
    return found.first()


async def _own_follow_up(
    session: AsyncSession, person: Person, followup_id: int
) -> AgreementFollowUp:
    row = await session.get(AgreementFollowUp, followup_id)
    if row is None or row.party_id != person.id:
        raise AgreementRefused("not_found")
    return row


async def answer_follow_up(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    followup_id: int,
    answer: str,
    now: datetime,
) -> Turn:
    async def work() -> list[Outbound] | Turn:
        ref = person_ref(person, defaults)
        row = await _own_follow_up(session, person, followup_id)
        agreement = await records.visible(session, person, row.agreement_id, lock=True)
        value = answer
        if value not in ag.FOLLOW_UP_ANSWERS:
            view = await records.view(session, agreement)
            asked = ag.follow_up_prompt(view, row.id, ref)
            return Turn((asked,), Outcome("again"))
        if row.answer is not None:
            raise AgreementRefused("follow_up.already")
        row.answer = value
        row.answered_at = now
        await notices.answered(session, row.id)
        await session.flush()
        if agreement.status not in ag.RUNNING:
            return [Outbound(ref, ta("follow_up.not_running", ref.locale))]
        others = await session.scalars(
            select(AgreementFollowUp).where(
                AgreementFollowUp.agreement_id == agreement.id,
                AgreementFollowUp.period == row.period,
                AgreementFollowUp.party_id != person.id,
            )
        )
        other = others.first()
        answers: dict[ag.Role, str | None] = {records.role_of(agreement, person.id): value}
        if other is not None:
            answers[records.role_of(agreement, other.party_id)] = other.answer
        told = await _weigh(defaults, session, agreement, person, row.period, answers, now)
        view = await records.view(session, agreement)
        waiting = other is not None and other.answer is None
        return [ag.follow_up_thanks(view, row.id, ref, waiting), *told]

    return await records.guarded(defaults, session, person, work())


async def _weigh(
    defaults: Defaults,
    session: AsyncSession,
    agreement: Agreement,
    actor: Person,
    period: str,
    answers: dict[ag.Role, str | None],
    now: datetime,
) -> list[Outbound]:
    """Compare the two views; a gap or a "not kept" puts the agreement at risk and
    tells both, agreeing answers clear it. The actor's copy comes back as a reply."""
    employee, manager = answers.get("employee"), answers.get("manager")
    complete = employee is not None and manager is not None
    outcome: ag.Outcome
    if employee is not None and manager is not None:
        outcome = ag.perception(employee, manager)
    elif "not" in (employee, manager):
        outcome = "not_kept"  # a breach signal does not wait for the other answer
    else:
        return []
    if outcome in ag.AT_RISK_OUTCOMES:
        agreement.status = "at_risk"
    elif outcome == "on_track" and agreement.status == "at_risk":
        agreement.status = "signed"
    elif outcome != "no_longer_relevant":
        return []
    agreement.updated_at = now
    view = await records.view(session, agreement)
    replies = []
    for party in (view.employee, view.manager):
        person = await session.get_one(Person, party.person_id)
        out = ag.perception_notice(view, outcome, answers, person_ref(person, defaults))
        if person.id == actor.id:
            replies.append(out)
            continue
        stage = "both" if complete else "one"
        key = f"a{agreement.id}.{period}.{outcome}.{stage}.p{person.id}"
        await notices.tell_perception(session, agreement.id, person.id, key, outcome, answers, now)
    return replies


async def ask_follow_up_comment(
    defaults: Defaults, session: AsyncSession, person: Person, followup_id: int, now: datetime
) -> list[Outbound]:
    """Ask for a comment on the party's follow-up answer, in a text dialog."""
    row = await _own_follow_up(session, person, followup_id)
    agreement = await records.visible(session, person, row.agreement_id)
    view = await records.view(session, agreement)
    dialog = await open_dialog(
        session,
        person,
        "text",
        "follow_up_comment",
        now,
        purpose="follow_up_comment",
        agreement_id=agreement.id,
        followup_id=row.id,
    )
    return [ag.text_prompt("follow_up_comment", view, dialog.id, person_ref(person, defaults))]


async def comment_follow_up(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    followup_id: int,
    text: str,
    now: datetime,
) -> Turn:
    async def work() -> list[Outbound]:
        row = await _own_follow_up(session, person, followup_id)
        row.comment = clean_text(text, ag.MAX_TEXT) or None
        ref = person_ref(person, defaults)
        return [Outbound(ref, ta("follow_up.comment_saved", ref.locale))]

    return await records.guarded(defaults, session, person, work())


async def plan_round(
    defaults: Defaults, session: AsyncSession, agreement: Agreement, now: datetime
) -> int:
    """Ask both parties about one agreement for its due period; the UNIQUE key
    (agreement, party, period) makes a second planning a no-op."""
    day = agreement.next_follow_up_on
    if day is None:
        return 0
    asked = await _ask_both(defaults, session, agreement, ag.period_of(day), now, day=day)
    # Never a backlog: after downtime the rhythm resumes from today.
    anchor = (agreement.signed_at or now).date()
    agreement.next_follow_up_on = ag.next_follow_up(anchor, agreement.cadence, max(day, now.date()))
    return asked


async def plan_early_round(
    defaults: Defaults, session: AsyncSession, agreement: Agreement, now: datetime
) -> int:
    """Ask both parties now, ahead of the cadence, because a shared check-in answer said an
    agreement was not kept. Its period is the day, so it sorts after the month's round. The
    regular round that would follow in the same month or within two weeks is skipped: one
    question, not two in a row."""
    today = now.date()
    asked = await _ask_both(
        defaults, session, agreement, ag.early_period(today), now, because=ag.ASKED_AFTER_CHECKIN
    )
    day = agreement.next_follow_up_on
    soon = day is not None and (
        day <= today + EARLY_ROUND_COVERS or ag.period_of(day) == ag.period_of(today)
    )
    if asked and day is not None and soon:
        anchor = (agreement.signed_at or now).date()
        agreement.next_follow_up_on = ag.next_follow_up(anchor, agreement.cadence, day)
    return asked


async def _ask_both(
    defaults: Defaults,
    session: AsyncSession,
    agreement: Agreement,
    period: str,
    now: datetime,
    *,
    day: date | None = None,
    because: str | None = None,
) -> int:
    """One round: a question to each active party, at 09:00 their time on `day` (at once
    without one, or when that has passed). The manager is a party when the version in force
    has terms of the manager's; the agency contact, by e-mail, when it has the agency's."""
    number = agreement.signed_version or agreement.current_version
    parties = (await agency_mail.version_terms(session, agreement, number)).parties()
    chat = [agreement.employee_id] + ([agreement.manager_id] if "manager" in parties else [])
    people = {
        p.id: p
        for p in await session.scalars(select(Person).where(Person.id.in_(chat), Person.active))
    }
    if "agency" in parties:
        # The agency is asked when the employee is: 09:00 on the day in the employee's zone.
        employee = await session.get_one(Person, agreement.employee_id)
        zone = person_ref(employee, defaults).timezone
        at = max(follow_up_moment(day, zone), now) if day is not None else now
        await agency_mail.ask(session, agreement, agency_mail.FOLLOW_UP, now, period=period, at=at)
    rows = []
    for person in people.values():
        due = now
        if day is not None:
            due = max(follow_up_moment(day, person_ref(person, defaults).timezone), now)
        rows.append(
            {
                "agreement_id": agreement.id,
                "party_id": person.id,
                "role": records.role_of(agreement, person.id),
                "period": period,
                "due_at": due,
                "created_at": now,
                "asked_because": because,
            }
        )
    table = AgreementFollowUp.__table__
    new = await insert_new(session, table, rows, table.c.id, table.c.party_id, table.c.due_at)  # type: ignore[arg-type]
    for followup_id, party_id, due_at in new:
        # Asked at the end of a check-in in its window, or alone (bot/agreements/ride_along.py).
        at = await follow_up_at(session, people[party_id], due_at, agreement.cadence, defaults)
        await notices.ask(session, agreement.id, followup_id, party_id, now, at=at)
    return len(new)


async def plan_follow_ups(db: Database, now: datetime, defaults: Defaults) -> int:
    """Plan every follow-up round that is due; safe to run on every tick and instance."""
    # A day ahead in UTC covers zones east of it, where the local day starts earlier.
    horizon = (now + timedelta(days=1)).date()
    async with db.session() as session:
        due = await session.scalars(
            select(Agreement).where(
                Agreement.status.in_(ag.RUNNING),
                Agreement.next_follow_up_on.is_not(None),
                Agreement.next_follow_up_on <= horizon,
            )
        )
        return sum([await plan_round(defaults, session, a, now) for a in list(due)])
