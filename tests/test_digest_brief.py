"""The manager digest, logged conversations and the review brief, over a seeded year on a
fixed clock: the manager sees exactly what was shared, the brief goes out once and on time,
and the manager's copy never holds a private answer."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.dialogue.brief_document import to_html, to_pdf
from bot.dialogue.review_brief import build_brief
from bot.org.people import find_by_email
from bot.storage.audit_models import AuditView
from bot.storage.database import Database
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import Answer, Occurrence, OutboxMessage, Person
from dialogs import agreements as ag
from dialogs.brief import Copy, ReviewBrief
from dialogs.messages import Outbound
from dialogs.texts import t
from tests.support.testbot import RecordingAdapter, Testbot, make_testbot, signed_agreement

ORG = """email,name,manager_email,locale,timezone,department,review_month
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,Support,
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,6
carla@example.org,Carla Smith,anna@example.org,en,America/New_York,Support,11
dirk@example.org,Dirk Bakker,,en,Asia/Kolkata,Development,
"""


async def _make_testbot(db: Database, clock: FixedClock, org: str) -> Testbot:
    """The bot with the built-in settings: weekly digests on Monday 09:00."""
    return await make_testbot(db, clock, org, env={})


ANNA, BRAM, CARLA, DIRK = (f"{n}@example.org" for n in ("anna", "bram", "carla", "dirk"))
START = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)  # a Monday
SHARED_TEXT = "More focus time on Fridays"
PRIVATE_TEXT = "I am thinking about leaving"
GROWTH, HOURS = "My growth path towards team lead", "Flexible hours in summer"
AGREEMENT = "Bram leads the Friday retrospective."
# Question prompts (English) that the manager must never see for Bram.
RECOVERY = "recovery"
HEALTH_QUESTIONS = ("five_ages.health_energy", "five_ages.health_fit")


async def _seed_year(bot: Testbot, email: str) -> None:
    """A year of weekly workload answers: the demands level shared and rising, recovery
    kept private (aggregate), a health answer (always private), a private free-text answer
    and a shared one."""
    async with bot.app.db.session() as session:
        person = await find_by_email(session, email)
        assert person is not None
        for week in range(52):
            at = START - timedelta(weeks=52 - week) + timedelta(hours=6)
            occurrence = Occurrence(
                person_id=person.id,
                period=f"seed-{week}",
                theme="workload",
                due_at=at,
                status="completed",
                question_ids=[],
                created_at=at,
                closed_at=at + timedelta(hours=2),
            )
            session.add(occurrence)
            await session.flush()
            level = str(2 + week * 3 // 52)  # 2 -> 4 over the year
            rows = [
                ("workload.demands_level", "workload", "demands", "scale", level, "shared"),
                ("workload.recovery_time", "workload", "recovery", "scale", "2", "aggregate"),
                ("five_ages.health_energy", "five_ages", "health", "scale", "1", "private"),
            ]
            if week == 50:
                rows.append(
                    ("workload.one_change", "workload", "demands", "text", SHARED_TEXT, "shared")
                )
                rows.append(
                    (
                        "relationship.better_together",
                        "relationship",
                        "relationship",
                        "text",
                        PRIVATE_TEXT,
                        "private",
                    )
                )
            for qid, theme, topic, kind, value, visibility in rows:
                session.add(
                    Answer(
                        occurrence_id=occurrence.id,
                        person_id=person.id,
                        question_id=qid,
                        theme=theme,
                        topic=topic,
                        kind=kind,
                        value=value,
                        visibility=visibility,
                        answered_at=at + timedelta(hours=1),
                    )
                )


def _prompt(bot: Testbot, question_id: str) -> str:
    for bank in bot.app.banks.values():
        for question in bank.questions:
            if question.question_id == question_id:
                return question.text("en")
    raise KeyError(question_id)


def _private_prompts(bot: Testbot) -> list[str]:
    return [_prompt(bot, q) for q in ("workload.recovery_time", *HEALTH_QUESTIONS)] + [
        _prompt(bot, "relationship.better_together")
    ]


async def _signed_agreement(bot: Testbot) -> int:
    terms = ag.Terms(
        category="development",
        text=AGREEMENT,
        start=START.date(),
        review=date(2027, 9, 30),
        cadence="monthly",
    )
    return await signed_agreement(bot, ANNA, BRAM, terms)


async def _at(bot: Testbot, moment: datetime) -> list[str]:
    """Tick at a moment; the (recipient, title) of everything sent."""
    bot.clock.set(moment)
    before = len(bot.adapter.sent)
    await bot.tick()
    return [f"{o.recipient.email}|{o.title}" for o in bot.adapter.sent[before:]]


@pytest.fixture
async def year(db: Database) -> Testbot:
    """Bram's year: shared and private answers, two topics, an agreement in a perception
    gap (Bram says on track, Anna not kept)."""
    bot = await _make_testbot(db, FixedClock(START), ORG)
    await _seed_year(bot, BRAM)
    await bot.say(BRAM, f"topic {GROWTH}")
    await bot.say(BRAM, f"topic {HOURS}")
    await _signed_agreement(bot)
    bot.clock.set(datetime(2027, 4, 22, 7, 0, tzinfo=UTC))  # the first monthly follow-up
    await bot.tick()
    asked = {o.recipient.email: o for o in bot.adapter.sent if o.question}
    for email, answer in ((BRAM, "on_track"), (ANNA, "not")):
        question = asked[email].question
        assert question is not None
        await bot.click(email, question.token, answer)
    return bot


# ---- the digest ------------------------------------------------------------------------------


async def test_the_weekly_digest_shows_exactly_what_was_shared(year: Testbot) -> None:
    bot = year
    # Monday 26 April, 09:00 in Amsterdam: Anna's digest, once.
    assert [
        s for s in await _at(bot, datetime(2027, 4, 26, 6, 59, tzinfo=UTC)) if "digest" in s
    ] == []
    sent = await _at(bot, datetime(2027, 4, 26, 7, 0, tzinfo=UTC))
    assert sent.count(f"{ANNA}|Team digest for Anna de Vries") == 1
    assert await _at(bot, datetime(2027, 4, 26, 7, 1, tzinfo=UTC)) == []
    digest = next(o for o in bot.adapter.to(ANNA) if o.title.startswith("Team digest")).text
    bram = digest.split("Bram Jansen <bram@example.org>", 1)[1].split("Carla Smith", 1)[0]
    # The shared trend (a sparkline), the shared text, topics, the gap, the review.
    assert _prompt(bot, "workload.demands_level") in bram
    assert "▆▆▆▆" in bram
    assert SHARED_TEXT in bram
    assert "Topics raised, not yet discussed" in bram and GROWTH in bram and HOURS in bram
    assert "perception gap" in digest and "Bram Jansen" in digest
    assert "No conversation logged yet" in bram
    assert "Review: June 2027" in bram
    assert "next follow-up" not in bram
    # Never anything private or about health, nor figures about answering.
    for text in (*_private_prompts(bot), PRIVATE_TEXT):
        assert text not in digest
    assert "Participation" not in digest
    assert "direct reports" not in digest
    # On demand, two weeks later: the monthly follow-up of 22 May is due soon.
    bot.clock.set(datetime(2027, 5, 10, 12, 0, tzinfo=UTC))
    later = (await bot.say(ANNA, "overzicht"))[0].text
    assert "Agreement #1 (Training and development): next follow-up Saturday 22 May 2027" in later


async def test_talked_logs_a_conversation_and_marks_topics_discussed(year: Testbot) -> None:
    bot = year
    bot.clock.set(datetime(2027, 4, 27, 10, 0, tzinfo=UTC))
    reply = (await bot.say(ANNA, "talked with Bram we discussed the team lead path"))[0]
    assert "Logged: a conversation between Bram Jansen and Anna de Vries" in reply.text
    assert "Shared note: we discussed the team lead path" in reply.text
    assert reply.question is not None
    growth = next(c for c in reply.question.choices if c.label == GROWTH)
    # Choosing a topic marks it discussed; the ones left are asked again.
    done = await bot.click(ANNA, reply.question.token, growth.value)
    assert f"Marked as discussed: {GROWTH}" in done[0].text
    assert bot.turn.outcome.kind == "recorded" and bot.turn.outcome.label == GROWTH
    # Bram is told, with the note, and marks the other topic himself by typing its start.
    await bot.tick()
    told = [o for o in bot.adapter.to(BRAM) if "logged that the two of you talked" in o.text]
    assert len(told) == 1 and "we discussed the team lead path" in told[0].text
    assert told[0].question is not None
    hours = next(c for c in told[0].question.choices if c.label == HOURS)
    marked = await bot.say(BRAM, HOURS[:12])
    assert f"Marked as discussed: {HOURS}" in marked[0].text
    # Somebody else cannot mark Bram's topics.
    await bot.click(DIRK, told[0].question.token, hours.value)
    assert bot.turn.outcome.kind == "refused"
    digest = (await bot.say(ANNA, "digest"))[0].text
    bram = digest.split("Bram Jansen <bram@example.org>", 1)[1].split("Carla Smith", 1)[0]
    assert "Last conversation: today" in bram
    assert GROWTH not in bram and HOURS not in bram
    # An employee logs a conversation with their manager in one word (Dutch alias).
    own = await bot.say(CARLA, "gesproken")
    assert "between Carla Smith and Anna de Vries" in own[0].text
    unknown = await bot.say(ANNA, "talked with Zoe about nothing")
    assert "is not one of your reports" in unknown[0].text
    # Both find the conversation, with its note, in their export.
    for email, other in ((BRAM, ANNA), (ANNA, BRAM)):
        file = (await bot.say(email, "export"))[0].attachment
        assert file is not None
        exported = file.content.decode("utf-8")
        assert f'"with": "{other}"' in exported
        assert "we discussed the team lead path" in exported


async def test_span_of_control_is_flagged_above_the_configured_size(db: Database) -> None:
    rows = [
        f"m{n}@example.org,Report {n:02d},boss@example.org,en,Europe/Amsterdam,Ops,"
        for n in range(13)
    ]
    org = ORG.splitlines()[0] + "\nboss@example.org,Big Boss,,en,Europe/Amsterdam,Ops,\n"
    bot = await _make_testbot(db, FixedClock(START), org + "\n".join(rows) + "\n")
    digest = (await bot.say("boss@example.org", "digest"))[0].text
    assert "you have 13 direct reports, more than 12" in digest
    async with db.session() as session:
        last = await find_by_email(session, "m12@example.org")
        assert last is not None
        last.manager_id = None
    digest = (await bot.say("boss@example.org", "digest"))[0].text
    assert "direct reports" not in digest


async def test_participation_figures_only_when_switched_on(year: Testbot) -> None:
    settings = load_settings({"JAARROND_MONITORING": "on"})
    app = build_app(settings, year.clock, db=year.app.db)
    app.add_adapter(RecordingAdapter())
    bot = Testbot(app, year.clock, RecordingAdapter())
    bot.clock.set(START)
    digest = (await bot.say(ANNA, "digest"))[0].text
    assert "Participation (with works-council consent): 0 of 12 check-ins not answered" in digest
    with pytest.raises(ConfigError) as refused:
        load_settings(
            {
                "JAARROND_MONITORING": "yes",
                "JAARROND_DIGEST_SCHEDULE": "someday",
                "JAARROND_SPAN_OF_CONTROL": "0",
            }
        )
    for name in ("JAARROND_MONITORING", "JAARROND_DIGEST_SCHEDULE", "JAARROND_SPAN_OF_CONTROL"):
        assert name in str(refused.value)


# ---- the review brief -----------------------------------------------------------------------


async def _brief(bot: Testbot, copy: Copy) -> ReviewBrief:
    async with bot.app.db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        return await build_brief(
            session, bram, copy, bot.clock.now(), bot.app.banks, bot.app.defaults
        )


async def test_both_copies_of_the_brief_go_out_once_fourteen_days_before(year: Testbot) -> None:
    bot = year
    # The review month is June: 14 days before 1 June, at 09:00 in Amsterdam.
    early = await _at(bot, datetime(2027, 5, 18, 6, 59, tzinfo=UTC))
    assert not [s for s in early if "Review brief" in s]
    sent = await _at(bot, datetime(2027, 5, 18, 7, 0, tzinfo=UTC))
    assert sorted(s for s in sent if "Review brief" in s) == [
        f"{ANNA}|Review brief: Bram Jansen",
        f"{BRAM}|Review brief: Bram Jansen",
    ]
    assert not [
        s for s in await _at(bot, datetime(2027, 5, 25, 7, 0, tzinfo=UTC)) if "Review brief" in s
    ]
    async with bot.app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ReviewBriefSent)) == 1
        # The manager's copy is a view of Bram's data, so Bram can see it under "viewed".
        views = (await session.scalars(select(AuditView).where(AuditView.what == "brief"))).all()
    assert [(v.subject_id is not None, v.object_id) for v in views] == [(True, "2027")]
    assert "Anna de Vries" in (await bot.say(BRAM, "viewed"))[0].text
    anna = next(o for o in bot.adapter.to(ANNA) if o.title.startswith("Review brief"))
    bram = next(o for o in bot.adapter.to(BRAM) if o.title.startswith("Review brief"))
    assert "The manager's copy" in anna.text and "Your copy" in bram.text
    assert "Ask for it again any time with: brief bram@example.org" in anna.text
    assert bram.text.endswith("Ask for it again any time with: brief")
    for out in (anna, bram):
        assert "Topic not yet discussed" in out.text and "you see it differently" in out.text
    assert PRIVATE_TEXT not in anna.text
    # Once June begins both are invited to draft the new third contract.
    invited = await _at(bot, datetime(2027, 6, 1, 7, 0, tzinfo=UTC))
    assert sorted(invited) == [f"{ANNA}|The new third contract", f"{BRAM}|The new third contract"]
    invitation = next(o for o in bot.adapter.to(BRAM) if o.title == "The new third contract")
    # Anna drafted this year's agreement, and the drafter alternates by year, not within one.
    assert "this year Anna de Vries drafts the first proposal" in invitation.text
    assert await _at(bot, datetime(2027, 6, 2, 7, 0, tzinfo=UTC)) == []


async def test_the_managers_copy_holds_no_private_answer(year: Testbot) -> None:
    bot = year
    bot.clock.set(datetime(2027, 5, 18, 7, 0, tzinfo=UTC))
    mine, theirs = await _brief(bot, "employee"), await _brief(bot, "manager")
    assert theirs.reader.email == ANNA and mine.reader.email == BRAM
    own_html, manager_html = to_html(mine), to_html(theirs)
    for html in (own_html, manager_html):
        assert html.count("<svg") >= 1
        assert AGREEMENT in html and GROWTH in html and SHARED_TEXT in html
        assert "perception gap" in html
    # The employee's copy has the private answers, marked private; the manager's has none.
    assert PRIVATE_TEXT in own_html and "[private]" in own_html
    assert own_html.count("<svg") == 3  # demands (shared), recovery and health (private)
    assert manager_html.count("<svg") == 1
    for text in (*_private_prompts(bot), PRIVATE_TEXT, "[private]", "private answers"):
        assert text not in manager_html
    assert all(not p.private for c in theirs.charts for p in c.points)
    # The agenda is the same in both copies: private answers never set it.
    assert mine.agenda == theirs.agenda
    assert any("Over the year from 2 to 4" in item for item in mine.agenda)
    for document, absent in ((to_pdf(mine), ()), (to_pdf(theirs), (PRIVATE_TEXT, "[private]"))):
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
        assert "Review brief: Bram Jansen" in text
        assert AGREEMENT in text
        for word in absent:
            assert word not in text
    # User text is literal in HTML.
    await bot.say(BRAM, "topic <script>alert(1)</script>")
    assert "<script>" not in to_html(await _brief(bot, "manager"))


def _pdf_text(out: Outbound) -> str:
    """The attached PDF's text, with line breaks and runs of spaces made single spaces."""
    assert out.attachment is not None and out.attachment.media_type == "application/pdf"
    pages = PdfReader(io.BytesIO(out.attachment.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


async def test_each_copy_of_the_brief_arrives_with_its_own_document(year: Testbot) -> None:
    bot = year
    await _at(bot, datetime(2027, 5, 18, 7, 0, tzinfo=UTC))
    anna = next(o for o in bot.adapter.to(ANNA) if o.title.startswith("Review brief"))
    bram = next(o for o in bot.adapter.to(BRAM) if o.title.startswith("Review brief"))
    for out in (anna, bram):
        assert out.attachment is not None
        assert out.attachment.filename == "review-brief-bram-jansen-2027.pdf"
        assert out.attachment.description == "Review brief of Bram Jansen (PDF)"
    manager, own = _pdf_text(anna), _pdf_text(bram)
    for text in (manager, own):
        assert "Review brief: Bram Jansen" in text and AGREEMENT in text and GROWTH in text
        assert SHARED_TEXT in text
    assert "The manager's copy" in manager and "Your copy" in own
    # The employee's document holds the private answers, marked private; the manager's none.
    assert PRIVATE_TEXT in own and "[private]" in own
    for private in (*_private_prompts(bot), PRIVATE_TEXT, "[private]", "private answers"):
        assert private not in manager, private
    # Delivered: no copy of the message, let alone the document, stays in the database.
    async with bot.app.db.session() as session:
        notices = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "brief"))
        )
    assert sorted((n.key or "").rsplit(".", 1)[1] for n in notices) == ["employee", "manager"]
    assert all(n.status == "sent" and n.payload is None for n in notices)


