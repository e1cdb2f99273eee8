"""The third contract: negotiation, signatures, follow-up, who sees what, the document."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.agreements.document import (
    export_third_contract,
    load_third_contract,
    to_markdown,
    to_pdf,
)
from bot.agreements.service import AgreementRefused, AgreementService, plan_follow_ups
from bot.bootstrap import build_app
from bot.checkins.service import CheckinService
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery.dispatcher import Dispatcher
from bot.org.organisation import import_org
from bot.org.people import Defaults, find_by_email
from bot.storage.agreement_models import (
    Agreement,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.database import Database
from bot.storage.models import OutboxMessage, Person
from dialogs import agreements as ag
from dialogs.agreement_texts import AGREEMENT_CATALOG, ta
from dialogs.messages import Inbound, Outbound, Turn
from dialogs.texts import format_day
from tests.support.testbot import QUIET, RecordingAdapter

T = TypeVar("T")

ORG = """email,name,manager_email,locale,timezone,department,hr
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,Support,false
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,false
carla@example.org,Carla Smith,anna@example.org,en,America/New_York,Support,false
dirk@example.org,Dirk Bakker,,en,Asia/Kolkata,Development,false
eva@example.org,Eva Mol,dirk@example.org,nl,Europe/Amsterdam,Development,false
hr@example.org,Hanna Rutgers,,nl,Europe/Amsterdam,HR,true
"""
ANNA, BRAM, CARLA, DIRK, EVA, HR = (
    f"{n}@example.org" for n in ("anna", "bram", "carla", "dirk", "eva", "hr")
)
START = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)  # a Monday
DEFAULTS = Defaults()
HOME_DAYS = "Bram works from home on Mondays and Fridays."
COUNTER = "Bram works from home on Mondays and Thursdays."


class World:
    """The bot's agreement side on a real database, driven through the engine."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.clock = FixedClock(START)
        self.app = build_app(load_settings(QUIET), self.clock, db=db)
        self.service: AgreementService = self.app.engine.agreements
        self.adapter = RecordingAdapter()
        self.turn = Turn()

    @property
    def now(self) -> datetime:
        return self.clock.now()

    async def as_(self, email: str, work: Callable[[Any, Person], Awaitable[T]]) -> T:
        async with self.db.session() as session:
            person = await find_by_email(session, email)
            assert person is not None
            return await work(session, person)

    async def say(self, email: str, text: str) -> list[Outbound]:
        """Typed text, as the console sends it: a command, or an answer to the question
        the person was shown last."""
        self.turn = await self.app.engine.handle(Inbound("console", email, text=text))
        return list(self.turn.replies)

    async def click(self, email: str, token: str, value: str) -> list[Outbound]:
        inbound = Inbound("console", email, token=token, value=value)
        self.turn = await self.app.engine.handle(inbound)
        return list(self.turn.replies)

    def dispatcher(self, adapter: RecordingAdapter | None = None) -> Dispatcher:
        adapters = {"console": adapter or self.adapter}
        return Dispatcher(self.db, self.clock, CheckinService({}, DEFAULTS), adapters)

    async def deliver(self) -> list[Outbound]:
        """One scheduler tick's agreement work; the messages it sent."""
        before = len(self.adapter.sent)
        await plan_follow_ups(self.db, self.now, DEFAULTS)
        await self.dispatcher().dispatch()
        return self.adapter.sent[before:]

    async def agreement(self, agreement_id: int) -> Agreement:
        async with self.db.session() as session:
            return await session.get_one(Agreement, agreement_id)


@pytest.fixture
async def world(db: Database) -> World:
    await import_org(db, ORG, START)
    return World(db)


def _terms(text: str = HOME_DAYS, **changes: Any) -> ag.Terms:
    values: dict[str, Any] = {
        "category": "place_of_work",
        "text": text,
        "start": START.date(),
        "review": date(2027, 9, 30),
        "cadence": "quarterly",
    }
    values.update(changes)
    return ag.Terms(**values)


