"""Everything the bot says on its own goes through one outbox: a person's messages arrive in
the order they were made (a retry holds the later ones back), and a message whose subject
moved on is written from the database when it goes, or dropped, never sent stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins import menus
from bot.clock import FixedClock
from bot.delivery.view import list_outbox
from bot.storage.database import Database
from bot.storage.models import OutboxMessage
from dialogs import agreements as ag
from dialogs.messages import MessageRef, Outbound, PersonRef
from tests.support.agreements import draft_as_bram
from tests.support.testbot import RecordingAdapter, Testbot, make_testbot

ANNA, BRAM = "anna@example.org", "bram@example.org"
BRAM_REF = PersonRef(2, BRAM, "Bram Jansen", "en", "Europe/Amsterdam")


class Flaky(RecordingAdapter):
    """A platform that fails the next sends to some people, and records what arrives."""

    def __init__(self, inner: RecordingAdapter) -> None:
        super().__init__()
        self.sent = inner.sent
        self.failing: dict[str, int] = {}

    async def send(self, out: Outbound) -> MessageRef:
        left = self.failing.get(out.recipient.email, 0)
        if left:
            self.failing[out.recipient.email] = left - 1
            raise ConnectionError("platform down")
        return await super().send(out)


def flaky(bot: Testbot) -> Flaky:
    channel = Flaky(bot.adapter)
    bot.app.adapters["console"] = channel
    return channel


async def outbox(db: Database, email_id: int | None = None) -> list[OutboxMessage]:
    async with db.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if email_id is not None:
            query = query.where(OutboxMessage.person_id == email_id)
        return list(await session.scalars(query))


def agreement_news(bot: Testbot, email: str) -> list[Outbound]:
    return [o for o in bot.adapter.to(email) if o.question and o.question.token[:1] == "a"]


async def test_a_newer_agreement_notice_replaces_the_older_one_and_reads_the_agreement_now(
    testbot: Testbot,
) -> None:
    """Anna accepts and then signs before Bram hears of either: he gets one message, the
    one about her signature, never "accepted ... sign it" after "signed"."""
    agreement_id = await draft_as_bram(testbot)
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "accept")
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "sign")
    await testbot.tick()
    [news] = agreement_news(testbot, BRAM)
    assert "Anna de Vries signed version 1; your signature is still missing." in news.text
    assert "accepted" not in news.text
    statuses = {m.key: m.status for m in await outbox(testbot.app.db) if m.kind == "agreement"}
    assert statuses == {
        f"a{agreement_id}.v1.proposed.p1": "superseded",  # Anna acted on it herself
        f"a{agreement_id}.v1.accepted.p2": "superseded",
        f"a{agreement_id}.v1.signed.p2": "sent",
    }
    # Bram's menu is the agreement's: a typed answer now answers that question.
    async with testbot.app.db.session() as session:
        shown = await menus.current(session, news.recipient, testbot.app.checkins)
    assert shown is not None and shown.question == news.question


async def test_a_failed_send_holds_back_that_persons_later_messages(testbot: Testbot) -> None:
    channel = flaky(testbot)
    agreement_id = await draft_as_bram(testbot)
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "accept")
    await testbot.say(ANNA, "talked with Bram about the pilot")  # a note for Bram, made later
    channel.failing[BRAM] = 1
    await testbot.tick()
    assert testbot.adapter.to(BRAM) == []  # the note did not overtake the failed notice
    testbot.clock.advance(timedelta(seconds=10))
    await testbot.tick()
    assert testbot.adapter.to(BRAM) == []  # its retry is not due yet, and the note waits
    [notice, note] = await outbox(testbot.app.db, 2)
    assert (notice.kind, notice.status, notice.attempts) == ("agreement", "pending", 1)
    assert (note.kind, note.status, note.attempts) == ("talked", "pending", 0)
    testbot.clock.advance(timedelta(seconds=30))
    await testbot.tick()
    assert [o.question is not None for o in testbot.adapter.to(BRAM)] == [True, False]
    assert "accepted version 1" in testbot.adapter.to(BRAM)[0].text
    assert "logged that the two of you talked" in testbot.adapter.to(BRAM)[1].text


async def test_a_talked_note_lists_only_the_topics_still_open_when_it_goes(
    testbot: Testbot,
) -> None:
    await testbot.say(BRAM, "topic Training budget for the conference")
    await testbot.say(BRAM, "topic Moving to four days a week")
    testbot.adapter.reachable = {ANNA}  # Bram is away for now
    [logged] = await testbot.say(ANNA, "talked with Bram")
    assert logged.question is not None
    listed = [c.label for c in logged.question.choices]
    assert listed[:2] == ["Training budget for the conference", "Moving to four days a week"]
    await testbot.tick()
    await testbot.say(ANNA, "besproken 1")
    testbot.adapter.reachable = None
    testbot.clock.advance(timedelta(hours=1))
    await testbot.tick()
    [note] = testbot.adapter.to(BRAM)
    assert note.question is not None
    assert [c.label for c in note.question.choices] == ["Moving to four days a week"]
    assert "Training budget" not in note.text


async def test_a_follow_up_question_answered_or_asked_again_is_never_sent(
    testbot: Testbot,
) -> None:
    await testbot.say(BRAM, "agreement new")
    for answer in ("4", "Bram works from home on Mondays.", "2", "2", "1"):  # monthly
        await testbot.say(BRAM, answer)
    [proposed] = await testbot.say(BRAM, "1")
    assert proposed.question is not None
    token = proposed.question.token
    await testbot.click(ANNA, token, "accept")
    await testbot.click(ANNA, token, "sign")
    await testbot.click(BRAM, token, "sign")
    testbot.adapter.reachable = {ANNA}  # Bram is away for months
    rounds = []
    for month in (4, 5, 6):  # a round each month while he is away
        for day in (22, 25):  # (22 May is a Saturday: that round is asked on Monday)
            testbot.clock.set(datetime(2027, month, day, 7, 0, tzinfo=UTC))
            await testbot.tick()
        rounds = [m for m in await outbox(testbot.app.db, 2) if m.kind == "follow_up"]
    assert [m.status for m in rounds] == ["superseded", "superseded", "pending"]
    # He answers the question of this round some other way (through `agreement show`):
    assert rounds[2].followup_id is not None
    await testbot.click(BRAM, ag.followup_token(rounds[2].followup_id), "on_track")
    testbot.adapter.reachable = None
    testbot.clock.advance(timedelta(hours=1))
    await testbot.tick()
    # No old question arrives once he can be reached again, let alone three in a row.
    assert [o for o in testbot.adapter.to(BRAM) if o.question] == []
    statuses = [m.status for m in await outbox(testbot.app.db, 2) if m.kind == "follow_up"]
    assert statuses == ["superseded", "superseded", "cancelled"]
    asked_anna = [
        o for o in testbot.adapter.to(ANNA) if o.question and o.question.token[:2] == "af"
    ]
    assert len(asked_anna) == 3  # Anna could be reached: each round's question, once


@pytest.fixture
async def digest_bot(db: Database, clock: FixedClock) -> Testbot:
    """The weekly digest on its default moment, Monday 09:00 local (the clock's start)."""
    return await make_testbot(db, clock, env={})


async def test_a_digest_past_its_grace_is_recorded_expired_not_sent(digest_bot: Testbot) -> None:
    bot = digest_bot
    bot.adapter.reachable = {BRAM}  # Anna cannot be reached on Monday
    bot.clock.set(datetime(2027, 3, 22, 8, 1, tzinfo=UTC))
    await bot.tick()
    [digest] = [m for m in await outbox(bot.app.db, 1) if m.kind == "digest"]
    assert digest.status == "pending" and digest.payload
    bot.adapter.reachable = None
    bot.clock.set(datetime(2027, 3, 22, 20, 1, tzinfo=UTC))  # 21:01 in Amsterdam: 12 h on
    await bot.tick()
    assert bot.adapter.to(ANNA) == []
    [row] = await list_outbox(bot.app.db, kinds=["digest"])
    assert (row.email, row.status, row.last_error) == (ANNA, "expired", "not sent within its grace")
    [expired] = [m for m in await outbox(bot.app.db, 1) if m.kind == "digest"]
    assert expired.payload is None  # what it quoted is not kept


async def test_a_person_no_platform_reaches_waits_with_the_reason(testbot: Testbot) -> None:
    testbot.adapter.reachable = {ANNA}
    await testbot.say(ANNA, "talked with Bram")
    await testbot.tick()
    [row] = await list_outbox(testbot.app.db, kinds=["talked"])
    assert row.status == "pending"
    assert (
        row.last_error == "no chat platform reaches this person (console: cannot reach this person)"
    )


def test_the_reason_names_what_teams_lacks() -> None:
    from adapters.teams import TeamsAdapter
    from adapters.teams.references import MemoryReferenceStore
    from bot.delivery.queue import unreachable

    person = PersonRef(7, "eva@example.org", "Eva", "en", "UTC", teams_user_id="29:eva")
    teams = TeamsAdapter(app_id="", app_password="", references=MemoryReferenceStore())
    assert not teams.can_reach(person)
    reason = unreachable(person, {"teams": teams})
    assert "teams: no stored Teams conversation" in reason
    assert "service URL (JAARROND_TEAMS_SERVICE_URL)" in reason and "tenant" in reason
    assert "no Slack or Teams id" not in reason
    nobody = PersonRef(8, "finn@example.org", "Finn", "en", "UTC")
    assert unreachable(nobody, {"teams": teams}) == "teams: no Teams user id"
    assert unreachable(nobody, {}) == "no chat platform runs in this process"


async def test_every_failed_attempt_is_logged_with_what_and_why(
    testbot: Testbot, caplog: pytest.LogCaptureFixture
) -> None:
    channel = flaky(testbot)
    channel.failing[BRAM] = 1
    await testbot.say(ANNA, "talked with Bram about the pilot")
    with caplog.at_level("WARNING", logger="bot.delivery.dispatcher"):
        await testbot.tick()
    [message] = await outbox(testbot.app.db, 2)
    [line] = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert line == (
        f"sending outbox message {message.id} (talked) via console failed (attempt 1): "
        "ConnectionError: platform down"
    )
    assert "pilot" not in caplog.text  # never what people wrote
    [row] = await list_outbox(testbot.app.db, statuses=["pending"], kinds=["talked"])
    assert (row.attempts, row.last_error) == (1, "ConnectionError: platform down")


async def test_a_question_becomes_the_menu_only_once_the_platform_took_it(
    testbot: Testbot,
) -> None:
    channel = flaky(testbot)
    agreement_id = await draft_as_bram(testbot)
    await testbot.click(ANNA, ag.agreement_token(agreement_id, 1), "accept")
    await testbot.say(ANNA, "talked with Bram")  # no question: leaves the menu as it is
    async with testbot.app.db.session() as session:
        before = await menus.current(
            session, BRAM_REF, testbot.app.checkins
        )  # his own reply's, when he proposed
    channel.failing[BRAM] = 1
    await testbot.tick()
    async with testbot.app.db.session() as session:
        assert await menus.current(session, BRAM_REF, testbot.app.checkins) == before
    testbot.clock.advance(timedelta(minutes=1))
    await testbot.tick()
    news, note = testbot.adapter.to(BRAM)
    assert news.question is not None and note.question is None
    async with testbot.app.db.session() as session:
        shown = await menus.current(session, BRAM_REF, testbot.app.checkins)
    assert shown is not None and shown.question == news.question