async def test_a_former_manager_gets_the_summary_but_not_the_document(year: Testbot) -> None:
    """The document is made when the message goes: a manager who no longer manages the
    employee by then does not receive the year's answers."""
    bot = year
    assert isinstance(bot.adapter, RecordingAdapter)
    bot.adapter.reachable = {BRAM}  # Anna cannot be reached for now
    await _at(bot, datetime(2027, 5, 18, 7, 0, tzinfo=UTC))
    assert [o.attachment is not None for o in bot.adapter.to(BRAM) if "brief" in o.title] == [True]
    async with bot.app.db.session() as session:
        bram, dirk = await find_by_email(session, BRAM), await find_by_email(session, DIRK)
        assert bram is not None and dirk is not None
        bram.manager_id = dirk.id
    bot.adapter.reachable = None
    await _at(bot, datetime(2027, 5, 18, 8, 1, tzinfo=UTC))
    [summary] = [o for o in bot.adapter.to(ANNA) if o.title.startswith("Review brief")]
    assert summary.attachment is None
    assert not [o for o in bot.adapter.to(DIRK) if o.title.startswith("Review brief")]


async def test_a_document_that_cannot_be_made_does_not_hold_the_summary_back(
    year: Testbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr("bot.dialogue.notices.current_brief", broken)
    sent = await _at(year, datetime(2027, 5, 18, 7, 0, tzinfo=UTC))
    briefs = [o for o in year.adapter.sent if o.title.startswith("Review brief")]
    assert len([s for s in sent if "Review brief" in s]) == 2
    assert [o.attachment for o in briefs] == [None, None]
    assert "could not build the brief of outbox message" in caplog.text


async def test_the_brief_in_chat_for_the_employee_and_for_the_manager(year: Testbot) -> None:
    bot = year
    bot.clock.set(datetime(2027, 5, 10, 12, 0, tzinfo=UTC))
    for command in ("brief", "voorbereiding"):
        [own] = await bot.say(BRAM, command)
        assert own.title == "Review brief: Bram Jansen" and "Your copy" in own.text
        assert "Suggested agenda" in own.text
        text = _pdf_text(own)
        assert PRIVATE_TEXT in text and "[private]" in text
    # Anna names one of her reports (by first name, full name or email): the manager's copy.
    async with bot.app.db.session() as session:
        before = await session.scalar(
            select(func.count()).select_from(AuditView).where(AuditView.what == "brief")
        )
    for who in ("Bram", "bram jansen", BRAM):
        [theirs] = await bot.say(ANNA, f"brief {who}")
        assert "The manager's copy" in theirs.text, who
        text = _pdf_text(theirs)
        assert AGREEMENT in text
        for private in (*_private_prompts(bot), PRIVATE_TEXT, "[private]"):
            assert private not in text and private not in theirs.text
    async with bot.app.db.session() as session:
        bram_id = await session.scalar(select(Person.id).where(Person.email == BRAM))
        views = list(
            await session.scalars(
                select(AuditView).where(AuditView.what == "brief").order_by(AuditView.id)
            )
        )[before or 0 :]
    assert [(v.subject_id, v.object_id) for v in views] == [(bram_id, "2027")] * 3
    # Someone who is not her report reads exactly like somebody unknown, and is audited.
    [other] = await bot.say(ANNA, f"brief {DIRK}")
    [nobody] = await bot.say(ANNA, "brief zoe@example.org")
    assert other.attachment is None and nobody.attachment is None
    assert other.text == nobody.text.replace("zoe@example.org", DIRK)
    assert other.text.startswith("None of your reports is called")
    async with bot.app.db.session() as session:
        dirk_id = await session.scalar(select(Person.id).where(Person.email == DIRK))
        denied = list(
            await session.scalars(
                select(AuditView).where(AuditView.what == "denied", AuditView.object_id == "brief")
            )
        )
    assert [r.subject_id for r in denied] == [dirk_id, None]
    # An employee naming someone else: not a command, nothing is shown.
    [refused] = await bot.say(BRAM, f"brief {CARLA}")
    assert refused.attachment is None and refused.text == t("unknown_command", "en")
    # No review month, no brief: said plainly.
    [none] = await bot.say(ANNA, "brief")
    assert none.attachment is None and "has no review month set yet" in none.text


async def test_a_brief_arrives_over_slack_as_an_uploaded_file(db: Database) -> None:
    from tests.support.slack import close_stack, make_stack, member
    from tests.support.slack_fake_api import FakeSlackApi

    fake = await FakeSlackApi(
        users=[member("UANNA", ANNA), member("UBRAM", BRAM), member("UCARLA", CARLA)]
    ).start()
    stack = await make_stack(db, fake)
    try:
        async with db.session() as session:
            bram = await find_by_email(session, BRAM)
            assert bram is not None
            bram.review_month = 4  # its brief is due from 18 March; the clock is at 22 March
        await stack.app.ticker().tick()
        await stack.settle()
        files = {f.channel: f for f in fake.shared_files}
        assert sorted(files) == ["DUANNA", "DUBRAM"]
        # Each file in the reader's own language (Anna reads Dutch), shared into their DM.
        assert files["DUBRAM"].filename == "review-brief-bram-jansen-2027.pdf"
        assert files["DUANNA"].filename == "voorbereiding-jaargesprek-bram-jansen-2027.pdf"
        text = PdfReader(io.BytesIO(files["DUANNA"].content)).pages[0].extract_text()
        assert "Voorbereiding jaargesprek: Bram Jansen" in text
        methods = fake.methods()
        upload = methods.index("files.getUploadURLExternal")
        assert methods[upload + 1 : upload + 3] == ["upload", "files.completeUploadExternal"]
        summary = " ".join(" ".join(p.text for p in fake.posts_to("DUANNA")).split())
        assert "zit als bijlage bij dit bericht" in summary
    finally:
        await close_stack(stack)
        await fake.close()


async def test_over_teams_the_brief_is_offered_and_uploaded_once_accepted(db: Database) -> None:
    from tests.support.teams import ORG as TEAMS_ORG
    from tests.support.teams import start_teams, stop_teams
    from tests.support.teams_fake_connector import FakeConnector

    clock = FixedClock(START)
    await _make_testbot(db, clock, TEAMS_ORG)
    async with db.session() as session:
        bram = await find_by_email(session, BRAM)
        assert bram is not None
        bram.review_month = 6
    connector = FakeConnector()
    teams = await start_teams(db, clock, connector)
    try:
        assert await teams.say("29:bram", "brief") == 201
        [offer] = [
            a
            for a in teams.last_card("29:bram").body["attachments"]
            if a["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
        ]
        assert offer["name"] == "review-brief-bram-jansen-2027.pdf"
        assert offer["content"]["description"] == "Review brief of Bram Jansen (PDF)"
        upload_url = f"{teams.service_url.rstrip('/')}/upload/{offer['name']}"
        accept = teams.activity(
            "29:bram",
            type="invoke",
            name="fileConsent/invoke",
            value={
                "type": "fileUpload",
                "action": "accept",
                "context": offer["content"]["acceptContext"],
                "uploadInfo": {
                    "uploadUrl": upload_url,
                    "name": offer["name"],
                    "contentUrl": "https://onedrive.example/brief.pdf",
                    "uniqueId": "1",
                    "fileType": "pdf",
                },
            },
        )
        assert await teams.post(accept) == 200
        content, _ = connector.uploads[offer["name"]]
        text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
        assert "Review brief: Bram Jansen" in text and "Your copy" in text
    finally:
        await stop_teams(teams)
        await connector.close()


def test_review_brief_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.terminal import run

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JAARROND_DATABASE_URL", raising=False)
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    code, out, _ = run(
        capsys,
        "--now",
        "2027-05-18T07:00:00Z",
        "review",
        "brief",
        "--person",
        BRAM,
        "--for",
        "manager",
        "--format",
        "pdf",
        "--out",
        "brief.pdf",
    )
    assert code == 0, out
    text = PdfReader(tmp_path / "brief.pdf").pages[0].extract_text()
    assert "The manager's copy" in text
    code, out, _ = run(capsys, "review", "brief", "--person", BRAM, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    code, _, err = run(capsys, "review", "brief", "--person", ANNA)
    assert code == 2 and "has no review month" in err


def test_every_dialogue_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    import re

    from dialogs.digest_texts import DIALOGUE_CATALOG

    assert DIALOGUE_CATALOG.problems() == []
    root = Path(__file__).resolve().parent.parent
    for source in [*root.glob("bot/**/*.py"), *root.glob("dialogs/*.py")]:
        for key in re.findall(r'\btd\(\s*"([^"{}]+)"', source.read_text(encoding="utf-8")):
            assert key in DIALOGUE_CATALOG, f"{source.name}: {key}"


@pytest.mark.parametrize(("schedule", "expected"), [("off", []), ("wed 14:30", [ANNA])])
async def test_hr_sets_when_digests_go_out(
    db: Database, schedule: str, expected: list[str]
) -> None:
    settings = load_settings({"JAARROND_DIGEST_SCHEDULE": schedule})
    clock = FixedClock(START)
    app = build_app(settings, clock, db=db)
    adapter = RecordingAdapter()
    app.add_adapter(adapter)
    await _make_testbot(db, clock, ORG)  # the organisation, in the same database
    for moment in (
        datetime(2027, 3, 22, 7, 0, tzinfo=UTC),
        datetime(2027, 3, 24, 13, 30, tzinfo=UTC),
    ):
        clock.set(moment)
        await app.ticker().tick()
    assert [
        o.recipient.email for o in adapter.sent if o.title.startswith("Team digest")
    ] == expected
