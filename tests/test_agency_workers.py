"""Agency workers: the three-party agreement (worker, manager, agency contact), the agency
contact reached by e-mail through the outbox and answering on a one-time link's page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.agreements.agency_web import agency_hook
from bot.clock import FixedClock
from bot.delivery.mail import RecordingSender
from bot.org.people import find_by_email
from bot.storage.agreement_models import AgencyRequest, Agreement
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, OutboxMessage
from bot.web import build_web_app
from dialogs import agreements as ag
from dialogs.messages import Outbound
from tests.support.testbot import Testbot, make_testbot

ANNA, BRAM, CARLA = (f"{n}@example.org" for n in ("anna", "bram", "carla"))
CONTACT = "planner@flex.example"
ORG = f"""email,name,manager_email,locale,timezone,department,employment,agency,agency_contact_email
anna@example.org,Anna de Vries,,nl,Europe/Amsterdam,Support,,,
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,agency,Flex BV,{CONTACT}
carla@example.org,Carla Smith,anna@example.org,en,Europe/Amsterdam,Support,temporary,,
"""
WORK = "Bram learns the new ticket system by June."
PAY = "Hourly wage 15.20 from 1 April, travel costs paid weekly."
TEXT = f"{WORK}\nagency: {PAY}"
SHARED_ANSWER = "The night shifts wear me out"
LINK = re.compile(r"http://127\.0\.0\.1:3978/agency/([A-Za-z0-9_-]+)")


@pytest.fixture
async def bot(db: Database, clock: FixedClock) -> Testbot:
    # The built-in settings: Anna's weekly digest goes out at the first tick (Monday 09:00).
    made = await make_testbot(db, clock, ORG, env={})
    made.app.mail = RecordingSender()
    return made


@pytest.fixture
async def web(bot: Testbot) -> AsyncIterator[TestClient[object, object]]:
    app = bot.app
    server = build_web_app(app.db, [agency_hook(app.db, app.clock, app.defaults)], clock=app.clock)
    async with TestClient(TestServer(server)) as client:
        yield client


def mails(bot: Testbot) -> RecordingSender:
    sender = bot.app.mail
    assert isinstance(sender, RecordingSender)
    return sender


def token_in(body: str) -> str:
    found = LINK.findall(body)
    assert len(set(found)) == 1, body
    return found[0]


def _token(out: Outbound) -> str:
    assert out.question is not None
    return out.question.token


async def _share_an_answer(bot: Testbot) -> None:
    """Bram shared a free-text check-in answer last week: his manager's digest quotes it."""
    async with bot.app.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        at = bot.clock.now() - timedelta(days=3)
        occurrence = Occurrence(
            person_id=bram.id,
            period="last-week",
            theme="workload",
            due_at=at,
            status="completed",
            question_ids=[],
            created_at=at,
            closed_at=at,
        )
        session.add(occurrence)
        await session.flush()
        session.add(
            Answer(
                occurrence_id=occurrence.id,
                person_id=bram.id,
                question_id="workload.one_change",
                theme="workload",
                topic="demands",
                kind="text",
                value=SHARED_ANSWER,
                visibility="shared",
                answered_at=at,
            )
        )


async def _draft_as_anna(bot: Testbot) -> int:
    """Anna drafts a development agreement with Bram whose second line is the agency's."""
    await bot.say(ANNA, "agreement new")
    for answer in ("1", "5", TEXT, "2", "2", "2"):
        asked = await bot.say(ANNA, answer)
        if answer == "5":  # the text is asked next: how to tag the agency's terms
            assert asked[0].question is not None
            assert "Uitzendbureau Flex BV" in asked[0].question.prompt
            assert "'bureau:'" in asked[0].question.prompt
    proposed = await bot.say(ANNA, "1")
    parsed = ag.parse_token(_token(proposed[0]))
    assert parsed is not None, proposed[0].text
    return parsed.id


async def _status(bot: Testbot, agreement_id: int) -> str:
    async with bot.app.db.session() as session:
        return (await session.get_one(Agreement, agreement_id)).status


