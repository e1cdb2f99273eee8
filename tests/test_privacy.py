"""Data at rest is sealed, the person can take and erase their data, and the privacy report
covers every column: each guarantee through the bot's public interfaces."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, cast, inspect, make_url, select, text, type_coerce

from bot.config import RetentionSettings, load_settings
from bot.privacy import keys
from bot.privacy.registry import REGISTRY
from bot.privacy.report import build_report, render_html, render_markdown
from bot.privacy.retention import purge
from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.database import Database
from bot.storage.models import Answer, Base, OutboxMessage, Person, ProcessedEvent, Topic
from bot.storage.sealed import generate_key, install_keys, looks_sealed
from dialogs import agreements as ag
from tests.support.databases import POSTGRES_URL
from tests.support.demo import run_demo
from tests.support.terminal import DATA_DIR, TEST_DATA_KEY
from tests.support.testbot import Testbot, apply

ANNA, BRAM = "anna@example.org", "bram@example.org"
TOPIC = "Mijn burn-out klachten bespreken"
FREE_TEXT = "Fewer meetings on Friday afternoons please"
AGREEMENT_TEXT = "Bram works from home on Mondays and Fridays."
COMMENT = "Could Thursday work instead of Friday?"
SECRETS = (TOPIC, FREE_TEXT, AGREEMENT_TEXT, COMMENT)
SCHEDULE = """
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: fri
    time: "14:00"
    audience: {emails: [bram@example.org]}
