"""How long do the HR figures and the works-council overview take for a large organisation?

Seeds 5,000 managers with 10 reports each (50,000 people) in 50 departments, one year of
weekly workload check-ins (two scale answers each), a monthly five-ages check-in with a
private health answer, two agreements per person with follow-ups, and raised topics; then
times, on SQLite and (when reachable) PostgreSQL:
- the baseline in the same run: one bare scan that groups every answer of the year by
  month (the least any report must read);
- `hr_figures` by month for the whole organisation, and with a department filter;
- rendering the HR figures as HTML, CSV and JSON;
- `works_council_overview` and its HTML and PDF;
- `ladder_figures` alone: the development ladder's indicators for the year and the one
  before (both reports include it; this shows its share).

Seeding uses the drivers' bulk paths (sqlite3 executemany, asyncpg COPY), so it is fast.
Run: .venv/bin/python bench/reports.py [--people N] [--backend sqlite|postgres|both]
[--smoke] (500 people on SQLite: a few seconds, to check the script runs)
PostgreSQL: JAARROND_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
each run uses a schema of its own and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import smoke
from scratch_schema import bench_database_url, scratch_schema
from sqlalchemy import text

from bot.reports import hr, hr_output, works_council
from bot.reports.ladder import ladder_figures
from bot.reports.source import NO_DEPARTMENT, department_names
from bot.storage.database import Database
from bot.storage.sealed import generate_key, install_keys
from dialogs.banks import load_banks

YEAR = 2027
NOW = datetime(YEAR, 12, 31, 12, 0, tzinfo=UTC)
DEPARTMENTS = 50
REPORTS_PER_MANAGER = 10
CATEGORIES = ("performance_requirements", "pay", "working_hours", "place_of_work", "development")
STATUSES = ("signed", "signed", "signed", "at_risk", "completed", "dropped", "proposed")
ANSWERS = ("on_track", "on_track", "partly", "not", None)


Row = tuple[str, tuple[Any, ...]]
VALUES = ("1", "2", "3", "4", "5")
CHUNK = 50_000


def generate(people: int) -> Iterator[Row]:
    """Every row as (table, values in COLUMNS order), parents before children, streamed
    so a year for 50,000 people never sits in memory at once."""
    rnd = random.Random(7)
    start = datetime(YEAR, 1, 4, 9, 0, tzinfo=UTC)
    weeks = [start + timedelta(weeks=w) for w in range(52)]
    managers = max(1, people // REPORTS_PER_MANAGER)
    for d in range(DEPARTMENTS):
        yield "departments", (d + 1, f"Department {d + 1:02d}")
    pid = 0
    employees: list[tuple[int, int]] = []
    for m in range(managers):
        pid += 1
        manager = pid
        dept = m % DEPARTMENTS + 1
        yield "people", (manager, f"m{m}@example.org", f"Manager {m}", None, dept, 3)
        for r in range(REPORTS_PER_MANAGER):
            pid += 1
            month = rnd.randint(1, 12)
            yield "people", (pid, f"e{m}-{r}@example.org", f"Emp {pid}", manager, dept, month)
            employees.append((pid, manager))
    occ = ans = 0
    questions = (
        ("workload.demands_level", "demands"),
        ("workload.effort_balance", "effort_balance"),
    )
    for person, _ in employees:
        for week, due in enumerate(weeks):
            occ += 1
            done = rnd.random() < 0.8
            status = "completed" if done else "expired"
            yield "checkin_occurrences", (occ, person, f"w{week}", "workload", due, status)
            if done:
                vis = "shared" if week % 2 else "aggregate"
                for qid, topic in questions:
                    ans += 1
                    value = VALUES[rnd.randrange(5)]
                    yield (
                        "answers",
                        (ans, occ, person, qid, "workload", topic, "scale", value, vis, due),
                    )
            if week % 4 == 0:
                occ += 1
                yield (
                    "checkin_occurrences",
                    (occ, person, f"f{week}", "five_ages", due, "completed"),
                )
                ans += 1
                value = VALUES[rnd.randrange(5)]
                yield (
                    "answers",
                    (
                        ans,
                        occ,
                        person,
                        "five_ages.health_energy",
                        "five_ages",
                        "health",
                        "scale",
                        value,
                        "private",
                        due,
                    ),
                )
    agreement = follow = topic_id = 0
    for person, manager in employees:
        for _ in range(2):
            agreement += 1
            status = rnd.choice(STATUSES)
            signed = status in ("signed", "at_risk", "completed")
            signed_at = start + timedelta(days=rnd.randint(0, 300)) if signed else None
            yield (
                "agreements",
                (
                    agreement,
                    person,
                    manager,
                    manager,
                    "manager",
                    YEAR,
                    status,
                    rnd.choice(CATEGORIES),
                    rnd.random() < 0.15,
                    "quarterly",
                    1,
                    1 if signed else None,
                    signed_at,
                    start,
                    start,
                ),
            )
            if signed:
                for quarter in range(2):
                    due = start + timedelta(days=90 * (quarter + 1))
                    for role, party in (("employee", person), ("manager", manager)):
                        follow += 1
                        answer = rnd.choice(ANSWERS)
                        yield (
                            "agreement_followups",
                            (
                                follow,
                                agreement,
                                party,
                                role,
                                f"{YEAR}-Q{quarter + 1}",
                                due,
                                answer,
                                due if answer else None,
                                due,
                            ),
                        )
        if person % 3 == 0:
            topic_id += 1
            raised = start + timedelta(days=rnd.randint(0, 300))
            yield "topics", (topic_id, person, "words", rnd.choice(("open", "discussed")), raised)


def chunks(people: int) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Rows in batches; every batch holds parents before children (foreign keys hold)."""
    buffers: dict[str, list[tuple[Any, ...]]] = {k: [] for k in COLUMNS}
    size = 0
    for table, row in generate(people):
        buffers[table].append(row)
        size += 1
        if size >= CHUNK:
            yield buffers
            buffers = {k: [] for k in COLUMNS}
            size = 0
    yield buffers


