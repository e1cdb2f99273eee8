"""Leavers: a full org import takes the file as the whole organisation. Whoever it no longer
lists stops getting anything at once, their check-ins close, their reports lose them as
manager and the leavers' retention period starts; whoever comes back takes part again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import RetentionSettings
from bot.org.organisation import OrgImportError, import_org
from bot.privacy.retention import purge
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage, Person
from tests.support.terminal import run
from tests.support.testbot import ORG_CSV, WEEKLY_ON_THURSDAY, Testbot, apply

ANNA, BRAM, CARLA, DIRK, HR = (
    f"{name}@example.org" for name in ("anna", "bram", "carla", "dirk", "hr")
)
# The organisation without Anna, who manages Bram and Carla. The file has no manager column,
# so Bram and Carla keep their stored manager, until she leaves.
WITHOUT_ANNA = "email,name\n" + "".join(
    f"{email},{name}\n"
    for email, name in (
        (BRAM, "Bram Jansen"),
        (CARLA, "Carla Smith"),
        (DIRK, "Dirk Bakker"),
        (HR, "Hanna Rutgers"),
    )
)
# Everyone's weekly check-in (WEEKLY_ON_THURSDAY: Thursdays at 14:00), twice in Amsterdam.
THURSDAYS = (
    datetime(2027, 3, 25, 13, 0, tzinfo=UTC),  # 14:00 CET
    datetime(2027, 4, 1, 12, 0, tzinfo=UTC),  # 14:00 CEST
)


async def _person(db: Database, email: str) -> Person:
    async with db.session() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        return person


async def _statuses(db: Database, model: type[Occurrence] | type[OutboxMessage], pid: int) -> list:
    async with db.session() as session:
        rows = await session.scalars(select(model).where(model.person_id == pid))
        return sorted(row.status for row in rows)


async def _anna_busy(testbot: Testbot) -> Person:
    """Anna in a check-in of her own when the Thursday prompt falls due (so it is held),
    with a note about a conversation waiting to reach her."""
    testbot.clock.set(THURSDAYS[0] - timedelta(minutes=30))
    await apply(testbot, WEEKLY_ON_THURSDAY)
    await testbot.say(ANNA, "checkin relationship")
    testbot.clock.set(THURSDAYS[0])
    await testbot.tick()
    await testbot.say(BRAM, "talked about the pilot")
    anna = await _person(testbot.app.db, ANNA)
    assert await _statuses(testbot.app.db, Occurrence, anna.id) == ["open", "queued"]
    waiting = await _statuses(testbot.app.db, OutboxMessage, anna.id)
    assert {"held", "pending"} == set(waiting)  # the prompt, its reminder, Bram's note
    return anna


async def test_a_full_import_stops_everything_for_who_is_not_in_it(testbot: Testbot) -> None:
    db = testbot.app.db
    anna = await _anna_busy(testbot)
    now = testbot.clock.now()
    # A dry run lists her and changes nothing.
    preview = await import_org(db, WITHOUT_ANNA, now, dry_run=True, full=True)
    assert preview.left == [ANNA] and preview.returned == []
    assert preview.changes[BRAM] == [("manager_email", ANNA, None)]
    assert (await _person(db, ANNA)).active
    assert {"held", "pending"} == set(await _statuses(db, OutboxMessage, anna.id))
    # Without --full nothing happens to people missing from the file.
    kept = await import_org(db, WITHOUT_ANNA, now)
    assert kept.left == [] and (await _person(db, ANNA)).active

    result = await import_org(db, WITHOUT_ANNA, now, full=True)
    assert result.left == [ANNA]
    assert set(result.updated) == {BRAM, CARLA}
    left = await _person(db, ANNA)
    assert not left.active and left.left_at == now and left.erased_at is None
    # Nothing waiting for her goes out; her check-ins are closed; her reports have no manager.
    assert set(await _statuses(db, OutboxMessage, anna.id)) == {"cancelled"}
    assert await _statuses(db, Occurrence, anna.id) == ["expired", "expired"]
    for email in (BRAM, CARLA):
        assert (await _person(db, email)).manager_id is None
    # The next ticks plan nothing for her and send her nothing; the bot no longer knows her.
    sent = len(testbot.adapter.to(ANNA))
    for thursday in THURSDAYS:
        testbot.clock.set(thursday + timedelta(minutes=1))
        await testbot.tick()
    assert len(testbot.adapter.to(ANNA)) == sent
    assert len(await _statuses(db, Occurrence, anna.id)) == 2
    assert len(await _statuses(db, Occurrence, (await _person(db, BRAM)).id)) == 2
    [reply] = await testbot.say(ANNA, "help")
    assert "don't know you" in reply.text or "ken je nog niet" in reply.text


async def test_a_leaver_is_erased_once_the_retention_period_has_passed(testbot: Testbot) -> None:
    db = testbot.app.db
    left_on = testbot.clock.now()
    await import_org(db, WITHOUT_ANNA, left_on, full=True)
    retention = RetentionSettings()
    report = await purge(db, retention, left_on + timedelta(days=retention.leavers_days - 1))
    assert report.leavers_erased == 0
    report = await purge(db, retention, left_on + timedelta(days=retention.leavers_days + 1))
    assert report.leavers_erased == 1
    async with db.session() as session:
        assert await session.scalar(select(Person).where(Person.email == ANNA)) is None
        erased = await session.scalar(select(func.count()).where(Person.erased_at.is_not(None)))
        assert erased == 1


async def test_a_leaver_who_comes_back_takes_part_again(testbot: Testbot) -> None:
    db = testbot.app.db
    now = testbot.clock.now()
    await import_org(db, WITHOUT_ANNA, now, full=True)
    # A second full import of the same file: she left already, nobody leaves again.
    again = await import_org(db, WITHOUT_ANNA, now, full=True)
    assert again.left == [] and again.returned == []
    back = await import_org(db, ORG_CSV, now + timedelta(days=30))
    assert back.returned == [ANNA] and back.left == []
    anna = await _person(db, ANNA)
    assert anna.active and anna.left_at is None
    assert (await _person(db, BRAM)).manager_id == anna.id
    replies = await testbot.say(ANNA, "help")
    assert "Jaarrond" in replies[0].title
    # Kept out of the leavers' purge: she is no longer one.
    report = await purge(db, RetentionSettings(), now + timedelta(days=400))
    assert report.leavers_erased == 0


async def test_a_full_import_with_an_error_changes_nothing(db: Database) -> None:
    now = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    await import_org(db, ORG_CSV, now)
    broken = WITHOUT_ANNA + "not-an-email,Somebody\n"
    with pytest.raises(OrgImportError):
        await import_org(db, broken, now, full=True)
    assert (await _person(db, ANNA)).active
    # In a full import every manager must be in the file itself.
    named = "email,name,manager_email\n" + f"{BRAM},Bram Jansen,{ANNA}\n"
    with pytest.raises(OrgImportError, match="is not in the file, which is the whole"):
        await import_org(db, named, now, full=True)
    assert (await _person(db, ANNA)).active
    # Once she left, naming her as someone's manager asks to bring her back first.
    await import_org(db, WITHOUT_ANNA, now, full=True)
    with pytest.raises(OrgImportError, match=r"'anna@example\.org' has left"):
        await import_org(db, named, now)


# ---- the command line ---------------------------------------------------------------------


def test_org_import_full_lists_who_leaves(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    (workdir / "rest.csv").write_text(WITHOUT_ANNA, encoding="utf-8")
    code, out, _ = run(capsys, "org", "import", "rest.csv", "--full", "--dry-run")
    assert code == 0
    assert "2 updated" in out and "1 would leave" in out  # Bram and Carla lose their manager
    assert f"  leaving: {ANNA}" in out
    code, out, _ = run(capsys, "org", "list")
    assert ANNA in out  # still there: a dry run changes nothing
    code, out, _ = run(capsys, "org", "import", "rest.csv", "--full")
    assert code == 0 and "1 left" in out and f"  leaving: {ANNA}" in out
    # Back with the next file that lists her.
    code, out, _ = run(capsys, "org", "import", "org.csv")
    assert code == 0 and "1 back" in out and f"  back: {ANNA}" in out
    code, out, _ = run(capsys, "org", "import", "org.csv", "--full")
    assert "0 left" in out and "leaving:" not in out


def test_a_long_list_of_leavers_is_capped_like_the_others(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = "email,name\n" + "".join(f"p{n:02d}@example.org,Person {n}\n" for n in range(25))
    (workdir / "many.csv").write_text(many, encoding="utf-8")
    assert run(capsys, "org", "import", "many.csv")[0] == 0
    (workdir / "one.csv").write_text("email,name\np00@example.org,Person 0\n", encoding="utf-8")
    code, out, _ = run(capsys, "org", "import", "one.csv", "--full", "--dry-run")
    assert code == 0 and "24 would leave" in out
    assert out.count("  leaving: ") == 20
    assert "... and 4 more leaving (-v lists them all)" in out
    code, out, _ = run(capsys, "-v", "org", "import", "one.csv", "--full", "--dry-run")
    assert out.count("  leaving: ") == 24


def test_a_broken_full_import_changes_nothing_on_the_command_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    (workdir / "broken.csv").write_text(WITHOUT_ANNA + ",No Email\n", encoding="utf-8")
    code, _, err = run(capsys, "org", "import", "broken.csv", "--full")
    assert code != 0 and "nothing was imported" in err
    code, out, _ = run(capsys, "org", "import", "org.csv", "--full", "--dry-run")
    assert "0 would leave" in out


def test_a_full_import_that_would_empty_the_organisation_is_refused_unless_confirmed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = "email,name\n" + "".join(f"p{n}@example.org,Person {n}\n" for n in range(10))
    (workdir / "big.csv").write_text(big, encoding="utf-8")
    (workdir / "two.csv").write_text("email,name\np0@example.org,Person 0\n", encoding="utf-8")
    assert run(capsys, "org", "import", "big.csv")[0] == 0
    code, _, err = run(capsys, "org", "import", "--full", "two.csv")
    assert code == 2 and "would make 9 of the 10 people leave" in err
    code, out, _ = run(capsys, "org", "import", "--full", "--dry-run", "two.csv")
    assert code == 0 and "9 would leave" in out
    code, out, _ = run(capsys, "org", "import", "--full", "--allow-many-leavers", "two.csv")
    assert code == 0 and "9 left" in out
