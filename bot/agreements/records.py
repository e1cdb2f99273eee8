"""Reading agreements with the one rule of who may see what: the agreement as its parties see
it, and the refusal an action gets when it cannot be done."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.org.people import Defaults, person_ref
from bot.storage.agreement_models import (
    AgencyRequest,
    Agreement,
    AgreementComment,
    AgreementFollowUp,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.models import Person
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.messages import MAX_ID, Locale, Outbound, Outcome, Turn


class AgreementRefused(Exception):
    """An action that cannot be done; `key` names the text that says why."""

    def __init__(self, key: str, agreement: Agreement | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.agreement = agreement
        self.values = values

    def text(self, locale: Locale) -> str:
        """Why, in the reader's language (a status named as the reader knows it)."""
        values = dict(self.values)
        if isinstance(status := values.get("status"), str):
            values["status"] = ta(f"status.{status}", locale)
        return ta(self.key, locale, **values)


def role_of(agreement: Agreement, person_id: int) -> ag.Role:
    return "employee" if person_id == agreement.employee_id else "manager"


def as_role(value: str) -> ag.Role:
    return "manager" if value == "manager" else "employee"


def terms_of(row: AgreementVersion) -> ag.Terms:
    return ag.Terms(
        category=row.category,
        text=row.text,
        start=row.start_date,
        i_deal=row.is_i_deal,
        rationale=row.i_deal_rationale or "",
        review=row.review_date,
        cadence=row.cadence,
        parts=tuple(ag.Term(ag.as_term_party(t["party"]), t["text"]) for t in row.terms or ()),
    )


async def guarded(
    defaults: Defaults,
    session: AsyncSession,
    person: Person,
    work: Awaitable[list[Outbound] | Turn],
) -> Turn:
    """Run an action: done, it is recorded; a refusal becomes a message (with the
    agreement as it now is) and the outcome says that nothing changed."""
    try:
        done = await work
    except AgreementRefused as refused:
        ref = person_ref(person, defaults)
        text = refused.text(ref.locale)
        if refused.agreement is None:
            return Turn((Outbound(ref, text),), Outcome("refused"))
        agreement_view = await view(session, refused.agreement)
        return Turn((ag.show(agreement_view, ref, lead=text),), Outcome("refused"))
    return done if isinstance(done, Turn) else Turn(tuple(done), Outcome("recorded"))


async def visible(
    session: AsyncSession, person: Person, agreement_id: int, *, lock: bool = False
) -> Agreement:
    """The agreement if this person is one of its two parties (a draft: only its
    drafter); anyone else gets exactly the answer a non-existent id gets."""
    if not 0 < agreement_id <= MAX_ID:
        raise AgreementRefused("not_found")
    query = select(Agreement).where(Agreement.id == agreement_id)
    if lock:
        # Two parties signing at once must not both miss the other's signature.
        query = query.with_for_update().execution_options(populate_existing=True)
    agreement = (await session.scalars(query)).first()
    if (
        agreement is None
        or person.id not in (agreement.employee_id, agreement.manager_id)
        or (agreement.status == "draft" and agreement.drafter_id != person.id)
    ):
        raise AgreementRefused("not_found")
    return agreement


async def party_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """Each party's name ("" for a party whose data was erased: see dialogs' who())."""
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows}


def _parties(agreement: Agreement, names: dict[int, str]) -> dict[int, ag.Party]:
    return {
        agreement.employee_id: ag.Party(
            agreement.employee_id, names.get(agreement.employee_id, "?"), "employee"
        ),
        agreement.manager_id: ag.Party(
            agreement.manager_id, names.get(agreement.manager_id, "?"), "manager"
        ),
    }


