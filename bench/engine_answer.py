"""What does the engine spend on one recorded check-in answer: CPU and SQL round trips?

Each person has an open check-in (started as `checkin workload` typed in chat); the bench
then clicks an answer for every person, one `Engine.handle` each, as the Slack adapter
hands a click over (a token, a value and a unique event id), --rounds times (the next
question each round; the round with the least CPU is reported). It counts the statements
sent to the database (SQLAlchemy's `before_cursor_execute`, so an executemany counts once:
it is one round trip) and the CPU of this process (all threads: aiosqlite runs in one), on
SQLite and, when reachable, PostgreSQL (JAARROND_BENCH_DATABASE_URL, a scratch schema).

Baseline in the same run: the same answers through the check-in dialog alone
(`dialogs.checkin.step`, no database), the floor of deciding what the answer means.

Run: .venv/bin/python bench/engine_answer.py [--people 400] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import smoke  # noqa: E402
from scratch_schema import bench_database_url, scratch_schema  # noqa: E402
from sqlalchemy import event  # noqa: E402

NOW = datetime(2027, 3, 25, 9, 0, tzinfo=UTC)


@dataclass
class Result:
    name: str
    answers: int
    seconds: float
    cpu: float
    statements: int

    def line(self) -> str:
        per = self.statements / self.answers
        return (
            f"{self.name:<22} {self.answers:>6} answers  {self.seconds:6.2f} s  "
            f"{self.cpu / self.answers * 1000:6.3f} ms CPU/answer  {per:5.2f} statements/answer"
        )


class StatementCounter:
    """Counts what reaches the driver: one per execute or executemany, i.e. a round trip."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self.texts: list[str] = []
        self.engine = engine.sync_engine
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1
        self.texts.append(str(args[2]).split("\n")[0][:100])


async def prepared(url: str, people: int, schema: str | None = None) -> tuple[Any, Any]:
    from bot.bootstrap import build_app, load_hr_questions
    from bot.clock import FixedClock
    from bot.config import load_settings
    from bot.org.organisation import import_org
    from bot.storage.database import Database
    from dialogs.messages import Inbound

    connect = {"server_settings": {"search_path": schema}} if schema else None
    db = Database(url, connect_args=connect)
    await db.upgrade()
    clock = FixedClock(NOW)
    app = build_app(load_settings({}), clock, db=db)
    await load_hr_questions(app)
    rows = [f"p{n}@example.org,P {n},en,Europe/Amsterdam,U{n:07d}" for n in range(people)]
    await import_org(db, "email,name,locale,timezone,slack_user_id\n" + "\n".join(rows), NOW)
    engine = app.engine
    for n in range(people):
        turn = await engine.handle(Inbound("slack", f"U{n:07d}", text="checkin workload"))
        assert turn.menu is not None and turn.menu.token, turn
    return app, engine


async def measure_engine(
    name: str, url: str, people: int, rounds: int, schema: str | None = None
) -> tuple[Result, StatementCounter]:
    """`rounds` times an answer from every person (their next question each round); the
    round with the least CPU counts, as the one least disturbed by other work."""
    from bot.checkins import menus
    from dialogs.messages import Inbound, PersonRef

    app, engine = await prepared(url, people, schema)
    try:
        best: tuple[Result, StatementCounter] | None = None
        for round_ in range(rounds):
            clicks = []
            async with app.db.session() as session:
                for n in range(people):
                    ref = PersonRef(n + 1, "", "", "en", "UTC")
                    menu = await menus.current(session, ref, app.checkins)
                    assert menu is not None and menu.question is not None
                    question = menu.question
                    choices = question.choices
                    value = choices[len(choices) // 2].value if choices else "As always."
                    user, event_id = f"U{n:07d}", f"a{round_}.{n}"
                    clicks.append(
                        Inbound("slack", user, token=question.token, value=value, event_id=event_id)
                    )
            counter = StatementCounter(app.db.engine)
            start, cpu = time.perf_counter(), time.process_time()
            for inbound in clicks:
                turn = await engine.handle(inbound)
                assert turn.outcome.kind == "recorded", turn.outcome
            seconds, used = time.perf_counter() - start, time.process_time() - cpu
            counter.stop()
            result = Result(name, people, seconds, used, counter.count)
            if best is None or result.cpu < best[0].cpu:
                best = (result, counter)
        assert best is not None
        return best
    finally:
        await app.db.dispose()


def measure_dialog(people: int) -> Result:
    """The floor: the dialog's own decision for the same answer, no database."""
    from bot.org.people import Defaults
    from dialogs import checkin
    from dialogs.banks import load_banks
    from dialogs.messages import PersonRef

    bank = load_banks()["workload"]
    ids = tuple(q.question_id for q in bank.questions)
    ref = PersonRef(1, "p@example.org", "P", Defaults().locale, "Europe/Amsterdam")
    context = checkin.Context(ref, bank, None, snooze_until="tomorrow 09:00")
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(people):
        state = checkin.CheckinState(n + 1, "workload", ids, 0, "open")
        result = checkin.step(state, checkin.Reply("3", f"c{n + 1}.0"), context)
        assert result.outcome.kind == "recorded", result.outcome
    seconds, used = time.perf_counter() - start, time.process_time() - cpu
    return Result("dialog alone (floor)", people, seconds, used, 0)


async def run(args: argparse.Namespace) -> int:
    results = [measure_dialog(args.people)]
    examples: list[str] = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            result, counter = await measure_engine("engine, SQLite", url, args.people, args.rounds)
            results.append(result)
            examples = counter.texts[: round(result.statements / result.answers)]
    if args.only in (None, "postgresql"):
        url = bench_database_url()
        async with scratch_schema(url) as schema:
            if schema is not None:
                result, _ = await measure_engine(
                    "engine, PostgreSQL", url, args.people, args.rounds, schema
                )
                results.append(result)
    for result in results:
        print(result.line())
    print("target: at most 3 statements and 2 ms CPU per recorded answer on SQLite")
    if examples:
        print("the statements of one answer (SQLite):")
        for text in examples:
            print(f"  {text}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400, help="answers measured")
    parser.add_argument("--rounds", type=int, default=3, help="answers per person (at most 5)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = smoke.parse(parser, people=20, rounds=1)
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds must be 1 to 5: the check-in's last question ends it")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
