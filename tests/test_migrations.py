"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
move data where a table is folded into another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, select, update

from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.database import Database, alembic_config, head_revision
from bot.storage.models import Base
from tests.support.databases import BACKENDS, blank_database
from tests.support.made_up import FIXED, Rows, fill


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """slack_sdk's installation and state stores define their own tables (0003)."""
    return not (type_ == "table" and name is not None and name.startswith("slack_"))


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _ours}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(db: Database) -> None:
    async with db.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []
    assert await db.current_revision() == head_revision()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_notices_move_into_the_outbox_with_what_they_are_about(
    backend: str, tmp_path: Path
) -> None:
    """0011: every agreement and dialogue notice is an outbox row afterwards, with its
    subject read from its key, its grace, and only the newest news per person and agreement
    still pending; going back below 0011 puts them back."""
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade("0010")
        async with db.engine.begin() as conn:
            made = await conn.run_sync(fill, FIXED)
            await conn.run_sync(_realistic_notices, made)
        await db.upgrade()
        async with db.engine.connect() as conn:
            moved = await conn.run_sync(_outbox_by_key)
        person, followup, talk = (
            made["people"][0]["id"],
            made["agreement_followups"][0]["id"],
            made["conversations"][0]["id"],
        )
        brief = made["review_briefs"][0]
        older, newer = moved["a1.v1.proposed.p1"], moved["a1.v1.accepted.p1"]
        assert (older["kind"], older["status"]) == ("agreement", "superseded")
        assert (newer["kind"], newer["status"], newer["agreement_id"]) == (
            "agreement",
            "pending",
            made["agreements"][0]["id"],
        )
        assert older["id"] < newer["id"]  # the order they were made in
        assert moved[f"af{followup}"]["followup_id"] == followup
        assert moved[f"talked.{talk}.p{person}"]["conversation_id"] == talk
        digest = moved["digest.1.2027-03-22"]
        assert _utc(digest["expires_at"]) == _utc(digest["created_at"]) + timedelta(hours=12)
        shown = moved[f"brief.{brief['person_id']}.{brief['year']}.employee"]
        assert _utc(shown["expires_at"]).date() == brief["review_start"]
        assert shown["status"] == "sending"  # left by a crash: checked and sent, no longer lost
        prompts = [row for key, row in moved.items() if key.startswith("prompt:")]
        assert prompts and max(p["id"] for p in prompts) < older["id"]
        async with db.engine.begin() as conn:
            await conn.run_sync(_downgrade_to, "0010")
        async with db.engine.connect() as conn:
            back = await conn.run_sync(_kinds_of, "agreement_notices")
        assert sorted(back) == ["follow_up", "notice", "notice"]


NOTICE_TIMES = [datetime(2027, 3, 22, 9, minute, tzinfo=UTC) for minute in range(3)]


def _realistic_notices(connection: Connection, made: Rows) -> None:
    """The made-up notices become notices as the earlier version wrote them."""
    metadata = MetaData()
    metadata.reflect(connection)
    agreement_notices, dialogue_notices = (
        metadata.tables["agreement_notices"],
        metadata.tables["dialogue_notices"],
    )
    person, agreement = made["people"][0]["id"], made["agreements"][0]["id"]
    followup, talk = made["agreement_followups"][0]["id"], made["conversations"][0]["id"]
    brief = made["review_briefs"][0]
    brief["year"] = 2027
    briefs = metadata.tables["review_briefs"]
    connection.execute(update(briefs).where(briefs.c.id == brief["id"]).values(year=2027))
    for row, (kind, key) in zip(
        made["agreement_notices"],
        (
            ("notice", "a1.v1.proposed.p1"),
            ("notice", "a1.v1.accepted.p1"),
            ("follow_up", f"af{followup}"),
        ),
        strict=True,
    ):
        connection.execute(
            update(agreement_notices)
            .where(agreement_notices.c.id == row["id"])
            .values(kind=kind, key=key, person_id=person, agreement_id=agreement, status="pending")
        )
    for row, (kind, key, status) in zip(
        made["dialogue_notices"],
        (
            ("digest", "digest.1.2027-03-22", "pending"),
            ("talked", f"talked.{talk}.p{person}", "pending"),
            ("brief", f"brief.{brief['person_id']}.{brief['year']}.employee", "sending"),
        ),
        strict=True,
    ):
        connection.execute(
            update(dialogue_notices)
            .where(dialogue_notices.c.id == row["id"])
            .values(kind=kind, key=key, status=status)
        )
    for table, rows in (("agreement_notices", made["agreement_notices"]),):
        for row, moment in zip(rows, NOTICE_TIMES, strict=True):
            connection.execute(
                update(metadata.tables[table])
                .where(metadata.tables[table].c.id == row["id"])
                .values(created_at=moment)
            )