COLUMNS: dict[str, tuple[str, ...]] = {
    "departments": ("id", "name"),
    "people": ("id", "email", "name", "manager_id", "department_id", "review_month"),
    "checkin_occurrences": ("id", "person_id", "period", "theme", "due_at", "status"),
    "answers": (
        "id",
        "occurrence_id",
        "person_id",
        "question_id",
        "theme",
        "topic",
        "kind",
        "value",
        "visibility",
        "answered_at",
    ),
    "agreements": (
        "id",
        "employee_id",
        "manager_id",
        "drafter_id",
        "drafter_role",
        "year",
        "status",
        "category",
        "is_i_deal",
        "cadence",
        "current_version",
        "signed_version",
        "signed_at",
        "created_at",
        "updated_at",
    ),
    "agreement_followups": (
        "id",
        "agreement_id",
        "party_id",
        "role",
        "period",
        "due_at",
        "answer",
        "answered_at",
        "created_at",
    ),
    "topics": ("id", "person_id", "text", "status", "raised_at"),
}
# Columns the seed leaves to fixed values (NOT NULL without a default in the schema).
FIXED: dict[str, dict[str, Any]] = {
    "people": {"is_hr": False, "active": True, "created_at": NOW, "updated_at": NOW},
    "checkin_occurrences": {"question_ids": "[]", "position": 0, "created_at": NOW},
}


def _full(
    table: str, rows: list[tuple[Any, ...]]
) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
    fixed = FIXED.get(table, {})
    columns = COLUMNS[table] + tuple(fixed)
    extra = tuple(fixed.values())
    return columns, (row + extra for row in rows)


_SQLITE_TIMES: dict[datetime, str] = {}


def _sqlite_value(value: Any) -> Any:
    """A datetime as SQLAlchemy stores it on SQLite (naive UTC text); few distinct ones."""
    if isinstance(value, datetime):
        found = _SQLITE_TIMES.get(value)
        if found is None:
            found = _SQLITE_TIMES[value] = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return found
    return value


