"""Retention as promised: every table the privacy registry gives a retention period is
purged by it, whatever kind of row it holds; a message the bot sent is gone a period later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, MetaData, func, select

from bot.config import RetentionSettings
from bot.delivery.view import list_outbox
from bot.privacy.registry import REGISTRY, TIMED
from bot.privacy.retention import purge
from bot.storage.database import Database
from bot.storage.models import OutboxMessage
from tests.support.made_up import FINISHED, fill
from tests.support.testbot import Testbot

LONG_AFTER = datetime(2100, 1, 1, tzinfo=UTC)  # every made-up row is older than any period


def _counts(connection: Connection) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(connection)
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)
        for table in metadata.sorted_tables
    }


async def test_the_purge_enforces_every_period_the_privacy_registry_declares(db: Database) -> None:
    # A menu naming a check-in goes when that check-in goes (it asks nothing then); here
    # the menu is a message, kept as long as its person.
    async with db.engine.begin() as conn:
        made = await conn.run_sync(fill, {**FINISHED, ("menus", "occurrence_id"): None})
    # Leavers are erased by their own rule (tested with erasure); here only the periods.
    await purge(db, RetentionSettings(leavers_days=0), LONG_AFTER)
    async with db.engine.connect() as conn:
        left = await conn.run_sync(_counts)
    timed = sorted(name for name, entry in REGISTRY.items() if entry.retention in TIMED)
    assert {"outbox", "answers", "topics", "processed_events"} <= set(timed)
    kept = [f"{name} ({REGISTRY[name].retention})" for name in timed if left.get(name)]
    assert kept == [], "rows outlived the retention period the privacy report promises"
    untimed = [name for name in made if name not in timed]
    assert untimed and all(left[name] == len(made[name]) for name in untimed)


@pytest.mark.parametrize(
    "status", ["completed", "stopped", "expired", "missed", "deferred", "paused", "skipped"]
)
async def test_every_finished_check_in_is_gone_a_period_later(db: Database, status: str) -> None:
    """Whatever ended a check-in (answered, stopped, let go, missed, deferred by the
    attention budget, a pause or a day off), its record follows the answers' period."""
    async with db.engine.begin() as conn:
        await conn.run_sync(fill, {**FINISHED, ("checkin_occurrences", "status"): status})
    await purge(db, RetentionSettings(leavers_days=0), LONG_AFTER)
    async with db.engine.connect() as conn:
        left = await conn.run_sync(_counts)
    assert left["checkin_occurrences"] == 0


async def test_a_period_of_zero_keeps_everything(db: Database) -> None:
    async with db.engine.begin() as conn:
        made = await conn.run_sync(fill, FINISHED)
    await purge(db, RetentionSettings(0, 0, 0, 0, 0), LONG_AFTER)
    async with db.engine.connect() as conn:
        left = await conn.run_sync(_counts)
    assert all(left[name] == len(rows) for name, rows in made.items())


async def test_sent_and_unsent_notices_are_gone_a_period_later(testbot: Testbot) -> None:
    """A talked note delivered, and one to a person nobody can reach: both quote what was
    written, and neither stays longer than JAARROND_RETAIN_MESSAGES_DAYS (90)."""
    testbot.adapter.reachable = {"anna@example.org", "bram@example.org"}
    await testbot.say("anna@example.org", "talked with Bram about the pilot")
    await testbot.say("carla@example.org", "talked about my schedule")  # Anna hears of it
    testbot.adapter.reachable = {"bram@example.org"}
    await testbot.tick()
    rows = {row.email: row.status for row in await list_outbox(testbot.app.db, kinds=["talked"])}
    assert rows == {"bram@example.org": "sent", "anna@example.org": "pending"}
    testbot.clock.advance(timedelta(days=89))
    await testbot.tick()
    assert len(await list_outbox(testbot.app.db, kinds=["talked"])) == 2
    testbot.clock.advance(timedelta(days=2))
    await testbot.tick()
    async with testbot.app.db.session() as session:
        left = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert left == 0
