"""How long does one planning tick take for 100,000 people across 30 time zones?

Measures, on SQLite and (when reachable) PostgreSQL:
- the first tick, which plans every check-in (100,000 occurrences, 200,000 outbox rows);
- a quiet tick right after it, which must find nothing new;
- as the baseline, in the same run: a bare bulk INSERT of the same rows, the least any
  planner has to do;
- the process's peak memory.

Run: .venv/bin/python bench/plan_tick.py [--people N]
PostgreSQL: JAARROND_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
each run uses a schema of its own and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from bot.config import normalise_database_url
from bot.services.people import Defaults
from bot.services.planner import plan
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage, Person, Schedule
from dialogs.banks import load_banks

ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Australia/Sydney",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Jakarta",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Karachi",
    "Asia/Dubai",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Africa/Cairo",
    "Europe/Helsinki",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Berlin",
    "Africa/Lagos",
    "Europe/London",
    "Europe/Lisbon",
    "Atlantic/Azores",
    "America/Noronha",
    "America/Sao_Paulo",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
]
START = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
# Thursday 25 March 2027: 14:00 has passed everywhere by Saturday 02:00 UTC.
NOW = datetime(2027, 3, 27, 2, 0, tzinfo=UTC)


async def _seed(db: Database, people: int) -> None:
    rows = [
        {
            "email": f"p{i}@example.org",
            "name": f"Person {i}",
            "timezone": ZONES[i % len(ZONES)],
            "is_hr": False,
            "active": True,
            "created_at": START,
            "updated_at": START,
        }
        for i in range(people)
    ]
    async with db.session() as session:
        for chunk in range(0, people, 10_000):
            await session.execute(insert(Person), rows[chunk : chunk + 10_000])
        session.add(
            Schedule(
                id="workload-weekly",
                theme="workload",
                cadence="weekly",
                day="thu",
                time="14:00",
                audience={"all": True},
                timezone=None,
                locale=None,
                working_days=["mon", "tue", "wed", "thu", "fri"],
                grace_minutes=6 * 24 * 60,
                remind_minutes=24 * 60,
                holidays=None,
                on_day_off="next_working_day",
                active=True,
                active_from=START,
                updated_at=START,
            )
        )


async def _bare_insert(db: Database, people: int, questions: list[str]) -> float:
    """The floor: the same occurrence and outbox rows, written without any planning."""
    async with db.session() as session:
        ids = [row[0] for row in await session.execute(text("SELECT id FROM people"))]
    started = time.perf_counter()
    async with db.session() as session:
        occurrences = [
            {
                "schedule_id": "workload-weekly",
                "person_id": pid,
                "period": "bare",
                "theme": "workload",
                "due_at": NOW,
                "expires_at": NOW,
                "status": "planned",
                "question_ids": questions,
                "position": 0,
                "created_at": NOW,
            }
            for pid in ids
        ]
        result = await session.execute(
            insert(Occurrence).returning(Occurrence.id, Occurrence.person_id), occurrences
        )
        outbox = [
            {
                "occurrence_id": oid,
                "person_id": pid,
                "kind": kind,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": NOW,
                "created_at": NOW,
            }
            for oid, pid in result
            for kind in ("prompt", "reminder")
        ]
        await session.execute(insert(OutboxMessage), outbox)
    return time.perf_counter() - started


async def _measure(name: str, url: str, people: int, connect_args: dict[str, Any]) -> None:
    banks = load_banks()
    defaults = Defaults()
    db = Database(url, connect_args=connect_args)
    await db.upgrade()
    await _seed(db, people)
    started = time.perf_counter()
    due = await plan(db, NOW, banks, defaults)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = await plan(db, NOW + timedelta(minutes=1), banks, defaults)
    quiet = time.perf_counter() - started
    questions = [q.question_id for q in banks["workload"].questions]
    bare = await _bare_insert(db, people, questions)
    await db.dispose()
    assert len(due) == people and not again, (len(due), len(again))
    print(
        f"{name:<10} {people:>8} {first:>9.2f}s {quiet:>9.2f}s {bare:>9.2f}s {first / bare:>7.2f}x"
    )


async def _postgres(people: int) -> None:
    url = normalise_database_url(
        os.environ.get("JAARROND_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OSError as exc:
        print(f"postgresql skipped: not reachable ({exc})")
        return
    try:
        await _measure("postgresql", url, people, {"server_settings": {"search_path": schema}})
    finally:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    print(f"planning one tick, {len(ZONES)} time zones, target: first tick under 2 s")
    print(f"{'database':<10} {'people':>8} {'first':>10} {'quiet':>10} {'bare':>10} {'ratio':>8}")
    with tempfile.TemporaryDirectory() as folder:
        await _measure("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db", args.people, {})
    await _postgres(args.people)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB (target: under 300 MB)")
    print("first: the tick that plans everyone; quiet: the next one; bare: INSERT of the")
    print("same rows without planning (baseline); ratio: first / bare")


if __name__ == "__main__":
    asyncio.run(main())
