"""Agreements of the third contract: drafting, negotiating and signing them, following them
up with both parties, and keeping each one visible to its two parties only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import backoff, route
from bot.services.pauses import is_paused, local_today
from bot.services.people import Defaults, manager_of, person_ref, reports_of
from bot.services.topics import clean_text
from bot.storage.agreement_models import (
    Agreement,
    AgreementComment,
    AgreementDialog,
    AgreementFollowUp,
    AgreementNotice,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.database import Database
from bot.storage.models import Person
from bot.storage.sql import insert_new
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.channel import ChatAdapter
from dialogs.messages import Outbound, PersonRef, Question

# A follow-up nobody answered this long after it was due is flagged in the overviews.
UNANSWERED_AFTER = timedelta(days=14)
DIALOG_TTL = timedelta(days=7)
# A typed number answers the options last shown only shortly after they were shown, so it
# never steals an answer meant for a check-in that opened later.
CHOICE_TTL = timedelta(hours=1)
MIN_GROUP = 5
MIN_GROUP_FREE_TEXT = 10
FOLLOW_UP_TIME = time(9, 0)
OPEN = ("draft", "proposed", "signed", "at_risk")


class AgreementRefused(Exception):
    """An action that cannot be done; `key` names the text that says why."""

    def __init__(self, key: str, agreement: Agreement | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.agreement = agreement
        self.values = values


@dataclass(frozen=True)
class UnansweredFollowUp:
    agreement_id: int
    party_id: int
    role: str
    period: str
    due_at: datetime


def _role_of(agreement: Agreement, person_id: int) -> ag.Role:
    return "employee" if person_id == agreement.employee_id else "manager"


def _as_role(value: str) -> ag.Role:
    return "manager" if value == "manager" else "employee"


def _terms(row: AgreementVersion) -> ag.Terms:
    return ag.Terms(
        category=row.category,
        text=row.text,
        start=row.start_date,
        i_deal=row.is_i_deal,
        rationale=row.i_deal_rationale or "",
        review=row.review_date,
        cadence=row.cadence,
    )


def follow_up_moment(day: date, timezone: str) -> datetime:
    """09:00 local on the day, or on the Monday after when it falls in a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, FOLLOW_UP_TIME, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


