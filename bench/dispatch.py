"""How fast does the outbox deliver check-in prompts to Slack, and at what CPU cost?

Two processes on loopback: a minimal fake Slack Web API (its own process, so its CPU is not
counted), and this one, which measures on the same prompts in the same run:

  baseline   bare slack_sdk AsyncWebClient.chat_postMessage calls, one per prompt, with the
             blocks Jaarrond renders, 8 at a time (the dispatcher's concurrency)
  dispatch   the whole path: the outbox claims a batch, renders each prompt, posts it with
             its metadata and records it as sent (SQLite file, or --database-url for
             PostgreSQL); a later week, so every DM channel is known from the database
  1st week   the same, but every DM is opened first (conversations.open, then stored)
  limited    the dispatcher with Slack's limits simulated in our limiter (1 message a second
             per DM channel, --rate messages a second per workspace): total time against the
             lower bound the limit allows, (n - burst) / rate

CPU is this process's (all threads: aiosqlite runs in one) from time.process_time.
Run: .venv/bin/python bench/dispatch.py [--people 2000] [--limited 300] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import os
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import smoke
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = """
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: thu
    time: "14:00"
    audience: all
"""
MONDAY = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
THURSDAY = datetime(2027, 3, 25, 13, 5, tzinfo=UTC)


# ---- the fake Slack Web API (its own process) ----------------------------------------------


def serve_fake() -> None:
    counter = itertools.count(1)

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post()) | dict(request.query)
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": f"D{params['users']}"}})
        if method == "users.list":
            return web.json_response({"ok": True, "members": [], "response_metadata": {}})
        if method == "chat.postMessage":
            ts = f"1800000000.{next(counter):06d}"
            return web.json_response({"ok": True, "channel": params["channel"], "ts": ts})
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", api)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(site._server.sockets[0].getsockname()[1], flush=True)  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


# ---- the measured side ---------------------------------------------------------------------


@dataclass
class Result:
    name: str
    count: int
    seconds: float
    cpu: float

    def line(self) -> str:
        return (
            f"{self.name:<10} {self.count:>6} prompts  {self.seconds:7.2f} s  "
            f"{self.count / self.seconds:8.0f} prompts/s  "
            f"{self.cpu / self.count * 1000:6.2f} ms CPU/prompt"
        )


async def prepared_app(
    database_url: str,
    people: int,
    api_url: str,
    limits: Any,
    known_dms: bool = True,
    schema: str | None = None,
) -> Any:
    """A migrated database with `people` people due for a check-in, and the Slack adapter.

    With `known_dms` it is a later week: every DM channel was opened and stored before.
    The first week each prompt also costs a conversations.open (Tier 3: 50 a minute).
    """
    from adapters.slack import SlackAdapter
    from bot.bootstrap import build_app
    from bot.clock import FixedClock
    from bot.config import load_settings
    from bot.delivery.planner import plan
    from bot.org.organisation import import_org
    from bot.schedules.store import apply_schedules
    from bot.storage.database import Database
    from bot.storage.slack_channels import DatabaseDmChannelStore

    connect = {"server_settings": {"search_path": schema}} if schema else None
    db = Database(database_url, connect_args=connect)
    await db.upgrade()
    env = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": api_url}
    clock = FixedClock(MONDAY)
    app = build_app(load_settings(env), clock, db=db)
    rows = [f"p{n}@example.org,P {n},en,Europe/Amsterdam,U{n:07d}" for n in range(people)]
    await import_org(db, "email,name,locale,timezone,slack_user_id\n" + "\n".join(rows), MONDAY)
    await apply_schedules(db, SCHEDULE, app.banks.keys(), MONDAY)
    clock.set(THURSDAY)
    due = await plan(db, THURSDAY, app.banks, app.defaults)
    assert len(due) == people, len(due)
    store = DatabaseDmChannelStore(db, clock)
    if known_dms:
        await store.put_many({f"U{n:07d}": f"DU{n:07d}" for n in range(people)})
    adapter = SlackAdapter(app.settings.slack, limits=limits, dm_channels=store)
    app.add_adapter(adapter)
    await adapter.start()
    return app, adapter


async def run_dispatch(name: str, app: Any, people: int, profile: str = "") -> Result:
    dispatcher = app.dispatcher()
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    report = await dispatcher.dispatch(limit=people)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    result = Result(name, report.sent, time.perf_counter() - start, time.process_time() - cpu)
    assert report.sent == people, report
    return result


async def run_baseline(api_url: str, people: int, sample: dict[str, Any]) -> Result:
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-bench", base_url=api_url, session=session)
        slots = asyncio.Semaphore(8)

        async def post(n: int) -> None:
            async with slots:
                await client.chat_postMessage(channel=f"DU{n:07d}", **sample)

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(post(n) for n in range(people)))
        return Result("baseline", people, time.perf_counter() - start, time.process_time() - cpu)


def sample_message() -> dict[str, Any]:
    """What one prompt looks like on the wire (rendered by the adapter's own blocks)."""
    from adapters.slack import blocks
    from dialogs.messages import Choice, Outbound, PersonRef, Question

    question = Question(
        question_id="q1",
        kind="scale",
        prompt="How was your workload this week?",
        choices=tuple(Choice(str(n), str(n)) for n in range(1, 6)),
        token="c1.0",
    )
    person = PersonRef(1, "p@example.org", "P", "en", "Europe/Amsterdam", slack_user_id="U1")
    out = Outbound(person, "Weekly workload · 1/4", title="Workload", question=question)
    part = blocks.render_parts(out)[-1]
    return {"text": part["text"], "blocks": part["blocks"], "mrkdwn": False}


async def measure(args: argparse.Namespace) -> None:
    from scratch_schema import scratch_schema

    from adapters.slack.limits import UNLIMITED, SlackLimits

    fake = subprocess.Popen(
        [sys.executable, __file__, "--serve-fake"],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert fake.stdout is not None
        api_url = f"http://127.0.0.1:{int(fake.stdout.readline())}/api/"
        results = [await run_baseline(api_url, args.people, sample_message())]
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
            # On PostgreSQL a schema of its own, so any database will do, also a used one.
            async with scratch_schema(url) if args.database_url else nullcontext() as schema:
                app, adapter = await prepared_app(
                    url, args.people, api_url, UNLIMITED, schema=schema
                )
                results.append(await run_dispatch("dispatch", app, args.people, args.profile))
                await adapter.stop()
                await app.db.dispose()
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/first.db"
            app, adapter = await prepared_app(url, args.people, api_url, UNLIMITED, False)
            results.append(await run_dispatch("1st week", app, args.people))
            await adapter.stop()
            await app.db.dispose()
        with tempfile.TemporaryDirectory() as folder:
            limits = SlackLimits(workspace_per_second=args.rate, workspace_burst=int(args.rate))
            url = f"sqlite+aiosqlite:///{folder}/limited.db"
            # A later week: every DM is known, so the message limits are what bounds the run
            # (the first week, conversations.open's 50 a minute bounds it instead).
            app, adapter = await prepared_app(url, args.limited, api_url, limits)
            limited = await run_dispatch("limited", app, args.limited)
            results.append(limited)
            await adapter.stop()
            await app.db.dispose()
    finally:
        fake.kill()
        fake.wait()
    for result in results:
        print(result.line())
    base, ours = results[0], results[1]
    print(
        f"dispatch vs bare slack_sdk: {ours.seconds / base.seconds:.2f}x the time, "
        f"{(ours.cpu - base.cpu) / ours.count * 1000:.2f} ms more CPU per prompt"
    )
    # The first `rate` messages go at once (the burst); fewer than that need no waiting.
    bound = max(args.limited - int(args.rate), 0) / args.rate
    over = f" ({(limited.seconds / bound - 1) * 100:+.1f}%)" if bound else ""
    print(
        f"limited at {args.rate:g}/s: {limited.seconds:.2f} s against a lower bound of "
        f"{bound:.2f} s{over}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--limited", type=int, default=300, help="prompts in the limited run")
    parser.add_argument("--rate", type=float, default=50.0, help="workspace messages a second")
    parser.add_argument("--database-url", default="", help="postgresql+asyncpg://...")
    parser.add_argument("--profile", default="", help="write a cProfile of the dispatch here")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = smoke.parse(parser, people=60, limited=20)
    if args.serve_fake:
        serve_fake()
        return
    sys.path.insert(0, str(ROOT))
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
