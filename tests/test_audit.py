"""The audit log: every view of someone's data by a manager or the operator leaves a row,
and the employee can read who viewed what, and when."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.org.people import find_by_email
from bot.privacy.audit import record_view
from bot.privacy.export import export_person
from bot.storage.audit_models import AuditView
from bot.storage.models import Person
from dialogs import agreements as ag
from tests.support.terminal import run
from tests.support.testbot import Testbot

ANNA, BRAM, CARLA, DIRK = (f"{n}@example.org" for n in ("anna", "bram", "carla", "dirk"))


async def person(bot: Testbot, email: str) -> Person:
    async with bot.app.db.session() as session:
        found = await find_by_email(session, email)
    assert found is not None
    return found


async def rows(bot: Testbot) -> list[AuditView]:
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(AuditView).order_by(AuditView.id)))


async def test_the_digest_in_chat_records_one_view_per_report(testbot: Testbot) -> None:
    anna, bram, carla = [await person(testbot, e) for e in (ANNA, BRAM, CARLA)]
    await testbot.say(BRAM, "topic Thuiswerken")
    assert await rows(testbot) == []
    await testbot.say(ANNA, "digest")
    recorded = await rows(testbot)
    assert {(r.viewer_id, r.subject_id, r.what) for r in recorded} == {
        (anna.id, bram.id, "digest"),
        (anna.id, carla.id, "digest"),
    }
    assert all(r.viewed_at == testbot.clock.now() for r in recorded)
    seen = await testbot.say(BRAM, "viewed")
    assert seen[0].title == "Who viewed your data"
    assert "Anna de Vries, your shared answers in the team digest" in seen[0].text
    assert "Monday 22 March 2027, 09:00: Anna" in seen[0].text  # Bram's own time zone
    dutch = await testbot.say(ANNA, "ingezien")
    assert dutch[0].text == "Niemand heeft je gegevens ingezien."
    # The export holds the whole log, not only the latest fifty.
    async with testbot.app.db.session() as session:
        exported = await export_person(session, bram, testbot.clock.now())
    assert [(v["viewer"], v["what"]) for v in exported["views_of_your_data"]] == [
        ("Anna de Vries", "digest")
    ]


async def test_the_home_team_view_is_recorded_only_for_a_manager(testbot: Testbot) -> None:
    await testbot.say(BRAM, "home")
    assert await rows(testbot) == []
    await testbot.say(ANNA, "home")
    assert sorted(r.what for r in await rows(testbot)) == ["home_team", "home_team"]
    # The App Home (Slack) and the home card (Teams) go through the same view.
    view = await testbot.app.engine.home("console", ANNA)
    assert view is not None
    assert len(await rows(testbot)) == 4
    carla = await testbot.say(CARLA, "viewed")
    assert carla[0].text.count("your counts in the team part of their home view") == 2


async def _agreement(bot: Testbot) -> int:
    anna, bram = await person(bot, ANNA), await person(bot, BRAM)
    terms = ag.Terms(category="working_hours", text="Fridays off", start=date(2027, 4, 1))
    async with bot.app.db.session() as session:
        author = await session.get(Person, bram.id)
        assert author is not None
        agreement, _ = await bot.app.engine.agreements.create(
            session, author, anna.id, terms, bot.clock.now()
        )
        return agreement.id


async def test_an_agreement_shown_to_the_manager_is_recorded(testbot: Testbot) -> None:
    agreement_id = await _agreement(testbot)
    await testbot.say(BRAM, f"agreement show {agreement_id}")
    assert await rows(testbot) == []  # his own agreement: nobody else saw anything
    await testbot.say(ANNA, f"agreement show {agreement_id}")
    (row,) = await rows(testbot)
    assert (row.what, row.object_id) == ("agreement", str(agreement_id))
    assert row.subject_id == (await person(testbot, BRAM)).id
    seen = await testbot.say(BRAM, "viewed")
    assert f"Anna de Vries, agreement #{agreement_id}" in seen[0].text


async def test_someone_else_asking_for_an_agreement_is_refused_and_recorded(
    testbot: Testbot,
) -> None:
    agreement_id = await _agreement(testbot)
    refused = await testbot.say(DIRK, f"agreement show {agreement_id}")
    missing = await testbot.say(DIRK, "agreement show 999")
    assert refused[0].text == missing[0].text == "I can't find that agreement."
    denied = [r for r in await rows(testbot) if r.what == "denied"]
    assert [r.object_id for r in denied] == [f"agreement {agreement_id}", "agreement 999"]
    bram = await person(testbot, BRAM)
    assert [r.subject_id for r in denied] == [bram.id, None]
    seen = await testbot.say(BRAM, "viewed")
    assert "Dirk Bakker, tried to view something of yours (refused)" in seen[0].text


async def test_viewed_lists_newest_first_and_at_most_fifty(testbot: Testbot) -> None:
    anna, bram = await person(testbot, ANNA), await person(testbot, BRAM)
    start = testbot.clock.now()
    async with testbot.app.db.session() as session:
        for n in range(60):
            await record_view(
                session,
                viewer_id=anna.id,
                subject_id=bram.id,
                what="brief",
                object_id=None,
                now=start + timedelta(days=n),
            )
        # Looking at one's own data is not a view by someone else.
        await record_view(
            session, viewer_id=bram.id, subject_id=bram.id, what="brief", object_id=None, now=start
        )
    lines = (await testbot.say(BRAM, "viewed"))[0].text.splitlines()
    assert len(lines) == 51 and "The latest 50" in lines[0]
    assert lines[1].startswith("- Thursday 20 May 2027, 10:00: Anna de Vries, your review brief")
    assert len(await rows(testbot)) == 60


def test_the_cli_digest_is_recorded_as_the_operator(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "org", "import", "org.csv")
    code, _, _ = run(capsys, "digest", "--manager", ANNA)
    assert code == 0
    code, _, err = run(capsys, "digest", "--manager", BRAM)  # manages nobody
    assert code == 2 and f"no person with email {BRAM}" in err
    code, _, _ = run(capsys, "digest", "--manager", "ghost@example.org")
    assert code == 2  # an unknown email: nothing to record about anyone
    _, out, _ = run(capsys, "chat", "--as", BRAM, stdin="viewed\n")
    assert "operator (command line), your shared answers in the team digest" in out
    assert "operator (command line), tried to view something of yours (refused)" in out
    _, out, _ = run(capsys, "chat", "--as", CARLA, stdin="viewed\n")
    assert out.count("operator (command line)") == 1