async def _create(
    world: World, author: str, counterpart: str, terms: ag.Terms | None = None
) -> int:
    async def work(session: Any, person: Person) -> int:
        other = await find_by_email(session, counterpart)
        assert other is not None
        agreement, _ = await world.service.create(
            session, person, other.id, terms or _terms(), world.now
        )
        return agreement.id

    return await world.as_(author, work)


async def _signed(world: World, manager: str, employee: str, terms: ag.Terms | None = None) -> int:
    """An agreement drafted by the manager, accepted and signed by both."""
    agreement_id = await _create(world, manager, employee, terms)
    await world.click(employee, ag.agreement_token(agreement_id, 1), "accept")
    await world.click(employee, ag.agreement_token(agreement_id, 1), "sign")
    await world.click(manager, ag.agreement_token(agreement_id, 1), "sign")
    return agreement_id


def _agreement_id(out: Outbound) -> int:
    token = out.question.token if out.question else out.key
    parsed = ag.parse_token(token)
    assert parsed is not None and parsed.kind == "agreement"
    return parsed.id


def _values(out: Outbound) -> list[str]:
    assert out.question is not None
    return [c.value for c in out.question.choices]


# ---- negotiation ---------------------------------------------------------------------------


async def test_full_negotiation_ends_in_one_signed_version(world: World) -> None:
    # Anna drafts with the guided dialog; each step is one typed answer, as on the console.
    first = await world.say(ANNA, "agreement new")
    assert [c.label for c in first[0].question.choices] == [  # type: ignore[union-attr]
        "Bram Jansen (employee)",
        "Carla Smith (employee)",
    ]
    chosen = await world.say(ANNA, "1")  # Bram
    assert "This year it is your turn to write the first version" in chosen[0].text
    await world.say(ANNA, "4")  # place of work (hybrid)
    await world.say(ANNA, HOME_DAYS)
    await world.say(ANNA, "2")  # not an i-deal
    await world.say(ANNA, "2")  # review in 6 months
    confirm = await world.say(ANNA, "2")  # quarterly
    assert HOME_DAYS in confirm[0].text and _values(confirm[0]) == ["propose", "save", "cancel"]
    proposed = await world.say(ANNA, "1")
    agreement_id = _agreement_id(proposed[0])
    assert "proposed to Bram Jansen" in proposed[0].text

    # Bram is told by the tick, with what he can do.
    to_bram = await world.deliver()
    assert [o.recipient.email for o in to_bram] == [BRAM]
    assert _values(to_bram[0]) == ["accept", "comment", "amend", "drop"]
    assert HOME_DAYS in to_bram[0].text

    # Bram proposes an amended version instead of accepting.
    ask = await world.click(BRAM, to_bram[0].question.token, "amend")  # type: ignore[union-attr]
    assert HOME_DAYS in ask[0].text
    countered = await world.say(BRAM, COUNTER)
    assert "Version 2 has been proposed to Anna de Vries" in countered[0].text

    # Anna accepts version 2; both are asked to sign exactly that version.
    to_anna = await world.deliver()
    assert to_anna[0].recipient.email == ANNA and COUNTER in to_anna[0].text
    accepted = await world.click(ANNA, ag.agreement_token(agreement_id, 2), "accept")
    assert _values(accepted[0])[0] == "sign"
    sign_prompt = (await world.deliver())[0]
    assert sign_prompt.recipient.email == BRAM and _values(sign_prompt)[0] == "sign"

    waiting = await world.click(BRAM, sign_prompt.question.token, "sign")  # type: ignore[union-attr]
    assert "As soon as Anna de Vries signs too" in waiting[0].text
    world.clock.advance(timedelta(hours=2))
    done = await world.click(ANNA, ag.agreement_token(agreement_id, 2), "sign")
    assert "part of your third contract" in done[0].text
    assert "signed too" in (await world.deliver())[0].text

    agreement = await world.agreement(agreement_id)
    assert (agreement.status, agreement.signed_version, agreement.current_version) == (
        "signed",
        2,
        2,
    )
    async with world.db.session() as session:
        versions = list(
            await session.scalars(
                select(AgreementVersion)
                .where(AgreementVersion.agreement_id == agreement_id)
                .order_by(AgreementVersion.number)
            )
        )
        signatures = list(
            await session.scalars(
                select(AgreementSignature).where(AgreementSignature.agreement_id == agreement_id)
            )
        )
    # Every version is kept with its author and time, never rewritten.
    assert [(v.number, v.text) for v in versions] == [(1, HOME_DAYS), (2, COUNTER)]
    assert versions[0].author_id == agreement.manager_id
    assert versions[1].author_id == agreement.employee_id
    assert {(s.version, s.role) for s in signatures} == {(2, "employee"), (2, "manager")}


