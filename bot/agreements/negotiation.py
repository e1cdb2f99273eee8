"""Negotiating an agreement: drafting it, proposing it, accepting and signing one exact
version, commenting, amending or renegotiating it, and closing it; the other party is told.

An agency worker's agreement has a third party: the agency, through its contact, party to
the terms that are the agency's (dialogs.agreements.split_terms). Each version is signed by
the employee and by the party of each of its terms: the manager in chat when it has terms
of the manager's, the agency contact by e-mail (bot/agreements/agency_mail.py) when it has
the agency's; it applies once all of them signed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import agency_mail, notices, records
from bot.agreements.records import AgreementRefused
from bot.dialogue.topics import clean_text
from bot.org.people import Defaults, person_ref
from bot.storage.agreement_models import (
    Agreement,
    AgreementComment,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.models import Person
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.dates import local_day
from dialogs.messages import Outbound, Turn

OPEN = ("draft", "proposed", "signed", "at_risk")


async def create(
    defaults: Defaults,
    session: AsyncSession,
    author: Person,
    counterpart_id: int,
    terms: ag.Terms,
    now: datetime,
    *,
    propose: bool = True,
) -> tuple[Agreement, list[Outbound]]:
    """A new agreement with its first version; raises AgreementRefused."""
    counterpart = await session.get(Person, counterpart_id)
    if counterpart is not None and counterpart.manager_id == author.id:
        role: ag.Role = "manager"
    elif counterpart is not None and author.manager_id == counterpart.id:
        role = "employee"
    else:
        # Agreements are made in the line relation only: employee and own manager.
        raise AgreementRefused("not_found")
    terms = replace(terms, text=clean_text(terms.text, ag.MAX_TEXT))
    problem = ag.terms_problem(terms)
    if problem is not None:
        raise AgreementRefused(problem, min=ag.MIN_RATIONALE)
    employee, manager = (counterpart, author) if role == "manager" else (author, counterpart)
    agency = employee.employment == "agency" and employee.agency_contact_email is not None
    agreement = Agreement(
        employee_id=employee.id,
        manager_id=manager.id,
        drafter_id=author.id,
        drafter_role=role,
        year=local_day(now, person_ref(author, defaults).timezone).year,
        status="draft",
        category=terms.category,
        is_i_deal=terms.i_deal,
        cadence=terms.cadence,
        current_version=0,
        created_at=now,
        updated_at=now,
        agency=employee.agency if agency else None,
        agency_contact_email=employee.agency_contact_email if agency else None,
    )
    session.add(agreement)
    await session.flush()
    await _add_version(session, agreement, author, terms, now)
    if propose:
        return agreement, await _propose(defaults, session, author, agreement, now)
    ref = person_ref(author, defaults)
    return agreement, [Outbound(ref, ta("done.saved", ref.locale, id=agreement.id))]


async def _add_version(
    session: AsyncSession,
    agreement: Agreement,
    author: Person,
    terms: ag.Terms,
    now: datetime,
) -> None:
    """Versions are only ever added; the agreement row mirrors the newest one."""
    agreement.current_version += 1
    agreement.accepted_version = None
    agreement.category = terms.category
    agreement.is_i_deal = terms.i_deal
    agreement.cadence = terms.cadence
    agreement.updated_at = now
    parts = terms.parts or ag.split_terms(terms.text, terms.category)
    session.add(
        AgreementVersion(
            agreement_id=agreement.id,
            number=agreement.current_version,
            author_id=author.id,
            category=terms.category,
            text=terms.text,
            is_i_deal=terms.i_deal,
            i_deal_rationale=terms.rationale.strip() if terms.i_deal else None,
            start_date=terms.start,
            review_date=terms.review,
            cadence=terms.cadence,
            created_at=now,
            # Only an agency worker's agreement has terms of more than one party.
            terms=[{"party": t.party, "text": t.text} for t in parts] if agreement.agency else None,
        )
    )
    await session.flush()


async def _propose(
    defaults: Defaults, session: AsyncSession, author: Person, agreement: Agreement, now: datetime
) -> list[Outbound]:
    agreement.status = "proposed"
    agreement.updated_at = now
    key = f"a{agreement.id}.v{agreement.current_version}.proposed"
    view = await notices.tell_other(session, agreement, author, "proposed", key, now)
    ref = person_ref(author, defaults)
    name = view.other(author.id).name
    return [ag.show(view, ref, ta("done.proposed", ref.locale, id=agreement.id, name=name))]


async def propose(
    defaults: Defaults, session: AsyncSession, person: Person, agreement_id: int, now: datetime
) -> Turn:
    """Send a saved draft to the other party."""

    async def work() -> list[Outbound]:
        agreement = await _acting_on(session, person, agreement_id, ("draft",))
        return await _propose(defaults, session, person, agreement, now)

    return await records.guarded(defaults, session, person, work())


async def _acting_on(
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    statuses: tuple[str, ...],
    version: int | None = None,
) -> Agreement:
    """The agreement, locked, if this person may act on it in its status and version."""
    agreement = await records.visible(session, person, agreement_id, lock=True)
    if agreement.status not in statuses:
        raise not_now(agreement)
    if version is not None:
        check_current(agreement, version)
    return agreement


def not_now(agreement: Agreement) -> AgreementRefused:
    status = agreement.status
    return AgreementRefused("refused.not_now", agreement, id=agreement.id, status=status)


def check_current(agreement: Agreement, version: int) -> None:
    if version != agreement.current_version:
        raise AgreementRefused(
            "refused.outdated",
            agreement,
            id=agreement.id,
            version=version,
            current=agreement.current_version,
        )


async def accept(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    version: int,
    now: datetime,
) -> Turn:
    """The other party agrees with this exact version; both are then asked to sign it."""

    async def work() -> list[Outbound]:
        agreement = await _acting_on(session, person, agreement_id, ("proposed",), version)
        current = await records.current_version(session, agreement)
        if current.author_id == person.id:
            other = (
                agreement.manager_id
                if person.id == agreement.employee_id
                else agreement.employee_id
            )
            names = await records.party_names(session, {other})
            raise AgreementRefused("refused.own_version", agreement, name=names[other])
        agreement.accepted_version = version
        agreement.updated_at = now
        await _ask_agency_to_sign(session, agreement, version, now)
        key = f"a{agreement.id}.v{version}.accepted"
        view = await notices.tell_other(
            session, agreement, person, "accepted", key, now, version=version
        )
        ref = person_ref(person, defaults)
        name = view.other(person.id).name
        lead = ta("done.accepted", ref.locale, version=version, name=name)
        return [ag.show(view, ref, lead)]

    return await records.guarded(defaults, session, person, work())


async def sign(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    version: int,
    now: datetime,
) -> Turn:
    """Sign one exact version; when both signed it, it is the third contract."""

    async def work() -> list[Outbound]:
        agreement = await _acting_on(session, person, agreement_id, ("proposed",), version)
        signers = set(
            await session.scalars(
                select(AgreementSignature.signer_id).where(
                    AgreementSignature.agreement_id == agreement.id,
                    AgreementSignature.version == version,
                )
            )
        )
        other_id = (
            agreement.manager_id if person.id == agreement.employee_id else agreement.employee_id
        )
        if person.id in signers:
            names = await records.party_names(session, {other_id})
            raise AgreementRefused(
                "refused.already_signed", agreement, version=version, name=names[other_id]
            )
        role = records.role_of(agreement, person.id)
        session.add(
            AgreementSignature(
                agreement_id=agreement.id,
                version=version,
                signer_id=person.id,
                role=role,
                signed_at=now,
            )
        )
        # Signing what the other wrote is accepting it.
        agreement.accepted_version = version
        agreement.updated_at = now
        await session.flush()
        await _ask_agency_to_sign(session, agreement, version, now)
        ref = person_ref(person, defaults)
        key = f"a{agreement.id}.v{version}.signed"
        missing = await missing_signers(session, agreement, version)
        if missing:
            # The other chat party signed already: what is missing is the agency's signature.
            event = "signed_one" if other_id in missing else "signed_one_agency"
            view = await notices.tell_other(
                session, agreement, person, event, key, now, version=version
            )
            name = view.other(person.id).name if other_id in missing else view.agency
            lead = ta("done.signed_waiting", ref.locale, version=version, name=name)
            return [ag.show(view, ref, lead)]
        await _in_force(session, agreement, version, now)
        view = await notices.tell_other(
            session, agreement, person, "signed_both", key, now, version=version
        )
        return [ag.show(view, ref, ta("done.signed_both", ref.locale, version=version))]

    return await records.guarded(defaults, session, person, work())


async def _ask_agency_to_sign(
    session: AsyncSession, agreement: Agreement, version: int, now: datetime
) -> None:
    """Once a version is accepted, the agency contact is asked to sign it too (by e-mail)
    when it has terms of the agency's."""
    if await agency_mail.agency_is_party(session, agreement, version):
        await agency_mail.ask(session, agreement, agency_mail.SIGN, now, version=version)


