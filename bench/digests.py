"""How long does a manager's digest take: 5,000 managers, a year of weekly answers from
50,000 people?

Seeds (bulk inserts) one year of weekly check-ins: per person and week a shared or
aggregate workload answer and a private health answer, plus a few topics and logged
conversations. Then, on SQLite and (when reachable) PostgreSQL:
- the weekly digest tick for every manager: build, render and queue each digest, as the
  scheduler does at Monday 09:00 (target: under 10 ms per digest);
- as the baseline, in the same run: the bare query of each manager's shared answers, the
  least any digest has to read.

Run: .venv/bin/python bench/digests.py [--people N] [--managers N] [--weeks N]
     [--cadence quarterly] (the seeded theme asked quarterly: the digest reads a year back)
PostgreSQL: JAARROND_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
each run uses a schema of its own and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import smoke
from scratch_schema import bench_database_url, scratch_schema
from sqlalchemy import insert, select, text

from bot.dialogue.digests import DIGEST_WINDOW
from bot.dialogue.tick import DialogueReport, brief_tick, digest_tick
from bot.dialogue_config import DialogueSettings
from bot.org.people import Defaults
from bot.storage.database import Database
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Answer, Person, Schedule, Topic
from bot.storage.sealed import generate_key, install_keys
from dialogs.banks import load_banks

# Monday 22 March 2027, 09:00 in Amsterdam: every manager's digest is due.
NOW = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)


PEOPLE_COLUMNS = (
    "id",
    "email",
    "name",
    "manager_id",
    "locale",
    "timezone",
    "is_hr",
    "active",
    "review_month",
    "created_at",
    "updated_at",
)
OCCURRENCE_COLUMNS = (
    "id",
    "person_id",
    "period",
    "theme",
    "due_at",
    "status",
    "question_ids",
    "position",
    "created_at",
    "closed_at",
)
ANSWER_COLUMNS = (
    "occurrence_id",
    "person_id",
    "question_id",
    "theme",
    "topic",
    "kind",
    "value",
    "visibility",
    "answered_at",
)
QUESTIONS = '["workload.demands_level", "five_ages.health_energy"]'


def _people(people: int, managers: int, first: datetime) -> list[tuple[Any, ...]]:
    return [
        (
            i + 1,
            f"p{i}@example.org",
            f"Person {i:06d}",
            None if i < managers else i % managers + 1,
            "en",
            "Europe/Amsterdam",
            False,
            True,
            i % 12 + 1,
            first,
            first,
        )
        for i in range(people)
    ]


def _week(
    week: int, people: int, first: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One week of check-ins: per person a workload answer (shared by 3 in 5 people,
    aggregate for the others) and a health answer (always private)."""
    at = first + timedelta(weeks=week, hours=5)
    occurrences, answers = [], []
    for i in range(people):
        oid = week * people + i + 1
        occurrences.append(
            (oid, i + 1, f"w{week}", "workload", at, "completed", QUESTIONS, 2, at, at)
        )
        shared = "shared" if i % 5 < 3 else "aggregate"
        value = str((i + week) % 5 + 1)
        answers.append(
            (
                oid,
                i + 1,
                "workload.demands_level",
                "workload",
                "demands",
                "scale",
                value,
                shared,
                at,
            )
        )
        answers.append(
            (
                oid,
                i + 1,
                "five_ages.health_energy",
                "five_ages",
                "health",
                "scale",
                "3",
                "private",
                at,
            )
        )
    return occurrences, answers


def _sqlite_seed(path: str, people: int, managers: int, weeks: int) -> None:
    """Bulk inserts straight through the driver, in the format SQLAlchemy stores."""
    first = NOW - timedelta(weeks=weeks)

    def cells(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
            for v in row
        )

    def put(
        conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        marks = ", ".join("?" for _ in columns)
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", map(cells, rows)
        )

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    put(conn, "people", PEOPLE_COLUMNS, _people(people, managers, first))
    for week in range(weeks):
        occurrences, answers = _week(week, people, first)
        put(conn, "checkin_occurrences", OCCURRENCE_COLUMNS, occurrences)
        put(conn, "answers", ANSWER_COLUMNS, answers)
        conn.commit()
        print(f"\r  seeded week {week + 1}/{weeks}", end="", flush=True)
    conn.close()