async def test_a_signature_on_an_outdated_version_is_refused(world: World) -> None:
    agreement_id = await _create(world, ANNA, BRAM)
    await world.as_(
        BRAM, lambda s, p: world.service.amend(s, p, agreement_id, 1, COUNTER, world.now)
    )
    refused = await world.click(ANNA, ag.agreement_token(agreement_id, 1), "sign")
    assert "Version 1 of agreement" in refused[0].text
    assert "outdated: the current version is 2" in refused[0].text
    # The reply shows the current version to act on instead.
    assert COUNTER in refused[0].text
    assert refused[0].question is not None
    assert refused[0].question.token == ag.agreement_token(agreement_id, 2)
    async with world.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(AgreementSignature))
    assert count == 0


async def test_the_author_cannot_accept_their_own_version(world: World) -> None:
    agreement_id = await _create(world, ANNA, BRAM)
    replies = await world.click(ANNA, ag.agreement_token(agreement_id, 1), "accept")
    assert "You wrote this version yourself" in replies[0].text


async def test_comments_reach_the_other_party(world: World) -> None:
    agreement_id = await _create(world, ANNA, BRAM)
    await world.deliver()
    asked = await world.click(BRAM, ag.agreement_token(agreement_id, 1), "comment")
    assert asked[0].question is not None and asked[0].question.kind == "text"
    # Platforms with input fields submit the text under the question's token.
    text = "Could Thursday work instead of Friday?"
    saved = await world.click(BRAM, asked[0].question.token, text)
    assert "sent to Anna de Vries" in saved[0].text
    told = await world.deliver()
    assert "Could Thursday work instead of Friday?" in told[0].text
    assert _values(told[0]) == ["comment", "amend", "drop"]  # her own version: no accept


async def test_renegotiation_keeps_the_signed_version_then_close_and_drop(world: World) -> None:
    agreement_id = await _signed(world, ANNA, BRAM)
    await world.click(BRAM, ag.agreement_token(agreement_id, 1), "renegotiate")
    await world.say(BRAM, COUNTER)
    agreement = await world.agreement(agreement_id)
    assert (agreement.status, agreement.signed_version, agreement.current_version) == (
        "proposed",
        1,
        2,
    )
    shown = await world.say(ANNA, f"agreement show {agreement_id}")
    assert "version 1 stays in force" in shown[0].text

    await world.click(ANNA, ag.agreement_token(agreement_id, 2), "accept")
    await world.click(ANNA, ag.agreement_token(agreement_id, 2), "sign")
    await world.click(BRAM, ag.agreement_token(agreement_id, 2), "sign")
    assert (await world.agreement(agreement_id)).signed_version == 2

    await world.click(BRAM, ag.agreement_token(agreement_id, 2), "close")
    closed = await world.say(BRAM, "The team moved to the new office; all agreed.")
    assert "completed" in closed[0].text
    agreement = await world.agreement(agreement_id)
    assert agreement.status == "completed"
    assert agreement.close_reason == "The team moved to the new office; all agreed."

    second = await _create(world, BRAM, ANNA, _terms("Bram follows a course in SQL."))
    no_reason = await world.as_(
        ANNA, lambda s, p: world.service.close(s, p, second, " ", world.now, outcome="dropped")
    )
    assert "short reason" in no_reason.replies[0].text
    assert no_reason.outcome.kind == "refused"
    await world.as_(
        ANNA,
        lambda s, p: world.service.close(s, p, second, "Budget", world.now, outcome="dropped"),
    )
    assert (await world.agreement(second)).status == "dropped"