def _outbox_by_key(connection: Connection) -> dict[str, dict[str, Any]]:
    metadata = MetaData()
    metadata.reflect(connection)
    outbox = metadata.tables["outbox"]
    rows = connection.execute(select(outbox).order_by(outbox.c.id)).mappings()
    return {row["key"] or f"prompt:{row['id']}": dict(row) for row in rows}


def _kinds_of(connection: Connection, name: str) -> list[str]:
    metadata = MetaData()
    metadata.reflect(connection)
    return [
        str(kind) for kind in connection.execute(select(metadata.tables[name].c.kind)).scalars()
    ]


def _downgrade_to(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@pytest.mark.parametrize("backend", BACKENDS)
async def test_people_who_left_before_0012_left_when_their_row_last_changed(
    backend: str, tmp_path: Path
) -> None:
    """0012: an inactive person who is not erased left at their row's last change (when the
    leavers' period counted from before); nobody else has left. Logged conversations are no
    reviews. One step down, with every table holding rows, and up again."""
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade("0011")
        async with db.engine.begin() as conn:
            made = await conn.run_sync(fill, FIXED)
            await conn.run_sync(_not_erased, [made["people"][0]["id"], made["people"][1]["id"]])
        await db.upgrade()
        async with db.engine.connect() as conn:
            people = await conn.run_sync(_rows_of, "people")
            talks = await conn.run_sync(_rows_of, "conversations")
        left, active, erased = (people[row["id"]] for row in made["people"])
        assert (left["active"], active["active"], erased["active"]) == (False, True, False)
        assert _utc(left["left_at"]) == _utc(left["updated_at"])
        assert active["left_at"] is None and erased["left_at"] is None
        assert all(not t["is_review"] and t["review_confirmed"] is None for t in talks.values())
        async with db.engine.begin() as conn:
            await conn.run_sync(_downgrade_to, "0011")
        assert await db.current_revision() == "0011"
        await db.upgrade()
        assert await db.current_revision() == head_revision()


def _not_erased(connection: Connection, person_ids: list[int]) -> None:
    metadata = MetaData()
    metadata.reflect(connection)
    people = metadata.tables["people"]
    connection.execute(update(people).where(people.c.id.in_(person_ids)).values(erased_at=None))


def _rows_of(connection: Connection, name: str) -> dict[int, dict[str, Any]]:
    metadata = MetaData()
    metadata.reflect(connection)
    table = metadata.tables[name]
    return {row["id"]: dict(row) for row in connection.execute(select(table)).mappings()}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_how_check_ins_and_follow_ups_were_asked_is_read_from_their_messages(
    backend: str, tmp_path: Path
) -> None:
    """0014: a check-in whose prompt was held behind another one went along, one whose
    prompt opened it went alone; a follow-up question that was sent went alone, then."""
    async with blank_database(backend, tmp_path) as db:
        await db.upgrade("0011")
        async with db.engine.begin() as conn:
            made = await conn.run_sync(fill, FIXED)
            await conn.run_sync(_messages_sent, made)
        await db.upgrade("0014")
        async with db.engine.connect() as conn:
            asked = await conn.run_sync(_how_asked)
    sent = made["outbox"][0]["sent_at"]
    checkins, followups = asked
    assert checkins == ["along", "alone", "alone"]
    assert [how for how, _ in followups] == ["alone", "alone", None]
    assert _utc(followups[0][1]) == _utc(sent)


def _messages_sent(connection: Connection, made: Rows) -> None:
    """The first made-up prompt was held and sent with the check-in it waited for (no
    platform), the second sent through Slack, the third is still pending."""
    metadata = MetaData()
    metadata.reflect(connection)
    outbox = metadata.tables["outbox"]
    for row, platform in zip(made["outbox"][:2], (None, "slack"), strict=True):
        connection.execute(
            update(outbox).where(outbox.c.id == row["id"]).values(status="sent", platform=platform)
        )


def _how_asked(connection: Connection) -> tuple[list[Any], list[tuple[Any, Any]]]:
    metadata = MetaData()
    metadata.reflect(connection)
    occurrences, followups = (
        metadata.tables["checkin_occurrences"],
        metadata.tables["agreement_followups"],
    )
    checkins = connection.execute(select(occurrences.c.asked).order_by(occurrences.c.id))
    answered = connection.execute(
        select(followups.c.asked, followups.c.asked_at).order_by(followups.c.id)
    )
    return list(checkins.scalars()), [(how, at) for how, at in answered]