async def missing_signers(
    session: AsyncSession, agreement: Agreement, version: int
) -> set[int | str]:
    """Who still has to sign `version`: the ids of chat parties, and "agency"."""
    parties = (await agency_mail.version_terms(session, agreement, version)).parties()
    needed: set[int | str] = {agreement.employee_id}
    if "manager" in parties:
        needed.add(agreement.manager_id)
    signers = set(
        await session.scalars(
            select(AgreementSignature.signer_id).where(
                AgreementSignature.agreement_id == agreement.id,
                AgreementSignature.version == version,
            )
        )
    )
    missing: set[int | str] = {p for p in needed if p not in signers}
    agency = bool(agreement.agency_contact_email) and "agency" in parties
    if agency and not await agency_mail.signed_by_agency(session, agreement, version):
        missing.add("agency")
    return missing


async def _in_force(
    session: AsyncSession, agreement: Agreement, version: int, now: datetime
) -> None:
    """Every party signed `version`: it is the third contract, followed up from now."""
    agreement.status = "signed"
    agreement.signed_version = version
    agreement.signed_at = now
    agreement.next_follow_up_on = ag.next_follow_up(now.date(), agreement.cadence, now.date())
    await agency_mail.tell(session, agreement, "signed_all", now, version=version)


async def agency_signed(
    defaults: Defaults, session: AsyncSession, agreement: Agreement, version: int, now: datetime
) -> None:
    """The agency contact signed `version` (its request is answered): when it was the last
    signature the agreement applies; both chat parties are told."""
    agreement.updated_at = now
    missing = await missing_signers(session, agreement, version)
    event = "agency_signed"
    if not missing:
        await _in_force(session, agreement, version, now)
        event = "agency_signed_last"
    for person_id in (agreement.employee_id, agreement.manager_id):
        key = f"a{agreement.id}.v{version}.agency_signed.p{person_id}"
        await notices.tell(
            session,
            agreement.id,
            person_id,
            key,
            event,
            agreement.employee_id,
            {"version": version, "agency": agreement.agency or ""},
            now,
        )