async def test_an_i_deal_needs_a_rationale(world: World) -> None:
    with pytest.raises(AgreementRefused) as refused:
        await _create(world, ANNA, BRAM, _terms(i_deal=True, rationale=""))
    assert refused.value.key == "refused.rationale"

    await world.say(BRAM, "agreement new")  # one counterpart: his manager, asked no further
    await world.say(BRAM, "working hours")
    await world.say(BRAM, "I start at 07:00 and finish at 15:30.")
    await world.say(BRAM, "yes")
    too_short = await world.say(BRAM, "school")
    assert "needs a reason" in too_short[0].text
    review = await world.say(
        BRAM, "I bring my children to school; the early shift covers the phones."
    )
    assert review[0].question is not None and review[0].question.question_id == "agreement_review"
    await world.say(BRAM, "2027-12-01")
    await world.say(BRAM, "monthly")
    await world.say(BRAM, "propose")
    async with world.db.session() as session:
        version = (await session.scalars(select(AgreementVersion))).one()
    assert version.is_i_deal and version.i_deal_rationale is not None
    assert version.review_date == date(2027, 12, 1) and version.cadence == "monthly"


async def test_the_drafting_dialog_survives_a_restart_and_can_be_cancelled(world: World) -> None:
    await world.say(BRAM, "agreement new")
    await world.say(BRAM, "2")  # pay
    # A new app stands for a restarted process: the state is in the database.
    world.app = build_app(load_settings(QUIET), world.clock, db=world.db)
    asked = await world.say(BRAM, "A raise of 3% when the certificate is in.")
    assert asked[0].question is not None and asked[0].question.question_id == "agreement_i_deal"
    stale = await world.click(BRAM, asked[0].question.token.replace("i_deal", "text"), "x")
    assert "no longer open" in stale[0].text
    cancelled = await world.click(BRAM, asked[0].key, "cancel")
    assert "Nothing changed" in cancelled[0].text
    assert world.turn.outcome.kind == "recorded" and world.turn.menu is None
    # With the dialog gone, a typed number answers nothing.
    await world.say(BRAM, "1")
    assert world.turn.outcome.kind == "unknown"


async def test_a_typed_number_answers_the_options_just_shown(world: World) -> None:
    agreement_id = await _create(world, ANNA, BRAM)
    shown = await world.say(BRAM, f"agreement show {agreement_id}")
    assert _values(shown[0])[0] == "accept"
    accepted = await world.say(BRAM, "1")
    assert "You accepted version 1" in accepted[0].text
    assert world.turn.outcome.kind == "recorded" and world.turn.outcome.value == "accept"
    # Typed text that is none of the options asks the same question again; nothing changes.
    shown = await world.say(BRAM, f"agreement {agreement_id}")
    again = await world.say(BRAM, "hello")
    assert world.turn.outcome.kind == "again"
    assert "'hello' is not one of the options" in again[0].text
    assert again[0].question == shown[0].question


# ---- follow-up -------------------------------------------------------------------------------


