"""The engine end to end, in memory, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.dialogue.digests import team_digest
from bot.org.people import find_by_email
from bot.privacy.export import export_person
from bot.storage.models import Answer, Occurrence, ProcessedEvent
from dialogs.messages import Inbound
from tests.support.testbot import Testbot, apply


async def _answers(bot: Testbot, email: str) -> list[Answer]:
    async with bot.app.db.session() as session:
        person = await find_by_email(session, email)
        assert person is not None
        found = await session.scalars(
            select(Answer).where(Answer.person_id == person.id).order_by(Answer.id)
        )
        return list(found)


async def _digest_json(bot: Testbot, manager: str) -> str:
    async with bot.app.db.session() as session:
        person = await find_by_email(session, manager)
        assert person is not None
        digest = await team_digest(session, person, bot.clock.now(), bot.app.banks, "en")
    return repr(digest)


async def _complete(bot: Testbot, email: str, theme: str, answer: str = "1") -> None:
    """Answer every question of a check-in with the same reply until it asks to share."""
    await bot.say(email, f"checkin {theme}")
    for _ in bot.app.banks[theme].questions:
        await bot.say(email, answer)


async def test_help_speaks_the_persons_language(testbot: Testbot) -> None:
    dutch = await testbot.say("anna@example.org", "help")
    english = await testbot.say("bram@example.org", "help")
    assert "Opdrachten" in dutch[0].text
    assert "Commands" in english[0].text
    assert "workload" in english[0].text


async def test_unknown_person_is_told_to_ask_hr(testbot: Testbot) -> None:
    replies = await testbot.say("nobody@example.org", "help")
    assert "HR" in replies[0].text


async def test_full_checkin_shared_reaches_the_manager(testbot: Testbot) -> None:
    await _complete(testbot, "bram@example.org", "workload", "2")
    assert testbot.last.question is not None
    assert testbot.last.question.question_id == "share"
    await testbot.say("bram@example.org", "1")
    assert "Shared with Anna de Vries" in testbot.last.text
    answers = await _answers(testbot, "bram@example.org")
    assert len(answers) == len(testbot.app.banks["workload"].questions)
    assert {a.visibility for a in answers} == {"shared"}
    digest = await _digest_json(testbot, "anna@example.org")
    assert "workload.demands_level" in digest


async def test_health_answers_stay_private_even_when_shared(testbot: Testbot) -> None:
    await _complete(testbot, "bram@example.org", "five_ages")
    await testbot.say("bram@example.org", "yes")
    answers = await _answers(testbot, "bram@example.org")
    health = [a for a in answers if a.topic == "health"]
    assert health, "the five ages bank asks about health"
    assert {a.visibility for a in health} == {"private"}
    assert {a.visibility for a in answers if a.topic != "health"} == {"shared"}
    digest = await _digest_json(testbot, "anna@example.org")
    for answer in health:
        assert answer.question_id not in digest
    assert "five_ages.calendar_phase" in digest
    assert "topic" in testbot.last.text  # the tip to raise a non-medical topic instead


async def test_not_sharing_keeps_answers_from_the_manager(testbot: Testbot) -> None:
    await _complete(testbot, "bram@example.org", "workload", "3")
    await testbot.say("bram@example.org", "no")
    answers = await _answers(testbot, "bram@example.org")
    assert {a.visibility for a in answers} == {"aggregate"}
    assert "workload." not in await _digest_json(testbot, "anna@example.org")


async def test_invalid_answer_is_reprompted_and_nothing_is_stored(testbot: Testbot) -> None:
    await testbot.say("bram@example.org", "checkin workload")
    replies = await testbot.say("bram@example.org", "seven")
    assert "'seven' is not one of the options" in replies[0].text
    assert "1 to 5" in replies[0].text
    assert replies[0].question is not None
    assert replies[0].question.question_id == "workload.demands_level"
    assert await _answers(testbot, "bram@example.org") == []


async def test_choice_accepts_number_value_and_label_in_either_language(testbot: Testbot) -> None:
    await testbot.say("bram@example.org", "checkin workload")
    await testbot.say("bram@example.org", "3")
    await testbot.say("bram@example.org", "Tempo en deadlines")  # the Dutch label
    answers = await _answers(testbot, "bram@example.org")
    assert answers[1].question_id == "workload.demands_nature"
    assert answers[1].value == "pace_deadlines"


async def test_skip_and_stop_keep_what_was_given(testbot: Testbot) -> None:
    await testbot.say("bram@example.org", "checkin workload")
    await testbot.say("bram@example.org", "skip")
    await testbot.say("bram@example.org", "2")
    replies = await testbot.say("bram@example.org", "stop")
    assert "Stopped" in replies[0].text
    answers = await _answers(testbot, "bram@example.org")
    assert [(a.question_id, a.visibility) for a in answers] == [
        ("workload.demands_nature", "aggregate")
    ]
    after = await testbot.say("bram@example.org", "4")
    assert "didn't understand" in after[0].text


async def test_a_click_on_an_old_prompt_changes_nothing(testbot: Testbot) -> None:
    first = await testbot.say("bram@example.org", "checkin workload")
    assert first[0].question is not None
    old_token = first[0].question.token
    await testbot.click("bram@example.org", old_token, "4")
    replies = await testbot.click("bram@example.org", old_token, "5")
    assert "already" in replies[0].text
    answers = await _answers(testbot, "bram@example.org")
    assert [a.value for a in answers] == ["4"]


async def test_a_click_delivered_twice_records_one_answer_and_answers_once(
    testbot: Testbot,
) -> None:
    """A platform repeating a click (same event id), or a person clicking the same answer
    twice: the answer counts once and the repeat says nothing, not even that it came late."""
    first = await testbot.say("bram@example.org", "checkin workload")
    assert first[0].question is not None
    token = first[0].question.token
    replies = await testbot.say("bram@example.org", token=token, value="4", event_id="A1")
    assert replies and replies[-1].question is not None  # the next question
    assert await testbot.say("bram@example.org", token=token, value="4", event_id="A1") == []
    assert await testbot.say("bram@example.org", token=token, value="4", event_id="A2") == []
    assert [a.value for a in await _answers(testbot, "bram@example.org")] == ["4"]
    # A click is counted by its answer: no event row is kept for it.
    async with testbot.app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
    # The check-in goes on from the next question.
    following = replies[-1].question.token
    await testbot.click("bram@example.org", following, replies[-1].question.choices[0].value)
    assert len(await _answers(testbot, "bram@example.org")) == 2


async def test_the_same_click_handled_twice_at_once_records_one_answer(testbot: Testbot) -> None:
    """Two replicas handling one click at the same moment: one answer, one reply."""
    first = await testbot.say("bram@example.org", "checkin workload")
    assert first[0].question is not None
    click = Inbound(
        "console", "bram@example.org", token=first[0].question.token, value="4", event_id="B1"
    )
    turns = await asyncio.gather(*(testbot.app.engine.handle(click) for _ in range(2)))
    assert sorted(len(turn.replies) for turn in turns) == [0, 1]
    assert [a.value for a in await _answers(testbot, "bram@example.org")] == ["4"]


async def test_a_repeated_click_that_recorded_nothing_is_still_answered_once(
    testbot: Testbot,
) -> None:
    """A click on a check-in that is over stores no answer: its event id counts instead."""
    first = await testbot.say("bram@example.org", "checkin workload")
    assert first[0].question is not None
    token = first[0].question.token
    await testbot.say("bram@example.org", "stop")
    late = await testbot.say("bram@example.org", token=token, value="4", event_id="A9")
    assert late and "no check-in open" in late[0].text
    assert await testbot.say("bram@example.org", token=token, value="4", event_id="A9") == []
    assert await _answers(testbot, "bram@example.org") == []


async def test_a_retried_event_is_processed_once(testbot: Testbot) -> None:
    await testbot.say("bram@example.org", "checkin workload")
    first = await testbot.say("bram@example.org", "2", event_id="Ev1")
    second = await testbot.say("bram@example.org", "2", event_id="Ev1")
    assert first and second == []
    assert len(await _answers(testbot, "bram@example.org")) == 1


async def test_later_snoozes_to_the_next_working_morning(testbot: Testbot) -> None:
    await apply(
        testbot,
        """
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: fri
    time: "14:00"
    audience: {emails: [bram@example.org]}