@dataclass
class AgreementService:
    defaults: Defaults

    def ref(self, person: Person) -> PersonRef:
        return person_ref(person, self.defaults)

    @staticmethod
    def owns(token: str) -> bool:
        """Whether a clicked prompt belongs to an agreement conversation."""
        return ag.parse_token(token) is not None

    # ---- the engine's two entry points ------------------------------------------------

    async def handle_command(
        self, session: AsyncSession, person: Person, command_name: str, argument: str, now: datetime
    ) -> list[Outbound]:
        """`agreements`, `agreement new`, `agreement show ID` (or `agreement ID`), and
        `agreement register` for HR."""
        word, _, rest = argument.strip().partition(" ")
        word = word.casefold()
        if command_name == "agreements" or word in ("", "list", "lijst"):
            return [await self.overview(session, person)]
        if word in ("new", "nieuw"):
            return await self.start_draft(session, person, now)
        if word == "register":
            return [await self.register_message(session, person)]
        number = (rest if word in ("show", "toon") else word).strip().lstrip("#")
        if number.isdigit():
            return [await self.show(session, person, int(number), now)]
        return [Outbound(self.ref(person), ta("usage", self.ref(person).locale))]

    async def handle_reply(
        self, session: AsyncSession, person: Person, token: str, value_or_text: str, now: datetime
    ) -> list[Outbound] | None:
        """A click on an agreement prompt, or typed text for an open agreement dialog;
        None when it is neither, so the engine passes it on."""
        if token:
            parsed = ag.parse_token(token)
            if parsed is None:
                return None
            await self._drop_pointer(session, person)
            return await self._on_token(session, person, parsed, value_or_text, now)
        dialog = await self._dialog(session, person, now)
        if dialog is None:
            return None
        if dialog.kind == "draft":
            return await self._draft_reply(session, person, dialog, value_or_text, "", now)
        if dialog.kind == "text":
            return await self._text_reply(session, person, dialog, value_or_text, now)
        await session.delete(dialog)
        value = ag.pick(value_or_text, dialog.data["values"], dialog.data["labels"])
        parsed = ag.parse_token(dialog.data["token"])
        if value is None or parsed is None:
            return None  # not an answer to those options: the engine handles it as usual
        return await self._on_token(session, person, parsed, value, now)

    async def _on_token(
        self, session: AsyncSession, person: Person, token: ag.Token, value: str, now: datetime
    ) -> list[Outbound]:
        ref = self.ref(person)
        if token.kind == "dialog":
            dialog = await self._dialog(session, person, now)
            if dialog is None or dialog.id != token.id:
                return [Outbound(ref, ta("stale_closed", ref.locale))]
            if value == "cancel":
                await session.delete(dialog)
                return [Outbound(ref, ta("done.cancelled", ref.locale))]
            if dialog.kind == "draft":
                clicked = ag.dialog_token(token.id, token.step)
                return await self._draft_reply(session, person, dialog, value, clicked, now)
            return await self._text_reply(session, person, dialog, value, now)
        if token.kind == "followup":
            if value == "comment":
                return await self._guarded(
                    session, person, self._ask_follow_up_comment(session, person, token.id, now)
                )
            return await self.answer_follow_up(session, person, token.id, value, now)
        return await self.act(session, person, token.id, token.version, token.step or value, now)

    async def act(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        action: str,
        now: datetime,
    ) -> list[Outbound]:
        """One of the actions a prompt offered, on the version that prompt showed."""
        if action == "accept":
            return await self.accept(session, person, agreement_id, version, now)
        if action == "sign":
            return await self.sign(session, person, agreement_id, version, now)
        if action == "propose":
            return await self.propose(session, person, agreement_id, now)
        if action in ag.TEXT_ACTIONS:
            work = self._ask_text(session, person, agreement_id, version, action, now)
            return await self._guarded(session, person, work)
        return [await self.show(session, person, agreement_id, now)]

    async def _guarded(
        self, session: AsyncSession, person: Person, work: Awaitable[list[Outbound]]
    ) -> list[Outbound]:
        """Run an action; a refusal becomes a message (with the agreement as it now is)."""
        try:
            return await work
        except AgreementRefused as refused:
            ref = self.ref(person)
            text = ta(refused.key, ref.locale, **refused.values)
            if refused.agreement is None:
                return [Outbound(ref, text)]
            view = await self.view(session, refused.agreement)
            return [ag.show(view, ref, lead=text)]

    # ---- reading, with the one rule of who may see what --------------------------------

    async def _visible(
        self, session: AsyncSession, person: Person, agreement_id: int, *, lock: bool = False
    ) -> Agreement:
        """The agreement if this person is one of its two parties (a draft: only its
        drafter); anyone else gets exactly the answer a non-existent id gets."""
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

    async def _names(self, session: AsyncSession, ids: set[int]) -> dict[int, str]:
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        return {person_id: name for person_id, name in rows}

    def _parties(self, agreement: Agreement, names: dict[int, str]) -> dict[int, ag.Party]:
        return {
            agreement.employee_id: ag.Party(
                agreement.employee_id, names.get(agreement.employee_id, "?"), "employee"
            ),
            agreement.manager_id: ag.Party(
                agreement.manager_id, names.get(agreement.manager_id, "?"), "manager"
            ),
        }

    def _view(
        self,
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
                ag.VersionView(v.number, party(v.author_id), _terms(v), v.created_at)
                for v in versions
            ),
            accepted_version=agreement.accepted_version,
            signed_version=agreement.signed_version,
            close_reason=agreement.close_reason or "",
            **details,  # type: ignore[arg-type]
        )

    async def view(self, session: AsyncSession, agreement: Agreement) -> ag.AgreementView:
        """The whole agreement: every version, signature and comment, the latest follow-up."""
        names = await self._names(session, {agreement.employee_id, agreement.manager_id})
        parties = self._parties(agreement, names)
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
        latest = await self._latest_round(session, agreement.id)
        unknown = ag.Party(0, "?", "employee")
        return self._view(
            agreement,
            parties,
            list(versions),
            signatures=tuple(
                ag.SignatureView(s.version, parties.get(s.signer_id, unknown), s.signed_at)
                for s in signatures
            ),
            comments=tuple(
                ag.CommentView(c.version, parties.get(c.author_id, unknown), c.text, c.created_at)
                for c in comments
            ),
            follow_ups=tuple(
                ag.FollowUpView(
                    f.period, _role_of(agreement, f.party_id), f.answer, f.comment or ""
                )
                for f in latest
            ),
        )

    async def _latest_round(
        self, session: AsyncSession, agreement_id: int
    ) -> list[AgreementFollowUp]:
        rows = list(
            await session.scalars(
                select(AgreementFollowUp)
                .where(AgreementFollowUp.agreement_id == agreement_id)
                .order_by(AgreementFollowUp.period.desc(), AgreementFollowUp.role)
            )
        )
        return [r for r in rows if r.period == rows[0].period] if rows else []

    async def summaries(
        self, session: AsyncSession, agreements: Sequence[Agreement]
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
        names = await self._names(session, people)
        return [self._view(a, self._parties(a, names), [current[a.id]]) for a in agreements]

    async def overview(self, session: AsyncSession, person: Person) -> Outbound:
        """`agreements`: mine, and for a manager those with their reports."""
        seen = or_(Agreement.status != "draft", Agreement.drafter_id == person.id)
        order = (Agreement.status.in_(("completed", "dropped")), Agreement.id.desc())
        mine = await session.scalars(
            select(Agreement).where(Agreement.employee_id == person.id, seen).order_by(*order)
        )
        team = await session.scalars(
            select(Agreement).where(Agreement.manager_id == person.id, seen).order_by(*order)
        )
        return ag.render_list(
            await self.summaries(session, list(mine)),
            await self.summaries(session, list(team)),
            self.ref(person),
        )

    async def show(
        self, session: AsyncSession, person: Person, agreement_id: int, now: datetime
    ) -> Outbound:
        """One agreement and what is asked of this party now (a follow-up goes first)."""
        ref = self.ref(person)
        try:
            agreement = await self._visible(session, person, agreement_id)
        except AgreementRefused:
            return Outbound(ref, ta("not_found", ref.locale))
        view = await self.view(session, agreement)
        pending = await self._pending_follow_up(session, agreement, person)
        out = (
            ag.follow_up_prompt(view, pending.id, ref)
            if pending is not None
            else ag.show(view, ref)
        )
        if out.question is not None:
            await self._point(session, person, out.question, now)
        return out

    async def _pending_follow_up(
        self, session: AsyncSession, agreement: Agreement, person: Person
    ) -> AgreementFollowUp | None:
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

    async def _version(self, session: AsyncSession, agreement: Agreement) -> AgreementVersion:
        found = await session.scalars(
            select(AgreementVersion).where(
                AgreementVersion.agreement_id == agreement.id,
                AgreementVersion.number == agreement.current_version,
            )
        )
        return found.one()

    # ---- notices: what the other party is told, sent by the tick -----------------------

    async def _notify(
        self,
        session: AsyncSession,
        agreement_id: int,
        person_id: int,
        key: str,
        out: Outbound,
        now: datetime,
        *,
        kind: str = "notice",
        at: datetime | None = None,
    ) -> None:
        row = {
            "agreement_id": agreement_id,
            "person_id": person_id,
            "key": key,
            "kind": kind,
            "payload": ag.outbound_to_data(out),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": at or now,
            "created_at": now,
        }
        table = AgreementNotice.__table__
        await insert_new(session, table, [row], table.c.id)  # type: ignore[arg-type]

    async def _tell_other(
        self,
        session: AsyncSession,
        agreement: Agreement,
        actor: Person,
        event: str,
        key: str,
        now: datetime,
        **values: object,
    ) -> ag.AgreementView:
        """Queue the news for the other party, with what they can do next; the fresh view
        comes back for the actor's own reply."""
        # The actor now sees the agreement as it is: their unsent news about it is moot.
        await session.execute(
            update(AgreementNotice)
            .where(
                AgreementNotice.agreement_id == agreement.id,
                AgreementNotice.person_id == actor.id,
                AgreementNotice.kind == "notice",
                AgreementNotice.status == "pending",
            )
            .values(status="cancelled")
        )
        view = await self.view(session, agreement)
        other = await session.get_one(Person, view.other(actor.id).person_id)
        out = ag.notice(view, self.ref(other), event, actor.name, **values)
        await self._notify(session, agreement.id, other.id, f"{key}.p{other.id}", out, now)
        return view

    # ---- negotiation --------------------------------------------------------------------

    async def create(
        self,
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
        agreement = Agreement(
            employee_id=employee.id,
            manager_id=manager.id,
            drafter_id=author.id,
            drafter_role=role,
            year=local_today(self.ref(author).timezone, now).year,
            status="draft",
            category=terms.category,
            is_i_deal=terms.i_deal,
            cadence=terms.cadence,
            current_version=0,
            created_at=now,
            updated_at=now,
        )
        session.add(agreement)
        await session.flush()
        await self._add_version(session, agreement, author, terms, now)
        if propose:
            return agreement, await self._propose(session, author, agreement, now)
        ref = self.ref(author)
        return agreement, [Outbound(ref, ta("done.saved", ref.locale, id=agreement.id))]

    async def _add_version(
        self,
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
            )
        )
        await session.flush()

    async def _propose(
        self, session: AsyncSession, author: Person, agreement: Agreement, now: datetime
    ) -> list[Outbound]:
        agreement.status = "proposed"
        agreement.updated_at = now
        key = f"a{agreement.id}.v{agreement.current_version}.proposed"
        view = await self._tell_other(session, agreement, author, "proposed", key, now)
        ref = self.ref(author)
        name = view.other(author.id).name
        return [ag.show(view, ref, ta("done.proposed", ref.locale, id=agreement.id, name=name))]

    async def propose(
        self, session: AsyncSession, person: Person, agreement_id: int, now: datetime
    ) -> list[Outbound]:
        """Send a saved draft to the other party."""

        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            if agreement.status != "draft":
                raise self._not_now(agreement)
            return await self._propose(session, person, agreement, now)

        return await self._guarded(session, person, work())

    def _not_now(self, agreement: Agreement) -> AgreementRefused:
        status = agreement.status
        return AgreementRefused("refused.not_now", agreement, id=agreement.id, status=status)

    def _check_current(self, agreement: Agreement, version: int) -> None:
        if version != agreement.current_version:
            raise AgreementRefused(
                "refused.outdated",
                agreement,
                id=agreement.id,
                version=version,
                current=agreement.current_version,
            )

    async def accept(
        self, session: AsyncSession, person: Person, agreement_id: int, version: int, now: datetime
    ) -> list[Outbound]:
        """The other party agrees with this exact version; both are then asked to sign it."""

        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            if agreement.status != "proposed":
                raise self._not_now(agreement)
            self._check_current(agreement, version)
            current = await self._version(session, agreement)
            if current.author_id == person.id:
                other = (
                    agreement.manager_id
                    if person.id == agreement.employee_id
                    else agreement.employee_id
                )
                names = await self._names(session, {other})
                raise AgreementRefused("refused.own_version", agreement, name=names[other])
            agreement.accepted_version = version
            agreement.updated_at = now
            key = f"a{agreement.id}.v{version}.accepted"
            view = await self._tell_other(
                session, agreement, person, "accepted", key, now, version=version
            )
            ref = self.ref(person)
            name = view.other(person.id).name
            lead = ta("done.accepted", ref.locale, version=version, name=name)
            return [ag.show(view, ref, lead)]

        return await self._guarded(session, person, work())

    async def sign(
        self, session: AsyncSession, person: Person, agreement_id: int, version: int, now: datetime
    ) -> list[Outbound]:
        """Sign one exact version; when both signed it, it is the third contract."""

        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            if agreement.status != "proposed":
                raise self._not_now(agreement)
            self._check_current(agreement, version)
            signers = set(
                await session.scalars(
                    select(AgreementSignature.signer_id).where(
                        AgreementSignature.agreement_id == agreement.id,
                        AgreementSignature.version == version,
                    )
                )
            )
            other_id = (
                agreement.manager_id
                if person.id == agreement.employee_id
                else agreement.employee_id
            )
            if person.id in signers:
                names = await self._names(session, {other_id})
                raise AgreementRefused(
                    "refused.already_signed", agreement, version=version, name=names[other_id]
                )
            role = _role_of(agreement, person.id)
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
            ref = self.ref(person)
            key = f"a{agreement.id}.v{version}.signed"
            if other_id not in signers:
                view = await self._tell_other(
                    session, agreement, person, "signed_one", key, now, version=version
                )
                lead = ta(
                    "done.signed_waiting",
                    ref.locale,
                    version=version,
                    name=view.other(person.id).name,
                )
                return [ag.show(view, ref, lead)]
            agreement.status = "signed"
            agreement.signed_version = version
            agreement.signed_at = now
            agreement.next_follow_up_on = ag.next_follow_up(
                now.date(), agreement.cadence, now.date()
            )
            view = await self._tell_other(
                session, agreement, person, "signed_both", key, now, version=version
            )
            return [ag.show(view, ref, ta("done.signed_both", ref.locale, version=version))]

        return await self._guarded(session, person, work())

    async def comment(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        text: str,
        now: datetime,
    ) -> list[Outbound]:
        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            if agreement.status not in ("proposed", *ag.RUNNING):
                raise self._not_now(agreement)
            self._check_current(agreement, version)
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
            view = await self._tell_other(
                session, agreement, person, "commented", key, now, version=version, text=cleaned
            )
            ref = self.ref(person)
            name = view.other(person.id).name
            return [Outbound(ref, ta("done.commented", ref.locale, name=name))]

        return await self._guarded(session, person, work())

    async def amend(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        text: str,
        now: datetime,
        *,
        terms: ag.Terms | None = None,
    ) -> list[Outbound]:
        """A new version on top of `version`: a counter-proposal during the negotiation,
        or a renegotiation of a signed agreement (the signed version stays in force)."""

        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            if agreement.status not in OPEN:
                raise self._not_now(agreement)
            self._check_current(agreement, version)
            current = _terms(await self._version(session, agreement))
            renegotiation = agreement.status in ag.RUNNING
            start = now.date() if renegotiation else current.start
            wanted = terms or replace(current, text=text, start=start)
            wanted = replace(wanted, text=clean_text(wanted.text, ag.MAX_TEXT))
            problem = ag.terms_problem(wanted)
            if problem is not None:
                raise AgreementRefused(problem, agreement, min=ag.MIN_RATIONALE)
            await self._add_version(session, agreement, person, wanted, now)
            ref = self.ref(person)
            number = agreement.current_version
            if agreement.status == "draft":
                view = await self.view(session, agreement)
                return [ag.show(view, ref, ta("done.amended_draft", ref.locale, version=number))]
            agreement.status = "proposed"
            # Follow-ups pause while the parties renegotiate; signing restarts them.
            agreement.next_follow_up_on = None
            event = "renegotiate" if renegotiation else "amended"
            key = f"a{agreement.id}.v{number}.proposed"
            view = await self._tell_other(
                session, agreement, person, event, key, now, version=number
            )
            name = view.other(person.id).name
            return [ag.show(view, ref, ta("done.amended", ref.locale, version=number, name=name))]

        return await self._guarded(session, person, work())

    async def close(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        reason: str,
        now: datetime,
        *,
        outcome: str = "completed",
    ) -> list[Outbound]:
        """Close an agreement as completed, or drop it; either needs a reason."""

        async def work() -> list[Outbound]:
            agreement = await self._visible(session, person, agreement_id, lock=True)
            allowed = ag.RUNNING if outcome == "completed" else OPEN
            if agreement.status not in allowed:
                raise self._not_now(agreement)
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
            name = (await self._names(session, ids)).get(next(iter(ids)), "?")
            if not was_draft:
                key = f"a{agreement.id}.{outcome}"
                await self._tell_other(
                    session, agreement, person, outcome, key, now, id=agreement.id, reason=cleaned
                )
            ref = self.ref(person)
            return [Outbound(ref, ta(f"done.{outcome}", ref.locale, id=agreement.id, name=name))]

        return await self._guarded(session, person, work())

    # ---- dialogs: drafting, typed text, and the options last shown ---------------------

    async def _dialog(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> AgreementDialog | None:
        found = await session.scalars(
            select(AgreementDialog).where(AgreementDialog.person_id == person.id)
        )
        dialog = found.first()
        if dialog is not None and dialog.expires_at <= now:
            await session.delete(dialog)
            await session.flush()
            return None
        return dialog

    async def _open(
        self,
        session: AsyncSession,
        person: Person,
        kind: str,
        step: str,
        now: datetime,
        **fields: object,
    ) -> AgreementDialog:
        """One dialog per person: starting one replaces what was open."""
        existing = await self._dialog(session, person, now)
        if existing is not None:
            await session.delete(existing)
            await session.flush()
        ttl = CHOICE_TTL if kind == "choice" else DIALOG_TTL
        dialog = AgreementDialog(
            person_id=person.id,
            kind=kind,
            step=step,
            data={},
            expires_at=now + ttl,
            created_at=now,
            updated_at=now,
            **fields,
        )
        session.add(dialog)
        await session.flush()
        return dialog

    async def _point(
        self, session: AsyncSession, person: Person, question: Question, now: datetime
    ) -> None:
        """Remember the options just shown, so typing their number answers them; never at
        the cost of a dialog the person is in the middle of."""
        existing = await self._dialog(session, person, now)
        if existing is not None and existing.kind != "choice":
            return
        dialog = await self._open(session, person, "choice", "choice", now)
        dialog.data = {
            "token": question.token,
            "values": [c.value for c in question.choices],
            "labels": [c.label for c in question.choices],
        }

    async def _drop_pointer(self, session: AsyncSession, person: Person) -> None:
        found = await session.scalars(
            select(AgreementDialog).where(
                AgreementDialog.person_id == person.id, AgreementDialog.kind == "choice"
            )
        )
        for dialog in found:
            await session.delete(dialog)

    async def _draft_context(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> ag.DraftContext:
        ref = self.ref(person)
        today = local_today(ref.timezone, now)
        history: dict[tuple[int, int], list[tuple[int, ag.Role]]] = defaultdict(list)
        rows = await session.execute(
            select(
                Agreement.employee_id, Agreement.manager_id, Agreement.year, Agreement.drafter_role
            )
            .where(or_(Agreement.manager_id == person.id, Agreement.employee_id == person.id))
            .order_by(Agreement.created_at, Agreement.id)
        )
        for employee_id, manager_id, year, role in rows:
            history[employee_id, manager_id].append((year, _as_role(role)))
        counterparts = [
            ag.Counterpart(
                r.id, r.name, "employee", ag.suggested_drafter(history[r.id, person.id], today.year)
            )
            for r in await reports_of(session, person)
        ]
        manager = await manager_of(session, person)
        if manager is not None:
            drafter = ag.suggested_drafter(history[person.id, manager.id], today.year)
            counterparts.append(ag.Counterpart(manager.id, manager.name, "manager", drafter))
        return ag.DraftContext(ref, tuple(counterparts), today)

    async def suggested_drafter(
        self, session: AsyncSession, employee: Person, manager: Person, year: int
    ) -> ag.Role:
        """Who drafts the pair's agreements in `year`: the drafter alternates every year."""
        rows = await session.execute(
            select(Agreement.year, Agreement.drafter_role)
            .where(Agreement.employee_id == employee.id, Agreement.manager_id == manager.id)
            .order_by(Agreement.created_at, Agreement.id)
        )
        return ag.suggested_drafter([(y, _as_role(role)) for y, role in rows], year)

    async def start_draft(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> list[Outbound]:
        ctx = await self._draft_context(session, person, now)
        dialog = await self._open(session, person, "draft", "counterpart", now)
        result = ag.start_draft(dialog.id, ctx)
        if result.outcome == "cancel":
            await session.delete(dialog)
        else:
            self._save_draft(dialog, result.draft, now)
        return list(result.out)

    def _save_draft(self, dialog: AgreementDialog, draft: ag.Draft, now: datetime) -> None:
        dialog.step = draft.step
        dialog.data = draft.data()
        dialog.updated_at = now
        dialog.expires_at = now + DIALOG_TTL

    async def _draft_reply(
        self,
        session: AsyncSession,
        person: Person,
        dialog: AgreementDialog,
        text: str,
        token: str,
        now: datetime,
    ) -> list[Outbound]:
        ctx = await self._draft_context(session, person, now)
        draft = ag.Draft.from_data(dialog.id, dialog.step, dialog.data)
        result = ag.draft_step(draft, text, token, ctx)
        if result.outcome == "open":
            self._save_draft(dialog, result.draft, now)
            return list(result.out)
        await session.delete(dialog)
        if result.outcome == "cancel":
            return list(result.out)
        try:
            counterpart = result.draft.counterpart_id or 0
            terms = result.draft.terms(ctx.today)
            propose = result.outcome == "propose"
            _, replies = await self.create(
                session, person, counterpart, terms, now, propose=propose
            )
        except AgreementRefused as refused:
            return [Outbound(ctx.person, ta(refused.key, ctx.person.locale, **refused.values))]
        return replies

    async def _ask_text(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        purpose: str,
        now: datetime,
    ) -> list[Outbound]:
        agreement = await self._visible(session, person, agreement_id)
        view = await self.view(session, agreement)
        if purpose not in ag.actions_for(view, person.id):
            raise self._not_now(agreement)
        if purpose in ("comment", "amend"):
            self._check_current(agreement, version)
        dialog = await self._open(
            session,
            person,
            "text",
            purpose,
            now,
            purpose=purpose,
            agreement_id=agreement.id,
            version=agreement.current_version,
        )
        return [ag.text_prompt(purpose, view, dialog.id, self.ref(person))]

    async def _text_reply(
        self,
        session: AsyncSession,
        person: Person,
        dialog: AgreementDialog,
        text: str,
        now: datetime,
    ) -> list[Outbound]:
        ref = self.ref(person)
        if not text.strip() or text.strip().casefold() in ag.CANCEL_WORDS:
            await session.delete(dialog)
            return [Outbound(ref, ta("done.cancelled", ref.locale))]
        await session.delete(dialog)
        await session.flush()
        agreement_id, version = dialog.agreement_id or 0, dialog.version or 0
        match dialog.purpose:
            case "comment":
                return await self.comment(session, person, agreement_id, version, text, now)
            case "amend" | "renegotiate":
                return await self.amend(session, person, agreement_id, version, text, now)
            case "close":
                return await self.close(session, person, agreement_id, text, now)
            case "drop":
                return await self.close(session, person, agreement_id, text, now, outcome="dropped")
        return await self.comment_follow_up(session, person, dialog.followup_id or 0, text, now)

    # ---- follow-up: both parties, separately, on the agreement's cadence ---------------

    async def _own_follow_up(
        self, session: AsyncSession, person: Person, followup_id: int
    ) -> AgreementFollowUp:
        row = await session.get(AgreementFollowUp, followup_id)
        if row is None or row.party_id != person.id:
            raise AgreementRefused("not_found")
        return row

    async def answer_follow_up(
        self, session: AsyncSession, person: Person, followup_id: int, answer: str, now: datetime
    ) -> list[Outbound]:
        async def work() -> list[Outbound]:
            ref = self.ref(person)
            row = await self._own_follow_up(session, person, followup_id)
            agreement = await self._visible(session, person, row.agreement_id, lock=True)
            value = ag.pick(
                answer,
                ag.FOLLOW_UP_ANSWERS,
                [ta(f"answer.{a}", ref.locale) for a in ag.FOLLOW_UP_ANSWERS],
            )
            if value is None:
                view = await self.view(session, agreement)
                return [ag.follow_up_prompt(view, row.id, ref)]
            if row.answer is not None:
                return [Outbound(ref, ta("follow_up.already", ref.locale))]
            row.answer = value
            row.answered_at = now
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
            answers: dict[ag.Role, str | None] = {_role_of(agreement, person.id): value}
            if other is not None:
                answers[_role_of(agreement, other.party_id)] = other.answer
            told = await self._weigh(session, agreement, person, row.period, answers, now)
            view = await self.view(session, agreement)
            waiting = other is not None and other.answer is None
            return [ag.follow_up_thanks(view, row.id, ref, waiting), *told]

        return await self._guarded(session, person, work())

    async def _weigh(
        self,
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
        view = await self.view(session, agreement)
        replies = []
        for party in (view.employee, view.manager):
            person = await session.get_one(Person, party.person_id)
            out = ag.perception_notice(view, outcome, answers, self.ref(person))
            if person.id == actor.id:
                replies.append(out)
                continue
            stage = "both" if complete else "one"
            key = f"a{agreement.id}.{period}.{outcome}.{stage}.p{person.id}"
            await self._notify(session, agreement.id, person.id, key, out, now)
        return replies

    async def _ask_follow_up_comment(
        self, session: AsyncSession, person: Person, followup_id: int, now: datetime
    ) -> list[Outbound]:
        row = await self._own_follow_up(session, person, followup_id)
        agreement = await self._visible(session, person, row.agreement_id)
        view = await self.view(session, agreement)
        dialog = await self._open(
            session,
            person,
            "text",
            "follow_up_comment",
            now,
            purpose="follow_up_comment",
            agreement_id=agreement.id,
            followup_id=row.id,
        )
        return [ag.text_prompt("follow_up_comment", view, dialog.id, self.ref(person))]

    async def comment_follow_up(
        self, session: AsyncSession, person: Person, followup_id: int, text: str, now: datetime
    ) -> list[Outbound]:
        async def work() -> list[Outbound]:
            row = await self._own_follow_up(session, person, followup_id)
            row.comment = clean_text(text, ag.MAX_TEXT) or None
            ref = self.ref(person)
            return [Outbound(ref, ta("follow_up.comment_saved", ref.locale))]

        return await self._guarded(session, person, work())

    async def plan_round(self, session: AsyncSession, agreement: Agreement, now: datetime) -> int:
        """Ask both parties about one agreement for its due period; the UNIQUE key
        (agreement, party, period) makes a second planning a no-op."""
        day = agreement.next_follow_up_on
        if day is None:
            return 0
        period = ag.period_of(day)
        people = {
            p.id: p
            for p in await session.scalars(
                select(Person).where(
                    Person.id.in_((agreement.employee_id, agreement.manager_id)), Person.active
                )
            )
        }
        rows = []
        for person in people.values():
            due = max(follow_up_moment(day, self.ref(person).timezone), now)
            rows.append(
                {
                    "agreement_id": agreement.id,
                    "party_id": person.id,
                    "role": _role_of(agreement, person.id),
                    "period": period,
                    "due_at": due,
                    "created_at": now,
                }
            )
        table = AgreementFollowUp.__table__
        new = await insert_new(session, table, rows, table.c.id, table.c.party_id, table.c.due_at)  # type: ignore[arg-type]
        if new:
            view = await self.view(session, agreement)
            for followup_id, party_id, due_at in new:
                out = ag.follow_up_prompt(view, followup_id, self.ref(people[party_id]))
                key = ag.followup_token(followup_id)
                await self._notify(
                    session, agreement.id, party_id, key, out, now, kind="follow_up", at=due_at
                )
        # Never a backlog: after downtime the rhythm resumes from today.
        anchor = (agreement.signed_at or now).date()
        agreement.next_follow_up_on = ag.next_follow_up(
            anchor, agreement.cadence, max(day, now.date())
        )
        return len(new)

    # ---- overviews: the digest, the home view, HR --------------------------------------

    async def attention_for_manager(
        self, session: AsyncSession, manager: Person, now: datetime
    ) -> list[ag.Attention]:
        """At-risk and unanswered agreements with this manager's reports (digest data)."""
        return await self._attention(session, Agreement.manager_id == manager.id, now)

    async def attention_for_employee(
        self, session: AsyncSession, employee: Person, now: datetime
    ) -> list[ag.Attention]:
        """The employee's own at-risk and unanswered agreements (home view data)."""
        return await self._attention(session, Agreement.employee_id == employee.id, now)

    async def _attention(
        self, session: AsyncSession, condition: ColumnElement[bool], now: datetime
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
        views = {v.agreement_id: v for v in await self.summaries(session, agreements)}
        items = []
        for agreement in agreements:
            periods = sorted(rounds[agreement.id].items(), reverse=True)
            view = views[agreement.id]
            if agreement.status == "at_risk":
                items.append(self._risk(view, periods))
            if periods:
                latest_period, latest = periods[0]
                missing = tuple(
                    (view.employee if role == "employee" else view.manager).name
                    for role, row in sorted(latest.items())
                    if row.answer is None and row.due_at <= now - UNANSWERED_AFTER
                )
                if missing:
                    items.append(self._item(view, "unanswered", latest_period, latest, missing))
        return items

    def _item(
        self,
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
            text=view.current.terms.text,
            reason=reason,  # type: ignore[arg-type]
            period=period,
            employee_answer=employee.answer if employee else None,
            manager_answer=manager.answer if manager else None,
            missing=missing,
        )

    def _risk(
        self, view: ag.AgreementView, periods: list[tuple[str, dict[str, AgreementFollowUp]]]
    ) -> ag.Attention:
        """Why it is at risk: the most recent round with a gap or a "not kept"."""
        for period, answers in periods:
            employee, manager = answers.get("employee"), answers.get("manager")
            e = employee.answer if employee else None
            m = manager.answer if manager else None
            if e and m and ag.perception(e, m) == "perception_gap":
                return self._item(view, "perception_gap", period, answers)
            if "not" in (e, m):
                return self._item(view, "not_kept", period, answers)
        return self._item(view, "not_kept", periods[0][0] if periods else "", {})

    async def unanswered_follow_ups(
        self, session: AsyncSession, now: datetime, *, older_than: timedelta = UNANSWERED_AFTER
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

    async def transparency_register(self, session: AsyncSession, viewer: Person) -> ag.Register:
        """HR's view: counts by topic and status, i-deal reasons without names."""
        if not viewer.is_hr:
            raise AgreementRefused("refused.not_hr")
        counts = await session.execute(
            select(
                Agreement.category,
                Agreement.status,
                func.count(func.distinct(Agreement.employee_id)),
            )
            .where(Agreement.status != "draft")
            .group_by(Agreement.category, Agreement.status)
        )
        reasons = await session.execute(
            select(
                AgreementVersion.category, AgreementVersion.i_deal_rationale, Agreement.employee_id
            )
            .join(
                Agreement,
                and_(
                    Agreement.id == AgreementVersion.agreement_id,
                    Agreement.signed_version == AgreementVersion.number,
                ),
            )
            .where(Agreement.status.in_(ag.RUNNING), AgreementVersion.is_i_deal)
        )
        rationales = [(category, text or "", employee) for category, text, employee in reasons]
        return ag.build_register(
            {(category, status): count for category, status, count in counts},
            [(category, text) for category, text, _ in rationales],
            len({employee for _, _, employee in rationales}),
            MIN_GROUP,
            MIN_GROUP_FREE_TEXT,
        )

    async def register_message(self, session: AsyncSession, person: Person) -> Outbound:
        ref = self.ref(person)
        try:
            register = await self.transparency_register(session, person)
        except AgreementRefused as refused:
            return Outbound(ref, ta(refused.key, ref.locale))
        title, body = ag.render_register(register, ref.locale)
        return Outbound(ref, body, title)


# ---- the scheduler's part: plan due follow-ups, send what waits for the other party ----

MAX_ATTEMPTS = 8
UNREACHABLE_RETRY = timedelta(hours=1)


@dataclass
class NoticeReport:
    planned: int = 0
    sent: int = 0
    held: int = 0
    unreachable: int = 0
    failed: int = 0


async def plan_follow_ups(db: Database, now: datetime, defaults: Defaults) -> int:
    """Plan every follow-up round that is due; safe to run on every tick and instance."""
    service = AgreementService(defaults)
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
        return sum([await service.plan_round(session, a, now) for a in list(due)])


async def send_notices(
    db: Database, now: datetime, defaults: Defaults, adapters: Mapping[str, ChatAdapter]
) -> NoticeReport:
    """Deliver queued notices. A notice is claimed (pending -> sending) before it is sent
    and never returns to pending after a send began, so none is ever sent twice."""
    report = NoticeReport()
    async with db.session() as session:
        ids = list(
            await session.scalars(
                select(AgreementNotice.id)
                .where(AgreementNotice.status == "pending", AgreementNotice.next_attempt_at <= now)
                .order_by(AgreementNotice.next_attempt_at, AgreementNotice.id)
                .limit(500)
            )
        )
    for notice_id in ids:
        await _deliver(db, notice_id, now, defaults, adapters, report)
    return report


async def _deliver(
    db: Database,
    notice_id: int,
    now: datetime,
    defaults: Defaults,
    adapters: Mapping[str, ChatAdapter],
    report: NoticeReport,
) -> None:
    async with db.session() as session:
        claimed = await session.execute(
            update(AgreementNotice)
            .where(AgreementNotice.id == notice_id, AgreementNotice.status == "pending")
            .values(status="sending", attempts=AgreementNotice.attempts + 1)
            .returning(AgreementNotice.id)
        )
        if claimed.first() is None:
            return  # another instance took it
        notice = await session.get_one(AgreementNotice, notice_id)
        person = await session.get_one(Person, notice.person_id)
        ref = person_ref(person, defaults)
        if not person.active:
            notice.status = "cancelled"
            return
        today = local_today(ref.timezone, now)
        if notice.kind == "follow_up" and is_paused(person, today) and person.paused_until:
            notice.status, notice.attempts = "pending", notice.attempts - 1
            notice.next_attempt_at = follow_up_moment(person.paused_until, ref.timezone)
            report.held += 1
            return
        adapter = route(ref, adapters)
        if adapter is None:
            notice.status, notice.attempts = "pending", notice.attempts - 1
            notice.next_attempt_at = now + UNREACHABLE_RETRY
            notice.last_error = "no chat platform reaches this person (no Slack or Teams id)"
            report.unreachable += 1
            return
        out = ag.outbound_from_data(notice.payload, ref)
        notice.platform = adapter.platform
    try:
        await adapter.send(out)
    except Exception as exc:  # any platform error before delivery: retried with back-off
        async with db.session() as session:
            notice = await session.get_one(AgreementNotice, notice_id)
            notice.last_error = f"{type(exc).__name__}: {exc}"[:500]
            failed = notice.attempts >= MAX_ATTEMPTS
            notice.status = "failed" if failed else "pending"
            notice.next_attempt_at = now + backoff(notice.attempts)
            report.failed += failed
        return
    async with db.session() as session:
        notice = await session.get_one(AgreementNotice, notice_id)
        notice.status = "sent"
        notice.sent_at = now
        notice.last_error = None
    report.sent += 1


async def follow_up_tick(
    db: Database, now: datetime, defaults: Defaults, adapters: Mapping[str, ChatAdapter]
) -> NoticeReport:
    """The scheduler tick's agreement work: plan due follow-ups, then send notices."""
    planned = await plan_follow_ups(db, now, defaults)
    report = await send_notices(db, now, defaults, adapters)
    report.planned = planned
    return report
