"""What does the claim query cost now that each address's mail is a queue of its own?

The dispatcher takes each batch with one query (`outbox.due`): pending and due, and no
earlier message of the same person that is due, retrying or in flight. Mail to an agency
contact about a person is ordered only behind that address's earlier mail about them
(`recipient_email IS NOT DISTINCT FROM`), so the query has one predicate more. Measured in
the same run, on the same rows:

  baseline   the query as it was (the person only)
  queues     `outbox.due` as it is (the person and the address)

The outbox holds, per person, a chat message that is due; for every tenth person also a
mail retrying after a failure (made earlier) and, for every fiftieth, a chat message in
flight. Each query takes a batch of 100, as the dispatcher does; the median of the runs is
reported. SQLite always; PostgreSQL when JAARROND_BENCH_DATABASE_URL is set (a schema of its
own, dropped afterwards).

Run: .venv/bin/python bench/outbox_due.py [--people 20000] [--runs 30] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Select, and_, exists, insert, or_, select, text
from sqlalchemy.orm import aliased

from bot.config import normalise_database_url
from bot.delivery.queue import due
from bot.storage.database import Database
from bot.storage.models import OutboxKind, OutboxMessage, OutboxStatus, Person

NOW = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)
BATCH = 100


def person_only(now: datetime) -> Select[Any]:
    """The claim query before mail had queues of its own: ordered by the person alone."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.person_id == OutboxMessage.person_id,
        earlier.id < OutboxMessage.id,
        or_(
            earlier.status == OutboxStatus.SENDING,
            and_(
                earlier.status == OutboxStatus.PENDING,
                or_(earlier.attempts > 0, earlier.next_attempt_at <= now),
            ),
        ),
    )
    return (
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            ~blocked,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )


async def fill(db: Database, people: int) -> None:
    async with db.session() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "email": f"p{i}@example.org",
                    "name": f"P {i}",
                    "is_hr": False,
                    "active": True,
                    "employment": "agency" if i % 10 == 0 else "permanent",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(people)
            ],
        )
        ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
        rows: list[dict[str, Any]] = []

        def message(person: int, kind: str, **values: Any) -> dict[str, Any]:
            return {
                "person_id": person,
                "kind": kind,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": NOW - timedelta(minutes=1),
                "created_at": NOW - timedelta(hours=1),
                "recipient_email": None,
                **values,
            }

        for n, person in enumerate(ids):
            if n % 10 == 0:
                rows.append(
                    message(
                        person,
                        OutboxKind.MAIL,
                        attempts=1,
                        next_attempt_at=NOW + timedelta(seconds=30),
                        recipient_email="planner@flex.example",
                        key=f"mail.{person}",
                    )
                )
            if n % 50 == 0:
                rows.append(message(person, OutboxKind.DIGEST, status=OutboxStatus.SENDING))
            rows.append(message(person, OutboxKind.AGREEMENT, key=f"news.{person}"))
        for start in range(0, len(rows), 5000):
            await session.execute(insert(OutboxMessage), rows[start : start + 5000])


async def timed(db: Database, queries: list[Select[Any]], runs: int) -> list[tuple[float, int]]:
    """The median time of each query; the queries take turns in every run, so a machine
    that gets busier for a while slows them alike."""
    seconds: list[list[float]] = [[] for _ in queries]
    found = [0 for _ in queries]
    async with db.session() as session:
        for _ in range(runs):
            for index, query in enumerate(queries):
                started = time.perf_counter()
                found[index] = len((await session.execute(query.limit(BATCH))).all())
                seconds[index].append(time.perf_counter() - started)
    return [(statistics.median(s), n) for s, n in zip(seconds, found, strict=True)]


async def measure(label: str, url: str, connect: dict[str, Any], args: argparse.Namespace) -> None:
    db = Database(url, connect_args=connect) if connect else Database(url)
    try:
        await db.upgrade()
        await fill(db, args.people)
        if url.startswith("postgresql"):
            async with db.engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        queries = [person_only(NOW), due(NOW)]
        await timed(db, queries, 2)  # warm the caches for both
        (base, base_found), (now, now_found) = await timed(db, queries, args.runs)
        print(
            f"{label:<10} {args.people:>7} people  baseline {base * 1000:7.2f} ms "
            f"({base_found} taken)  queues {now * 1000:7.2f} ms ({now_found} taken)  "
            f"ratio {now / base:4.2f}"
        )
    finally:
        await db.dispose()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await measure("sqlite", f"sqlite+aiosqlite:///{folder}/due.db", {}, args)
    base = os.environ.get("JAARROND_BENCH_DATABASE_URL", "")
    if not base:
        print("postgresql skipped: set JAARROND_BENCH_DATABASE_URL")
        return
    url = normalise_database_url(base)
    schema = f"bench_due_{uuid.uuid4().hex[:8]}"
    admin = Database(url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await measure("postgresql", url, {"server_settings": {"search_path": schema}}, args)
    finally:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="a few seconds: 500 people, 3 runs")
    parsed = parser.parse_args()
    if parsed.smoke:
        parsed.people, parsed.runs = 500, 3
    asyncio.run(main(parsed))