async def test_three_parties_sign_and_follow_up_each_seeing_only_their_terms(
    bot: Testbot, web: TestClient[object, object]
) -> None:
    await _share_an_answer(bot)
    agreement_id = await _draft_as_anna(bot)
    # Anna, the manager, reads only her terms, and is told the agency's are not hers to read.
    anna_view = (await bot.say(ANNA, f"agreement {agreement_id}"))[0].text
    assert WORK in anna_view and "15.20" not in anna_view and "Flex BV" in anna_view
    await bot.tick()
    proposal = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    # Bram, party to every term, reads both.
    assert WORK in proposal.text and PAY in proposal.text
    await bot.click(BRAM, _token(proposal), "accept")
    await bot.click(BRAM, ag.agreement_token(agreement_id, 1), "sign")
    await bot.click(ANNA, ag.agreement_token(agreement_id, 1), "sign")
    assert "agency" in bot.last.text.lower() or "bureau" in bot.last.text.lower()
    assert await _status(bot, agreement_id) == "proposed"  # the agency has not signed yet

    await bot.tick()
    [sign_mail] = mails(bot).to(CONTACT)
    assert "your signature" in sign_mail.subject and "uw handtekening" in sign_mail.subject
    assert PAY in sign_mail.body and WORK not in sign_mail.body
    assert "Dear Flex BV" in sign_mail.body and "Beste Flex BV" in sign_mail.body
    token = token_in(sign_mail.body)

    # A link scanner's GET changes nothing; the page shows the agency's terms only.
    page = await web.get(f"/agency/{token}")
    html = await page.text()
    assert page.status == 200 and "15.20" in html and "ticket system" not in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert await _status(bot, agreement_id) == "proposed"
    signed = await web.post(f"/agency/{token}", data={"answer": "signed"})
    assert signed.status == 200 and "you signed version 1" in await signed.text()
    assert await _status(bot, agreement_id) == "signed"
    # The link worked once.
    again = await web.post(f"/agency/{token}", data={"answer": "signed"})
    assert again.status == 404

    await bot.tick()
    for email in (ANNA, BRAM):
        told = bot.adapter.to(email)[-1].text
        assert "Flex BV" in told and ("applies now" in told or "geldt nu" in told)
    # Every party's signature is on the record, the agency's with its name.
    shown = (await bot.say(BRAM, f"agreement {agreement_id}"))[0].text
    assert "Signed by Flex BV (version 1" in shown and "Signed by Anna de Vries" in shown
    applies = mails(bot).to(CONTACT)[-1]
    assert "Everyone signed version 1" in applies.body and PAY in applies.body

    # The first follow-up round: Anna and Bram in chat, the agency contact by e-mail.
    async with bot.app.db.session() as session:
        due = (await session.get_one(Agreement, agreement_id)).next_follow_up_on
    assert due is not None
    bot.clock.set(datetime(due.year, due.month, due.day, 8, 0, tzinfo=UTC))
    await bot.tick()
    assert any(o.question and o.question.question_id == "follow_up" for o in bot.adapter.to(ANNA))
    assert any(o.question and o.question.question_id == "follow_up" for o in bot.adapter.to(BRAM))
    follow_up = mails(bot).to(CONTACT)[-1]
    assert "being kept" in follow_up.subject and PAY in follow_up.body
    assert WORK not in follow_up.body
    answered = await web.post(f"/agency/{token_in(follow_up.body)}", data={"answer": "partly"})
    assert answered.status == 200
    async with bot.app.db.session() as session:
        request = await session.scalar(
            select(AgencyRequest).where(AgencyRequest.kind == "follow_up")
        )
        assert request is not None and request.answer == "partly"
    await bot.tick()
    assert "Flex BV answered the follow-up" in bot.adapter.to(BRAM)[-1].text

    # Anna's digest went out (it quotes Bram's shared answer); no mail to the agency contact
    # carries it, or anything of the digest, and every mail went to the contact only.
    digest = next(o for o in bot.adapter.to(ANNA) if SHARED_ANSWER in o.text)
    assert digest.title
    assert {mail.to for mail in mails(bot).sent} == {CONTACT}
    for mail in mails(bot).sent:
        assert SHARED_ANSWER not in mail.body and digest.title not in mail.body
        assert "night shifts" not in mail.subject


async def test_mail_waits_in_the_outbox_while_e_mail_is_off(
    db: Database, clock: FixedClock
) -> None:
    bot = await make_testbot(db, clock, ORG)
    assert bot.app.mail is None  # JAARROND_MAIL is off by default
    agreement_id = await _draft_as_anna(bot)
    await bot.tick()
    proposal = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    await bot.click(BRAM, _token(proposal), "accept")
    await bot.tick()
    async with bot.app.db.session() as session:
        [waiting] = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "mail"))
        assert waiting.status == "pending" and waiting.recipient_email == CONTACT
        assert waiting.last_error is not None and "JAARROND_MAIL" in waiting.last_error
    # Configured later, the same mail goes out: nothing was lost.
    sender = RecordingSender()
    bot.app.mail = sender
    bot.clock.set(bot.clock.now() + timedelta(hours=1))
    await bot.tick()
    assert [m.to for m in sender.sent] == [CONTACT]
    assert await _status(bot, agreement_id) == "proposed"


