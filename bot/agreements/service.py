"""Agreements of the third contract: the service the engine talks to. It reads commands,
clicks and typed text, routes them to the negotiation, the follow-up and the dialogs, and
shows each agreement to its two parties only.

The work itself lives in the agreement_* modules next to this one: reading and visibility
(agreement_records), negotiation (agreement_negotiation), open dialogs (agreement_dialogs),
follow-up rounds (agreement_followups), what the parties are told (agreement_notices), the
overviews' data (agreement_attention) and HR's register (agreement_register)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import attention, followups, negotiation, records, register
from bot.agreements import dialogs as dialog_state
from bot.agreements.attention import UNANSWERED_AFTER, UnansweredFollowUp
from bot.agreements.dialogs import DIALOG_TTL
from bot.agreements.followups import plan_follow_ups
from bot.agreements.negotiation import OPEN
from bot.agreements.notices import FOLLOW_UP_TIME, follow_up_moment
from bot.agreements.records import AgreementRefused
from bot.agreements.register import MIN_GROUP, MIN_GROUP_FREE_TEXT
from bot.org.people import Defaults, person_ref
from bot.privacy.audit import record_agreement_view
from bot.storage.agreement_models import Agreement, AgreementDialog
from bot.storage.models import Person
from dialogs import agreement_draft as drafting
from dialogs import agreements as ag
from dialogs.agreement_register import Register
from dialogs.agreement_texts import ta
from dialogs.messages import Outbound, Outcome, PersonRef, Turn

# What callers have always imported from here, wherever it now lives.
__all__ = [
    "DIALOG_TTL",
    "FOLLOW_UP_TIME",
    "MIN_GROUP",
    "MIN_GROUP_FREE_TEXT",
    "OPEN",
    "UNANSWERED_AFTER",
    "AgreementRefused",
    "AgreementService",
    "UnansweredFollowUp",
    "follow_up_moment",
    "plan_follow_ups",
]


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
        if number.isdecimal():
            return [await self.show(session, person, int(number), now)]
        return [Outbound(self.ref(person), ta("usage", self.ref(person).locale))]

    async def answer(
        self, session: AsyncSession, person: Person, token: str, value: str, now: datetime
    ) -> Turn:
        """An answer to an agreement prompt (clicked, or typed and read by the engine):
        an action, a follow-up answer, a drafting step or a text that was asked for."""
        parsed = ag.parse_token(token)
        ref = self.ref(person)
        if parsed is None:
            return Turn((Outbound(ref, ta("stale_closed", ref.locale)),), Outcome("refused", token))
        turn = await self._on_token(session, person, parsed, value, now)
        outcome = turn.outcome
        if outcome.kind == "recorded" and not outcome.label:
            outcome = replace(outcome, value=value, label=self._label(parsed, value, ref))
        return replace(turn, outcome=replace(outcome, token=token))

    @staticmethod
    def _label(token: ag.Token, value: str, ref: PersonRef) -> str:
        """How an answer reads on the prompt it answered, in the person's language."""
        loc = ref.locale
        if token.kind == "followup" and value == "comment":
            return ta("action.add_comment", loc)
        if token.kind == "followup" and value in ag.FOLLOW_UP_ANSWERS:
            return ta(f"answer.{value}", loc)
        if value in ag.ACTIONS:
            return ta(f"action.{value}", loc)
        return value

    async def _on_token(
        self, session: AsyncSession, person: Person, token: ag.Token, value: str, now: datetime
    ) -> Turn:
        ref = self.ref(person)
        if token.kind == "dialog":
            dialog = await dialog_state.current_dialog(session, person, now)
            if dialog is None or dialog.id != token.id:
                return Turn((Outbound(ref, ta("stale_closed", ref.locale)),), Outcome("refused"))
            if value == "cancel" or value.strip().casefold() in ag.CANCEL_WORDS:
                await session.delete(dialog)
                done = Outbound(ref, ta("done.cancelled", ref.locale))
                return Turn((done,), Outcome("recorded", value="cancel"))
            if dialog.kind == "draft":
                clicked = ag.dialog_token(token.id, token.step)
                return await self._draft_reply(session, person, dialog, value, clicked, now)
            return await self._text_reply(session, person, dialog, value, now)
        if token.kind == "followup":
            if value == "comment":
                work = followups.ask_follow_up_comment(
                    self.defaults, session, person, token.id, now
                )
                return await records.guarded(self.defaults, session, person, work)
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
    ) -> Turn:
        """One of the actions a prompt offered, on the version that prompt showed."""
        if action == "accept":
            return await self.accept(session, person, agreement_id, version, now)
        if action == "sign":
            return await self.sign(session, person, agreement_id, version, now)
        if action == "propose":
            return await self.propose(session, person, agreement_id, now)
        if action in ag.TEXT_ACTIONS:
            work = self._ask_text(session, person, agreement_id, version, action, now)
            return await records.guarded(self.defaults, session, person, work)
        # Not an action this prompt offers: the agreement as it stands, nothing changed.
        shown = await self.show(session, person, agreement_id, now)
        return Turn((shown,), Outcome("refused"))

    # ---- reading, with the one rule of who may see what --------------------------------

    async def view(self, session: AsyncSession, agreement: Agreement) -> ag.AgreementView:
        """The whole agreement: every version, signature and comment, the latest follow-up."""
        return await records.view(session, agreement)

    async def summaries(
        self, session: AsyncSession, agreements: Sequence[Agreement]
    ) -> list[ag.AgreementView]:
        """Light views (the current version only) for lists, in three queries."""
        return await records.summaries(session, agreements)

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
            await records.summaries(session, list(mine)),
            await records.summaries(session, list(team)),
            self.ref(person),
        )

    async def show(
        self, session: AsyncSession, person: Person, agreement_id: int, now: datetime
    ) -> Outbound:
        """One agreement and what is asked of this party now (a follow-up goes first)."""
        ref = self.ref(person)
        try:
            agreement = await records.visible(session, person, agreement_id)
        except AgreementRefused:
            await record_agreement_view(session, person, agreement_id, None, now)
            return Outbound(ref, ta("not_found", ref.locale))
        await record_agreement_view(session, person, agreement_id, agreement, now)
        view = await records.view(session, agreement)
        pending = await followups.pending_follow_up(session, agreement, person)
        if pending is not None:
            return ag.follow_up_prompt(view, pending.id, ref)
        # Opened before talking about it: the tips for that conversation come first.
        lead = ag.at_risk_tips(view, ref) if view.status == "at_risk" else ""
        return ag.show(view, ref, lead)

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
        return await negotiation.create(
            self.defaults, session, author, counterpart_id, terms, now, propose=propose
        )

    async def propose(
        self, session: AsyncSession, person: Person, agreement_id: int, now: datetime
    ) -> Turn:
        """Send a saved draft to the other party."""
        return await negotiation.propose(self.defaults, session, person, agreement_id, now)

    async def accept(
        self, session: AsyncSession, person: Person, agreement_id: int, version: int, now: datetime
    ) -> Turn:
        """The other party agrees with this exact version; both are then asked to sign it."""
        return await negotiation.accept(self.defaults, session, person, agreement_id, version, now)

    async def sign(
        self, session: AsyncSession, person: Person, agreement_id: int, version: int, now: datetime
    ) -> Turn:
        """Sign one exact version; when both signed it, it is the third contract."""
        return await negotiation.sign(self.defaults, session, person, agreement_id, version, now)

    async def comment(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        text: str,
        now: datetime,
    ) -> Turn:
        return await negotiation.comment(
            self.defaults, session, person, agreement_id, version, text, now
        )

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
    ) -> Turn:
        """A new version on top of `version`: a counter-proposal during the negotiation,
        or a renegotiation of a signed agreement (the signed version stays in force)."""
        return await negotiation.amend(
            self.defaults, session, person, agreement_id, version, text, now, terms=terms
        )

    async def close(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        reason: str,
        now: datetime,
        *,
        outcome: str = "completed",
    ) -> Turn:
        """Close an agreement as completed, or drop it; either needs a reason."""
        return await negotiation.close(
            self.defaults, session, person, agreement_id, reason, now, outcome=outcome
        )

    # ---- dialogs: drafting, and typed text --------------------------------------------

    async def suggested_drafter(
        self, session: AsyncSession, employee: Person, manager: Person, year: int
    ) -> ag.Role:
        """Who drafts the pair's agreements in `year`: the drafter alternates every year."""
        return await dialog_state.suggested_drafter(session, employee, manager, year)

    async def start_draft(
        self, session: AsyncSession, person: Person, now: datetime
    ) -> list[Outbound]:
        return await dialog_state.start_draft(self.defaults, session, person, now)

    async def _draft_reply(
        self,
        session: AsyncSession,
        person: Person,
        dialog: AgreementDialog,
        text: str,
        token: str,
        now: datetime,
    ) -> Turn:
        ctx = await dialog_state.draft_context(self.defaults, session, person, now)
        draft = drafting.Draft.from_data(dialog.id, dialog.step, dialog.data)
        result = drafting.draft_step(draft, text, token, ctx)
        answered = Outcome(result.answer, value=text.strip(), label=result.label)
        if result.outcome == "open":
            dialog_state.save_draft(dialog, result.draft, now)
            return Turn(result.out, answered)
        await session.delete(dialog)
        if result.outcome == "cancel":
            return Turn(result.out, replace(answered, value="cancel"))
        try:
            counterpart = result.draft.counterpart_id or 0
            terms = result.draft.terms(ctx.today)
            propose = result.outcome == "propose"
            _, replies = await self.create(
                session, person, counterpart, terms, now, propose=propose
            )
        except AgreementRefused as refused:
            text = refused.text(ctx.person.locale)
            return Turn((Outbound(ctx.person, text),), Outcome("refused"))
        return Turn(tuple(replies), answered)

    async def _ask_text(
        self,
        session: AsyncSession,
        person: Person,
        agreement_id: int,
        version: int,
        purpose: str,
        now: datetime,
    ) -> list[Outbound]:
        agreement = await records.visible(session, person, agreement_id)
        view = await records.view(session, agreement)
        if purpose not in ag.actions_for(view, person.id):
            raise negotiation.not_now(agreement)
        if purpose in ("comment", "amend"):
            negotiation.check_current(agreement, version)
        dialog = await dialog_state.open_dialog(
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
    ) -> Turn:
        ref = self.ref(person)
        if not text.strip():
            again = Outbound(ref, ta("refused.empty_text", ref.locale))
            return Turn((again,), Outcome("again"))
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

    async def answer_follow_up(
        self, session: AsyncSession, person: Person, followup_id: int, answer: str, now: datetime
    ) -> Turn:
        return await followups.answer_follow_up(
            self.defaults, session, person, followup_id, answer, now
        )

    async def comment_follow_up(
        self, session: AsyncSession, person: Person, followup_id: int, text: str, now: datetime
    ) -> Turn:
        return await followups.comment_follow_up(
            self.defaults, session, person, followup_id, text, now
        )

    async def plan_round(self, session: AsyncSession, agreement: Agreement, now: datetime) -> int:
        """Ask both parties about one agreement for its due period; the UNIQUE key
        (agreement, party, period) makes a second planning a no-op."""
        return await followups.plan_round(self.defaults, session, agreement, now)

    # ---- overviews: the digest, the home view, HR --------------------------------------

    async def attention_for_manager(
        self, session: AsyncSession, manager: Person, now: datetime
    ) -> list[ag.Attention]:
        """At-risk and unanswered agreements with this manager's reports (digest data)."""
        return await attention.attention_for_manager(session, manager, now)

    async def attention_for_employee(
        self, session: AsyncSession, employee: Person, now: datetime
    ) -> list[ag.Attention]:
        """The employee's own at-risk and unanswered agreements (home view data)."""
        return await attention.attention_for_employee(session, employee, now)

    async def unanswered_follow_ups(
        self, session: AsyncSession, now: datetime, *, older_than: timedelta = UNANSWERED_AFTER
    ) -> list[UnansweredFollowUp]:
        """Follow-up questions of running agreements still unanswered long after they were due."""
        return await attention.unanswered_follow_ups(session, now, older_than=older_than)

    async def transparency_register(self, session: AsyncSession, viewer: Person) -> Register:
        """HR's view: counts by topic and status, i-deal reasons without names."""
        return await register.transparency_register(session, viewer)

    async def register_message(self, session: AsyncSession, person: Person) -> Outbound:
        return await register.register_message(self.defaults, session, person)