"""


async def _seed(bot: Testbot) -> int:
    """Bram answers a workload check-in with free text, a five-ages one (health), raises a
    topic and negotiates an agreement with a comment from Anna."""
    await bot.say(BRAM, "checkin workload")
    for question in bot.app.banks["workload"].questions:
        await bot.say(BRAM, FREE_TEXT if question.kind == "text" else "2")
    await bot.say(BRAM, "1")  # share
    await bot.say(BRAM, "checkin five_ages")
    for question in bot.app.banks["five_ages"].questions:
        await bot.say(BRAM, FREE_TEXT if question.kind == "text" else "2")
    await bot.say(BRAM, "2")
    await bot.say(BRAM, f"topic {TOPIC}")
    await bot.say(BRAM, "agreement new")
    for answer in ("4", AGREEMENT_TEXT, "2", "2", "2"):
        await bot.say(BRAM, answer)
    proposed = await bot.say(BRAM, "1")
    assert proposed[0].question is not None
    parsed = ag.parse_token(proposed[0].question.token)
    assert parsed is not None
    await bot.tick()
    asked = await bot.click(ANNA, ag.agreement_token(parsed.id, 1), "comment")
    assert asked[0].question is not None
    await bot.click(ANNA, asked[0].question.token, COMMENT)
    await bot.tick()
    return parsed.id


async def _health_answers_are_sealed(db: Database) -> None:
    async with db.session() as session:
        rows = (
            await session.execute(
                select(Answer.kind, Answer.visibility, type_coerce(Answer.value, Text))
            )
        ).all()
    private = [raw for kind, visibility, raw in rows if visibility == "private" or kind == "text"]
    assert private, "the seed has health and free-text answers"
    assert all(looks_sealed(raw) for raw in private)
    clear = [raw for kind, visibility, raw in rows if visibility != "private" and kind != "text"]
    assert clear and not any(looks_sealed(raw) for raw in clear), "countable answers stay clear"


async def test_reads_are_transparent_and_storage_is_sealed(testbot: Testbot) -> None:
    await _seed(testbot)
    db = testbot.app.db
    async with db.session() as session:
        assert await session.scalar(select(Topic.text)) == TOPIC
        raw = await session.scalar(select(type_coerce(Topic.text, Text)))
        assert raw is not None and looks_sealed(raw)
        texts = set(await session.scalars(select(Answer.value).where(Answer.kind == "text")))
        assert FREE_TEXT in texts
    await _health_answers_are_sealed(db)
    # The digest still counts the clear scale answers.
    replies = await testbot.say(ANNA, "digest")
    assert "Bram Jansen" in replies[0].text


async def test_a_sqlite_file_of_a_seeded_year_holds_no_free_text(tmp_path: Path) -> None:
    path = tmp_path / "year.db"
    await run_demo(path, weeks=52)
    db = Database(f"sqlite+aiosqlite:///{path}")
    secrets: set[str] = set()
    async with db.session() as session:
        for column in keys.sealed_columns():
            query = select(column)
            if column is Answer.__table__.c.value:
                # Health answers are option ids and scale points, also used by clear
                # answers: they are checked for their sealed form below instead.
                query = query.where(Answer.kind == "text")
            for value in await session.scalars(query):
                if isinstance(value, str) and len(value) >= 6:
                    secrets.add(value)
                elif isinstance(value, dict):
                    secrets |= {v for v in _strings(value) if len(v) >= 12}
    await _health_answers_are_sealed(db)
    await db.dispose()
    assert len(secrets) > 10, "a year of the demo writes topics, answers and agreements"
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("year.db*"))
    leaked = [s for s in secrets if s.encode("utf-8") in stored]
    assert leaked == []


# Names of things inside a sealed document (a menu's question id and token), stored in clear
# elsewhere on purpose; not what anybody wrote.
IDENTIFIERS = frozenset({"question_id", "token", "key", "kind"})


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in IDENTIFIERS for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="JAARROND_TEST_DATABASE_URL not set")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
async def test_a_pg_dump_holds_no_free_text_or_health_answer(testbot: Testbot) -> None:
    db = testbot.app.db
    if db.is_sqlite:
        pytest.skip("pg_dump reads PostgreSQL only")
    await _seed(testbot)
    await _health_answers_are_sealed(db)
    async with db.session() as session:
        database = await session.scalar(text("SELECT current_database()"))
        schema = await session.scalar(text("SELECT current_schema()"))
    server = make_url(POSTGRES_URL).set(database=database)
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--data-only", "-n", str(schema), server.render_as_string(False)],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    assert "Bram Jansen" in dump, "the dump holds the data (names stay clear for lookups)"
    assert [s for s in SECRETS if s in dump] == []
    assert dump.count("gAAAAA") >= 6


async def test_rotation_reseals_with_the_newest_key_and_is_idempotent(testbot: Testbot) -> None:
    await _seed(testbot)
    db = testbot.app.db
    new_key = generate_key()
    try:
        install_keys([new_key, TEST_DATA_KEY])
        first = await keys.rotate(db, batch=2)
        assert sum(first.resealed.values()) >= 6 and first.batches > 3
        second = await keys.rotate(db, batch=2)
        assert sum(second.resealed.values()) == 0
        install_keys([new_key])  # the old key is gone: everything still reads
        async with db.session() as session:
            assert await session.scalar(select(Topic.text)) == TOPIC
        export = await testbot.say(BRAM, "export")
        assert export[0].attachment is not None
        assert AGREEMENT_TEXT in export[0].attachment.content.decode("utf-8")
    finally:
        install_keys([TEST_DATA_KEY])


async def test_rotation_seals_clear_values_written_before_sealing(testbot: Testbot) -> None:
    await _seed(testbot)
    db = testbot.app.db
    async with db.session() as session:
        await session.execute(
            Topic.__table__.update().values(text=cast(type_coerce("old clear topic", String), Text))
        )
        raw = await session.scalar(select(type_coerce(Topic.text, Text)))
        assert raw == "old clear topic"
    report = await keys.rotate(db)
    assert report.sealed["topics.text"] == 1
    async with db.session() as session:
        assert await session.scalar(select(Topic.text)) == "old clear topic"
        assert looks_sealed(await session.scalar(select(type_coerce(Topic.text, Text))))


def test_production_refuses_to_start_without_a_data_key() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="JAARROND_DATA_KEYS is required"):
        load_settings({"JAARROND_PROFILE": "production"})
    with pytest.raises(ConfigError, match="not a Fernet key"):
        load_settings({"JAARROND_PROFILE": "production", "JAARROND_DATA_KEYS": "short"})
    settings = load_settings(
        {"JAARROND_PROFILE": "production", "JAARROND_DATA_KEYS": TEST_DATA_KEY}
    )
    assert settings.data_keys == (TEST_DATA_KEY,)


# ---- data rights -----------------------------------------------------------------------------


async def test_export_in_chat_is_a_json_file_of_everything(testbot: Testbot) -> None:
    agreement_id = await _seed(testbot)
    [reply] = await testbot.say(BRAM, "export")
    assert reply.attachment is not None and reply.attachment.filename.endswith(".json")
    assert "jaarrond-export.json" in reply.text
    data = json.loads(reply.attachment.content)
    assert data["person"]["email"] == BRAM
    assert {t["text"] for t in data["topics"]} == {TOPIC}
    assert FREE_TEXT in {a["value"] for a in data["answers"]}
    assert any(a["visibility"] == "private" for a in data["answers"])
    [agreement] = data["agreements"]
    assert agreement["id"] == agreement_id
    assert agreement["versions"][0]["text"] == AGREEMENT_TEXT
    assert agreement["comments"][0]["text"] == COMMENT
    # Anna's comment was news for Bram, sent by the bot on its own; check-ins asked for in
    # the chat use no outbox.
    [news] = data["messages"]
    assert (news["kind"], news["status"], news["agreement_id"]) == (
        "agreement",
        "sent",
        agreement_id,
    )
    assert "payload" not in news


async def _texts_anywhere(db: Database, needles: list[str]) -> list[str]:
    """Every text and JSON value in every table that contains one of the needles."""
    found: list[str] = []
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    async with db.session() as session:
        for table in tables:
            if table.startswith("slack_") or table == "alembic_version":
                continue
            model_table = Base.metadata.tables.get(table)
            assert model_table is not None, table
            for row in (await session.execute(select(model_table))).all():
                for value in row:
                    for s in _strings(value) if not isinstance(value, str) else [value]:
                        found += [f"{table}: {s[:60]}" for n in needles if n in s]
    return found


async def test_delete_my_data_erases_everything_and_leaves_a_tombstone(testbot: Testbot) -> None:
    agreement_id = await _seed(testbot)
    db = testbot.app.db
    # A scheduled prompt, so the outbox holds a row for him too.
    await apply(testbot, SCHEDULE)
    testbot.clock.set(datetime(2027, 3, 26, 13, 1, tzinfo=UTC))  # Friday 14:01 in Amsterdam
    await testbot.tick()
    async with db.session() as session:
        assert await session.scalar(
            select(OutboxMessage.id).join(Person).where(Person.email == BRAM)
        )
    needles = [*SECRETS, "Bram Jansen", BRAM]
    # The comment is Anna's, on Bram's agreement: it goes too (it is about him).
    assert await _texts_anywhere(db, needles)

    [ask] = await testbot.say(BRAM, "delete my data")
    assert "cannot be undone" in ask.text and ask.question is not None
    assert await _texts_anywhere(db, [TOPIC]), "asking alone erases nothing"
    # The question has a no that can be typed; declining keeps everything.
    [kept] = await testbot.say(BRAM, "nee")
    assert "Nothing was erased" in kept.text
    assert await _texts_anywhere(db, [TOPIC])
    # The old question's yes no longer counts once it was answered.
    [stale] = await testbot.click(BRAM, ask.key, "yes")
    assert "no longer open" in stale.text and testbot.turn.outcome.kind == "refused"
    assert await _texts_anywhere(db, [TOPIC])
    [ask] = await testbot.say(BRAM, "delete my data")
    [done] = await testbot.say(BRAM, "1")
    assert "Your data was erased" in done.text

    assert await _texts_anywhere(db, needles) == []
    async with db.session() as session:
        person = await session.scalar(select(Person).where(Person.erased_at.isnot(None)))
        assert person is not None and not person.active and person.name == ""
        for model in (Answer, Topic, OutboxMessage):
            assert (
                list(await session.scalars(select(model).where(model.person_id == person.id))) == []
            )
    # Anna keeps a tombstone: the agreement, saying the other party's data was erased.
    shown = await testbot.say(ANNA, f"agreement show {agreement_id}")
    tombstone = "\n".join(o.text for o in shown)
    assert "gewist" in tombstone
    # The erased party has no name left, and is named as such, never as an empty name.
    assert "Met: (gegevens gewist) (medewerker)" in tombstone and "Met:  (" not in tombstone
    # Nothing can be done with it any more, said in Anna's words (not a status code).
    refused = await testbot.click(ANNA, f"a{agreement_id}.v1", "close")
    assert "(status: vervallen)" in refused[0].text and testbot.turn.outcome.kind == "refused"
    # Bram is a stranger now.
    assert "HR" in (await testbot.say(BRAM, "help"))[0].text


async def test_erasure_removes_the_installer_from_a_slack_installation(testbot: Testbot) -> None:
    db = testbot.app.db
    async with db.session() as session:
        bram = await session.scalar(select(Person).where(Person.email == BRAM))
        assert bram is not None
        bram.slack_user_id = "UBRAM"
        await session.execute(
            text(
                "INSERT INTO slack_installations (client_id, app_id, team_id, bot_token, "
                "user_id, user_token, is_enterprise_install, installed_at) VALUES ('c', 'A1', "
                "'T1', 'xoxb-1', 'UBRAM', 'xoxp-bram', false, :at)"
            ),
            {"at": testbot.clock.now().replace(tzinfo=None)},
        )
    await testbot.say(BRAM, "delete my data confirmed")
    async with db.session() as session:
        row = (
            await session.execute(
                text("SELECT user_id, user_token, bot_token FROM slack_installations")
            )
        ).one()
    assert tuple(row) == ("", None, "xoxb-1")  # the workspace keeps its bot


async def test_verwijder_mijn_gegevens_asks_in_dutch_and_typing_confirms(testbot: Testbot) -> None:
    [ask] = await testbot.say(ANNA, "Verwijder mijn gegevens")
    assert "kan niet ongedaan" in ask.text
    [done] = await testbot.say(ANNA, "verwijder mijn gegevens bevestigd")
    assert "gewist" in done.text
    async with testbot.app.db.session() as session:
        bram = await session.scalar(select(Person).where(Person.email == BRAM))
        assert bram is not None and bram.manager_id is None  # his manager was erased


async def test_retention_purges_each_kind_after_its_period(testbot: Testbot) -> None:
    await _seed(testbot)
    db = testbot.app.db
    later = testbot.clock.now().replace(year=testbot.clock.now().year + 3)
    keep_all = RetentionSettings(0, 0, 0, 0, 0)
    report = await purge(db, keep_all, later)
    assert not any(report.deleted.values())
    report = await purge(db, RetentionSettings(), later)
    assert report.deleted["answers"] > 0 and report.deleted["topics"] == 1
    async with db.session() as session:
        assert list(await session.scalars(select(Answer))) == []
        assert list(await session.scalars(select(Topic))) == []
        assert list(await session.scalars(select(ProcessedEvent))) == []
        assert list(await session.scalars(select(OutboxMessage))) == []
        bram = await session.scalar(select(Person).where(Person.email == BRAM))
        assert bram is not None
        bram.active = False
        bram.updated_at = testbot.clock.now()
    report = await purge(db, RetentionSettings(), later)
    assert report.leavers_erased == 1
    async with db.session() as session:
        assert await session.scalar(select(Person).where(Person.email == BRAM)) is None


async def test_the_daily_tick_runs_the_purge_once_a_day(testbot: Testbot) -> None:
    await testbot.say(BRAM, f"topic {TOPIC}")
    ticker = testbot.app.ticker()
    testbot.clock.advance(timedelta(days=800))
    await ticker.tick()
    async with testbot.app.db.session() as session:
        assert list(await session.scalars(select(Topic))) == []
    await testbot.say(BRAM, f"topic {TOPIC}")
    testbot.clock.advance(timedelta(days=800))
    ticker.purged_on = testbot.clock.now().date()  # already purged today
    await ticker.tick()
    async with testbot.app.db.session() as session:
        assert len(list(await session.scalars(select(Topic)))) == 1


# ---- the privacy report ----------------------------------------------------------------------


def test_the_report_lists_every_personal_column_with_retention_and_encryption() -> None:
    settings = load_settings({"JAARROND_RETAIN_ANSWERS_DAYS": "365"})

    report = build_report(settings, datetime(2027, 1, 1, tzinfo=UTC), "en")
    md = render_markdown(report)
    for table, entry in REGISTRY.items():
        for column in entry.personal:
            assert f"| {column} |" in md, f"{table}.{column}"
    assert "| text | the topic, in their words | yes (Fernet) |" in md
    assert "365 days after the answer" in md
    assert "SQLite file jaarrond.db" in md
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<h2>answers</h2>" in page
    # The same sheet in Dutch, for a works council that reads Dutch.
    dutch = render_markdown(build_report(settings, datetime(2027, 1, 1, tzinfo=UTC), "nl"))
    assert "| text | het onderwerp, in eigen woorden | ja (Fernet) |" in dutch
    assert "365 dagen na het antwoord" in dutch and "SQLite-bestand jaarrond.db" in dutch
    assert "- Bewaartermijn: " in dutch and "Retention" not in dutch


def test_cli_privacy_report_keys_and_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.support.terminal import run

    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("JAARROND_", "SLACK_", "Microsoft")) and name != DATA_DIR:
            monkeypatch.delenv(name)
    from tests.support.testbot import ORG_CSV

    (tmp_path / "org.csv").write_text(ORG_CSV, encoding="utf-8")
    code, out, _ = run(capsys, "keys", "generate")
    assert code == 0 and len(out.strip()) == 44
    monkeypatch.setenv("JAARROND_DATA_KEYS", f"{out.strip()},{TEST_DATA_KEY}")
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    code, out, _ = run(capsys, "privacy-report", "--format", "html", "--locale", "en")
    assert code == 0 and "<h2>agreement_versions</h2>" in out and "2 keys from" in out
    # By default in the settings' language (Dutch here).
    code, out, _ = run(capsys, "privacy-report")
    assert code == 0 and "2 sleutels uit JAARROND_DATA_KEYS" in out
    code, out, _ = run(capsys, "person", "export", BRAM, "--out", "bram.json")
    assert code == 0 and json.loads((tmp_path / "bram.json").read_text())["person"]["email"] == BRAM
    assert (tmp_path / "bram.json").stat().st_mode & 0o077 == 0
    # The console writes the export to a file (owner-readable only) in the data folder, never
    # the working directory, and says where.
    code, out, _ = run(capsys, "chat", "--as", BRAM, stdin="export\nexport\n")
    folder = Path(os.environ[DATA_DIR])
    assert code == 0 and f"-> {folder / 'jaarrond-export.json'}" in out
    assert f"-> {folder / 'jaarrond-export-2.json'}" in out, "an earlier export is kept"
    exported = json.loads((folder / "jaarrond-export.json").read_text())
    assert exported["person"]["email"] == BRAM
    assert (folder / "jaarrond-export.json").stat().st_mode & 0o077 == 0
    assert folder.stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob("jaarrond-export*")), "nothing lands in the working directory"
    code, _, err = run(capsys, "person", "erase", BRAM, stdin="someone@else\n")
    assert code == 2 and "not confirmed" in err
    code, out, _ = run(capsys, "person", "erase", BRAM, stdin=f"{BRAM}\n")
    assert code == 0 and "erased bram@example.org" in out
    code, _, err = run(capsys, "person", "export", BRAM)
    assert code == 2 and "no person" in err
    code, out, _ = run(capsys, "keys", "rotate")
    assert code == 0 and "re-sealed" in out
    install_keys([TEST_DATA_KEY])


def test_the_cli_refuses_production_without_a_key_and_warns_in_development(
    tmp_path: Path,
) -> None:
    """A fresh process: no key installed by a test harness."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAARROND_", "SLACK_"))}
    program = "import sys; from bot.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", program, "org", "list"]
    refused = subprocess.run(
        command,
        cwd=tmp_path,
        env={**env, "JAARROND_PROFILE": "production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "JAARROND_DATA_KEYS is required" in refused.stderr
    assert not (tmp_path / "jaarrond.db").exists()
    developing = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert developing.returncode == 0, developing.stderr
    assert "set JAARROND_DATA_KEYS before real use" in developing.stderr
    key_file = tmp_path / ".jaarrond-data.key"
    assert key_file.stat().st_mode & 0o077 == 0