async def test_follow_up_asks_both_and_a_perception_gap_puts_it_at_risk(world: World) -> None:
    agreement_id = await _signed(world, ANNA, BRAM)
    await world.deliver()
    assert (await world.agreement(agreement_id)).next_follow_up_on == date(2027, 6, 22)

    world.clock.set(datetime(2027, 6, 21, 12, 0, tzinfo=UTC))
    assert await world.deliver() == []  # not yet due
    world.clock.set(datetime(2027, 6, 22, 7, 0, tzinfo=UTC))  # 09:00 in Amsterdam
    asked = await world.deliver()
    assert sorted(o.recipient.email for o in asked) == [ANNA, BRAM]
    assert all(_values(o) == list(ag.FOLLOW_UP_ANSWERS) for o in asked)
    assert await world.deliver() == []  # never the same follow-up twice
    prompts = {o.recipient.email: o.question.token for o in asked if o.question}

    thanks = await world.click(BRAM, prompts[BRAM], "on_track")
    assert "When Anna de Vries has answered too" in thanks[0].text
    gap = await world.click(ANNA, prompts[ANNA], "not")
    assert "You see this agreement differently" in gap[-1].text
    assert "Bram Jansen: On track" in gap[-1].text and "Anna de Vries: Not kept" in gap[-1].text
    told = await world.deliver()
    assert [o.recipient.email for o in told] == [BRAM]
    assert "You see this agreement differently" in told[0].text
    assert (await world.agreement(agreement_id)).status == "at_risk"

    digest = await world.as_(
        ANNA, lambda s, p: world.service.attention_for_manager(s, p, world.now)
    )
    assert [(a.agreement_id, a.reason) for a in digest] == [(agreement_id, "perception_gap")]
    assert (digest[0].employee_answer, digest[0].manager_answer) == ("on_track", "not")
    home = await world.as_(BRAM, lambda s, p: world.service.attention_for_employee(s, p, world.now))
    assert [a.reason for a in home] == ["perception_gap"]
    assert "perception gap" in ag.attention_lines(home, "en")[0]
    for email in (CARLA, DIRK):
        assert (
            await world.as_(
                email, lambda s, p: world.service.attention_for_manager(s, p, world.now)
            )
            == []
        )

    # Next quarter both say it is on track: the risk is cleared.
    world.clock.set(datetime(2027, 9, 22, 7, 0, tzinfo=UTC))
    asked = await world.deliver()
    for out in asked:
        assert out.question is not None
        await world.click(out.recipient.email, out.question.token, "on_track")
    assert (await world.agreement(agreement_id)).status == "signed"
    assert (
        await world.as_(ANNA, lambda s, p: world.service.attention_for_manager(s, p, world.now))
        == []
    )


async def test_a_not_kept_answer_warns_before_the_other_answers(world: World) -> None:
    agreement_id = await _signed(world, ANNA, BRAM, _terms(cadence="monthly"))
    await world.deliver()
    world.clock.set(datetime(2027, 4, 22, 7, 0, tzinfo=UTC))
    asked = {o.recipient.email: o for o in await world.deliver()}
    replies = await world.click(BRAM, asked[BRAM].question.token, "not")  # type: ignore[union-attr]
    assert "reported as not kept" in replies[-1].text
    assert (await world.agreement(agreement_id)).status == "at_risk"
    await world.click(BRAM, asked[BRAM].question.token, "comment")
    await world.say(BRAM, "The Friday meetings keep being moved to the office.")
    again = await world.click(BRAM, asked[BRAM].question.token, "on_track")  # type: ignore[union-attr]
    assert "already answered" in again[0].text


async def test_unanswered_follow_ups_are_flagged(world: World) -> None:
    agreement_id = await _signed(world, ANNA, BRAM, _terms(cadence="monthly"))
    world.clock.set(datetime(2027, 4, 22, 7, 0, tzinfo=UTC))
    asked = {o.recipient.email: o for o in await world.deliver() if o.question}
    await world.click(ANNA, asked[ANNA].question.token, "partly")  # type: ignore[union-attr]
    world.clock.advance(timedelta(days=13))
    assert (
        await world.as_(BRAM, lambda s, p: world.service.unanswered_follow_ups(s, world.now)) == []
    )
    world.clock.advance(timedelta(days=2))
    flagged = await world.as_(BRAM, lambda s, p: world.service.unanswered_follow_ups(s, world.now))
    assert [(f.agreement_id, f.role) for f in flagged] == [(agreement_id, "employee")]
    digest = await world.as_(
        ANNA, lambda s, p: world.service.attention_for_manager(s, p, world.now)
    )
    assert [(a.reason, a.missing) for a in digest] == [("unanswered", ("Bram Jansen",))]