async def comment(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    version: int,
    text: str,
    now: datetime,
) -> Turn:
    async def work() -> list[Outbound]:
        statuses = ("proposed", *ag.RUNNING)
        agreement = await _acting_on(session, person, agreement_id, statuses, version)
        cleaned = clean_text(text, ag.MAX_TEXT)
        if not cleaned:
            raise AgreementRefused("refused.empty_text", agreement)
        comment = AgreementComment(
            agreement_id=agreement.id,
            version=version,
            author_id=person.id,
            text=cleaned,
            created_at=now,
        )
        session.add(comment)
        await session.flush()
        key = f"a{agreement.id}.c{comment.id}"
        view = await notices.tell_other(
            session,
            agreement,
            person,
            "commented",
            key,
            now,
            version=version,
            text=cleaned,
        )
        ref = person_ref(person, defaults)
        name = view.other(person.id).name
        return [Outbound(ref, ta("done.commented", ref.locale, name=name))]

    return await records.guarded(defaults, session, person, work())


async def amend(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    version: int,
    text: str,
    now: datetime,
    *,
    terms: ag.Terms | None = None,
) -> Turn:
    """A new version on top of `version`: a counter-proposal during the negotiation,
    or a renegotiation of a signed agreement (the signed version stays in force)."""

    async def work() -> list[Outbound]:
        agreement = await _acting_on(session, person, agreement_id, OPEN, version)
        current = records.terms_of(await records.current_version(session, agreement))
        renegotiation = agreement.status in ag.RUNNING
        start = now.date() if renegotiation else current.start
        wanted = terms or replace(current, text=text, start=start, parts=())
        wanted = replace(wanted, text=clean_text(wanted.text, ag.MAX_TEXT))
        if agreement.agency and person.id == agreement.manager_id:
            # The manager reads and rewrites only their own terms; the agency's stay.
            kept = tuple(t for t in current.parts if t.party == "agency")
            own = tuple(ag.Term("manager", t.text) for t in ag.split_terms(wanted.text, ""))
            wanted = replace(wanted, parts=own + kept, text=ag.join_terms(own + kept))
        problem = ag.terms_problem(wanted)
        if problem is not None:
            raise AgreementRefused(problem, agreement, min=ag.MIN_RATIONALE)
        await _add_version(session, agreement, person, wanted, now)
        ref = person_ref(person, defaults)
        number = agreement.current_version
        if agreement.status == "draft":
            view = await records.view(session, agreement)
            return [ag.show(view, ref, ta("done.amended_draft", ref.locale, version=number))]
        agreement.status = "proposed"
        # Follow-ups pause while the parties renegotiate; signing restarts them.
        agreement.next_follow_up_on = None
        event = "renegotiate" if renegotiation else "amended"
        key = f"a{agreement.id}.v{number}.proposed"
        view = await notices.tell_other(session, agreement, person, event, key, now, version=number)
        name = view.other(person.id).name
        return [ag.show(view, ref, ta("done.amended", ref.locale, version=number, name=name))]

    return await records.guarded(defaults, session, person, work())