def seed_sqlite(path: str, people: int) -> Counter[str]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    counts: Counter[str] = Counter()
    for batch in chunks(people):
        for table, rows in batch.items():
            if not rows:
                continue
            counts[table] += len(rows)
            columns, full = _full(table, rows)
            marks = ",".join("?" * len(columns))
            times = [
                i
                for i, v in enumerate(rows[0] + tuple(FIXED.get(table, {}).values()))
                if isinstance(v, datetime) or v is None
            ]
            conn.executemany(
                f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})",
                (
                    tuple(_sqlite_value(v) if i in times else v for i, v in enumerate(row))
                    if times
                    else row
                    for row in full
                ),
            )
        conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return counts


async def seed_postgres(db: Database, people: int) -> None:
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        # Seeding only: skip the per-row foreign-key triggers (the generator keeps them true).
        await raw.execute("SET session_replication_role = replica")
        for batch in chunks(people):
            for table, rows in batch.items():
                if rows:
                    columns, full = _full(table, rows)
                    await raw.copy_records_to_table(table, records=full, columns=list(columns))
        await raw.execute("SET session_replication_role = DEFAULT")
        await raw.execute("ANALYZE")


async def timed(label: str, work: Callable[[], Awaitable[Any]], results: dict[str, float]) -> Any:
    began = time.perf_counter()
    value = await work()
    results[label] = time.perf_counter() - began
    print(f"  {label:<38} {results[label] * 1000:9.0f} ms", flush=True)
    return value


async def measure(db: Database) -> dict[str, float]:
    banks = load_banks()
    results: dict[str, float] = {}

    async def baseline() -> Any:
        async with db.session() as session:
            month = (
                "to_char(answered_at, 'YYYY-MM')"
                if not db.is_sqlite
                else ("strftime('%Y-%m', answered_at)")
            )
            return (
                await session.execute(
                    text(f"SELECT {month}, theme, count(*) FROM answers GROUP BY 1, 2")
                )
            ).all()

    async def figures(department: str | None = None) -> hr.HrFigures:
        async with db.session() as session:
            return await hr.hr_figures(
                session, year=YEAR, now=NOW, banks=banks, department=department
            )

    async def overview() -> works_council.Overview:
        async with db.session() as session:
            return await works_council.works_council_overview(
                session, year=YEAR, now=NOW, banks=banks
            )

    await timed("baseline: scan answers by month", baseline, results)
    full = await timed("hr_figures (whole organisation)", figures, results)
    await timed("hr_figures --department", lambda: figures("Department 07"), results)

    async def render_hr() -> None:
        hr_output.render_html(full, "en")
        hr_output.render_csv(full)
        json.dumps(hr_output.to_json(full))

    await timed("render hr html+csv+json", render_hr, results)
    wc = await timed("works_council_overview", overview, results)

    async def render_wc() -> None:
        works_council.render_html(wc, "en")
        works_council.render_pdf(wc, "en")

    await timed("render works council html+pdf", render_wc, results)

    async def ladder() -> Any:
        async with db.session() as session:
            names: dict[int | None, str] = {None: NO_DEPARTMENT}
            names.update(await department_names(session))
            return await ladder_figures(session, year=YEAR, now=NOW, banks=banks, names=names)

    await timed("ladder_figures (this year and last)", ladder, results)
    shown = sum(1 for r in full.rows if r.figure.shown)
    print(f"  hr rows {len(full.rows)} ({shown} shown)")
    return results


async def run_sqlite(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/bench.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.upgrade()
        await db.dispose()
        began = time.perf_counter()
        counts = seed_sqlite(path, people)
        sizes = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"SQLite: seeded in {time.perf_counter() - began:.1f} s: {sizes}")
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await measure(db)
        finally:
            await db.dispose()


async def run_postgres(people: int) -> None:
    url = bench_database_url()
    async with scratch_schema(url) as schema:
        if schema is None:
            return
        db = Database(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await db.upgrade()
            began = time.perf_counter()
            await seed_postgres(db, people)
            print(f"PostgreSQL: seeded in {time.perf_counter() - began:.1f} s")
            await measure(db)
        finally:
            await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = smoke.parse(parser, people=300)
    if args.backend in ("sqlite", "both"):
        await run_sqlite(args.people)
    if args.backend in ("postgres", "both"):
        await run_postgres(args.people)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    # Topics, notes and agreement texts are sealed at rest, as in production.
    install_keys([generate_key()])
    asyncio.run(main())