""",
    )
    testbot.clock.set(datetime(2027, 3, 26, 13, 1, tzinfo=UTC))  # Friday 14:01 in Amsterdam
    await testbot.tick()
    [prompt] = testbot.adapter.to("bram@example.org")
    assert prompt.question is not None
    await testbot.say("bram@example.org", "3")
    replies = await testbot.say("bram@example.org", "later")
    assert "Monday 29 March at 09:00" in replies[0].text
    testbot.clock.set(datetime(2027, 3, 29, 6, 59, tzinfo=UTC))
    await testbot.tick()
    assert len(testbot.adapter.to("bram@example.org")) == 1
    testbot.clock.set(datetime(2027, 3, 29, 7, 0, tzinfo=UTC))  # 09:00 CEST
    await testbot.tick()
    resumed = testbot.adapter.to("bram@example.org")[-1]
    assert "where you left off" in resumed.text
    assert resumed.question is not None
    assert resumed.question.question_id == "workload.demands_nature"


async def test_a_prompt_due_during_a_checkin_waits_its_turn(testbot: Testbot) -> None:
    await apply(
        testbot,
        """
schedules:
  - id: relationship
    theme: relationship
    cadence: weekly
    day: mon
    time: "10:00"
    audience: {emails: [bram@example.org]}