async def test_a_mail_server_that_fails_is_retried_and_holds_back_no_chat_message(
    bot: Testbot,
) -> None:
    agreement_id = await _draft_as_anna(bot)
    await bot.tick()
    proposal = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    mails(bot).failing = 1
    await bot.click(BRAM, _token(proposal), "accept")
    await bot.tick()
    assert mails(bot).sent == []
    async with bot.app.db.session() as session:
        failed = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "mail"))
        assert failed is not None and failed.status == "pending" and failed.attempts == 1
        assert "refused" in (failed.last_error or "")
    # A chat message for Bram made after the failed mail (about him) goes out regardless:
    # the mail to the contact is a queue of its own.
    await bot.click(ANNA, ag.agreement_token(agreement_id, 1), "comment")
    await bot.say(ANNA, "Welkom bij het team")
    before = len(bot.adapter.to(BRAM))
    await bot.tick()
    assert "Welkom bij het team" in bot.adapter.to(BRAM)[before].text
    assert mails(bot).sent == []
    # Its retry, after the back-off, is sent.
    bot.clock.set(bot.clock.now() + timedelta(minutes=1))
    await bot.tick()
    assert [m.to for m in mails(bot).sent] == [CONTACT]


# ---- HR and works-council figures: temporary and agency workers apart ---------------------