async def _postgres_seed(db: Database, schema: str, people: int, managers: int, weeks: int) -> None:
    """COPY through asyncpg: the fastest way into PostgreSQL."""
    first = NOW - timedelta(weeks=weeks)
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None

        async def put(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
            await raw.copy_records_to_table(
                table, records=rows, columns=list(columns), schema_name=schema
            )

        await put("people", PEOPLE_COLUMNS, _people(people, managers, first))
        for week in range(weeks):
            occurrences, answers = _week(week, people, first)
            await put("checkin_occurrences", OCCURRENCE_COLUMNS, occurrences)
            await put("answers", ANSWER_COLUMNS, answers)
            print(f"\r  seeded week {week + 1}/{weeks}", end="", flush=True)
        await conn.commit()


async def _seed_extras(db: Database, people: int, managers: int) -> None:
    """Some open topics and logged conversations, so those parts of a digest have work."""
    async with db.session() as session:
        topics = [
            {
                "person_id": i + 1,
                "text": f"Topic of person {i}",
                "status": "open",
                "raised_at": NOW - timedelta(days=i % 90),
            }
            for i in range(managers, people, 7)
        ]
        await session.execute(insert(Topic), topics)
        talks = [
            {
                "employee_id": i + 1,
                "manager_id": i % managers + 1,
                "logged_by_id": i + 1,
                "note": None,
                "happened_at": NOW - timedelta(days=i % 60),
                "created_at": NOW,
            }
            for i in range(managers, people, 3)
        ]
        await session.execute(insert(Conversation), talks)
    if db.engine.dialect.name == "postgresql":
        async with db.engine.begin() as conn:
            await conn.execute(text("SELECT setval('people_id_seq', :n)"), {"n": people})
            await conn.execute(text("ANALYZE"))
    print()


async def _schedule(db: Database, cadence: str) -> None:
    """A (paused) workload schedule of this cadence: the digest then reads the workload
    answers as far back as that cadence's drift window (a year for quarterly)."""
    async with db.session() as session:
        session.add(
            Schedule(
                id="bench",
                theme="workload",
                cadence=cadence,
                day="mon",
                time="09:00",
                audience={"all": True},
                working_days=["mon", "tue", "wed", "thu", "fri"],
                grace_minutes=720,
                on_day_off="next_working_day",
                active=False,
                active_from=NOW,
                updated_at=NOW,
            )
        )


async def _bare(db: Database, managers: int) -> list[float]:
    """The floor: each manager's reports' shared answers in the window, one query each."""
    times = []
    for manager_id in range(1, managers + 1):
        started = time.perf_counter()
        async with db.session() as session:
            reports = select(Person.id).where(Person.manager_id == manager_id, Person.active)
            rows = await session.execute(
                select(Answer.person_id, Answer.question_id, Answer.value, Answer.answered_at)
                .where(
                    Answer.person_id.in_(reports),
                    Answer.visibility == "shared",
                    Answer.answered_at >= NOW - DIGEST_WINDOW,
                )
                .order_by(Answer.answered_at, Answer.id)
            )
            rows.all()
        times.append(time.perf_counter() - started)
    return times


async def _measure(
    name: str, url: str, args: argparse.Namespace, connect: dict[str, Any], schema: str = ""
) -> None:
    db = Database(url, connect_args=connect)
    await db.upgrade()
    started = time.perf_counter()
    if schema:
        await _postgres_seed(db, schema, args.people, args.managers, args.weeks)
    else:
        await db.dispose()
        _sqlite_seed(url.split(":///", 1)[1], args.people, args.managers, args.weeks)
    await _seed_extras(db, args.people, args.managers)
    if args.cadence:
        await _schedule(db, args.cadence)
    seeded = time.perf_counter() - started
    banks = load_banks()
    report = DialogueReport()
    started = time.perf_counter()
    # A tick builds at most DIGESTS_PER_TICK; the following ticks take the rest.
    while report.digests < args.managers:
        before = report.digests
        await digest_tick(db, NOW, banks, Defaults(), DialogueSettings(), report)
        assert report.digests > before, report
    tick = time.perf_counter() - started
    # The next minute's digest work, when every digest is queued: what each tick costs.
    started = time.perf_counter()
    await digest_tick(db, NOW + timedelta(minutes=1), banks, Defaults(), DialogueSettings(), report)
    idle = time.perf_counter() - started
    # One tick of review briefs (April reviews: their window is open), both copies each.
    briefs = DialogueReport()
    started = time.perf_counter()
    await brief_tick(db, NOW, banks, Defaults(), DialogueSettings(), briefs)
    brief_ms = (time.perf_counter() - started) / max(briefs.briefs, 1) * 1000
    bare = await _bare(db, args.managers)
    await db.dispose()
    assert report.digests == args.managers, report
    per = tick / report.digests * 1000
    base = statistics.mean(bare) * 1000
    print(
        f"{name:<10} seed {seeded:>6.0f}s  tick {tick:>6.1f}s  per digest {per:>6.2f} ms  "
        f"bare query {base:>5.2f} ms (p99 {statistics.quantiles(bare, n=100)[98] * 1000:.2f})  "
        f"ratio {per / base:>5.2f}x  quiet digest tick {idle * 1000:.0f} ms  "
        f"briefs {briefs.briefs} at {brief_ms:.0f} ms each"
    )


async def _postgres(args: argparse.Namespace) -> None:
    url = bench_database_url()
    async with scratch_schema(url) as schema:
        if schema is not None:
            connect = {"server_settings": {"search_path": schema}}
            await _measure("postgresql", url, args, connect, schema)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--managers", type=int, default=5_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--cadence",
        choices=("weekly", "biweekly", "monthly", "quarterly"),
        help="add a workload schedule of this cadence: the digest reads that far back",
    )
    args = smoke.parse(parser, people=300, managers=30, weeks=4)
    rows = args.people * args.weeks
    print(
        f"{args.managers} manager digests, {args.people} people, {args.weeks} weeks "
        f"({rows} check-ins, {2 * rows} answers); target: under 10 ms per digest"
    )
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            await _measure("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db", args, {})
    if args.only != "sqlite":
        await _postgres(args)
    print("per digest: the weekly tick (build, render, queue) divided by the managers;")
    print("bare query: one manager's shared answers read with nothing else (baseline);")
    print("quiet digest tick: the next minute's digest work (all queued already);")
    print("briefs: one tick's review briefs (both copies and their chat summaries), each")


if __name__ == "__main__":
    # Topics, notes and agreement texts are sealed at rest, as in production.
    install_keys([generate_key()])
    asyncio.run(main())