async def test_a_failed_send_is_retried_and_a_sent_notice_never_resent(world: World) -> None:
    await _create(world, ANNA, BRAM)

    class Broken(RecordingAdapter):
        async def send(self, out: Outbound) -> Any:
            raise ConnectionError("platform down")

    report = await world.dispatcher(Broken()).dispatch()
    assert (report.sent, report.failed, len(report.errors)) == (0, 0, 1)  # to be retried
    backing_off = await world.dispatcher().dispatch()
    assert backing_off.sent == 0
    world.clock.advance(timedelta(minutes=5))
    assert len(await world.deliver()) == 1
    assert await world.deliver() == []
    async with world.db.session() as session:
        notice = (await session.scalars(select(OutboxMessage))).one()
    assert (notice.status, notice.attempts, notice.kind) == ("sent", 2, "agreement")


# ---- who sees what ---------------------------------------------------------------------------


async def test_a_third_person_can_neither_see_nor_act(world: World) -> None:
    agreement_id = await _signed(world, ANNA, BRAM)
    world.clock.set(datetime(2027, 6, 22, 7, 0, tzinfo=UTC))
    asked = {o.recipient.email: o for o in await world.deliver() if o.question}
    follow_up_token = asked[BRAM].question.token  # type: ignore[union-attr]
    draft = await _create(world, BRAM, ANNA, _terms("A draft only Bram sees."))
    async with world.db.session() as session:
        (await session.get_one(Agreement, draft)).status = "draft"

    for email in (CARLA, DIRK, EVA, HR):
        missing = await world.say(email, "agreement show 9999")
        shown = await world.say(email, f"agreement show {agreement_id}")
        # Exactly the answer a non-existent id gets: nothing tells that it exists.
        assert (shown[0].text, shown[0].question) == (missing[0].text, None)
        assert HOME_DAYS not in shown[0].text
        for action in ("sign", "accept", "renegotiate", "close", "drop", "comment"):
            acted = await world.click(email, ag.agreement_token(agreement_id, 1), action)
            assert acted[0].text == missing[0].text
        answered = await world.click(email, follow_up_token, "not")
        assert answered[0].text == missing[0].text
        listed = await world.say(email, "agreements")
        assert f"#{agreement_id} " not in listed[0].text
    assert (await world.agreement(agreement_id)).status == "signed"
    # The counterpart of a draft does not see it either: it is the drafter's working copy.
    hidden = await world.say(ANNA, f"agreement show {draft}")
    assert hidden[0].text == "I can't find that agreement."
    listed = await world.say(ANNA, "agreements")
    assert "A draft only Bram sees." not in listed[0].text
    assert f"#{agreement_id} " in listed[0].text


async def test_hr_sees_counts_and_nameless_rationales_only(db: Database) -> None:
    employees = [f"e{n:02d}@example.org" for n in range(12)]
    rows = [
        f"{e},Employee {n:02d},boss@example.org,en,Europe/Amsterdam,Ops,false"
        for n, e in enumerate(employees)
    ]
    org = "\n".join(
        [
            "email,name,manager_email,locale,timezone,department,hr",
            "boss@example.org,Bea Boss,,en,Europe/Amsterdam,Ops,false",
            "hr@example.org,Hanna Rutgers,,en,Europe/Amsterdam,HR,true",
            *rows,
        ]
    )
    await import_org(db, org + "\n", START)
    world = World(db)

    async def register() -> str:
        out = await world.say("hr@example.org", "agreement register")
        return out[0].text

    reasons = [f"Reason {n:02d}: caring for a parent in the evening." for n in range(12)]
    for n, (email, reason) in enumerate(zip(employees[:3], reasons, strict=False)):
        await _signed(
            world,
            "boss@example.org",
            email,
            _terms(f"Text {n}", category="working_hours", i_deal=True, rationale=reason),
        )
    few = await register()
    assert "Too few i-deals" in few and "Reason" not in few
    assert "Working hours · signed: fewer than 5" in few

    for n, (email, reason) in enumerate(zip(employees[3:10], reasons[3:], strict=False), 3):
        await _signed(
            world,
            "boss@example.org",
            email,
            _terms(f"Text {n}", category="working_hours", i_deal=True, rationale=reason),
        )
    await _create(world, "boss@example.org", employees[10], _terms("Pay", category="pay"))
    text = await register()
    assert "Working hours · signed: 10" in text
    assert "Pay · proposed: fewer than 5" in text
    assert all(reason in text for reason in reasons[:10])
    assert "Employee" not in text and "Bea Boss" not in text and "@" not in text

    # Anyone else is answered as if there were no such sub-command (and it is audited).
    refused = await world.say("boss@example.org", "agreement register")
    assert refused[0].text == (await world.say("boss@example.org", "agreement nonsense"))[0].text