def _view(
    agreement: Agreement,
    parties: dict[int, ag.Party],
    versions: Sequence[AgreementVersion],
    **details: object,
) -> ag.AgreementView:
    def party(person_id: int) -> ag.Party:
        return parties.get(person_id) or ag.Party(person_id, "?", "employee")

    return ag.AgreementView(
        agreement_id=agreement.id,
        status=agreement.status,
        employee=party(agreement.employee_id),
        manager=party(agreement.manager_id),
        versions=tuple(
            ag.VersionView(v.number, party(v.author_id), terms_of(v), v.created_at)
            for v in versions
        ),
        accepted_version=agreement.accepted_version,
        signed_version=agreement.signed_version,
        close_reason=agreement.close_reason or "",
        agency=agreement.agency or "",
        **details,  # type: ignore[arg-type]
    )


async def view(session: AsyncSession, agreement: Agreement) -> ag.AgreementView:
    """The whole agreement: every version, signature and comment, the latest follow-up."""
    names = await party_names(session, {agreement.employee_id, agreement.manager_id})
    parties = _parties(agreement, names)
    versions = await session.scalars(
        select(AgreementVersion)
        .where(AgreementVersion.agreement_id == agreement.id)
        .order_by(AgreementVersion.number)
    )
    signatures = await session.scalars(
        select(AgreementSignature)
        .where(AgreementSignature.agreement_id == agreement.id)
        .order_by(AgreementSignature.signed_at, AgreementSignature.id)
    )
    comments = await session.scalars(
        select(AgreementComment)
        .where(AgreementComment.agreement_id == agreement.id)
        .order_by(AgreementComment.id)
    )
    latest = await _latest_round(session, agreement.id)
    unknown = ag.Party(0, "?", "employee")
    agency = ag.Party(0, agreement.agency or "", "agency")
    # The agency signs by e-mail: its signature is its answered request to sign.
    agency_signed: list[tuple[int, datetime | None]] = []
    if agreement.agency:
        found = await session.execute(
            select(AgencyRequest.version, AgencyRequest.answered_at).where(
                AgencyRequest.agreement_id == agreement.id,
                AgencyRequest.kind == "sign",
                AgencyRequest.answer == "signed",
            )
        )
        agency_signed = [(version, at) for version, at in found]
    return _view(
        agreement,
        parties,
        list(versions),
        signatures=tuple(
            sorted(
                [
                    *(
                        ag.SignatureView(s.version, parties.get(s.signer_id, unknown), s.signed_at)
                        for s in signatures
                    ),
                    *(ag.SignatureView(v, agency, at) for v, at in agency_signed if at),
                ],
                key=lambda s: s.signed_at,
            )
        ),
        comments=tuple(
            ag.CommentView(c.version, parties.get(c.author_id, unknown), c.text, c.created_at)
            for c in comments
        ),
        follow_ups=tuple(
            ag.FollowUpView(f.period, role_of(agreement, f.party_id), f.answer, f.comment or "")
            for f in latest
        ),
    )


async def _latest_round(session: AsyncSession, agreement_id: int) -> list[AgreementFollowUp]:
    rows = list(
        await session.scalars(
            select(AgreementFollowUp)
            .where(AgreementFollowUp.agreement_id == agreement_id)
            .order_by(AgreementFollowUp.period.desc(), AgreementFollowUp.role)
        )
    )
    return [r for r in rows if r.period == rows[0].period] if rows else []


async def summaries(
    session: AsyncSession, agreements: Sequence[Agreement]
) -> list[ag.AgreementView]:
    """Light views (the current version only) for lists, in three queries."""
    if not agreements:
        return []
    ids = [a.id for a in agreements]
    current = {
        v.agreement_id: v
        for v in await session.scalars(
            select(AgreementVersion)
            .join(
                Agreement,
                and_(
                    Agreement.id == AgreementVersion.agreement_id,
                    Agreement.current_version == AgreementVersion.number,
                ),
            )
            .where(Agreement.id.in_(ids))
        )
    }
    people = {p for a in agreements for p in (a.employee_id, a.manager_id)}
    names = await party_names(session, people)
    return [_view(a, _parties(a, names), [current[a.id]]) for a in agreements]


async def current_version(session: AsyncSession, agreement: Agreement) -> AgreementVersion:
    found = await session.scalars(
        select(AgreementVersion).where(
            AgreementVersion.agreement_id == agreement.id,
            AgreementVersion.number == agreement.current_version,
        )
    )
    return found.one()