async def close(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    agreement_id: int,
    reason: str,
    now: datetime,
    *,
    outcome: str = "completed",
) -> Turn:
    """Close an agreement as completed, or drop it; either needs a reason."""

    async def work() -> list[Outbound]:
        allowed = ag.RUNNING if outcome == "completed" else OPEN
        agreement = await _acting_on(session, person, agreement_id, allowed)
        cleaned = clean_text(reason, ag.MAX_TEXT)
        if not cleaned:
            raise AgreementRefused("refused.no_reason", agreement)
        was_draft = agreement.status == "draft"
        agreement.status = outcome
        agreement.close_reason = cleaned
        agreement.closed_by_id = person.id
        agreement.closed_at = now
        agreement.updated_at = now
        agreement.next_follow_up_on = None
        ids = {agreement.employee_id, agreement.manager_id} - {person.id}
        name = (await records.party_names(session, ids)).get(next(iter(ids)), "?")
        if not was_draft:
            await agency_mail.tell(session, agreement, outcome, now, reason=cleaned)
            key = f"a{agreement.id}.{outcome}"
            await notices.tell_other(
                session,
                agreement,
                person,
                outcome,
                key,
                now,
                id=agreement.id,
                reason=cleaned,
            )
        ref = person_ref(person, defaults)
        return [Outbound(ref, ta(f"done.{outcome}", ref.locale, id=agreement.id, name=name))]

    return await records.guarded(defaults, session, person, work())