# ---- the drafter alternates ------------------------------------------------------------------


def test_the_drafter_alternates_year_by_year() -> None:
    assert ag.suggested_drafter([], 2027) == "manager"
    assert ag.suggested_drafter([(2026, "manager")], 2027) == "employee"
    assert ag.suggested_drafter([(2026, "manager"), (2027, "employee")], 2028) == "manager"
    # A year without agreements still counts as a turn.
    assert ag.suggested_drafter([(2025, "manager")], 2027) == "manager"
    # This year's own agreements do not change this year's turn.
    assert ag.suggested_drafter([(2026, "employee"), (2027, "employee")], 2027) == "manager"


async def test_the_service_suggests_who_drafts_this_year(world: World) -> None:
    await _create(world, ANNA, BRAM)  # 2027: Anna, the manager, drafts

    async def suggestion(year: int) -> str:
        async def work(session: Any, person: Person) -> str:
            anna = await find_by_email(session, ANNA)
            assert anna is not None
            return await world.service.suggested_drafter(session, person, anna, year)

        return await world.as_(BRAM, work)

    assert await suggestion(2027) == "manager"
    assert await suggestion(2028) == "employee"
    world.clock.set(datetime(2028, 2, 1, 9, 0, tzinfo=UTC))
    prompt = await world.say(BRAM, "agreement new")
    assert "This year it is your turn" in prompt[0].text
    await world.say(ANNA, "agreement new")
    chosen = await world.say(ANNA, "1")  # Bram
    assert "This year it is Bram Jansen's turn" in chosen[0].text


# ---- the signed document ---------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    """The text a reader's PDF viewer would copy out of the document."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_export_holds_the_signed_text_and_both_signature_dates(world: World) -> None:
    agreement_id = await _create(world, ANNA, BRAM)
    await world.as_(
        BRAM, lambda s, p: world.service.amend(s, p, agreement_id, 1, COUNTER, world.now)
    )
    await world.click(ANNA, ag.agreement_token(agreement_id, 2), "accept")
    await world.click(ANNA, ag.agreement_token(agreement_id, 2), "sign")
    world.clock.set(datetime(2027, 3, 25, 10, 0, tzinfo=UTC))
    await world.click(BRAM, ag.agreement_token(agreement_id, 2), "sign")

    markdown = (await export_third_contract(world.db, BRAM, "md", DEFAULTS, world.now)).decode()
    anna_day, bram_day = format_day(date(2027, 3, 22), "en"), format_day(date(2027, 3, 25), "en")
    assert COUNTER in markdown and HOME_DAYS not in markdown.split("### Versions")[0]
    assert f"Anna de Vries (manager), {anna_day}" in markdown
    assert f"Bram Jansen (employee), {bram_day}" in markdown
    assert "# Third contract of Bram Jansen" in markdown

    pdf = await export_third_contract(world.db, BRAM, "pdf", DEFAULTS, world.now)
    assert pdf.startswith(b"%PDF")
    drawn = _pdf_text(pdf)
    assert COUNTER in drawn
    assert anna_day in drawn and bram_day in drawn

    # Dutch for a Dutch reader; characters Helvetica lacks are replaced, with a note.
    async with world.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        bram.locale = "nl"
        contract = await load_third_contract(session, bram, DEFAULTS, world.now)
    assert "Derde contract van Bram Jansen" in to_markdown(contract)
    assert format_day(date(2027, 3, 25), "nl") in to_markdown(contract)


