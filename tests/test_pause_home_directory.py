"""Time off, the home view and linking chat accounts, through the engine."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.org.organisation import import_org
from bot.org.people import find_by_email
from bot.storage.models import Occurrence, OutboxMessage
from dialogs.home import HomeView
from dialogs.messages import DirectoryUser
from tests.support.testbot import WEEKLY_FOR_BRAM, Testbot, apply


async def test_pause_records_prompts_without_sending_and_resume_ends_it(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_FOR_BRAM)
    reply = await testbot.say("bram@example.org", "pause until 2027-04-05")
    assert "Paused: no check-ins until Monday 5 April 2027" in reply[0].text
    testbot.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    await testbot.tick()
    assert testbot.adapter.sent == []
    async with testbot.app.db.session() as session:
        [occurrence] = list(await session.scalars(select(Occurrence)))
        outbox = list(await session.scalars(select(OutboxMessage)))
    assert occurrence.status == "paused" and outbox == []
    resumed = await testbot.say("bram@example.org", "resume")
    assert "Welcome back" in resumed[0].text
    testbot.clock.set(datetime(2027, 4, 1, 12, 5, tzinfo=UTC))
    await testbot.tick()
    assert len(testbot.adapter.to("bram@example.org")) == 1


async def test_bad_pause_dates_say_how_to_fix_them(testbot: Testbot) -> None:
    bad = await testbot.say("anna@example.org", "pauze tot volgende week")
    assert "pauze tot 12-4-2027" in bad[0].text and "pauze tot 2027-04-12" in bad[0].text
    # A date that does not exist is named as such, day first in Dutch, month first in English.
    missing = await testbot.say("anna@example.org", "pauze tot 31-02-2027")
    assert "31-02-2027 bestaat niet" in missing[0].text
    missing = await testbot.say("bram@example.org", "pause until 2/31/2027")
    assert "2/31/2027 does not exist" in missing[0].text
    past = await testbot.say("bram@example.org", "pause until 2027-03-01")
    assert "already passed" in past[0].text
    long = await testbot.say("bram@example.org", "pause until 2029-01-01")
    assert "a year at most" in long[0].text
    dutch = await testbot.say("anna@example.org", "pauze tot 12-4-2027")
    assert "maandag 12 april 2027" in dutch[0].text
    not_paused = await testbot.say("bram@example.org", "resume")
    assert "not paused" in not_paused[0].text
    english = await testbot.say("bram@example.org", "pause until 4/12/2027")
    assert "Monday 12 April 2027" in english[0].text


async def test_home_shows_what_is_next_and_own_answers_with_visibility(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_FOR_BRAM)
    await testbot.say("bram@example.org", "checkin five_ages")
    for _ in testbot.app.banks["five_ages"].questions:
        await testbot.say("bram@example.org", "2")
    await testbot.say("bram@example.org", "yes")
    await testbot.say("bram@example.org", "topic Working from home on Fridays")
    view = await testbot.app.engine.home("console", "bram@example.org")
    assert view is not None
    sections = {s.title: s for s in view.sections}
    assert "Thursday 25 March at 14:00" in sections["Next check-ins"].lines[0]
    answers = sections["Your recent answers"].lines
    assert any("(private)" in line for line in answers)
    assert any("(shared)" in line for line in answers)
    assert sections["Your topics"].lines == ("Working from home on Fridays",)
    assert "Your team" not in sections


async def test_home_adds_the_team_for_managers_and_schedules_for_hr(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_FOR_BRAM)
    await testbot.say("bram@example.org", "topic Planning")
    anna = await testbot.app.engine.home("console", "anna@example.org")
    assert anna is not None
    team = next(s for s in anna.sections if s.title == "Je team")
    assert "Bram Jansen: 0 gedeelde antwoorden, 1 open onderwerp" in team.lines
    hr = await testbot.app.engine.home("console", "hr@example.org")
    assert hr is not None
    schedules = next(s for s in hr.sections if s.title == "Schema's (HR)")
    assert schedules.lines[0].startswith("workload-weekly: workload, weekly, actief")
    assert await testbot.app.engine.home("console", "ghost@example.org") is None
    reply = await testbot.say("bram@example.org", "home")
    assert "Your topics:" in reply[0].text and "- Planning" in reply[0].text


async def test_directory_links_accounts_without_overriding_hr(testbot: Testbot) -> None:
    users = [
        DirectoryUser("slack", "U0BRAM", "Bram@Example.org", "Europe/Lisbon", "en-GB"),
        DirectoryUser("slack", "U0NEW", "nobody@example.org", "Europe/Paris", "fr-FR"),
        DirectoryUser("slack", "U0BRAM", "carla@example.org", "America/Chicago", "en-US"),
    ]
    changed = await testbot.app.engine.sync_directory(users)
    assert changed == 1
    async with testbot.app.db.session() as session:
        bram = await find_by_email(session, "bram@example.org")
        carla = await find_by_email(session, "carla@example.org")
    assert bram is not None and carla is not None
    assert bram.slack_user_id == "U0BRAM"
    assert bram.timezone == "Europe/Amsterdam"  # set by HR in the org file: kept
    assert carla.slack_user_id is None  # that id belongs to Bram already
    assert await testbot.app.engine.sync_directory(users) == 0


MONDAY = """
schedules:
  - id: monday-weekly
    theme: workload
    cadence: weekly
    day: mon
    time: "09:00"
    audience: {audience}
{extra}"""


def _section(view: HomeView | None, title: str) -> tuple[str, ...]:
    assert view is not None
    return next(s.lines for s in view.sections if s.title == title)


async def _prompts_to(testbot: Testbot, email: str, at: datetime) -> int:
    testbot.clock.set(at)
    await testbot.tick()
    return len(testbot.adapter.to(email))


async def test_home_shows_the_next_run_after_a_public_holiday(testbot: Testbot) -> None:
    # Wednesday 24 March 2027; the next Monday, 29 March, is Easter Monday in the Netherlands.
    testbot.clock.set(datetime(2027, 3, 24, 12, 0, tzinfo=UTC))
    await apply(testbot, MONDAY.format(audience="all", extra="    holidays: NL\n"))
    hr = await testbot.app.engine.home("console", "hr@example.org")
    [line] = _section(hr, "Schema's (HR)")
    assert line.endswith("volgende dinsdag 30 maart om 09:00")
    bram = await testbot.app.engine.home("console", "bram@example.org")
    assert _section(bram, "Next check-ins") == ("Workload and recovery: Tuesday 30 March at 09:00",)
    # The planner agrees: nothing on Easter Monday or before 09:00 on Tuesday, then the prompt.
    assert (
        await _prompts_to(testbot, "bram@example.org", datetime(2027, 3, 29, 7, 0, tzinfo=UTC)) == 0
    )
    assert (
        await _prompts_to(testbot, "bram@example.org", datetime(2027, 3, 30, 6, 59, tzinfo=UTC))
        == 0
    )
    assert (
        await _prompts_to(testbot, "bram@example.org", datetime(2027, 3, 30, 7, 0, tzinfo=UTC)) == 1
    )


async def test_home_shows_a_part_timer_the_day_of_their_own_week(testbot: Testbot) -> None:
    testbot.clock.set(datetime(2027, 3, 23, 12, 0, tzinfo=UTC))
    org = "email,name,working_days\nbram@example.org,Bram Jansen,wed thu fri\n"
    await import_org(testbot.app.db, org, testbot.clock.now())
    await apply(testbot, MONDAY.format(audience="{emails: [bram@example.org]}", extra=""))
    bram = await testbot.app.engine.home("console", "bram@example.org")
    # Monday is not his working day: the prompt waits for Wednesday, at the same time.
    assert _section(bram, "Next check-ins") == (
        "Workload and recovery: Wednesday 31 March at 09:00",
    )
    # HR's line follows the schedule's own working week.
    hr = await testbot.app.engine.home("console", "hr@example.org")
    assert _section(hr, "Schema's (HR)")[0].endswith("volgende maandag 29 maart om 09:00")
    assert (
        await _prompts_to(testbot, "bram@example.org", datetime(2027, 3, 29, 7, 5, tzinfo=UTC)) == 0
    )
    assert (
        await _prompts_to(testbot, "bram@example.org", datetime(2027, 3, 31, 7, 0, tzinfo=UTC)) == 1
    )


async def test_home_lists_no_run_that_every_day_off_skips(testbot: Testbot) -> None:
    org = "email,name,working_days\nbram@example.org,Bram Jansen,wed thu fri\n"
    await import_org(testbot.app.db, org, testbot.clock.now())
    extra = "    on_day_off: skip\n"
    await apply(testbot, MONDAY.format(audience="{emails: [bram@example.org]}", extra=extra))
    bram = await testbot.app.engine.home("console", "bram@example.org")
    assert _section(bram, "Next check-ins") == ()


async def test_home_shows_the_first_check_in_after_a_pause(testbot: Testbot) -> None:
    await apply(testbot, WEEKLY_FOR_BRAM)
    await testbot.say("bram@example.org", "pause until 2027-04-05")
    bram = await testbot.app.engine.home("console", "bram@example.org")
    # Thursday 25 March and 1 April fall in the pause: recorded, never sent.
    assert _section(bram, "Next check-ins") == (
        "Paused until Monday 5 April 2027.",
        "Workload and recovery: Thursday 8 April at 14:00",
    )