""",
    )
    testbot.clock.set(datetime(2027, 3, 29, 7, 30, tzinfo=UTC))
    await testbot.say("bram@example.org", "checkin workload")
    testbot.clock.set(datetime(2027, 3, 29, 8, 0, tzinfo=UTC))
    await testbot.tick()
    assert testbot.adapter.to("bram@example.org") == []
    for _ in testbot.app.banks["workload"].questions:
        await testbot.say("bram@example.org", "skip")
    assert testbot.last.question is not None
    assert testbot.last.question.question_id.startswith("relationship.")


async def test_topic_is_stored_and_shown_literally(testbot: Testbot) -> None:
    text = "<!channel> *urgent* [click](https://evil.example) <at>everyone</at>"
    replies = await testbot.say("bram@example.org", f"topic {text}")
    assert text in replies[0].text
    assert text in await _digest_json(testbot, "anna@example.org")


async def test_export_lists_everything_with_visibility(testbot: Testbot) -> None:
    await _complete(testbot, "bram@example.org", "five_ages")
    await testbot.say("bram@example.org", "no")
    async with testbot.app.db.session() as session:
        person = await find_by_email(session, "bram@example.org")
        assert person is not None
        data = await export_person(session, person, testbot.clock.now())
    visibilities = {a["topic"]: a["visibility"] for a in data["answers"]}
    assert visibilities["health"] == "private"
    assert visibilities["professional"] == "aggregate"
    assert data["checkins"][0]["status"] == "completed"
    assert data["person"]["manager_email"] == "anna@example.org"


async def test_an_abandoned_checkin_gives_way_to_the_next_prompt(testbot: Testbot) -> None:
    await apply(
        testbot,
        """
schedules:
  - id: relationship
    theme: relationship
    cadence: weekly
    day: tue
    time: "10:00"
    audience: {emails: [bram@example.org]}
""",
    )
    await testbot.say("bram@example.org", "checkin workload")  # Monday, never finished
    testbot.clock.set(datetime(2027, 3, 23, 9, 0, tzinfo=UTC))  # Tuesday 10:00 CET
    await testbot.tick()
    [prompt] = testbot.adapter.to("bram@example.org")
    assert prompt.question is not None
    assert prompt.question.question_id.startswith("relationship.")
    async with testbot.app.db.session() as session:
        statuses = list(await session.scalars(select(Occurrence.status).order_by(Occurrence.id)))
    assert statuses == ["expired", "open"]


async def test_a_free_text_answer_that_starts_with_a_command_word_is_the_answer(
    testbot: Testbot,
) -> None:
    await testbot.say("bram@example.org", "checkin workload")
    questions = testbot.app.banks["workload"].questions
    assert questions[-1].kind == "text"
    for _ in questions[:-1]:
        await testbot.say("bram@example.org", "1")
    typed = "talked with Anna about the overtime, topic for next week"
    await testbot.say("bram@example.org", typed)
    answers = await _answers(testbot, "bram@example.org")
    assert answers[-1].kind == "text" and answers[-1].value == typed
    # Nothing else happened: no conversation logged, no topic raised, Anna not told.
    async with testbot.app.db.session() as session:
        person = await find_by_email(session, "bram@example.org")
        assert person is not None
        exported = await export_person(session, person, testbot.clock.now())
    assert exported["topics"] == []
    assert not exported.get("conversations")
    assert testbot.adapter.to("anna@example.org") == []
    # Outside a free-text question the same words are the command again.
    await testbot.say("bram@example.org", "stop")
    await testbot.say("bram@example.org", "topic More focus time")
    async with testbot.app.db.session() as session:
        exported = await export_person(session, person, testbot.clock.now())
    assert [t["text"] for t in exported["topics"]] == ["More focus time"]