async def test_the_pdf_names_what_its_font_cannot_draw(world: World) -> None:
    await _signed(world, ANNA, BRAM, _terms("Thuiswerken op maandag € 2,50 per dag, 在家 🎉"))
    async with world.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        contract = await load_third_contract(session, bram, DEFAULTS, world.now)
    drawn = " ".join(_pdf_text(to_pdf(contract)).split())  # lines wrap where they fit
    # The shipped font has no CJK and no party popper: each is written by its name.
    assert "Thuiswerken op maandag € 2,50 per dag," in drawn
    assert "[cjk unified ideograph-5728][cjk unified ideograph-5bb6] [party popper]" in drawn
    assert "?" not in drawn.replace("?'", "")
    assert "written by their name" in drawn
    # The Markdown is exact, and user text cannot inject markup.
    assert "在家 🎉" in to_markdown(contract)


def test_markdown_keeps_user_text_literal() -> None:
    from bot.agreements.document import _md_escape

    assert _md_escape("# [click](http://x) *bold* <b>") == r"\# \[click\](http://x) \*bold\* \<b\>"


async def test_a_font_of_ones_own_is_used_with_the_shipped_one_behind_it(world: World) -> None:
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not font.exists():
        pytest.skip("no DejaVu Serif on this machine")
    await _signed(world, ANNA, BRAM, _terms("Thuiswerken op maandag, Łukasz"))
    async with world.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        contract = await load_third_contract(session, bram, DEFAULTS, world.now)
    pdf = to_pdf(contract, font_path=font)
    assert pdf.startswith(b"%PDF") and b"DejaVuSerif" in pdf
    drawn = _pdf_text(pdf)
    assert "Thuiswerken op maandag, Łukasz" in drawn and "written by their name" not in drawn


# ---- every text in both languages ------------------------------------------------------------


def test_every_agreement_text_exists_in_dutch_and_english() -> None:
    assert AGREEMENT_CATALOG.problems() == []
    families = {
        "category": ag.CATEGORIES,
        "status": ag.STATUSES,
        "cadence": ag.CADENCES,
        "answer": ag.FOLLOW_UP_ANSWERS,
        "role": ("employee", "manager"),
        "outcome": ("on_track", "partly", "perception_gap", "not_kept", "no_longer_relevant"),
        "attention": ("perception_gap", "not_kept", "unanswered"),
        "action": (*ag.TEXT_ACTIONS, "accept", "sign", "propose", "cancel", "add_comment"),
        "ask": (*ag.TEXT_ACTIONS, "follow_up_comment"),
        "notice": (
            "proposed",
            "amended",
            "renegotiate",
            "accepted",
            "signed_one",
            "signed_both",
            "commented",
            "completed",
            "dropped",
        ),
        "done": (
            "proposed",
            "saved",
            "accepted",
            "signed_waiting",
            "signed_both",
            "commented",
            "amended",
            "amended_draft",
            "completed",
            "dropped",
            "cancelled",
        ),
        "draft": (
            "counterpart",
            "category",
            "text",
            "i_deal",
            "rationale",
            "review",
            "cadence",
            "confirm",
            "propose",
            "save",
            "cancel",
        ),
    }
    for family, names in families.items():
        for name in names:
            assert f"{family}.{name}" in AGREEMENT_CATALOG, f"{family}.{name}"
    root = Path(__file__).parent.parent
    sources = [
        *root.glob("dialogs/agreement*.py"),
        *root.glob("bot/agreements/*.py"),
        root / "bot/agreements/document.py",
    ]
    assert len(sources) > 10
    for source in sources:
        for key in re.findall(r"""\bta\(\s*"([a-z_.]+)\"""", source.read_text()):
            assert key in AGREEMENT_CATALOG, f"{source.name}: {key}"
        for key in re.findall(r"""AgreementRefused\(\s*"([a-z_.]+)\"""", source.read_text()):
            assert key in AGREEMENT_CATALOG, f"{source.name}: {key}"
    assert ta("title", "nl", id=3, category="Beloning") == "Afspraak #3: Beloning"
