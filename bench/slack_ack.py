"""How fast is a Slack button click acknowledged by the whole bot, against a bare bolt app?

Slack gives an app three seconds to acknowledge an interaction. Jaarrond acknowledges first
and does the work (engine, database, chat.update, chat.postMessage) afterwards, so its ack
latency should stay close to that of a bolt AsyncApp whose one action listener only acks.

Three processes on loopback: a fake Slack Web API, the server under test (one variant at a
time, each on the same aiohttp server set-up: bot.web.build_web_app on an AppRunner), and
this driver with 50 concurrent clients sending signed block_actions requests. Variants:

  bolt       bare AsyncApp, one action listener that only acks (the baseline); its clicks
             carry the same prompt message as Jaarrond's, as Slack sends it with every click
  jaarrond   the whole bot on a temporary SQLite file (or --database-url)

Client behaviour (--mode):

  person     like people: click the first answer on the newest prompt, wait until the bot
             has posted its next message, click again (a check-in is started with
             `/jaarrond checkin workload` when none is open; not timed)
  burst      click the same button as fast as acks come back; the bot still does the
             work for each click (here: a polite refusal and a re-prompt), so work piles up
             behind the acks

The bolt baseline always runs as burst: it has nothing to wait for.
Each round runs every variant once (in a rotating order); the table shows medians over rounds,
because a shared machine is noisy.
Run: .venv/bin/python bench/slack_ack.py [--requests 2000] [--concurrency 50] [--rounds 3]
Bounded by --requests per run, --rounds and --timeout seconds per run; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


# ---- the fake Slack Web API (its own process) ----------------------------------------------


class FakeApi:
    """Answers the Web API calls the bot makes; long-polls the newest DM per channel."""

    def __init__(self) -> None:
        self.ts = itertools.count(1)
        self.latest: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.calls: dict[str, int] = defaultdict(int)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/api/{method}", self.api)
        app.router.add_get("/api/{method}", self.api)
        app.router.add_get("/next/{channel}", self.next_message)
        app.router.add_post("/respond/{user}", self.respond)
        app.router.add_get("/stats", self.stats)
        return app

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post()) | dict(request.query)
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "team_id": "T0001", "user_id": "UBOT", "bot_id": "B0001"}
            )
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": f"D{params['users']}"}})
        if method == "users.list":
            return web.json_response({"ok": True, "members": [], "response_metadata": {}})
        if method == "chat.postMessage":
            ts = f"1800000000.{next(self.ts):06d}"
            channel = str(params["channel"])
            self.latest[channel] = {"ts": ts, "blocks": params.get("blocks") or []}
            self.changed[channel].set()
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        return web.json_response({"ok": True})

    async def respond(self, request: web.Request) -> web.Response:
        """A response_url post (an ephemeral reply) counts as the newest message in the DM."""
        message = await request.json()
        channel = f"D{request.match_info['user']}"
        ts = f"1800000000.{next(self.ts):06d}"
        self.latest[channel] = {"ts": ts, "blocks": message.get("blocks") or []}
        self.changed[channel].set()
        return web.Response(text="ok")

    async def next_message(self, request: web.Request) -> web.Response:
        """The newest message in a DM once it is newer than ?after=ts (long poll)."""
        channel = request.match_info["channel"]
        after = request.query.get("after", "")
        while self.latest.get(channel, {}).get("ts", "") <= after:
            event = self.changed[channel]
            event.clear()
            await asyncio.wait_for(event.wait(), timeout=60)
        return web.json_response(self.latest[channel])

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.calls))


# ---- the servers under test (child processes) ----------------------------------------------


async def serve_bolt(api_url: str) -> web.Application:
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.storage.database import Database
    from bot.web import build_web_app

    bolt = AsyncApp(
        name="bare",
        signing_secret=SECRET,
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
    )

    @bolt.action(re.compile(".*"))
    async def only_ack(ack: Any) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    def hook(app: web.Application) -> None:
        app.router.add_post("/slack/events", events)

    db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='slack-bench-')}/bare.db")
    return build_web_app(db, [hook])


async def serve_jaarrond(
    api_url: str, users: int, database_url: str, schema: str, work: int
) -> web.Application:
    from adapters.slack import SlackAdapter
    from bot.bootstrap import build_app
    from bot.clock import SystemClock
    from bot.config import load_settings, normalise_database_url
    from bot.services.org import import_org
    from bot.storage.database import Database
    from bot.web import build_web_app

    if not database_url:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='slack-bench-')}/bench.db"
    url = normalise_database_url(database_url)
    env = {
        "JAARROND_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
    }
    settings = load_settings(env)
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    db = Database(url, connect_args=connect_args)
    clock = SystemClock()
    app = build_app(settings, clock, db=db)
    await db.upgrade()
    rows = ["email,name,manager_email,locale,timezone,slack_user_id"]
    rows.append("boss@example.org,Boss,,en,Europe/Amsterdam,UBOSS")
    rows += [
        f"u{i}@example.org,User {i},boss@example.org,en,Europe/Amsterdam,U{i:05d}"
        for i in range(users)
    ]
    await import_org(app.db, "\n".join(rows) + "\n", clock.now())
    slack = SlackAdapter(
        settings.slack,
        database=db.engine,
        home_provider=app.engine.home,
        directory_sink=app.engine.sync_directory,
        # SQLite takes one writer at a time: more concurrent work only adds lock errors.
        concurrency=1 if db.is_sqlite else work,
    )
    app.add_adapter(slack)
    await slack.start()
    return build_web_app(app.db, [slack.route_hook()])


def child(args: argparse.Namespace) -> None:
    """Serve one variant (or the fake API) on a free loopback port; print it; run until killed."""
    sys.path.insert(0, str(ROOT))

    async def main() -> None:
        if args.serve == "fake":
            app = FakeApi().app()
        elif args.serve == "bolt":
            app = await serve_bolt(args.api_url)
        else:
            app = await serve_jaarrond(
                args.api_url, args.concurrency, args.database_url, args.schema, args.work
            )
        if args.gc_freeze:
            # What a long-running server can do after start-up: the objects made so far
            # (modules, mappers, banks) are never scanned again by the cyclic GC, so its
            # full collections stop pausing the event loop for tens of milliseconds.
            gc.collect()
            gc.freeze()
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


async def spawn(role: str, args: argparse.Namespace, *extra: str) -> tuple[Any, int]:
    command = [sys.executable, __file__, "--serve", role, "--concurrency", str(args.concurrency)]
    command += list(extra)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, env=env, cwd=str(ROOT)
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
    return process, int(line)


# ---- requests ------------------------------------------------------------------------------


def signed(body: str) -> dict[str, str]:
    from slack_sdk.signature import SignatureVerifier

    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": str(signature),
    }


def click_body(user: str, message: dict[str, Any], element: dict[str, Any], n: int) -> str:
    channel = f"D{user}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001", "domain": "bench"},
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": message["ts"], "blocks": message["blocks"]},
        "trigger_id": f"trigger-{n}",
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": element["block_id"],
                "text": element["text"],
                "value": element["value"],
                "action_ts": f"{time.time():.6f}{n}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def command_body(user: str, text: str, n: int, api: str) -> str:
    return urlencode(
        {
            "team_id": "T0001",
            "channel_id": f"D{user}",
            "user_id": user,
            "command": "/jaarrond",
            "text": text,
            "trigger_id": f"trigger-c{n}",
            "response_url": f"{api}/respond/{user}",
        }
    )


def first_answer(message: dict[str, Any]) -> dict[str, Any] | None:
    """The first button a person would click to answer (the modal's Answer button aside)."""
    for block in message.get("blocks") or []:
        if block.get("type") != "actions":
            continue
        for element in block["elements"]:
            if element["action_id"] != "jaarrond:answer":
                return {**element, "block_id": block["block_id"]}
    return None


def sample_prompt() -> dict[str, Any]:
    """The first workload question exactly as Jaarrond posts it: Slack sends the clicked
    message back in every block_actions payload, so the baseline gets requests of the same
    size (parsing the form body is a good part of bolt's own work per click)."""
    sys.path.insert(0, str(ROOT))
    from adapters.slack.blocks import render
    from dialogs import checkin
    from dialogs.banks import load_banks
    from dialogs.messages import PersonRef

    person = PersonRef(1, "u0@example.org", "User 0", "en", "Europe/Amsterdam", "U00000")
    bank = load_banks(())["workload"]
    state = checkin.CheckinState(1, "workload", tuple(q.question_id for q in bank.questions))
    out = checkin.prompt(state, checkin.Context(person=person, bank=bank, manager_name="Boss"))
    return {"ts": "1800000000.000001", "blocks": render(out)["blocks"]}


# ---- load ----------------------------------------------------------------------------------


@dataclass
class Result:
    variant: str
    mode: str
    latencies: list[float]
    seconds: float
    errors: int
    # chat.postMessage and chat.update calls the fake API saw while the clicks were timed:
    # the work the bot did alongside its acks.
    api_calls: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(variant: str, mode: str, url: str, api: str, args: argparse.Namespace) -> Result:
    counter = itertools.count()
    ids = itertools.count(1)
    latencies: list[float] = []
    errors = 0

    async def post(session: ClientSession, body: str) -> float:
        nonlocal errors
        started = time.perf_counter()
        async with session.post(url, data=body.encode(), headers=signed(body)) as response:
            await response.read()
            if response.status != 200:
                errors += 1
        return time.perf_counter() - started

    async def newest(session: ClientSession, user: str, after: str) -> dict[str, Any]:
        async with session.get(f"{api}/next/D{user}", params={"after": after}) as response:
            message: dict[str, Any] = await response.json()
            return message

    async def person(session: ClientSession, user: str) -> None:
        await post(session, command_body(user, "checkin workload", next(ids), api))
        message = await newest(session, user, "")
        while True:
            element = first_answer(message)
            if element is None:  # the check-in is over: start the next one (not timed)
                await post(session, command_body(user, "checkin workload", next(ids), api))
            elif next(counter) < args.requests:
                latencies.append(await post(session, click_body(user, message, element, next(ids))))
            else:
                return
            message = await newest(session, user, message["ts"])

    async def burst(session: ClientSession, user: str) -> None:
        message = sample_prompt()
        if variant == "jaarrond":
            await post(session, command_body(user, "checkin workload", next(ids), api))
            message = await newest(session, user, "")
        element = first_answer(message)
        assert element is not None
        await post(session, click_body(user, message, element, next(ids)))  # warm-up
        while next(counter) < args.requests:
            latencies.append(await post(session, click_body(user, message, element, next(ids))))

    async def work_calls(session: ClientSession) -> int:
        async with session.get(f"{api}/stats") as response:
            calls = await response.json()
        return int(calls.get("chat.postMessage", 0)) + int(calls.get("chat.update", 0))

    pool = TCPConnector(limit=2 * args.concurrency)
    async with ClientSession(connector=pool, timeout=ClientTimeout(60)) as session:
        users = [f"U{i:05d}" for i in range(args.concurrency)]
        run = person if mode == "person" else burst
        before = await work_calls(session)
        started = time.perf_counter()
        await asyncio.gather(*(run(session, user) for user in users))
        seconds = time.perf_counter() - started
        calls = await work_calls(session) - before
    return Result(variant, mode, latencies, seconds, errors, calls)


async def run_variant(variant: str, mode: str, api: str, args: argparse.Namespace) -> Result:
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url and variant != "bolt" else ""
    if schema:
        await _schema(args.database_url, f'CREATE SCHEMA "{schema}"')
    extra = ["--api-url", f"{api}/api/", "--database-url", args.database_url, "--schema", schema]
    extra += ["--work", str(args.work)] + (["--gc-freeze"] if args.gc_freeze else [])
    process, port = await spawn(variant, args, *extra)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        return await asyncio.wait_for(load(variant, mode, url, api, args), timeout=args.timeout)
    finally:
        process.kill()
        await process.wait()
        if schema:
            await _schema(args.database_url, f'DROP SCHEMA "{schema}" CASCADE')


async def _schema(database_url: str, statement: str) -> None:
    """A PostgreSQL schema per run, so every run starts from an empty database."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from bot.config import normalise_database_url
    from bot.storage.database import Database

    admin = Database(normalise_database_url(database_url))
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def drive(args: argparse.Namespace) -> None:
    fake, port = await spawn("fake", args)
    api = f"http://127.0.0.1:{port}"
    modes = ("person", "burst") if args.mode == "both" else (args.mode,)
    runs = [("bolt", "burst"), *(("jaarrond", mode) for mode in modes)]
    rounds: list[list[Result]] = []
    try:
        for number in range(args.rounds):
            # Rotate the order each round, so a noisy neighbour does not hit one variant only.
            order = runs[number % len(runs) :] + runs[: number % len(runs)]
            results = {}
            for variant, mode in order:
                result = await run_variant(variant, mode, api, args)
                results[(variant, mode)] = result
                print(f"  round {number + 1}: {variant} ({mode}) done", file=sys.stderr)
            rounds.append([results[run] for run in runs])
    finally:
        fake.kill()
        await fake.wait()
    report(rounds, args)


def report(rounds: list[list[Result]], args: argparse.Namespace) -> None:
    database = args.database_url.split("@")[-1] if args.database_url else "temporary SQLite file"
    print(
        f"Slack block_actions acks, {args.concurrency} concurrent clients, {args.requests} "
        f"clicks per run, median of {len(rounds)} rounds, {os.cpu_count()} CPUs, loopback; "
        f"jaarrond on {database}{'; gc.freeze() after start-up' if args.gc_freeze else ''}"
    )
    header = (
        f"{'variant':<20} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'errors':>6} {'api calls':>9} {'p99 x bolt':>10}"
    )
    print(header)
    print("-" * len(header))
    for column in range(len(rounds[0])):
        runs = [results[column] for results in rounds]
        ratios = [results[column].pct(0.99) / results[0].pct(0.99) for results in rounds]
        name = f"{runs[0].variant} ({runs[0].mode})"
        print(
            f"{name:<20} {_median(r.rate for r in runs):>7.0f} "
            f"{_median(r.pct(0.50) for r in runs):>7.1f} "
            f"{_median(r.pct(0.99) for r in runs):>7.1f} "
            f"{max(max(r.latencies) for r in runs) * 1000:>7.1f} "
            f"{sum(r.errors for r in runs):>6} {_median(r.api_calls for r in runs):>9.0f} "
            f"{_median(ratios):>10.2f}"
        )
    print("api calls: chat.postMessage + chat.update made while the clicks were timed")
    print("p99 x bolt: the median over rounds of p99 / the same round's bolt p99")
    print("target: p99 within 1.3x the bare bolt app's, and far inside Slack's 3,000 ms")


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=("person", "burst", "both"), default="both")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument(
        "--work", type=int, default=8, help="jobs the adapter runs at once (PostgreSQL only)"
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up, in both servers"
    )
    parser.add_argument("--serve", choices=("fake", "bolt", "jaarrond"), help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--schema", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        child(args)
        return
    asyncio.run(drive(args))


if __name__ == "__main__":
    main()