def _staff(temporary: int, agency: int, permanent: int = 7) -> str:
    rows = ["email,name,manager_email,department,employment,agency,agency_contact_email"]
    rows.append("boss@example.org,Boss,,Ops,,,")
    kinds = ["temporary"] * temporary + ["agency"] * agency + ["permanent"] * permanent
    for number, kind in enumerate(kinds):
        agency_cells = "Flex BV,planner@flex.example" if kind == "agency" else ","
        rows.append(f"p{number}@example.org,P {number},boss@example.org,Ops,{kind},{agency_cells}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(("temporary", "agency"), [(5, 6), (4, 6)])
async def test_hr_and_works_council_count_temporary_and_agency_workers_apart(
    db: Database, clock: FixedClock, temporary: int, agency: int
) -> None:
    from bot.org.organisation import import_org
    from bot.reports.hr import hr_figures
    from bot.reports.works_council import works_council_overview
    from dialogs.banks import load_banks

    await import_org(db, _staff(temporary, agency), clock.now())
    async with db.session() as session:
        overview = await works_council_overview(
            session, year=2027, now=clock.now(), banks=load_banks(())
        )
        hr = await hr_figures(session, year=2027, now=clock.now(), banks=load_banks(()))
    wc_agency = overview.find("employment", "agency")
    wc_temporary = overview.find("employment", "temporary")
    hr_agency = hr.find("people_by_employment", "agency", "Ops")
    hr_temporary = hr.find("people_by_employment", "temporary", "Ops")
    assert wc_agency is not None and wc_temporary is not None
    assert hr_agency is not None and hr_temporary is not None
    if temporary >= 5:
        assert (wc_temporary.count, hr_temporary.count) == (temporary, temporary)
        assert (wc_agency.count, hr_agency.count) == (agency, agency)
    else:
        # Four temporary workers are too few to show; so is the next smallest group (the
        # agency workers), or the total minus the others would give them away.
        assert wc_temporary.suppressed and hr_temporary.suppressed
        assert wc_agency.suppressed and hr_agency.suppressed
    permanent = overview.find("employment", "permanent")
    hr_permanent = hr.find("people_by_employment", "permanent", "Ops")
    assert permanent is not None and hr_permanent is not None
    # The manager is counted by HR (everyone), not by the works council (people with a manager).
    assert (permanent.count, hr_permanent.count) == (7, 8)


async def test_the_manager_rewrites_only_their_own_terms(bot: Testbot) -> None:
    agreement_id = await _draft_as_anna(bot)
    await bot.click(ANNA, ag.agreement_token(agreement_id, 1), "amend")
    # Anna is shown only her terms to rewrite.
    assert WORK in bot.last.text and PAY not in bot.last.text
    await bot.say(ANNA, "Bram learns the ticket system by July.")
    shown = (await bot.say(BRAM, f"agreement {agreement_id}"))[0].text
    assert "by July" in shown and PAY in shown and "by June" not in shown
    anna = (await bot.say(ANNA, f"agreement {agreement_id}"))[0].text
    assert "by July" in anna and PAY not in anna


def test_terms_are_split_by_their_tags_and_the_theme() -> None:
    text = "Werkt op de afdeling Kassa.\nbureau: Loon 15,20 per uur\nen reiskosten.\nmanager: X"
    assert ag.split_terms(text, "development") == (
        ag.Term("manager", "Werkt op de afdeling Kassa."),
        ag.Term("agency", "Loon 15,20 per uur\nen reiskosten."),
        ag.Term("manager", "X"),
    )
    # Untagged pay is the agency's; a word with a colon that is no tag stays text.
    assert ag.split_terms("Toeslag: 10% in het weekend", "pay") == (
        ag.Term("agency", "Toeslag: 10% in het weekend"),
    )


async def test_a_link_stops_working_when_it_expires_or_a_newer_version_is_proposed(
    bot: Testbot, web: TestClient[object, object]
) -> None:
    agreement_id = await _draft_as_anna(bot)
    await bot.tick()
    proposal = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    await bot.click(BRAM, _token(proposal), "accept")
    await bot.tick()
    token = token_in(mails(bot).to(CONTACT)[-1].body)
    assert (await web.post(f"/agency/{token}", data={"answer": "maybe"})).status == 400
    # Anna proposes a version 2: the link to sign version 1 signs nothing any more.
    await bot.click(ANNA, ag.agreement_token(agreement_id, 1), "amend")
    await bot.say(ANNA, "Bram learns the ticket system by July.")
    outdated = await web.post(f"/agency/{token}", data={"answer": "signed"})
    assert outdated.status == 409 and "newer version" in await outdated.text()
    assert await _status(bot, agreement_id) == "proposed"
    # Version 2 accepted: a new mail, whose link expires after 14 days.
    await bot.tick()
    latest = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    await bot.click(BRAM, _token(latest), "accept")
    await bot.tick()
    second = token_in(mails(bot).to(CONTACT)[-1].body)
    assert second != token and "version 2" in mails(bot).to(CONTACT)[-1].body
    bot.clock.set(bot.clock.now() + timedelta(days=14, minutes=1))
    assert (await web.get(f"/agency/{second}")).status == 404
    assert (await web.post(f"/agency/{second}", data={"answer": "signed"})).status == 404


async def test_the_managers_review_brief_holds_only_the_managers_terms(
    db: Database, clock: FixedClock
) -> None:
    from bot.dialogue.review_brief import build_brief

    org = ORG.replace("agency_contact_email\n", "agency_contact_email,review_month\n", 1)
    org = "\n".join(line + ("," if n else "") for n, line in enumerate(org.splitlines()))
    org = org.replace(f"{CONTACT},", f"{CONTACT},6") + "\n"
    bot = await make_testbot(db, clock, org)
    await _draft_as_anna(bot)
    copies = {}
    async with bot.app.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None and bram.review_month == 6
        for copy in ("employee", "manager"):
            brief = await build_brief(
                session, bram, copy, bot.clock.now(), bot.app.banks, bot.app.defaults
            )
            copies[copy] = [a.text for a in brief.agreements]
    assert copies["employee"] == [TEXT]
    assert copies["manager"] == [WORK]


async def test_the_agency_page_shows_what_people_wrote_literally(
    bot: Testbot, web: TestClient[object, object]
) -> None:
    hostile = "<script>alert(1)</script> & <b>15.20</b>"
    await bot.say(ANNA, "agreement new")
    for answer in ("1", "5", f"{WORK}\nagency: {hostile}", "2", "2", "2"):
        await bot.say(ANNA, answer)
    proposed = await bot.say(ANNA, "1")
    parsed = ag.parse_token(_token(proposed[0]))
    assert parsed is not None
    await bot.tick()
    proposal = next(o for o in reversed(bot.adapter.to(BRAM)) if o.question is not None)
    await bot.click(BRAM, _token(proposal), "accept")
    await bot.click(BRAM, ag.agreement_token(parsed.id, 1), "sign")
    await bot.click(ANNA, ag.agreement_token(parsed.id, 1), "sign")
    await bot.tick()
    [sign_mail] = mails(bot).to(CONTACT)

    html = await (await web.get(f"/agency/{token_in(sign_mail.body)}")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;15.20&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>" not in html
