"""What a person clicking in Slack feels, against a bare bolt app: how fast the click is
acknowledged, and how long until the next question reaches Slack.

Slack gives an app three seconds to acknowledge an interaction. Jaarrond acknowledges first
and does the work (engine, database, the answered prompt replaced and the next question
posted through the click's response_url) afterwards, so its ack latency should stay close
to that of a bolt AsyncApp whose one action listener only acks; and the time to the next
question close to that of a bolt app that acks and answers at once through `respond`.

Three processes on loopback: a fake Slack Web API, the server under test (one variant at a
time, each on the same aiohttp server set-up: bot.web.build_web_app on an AppRunner), and
this driver with 50 concurrent clients sending signed block_actions requests. Variants:

  bolt       bare AsyncApp (the baseline): its action listener acks, and in person mode
             answers with the next question through bolt's `respond` (the same prompt
             message Jaarrond posts; Slack also sends it back with every click)
  jaarrond   the whole bot on a temporary SQLite file (or --database-url), built as
             `jaarrond run` builds it (bot.bootstrap.slack_adapter, limits from settings);
             with --fanout N a check-in prompt to N other people is being sent meanwhile
  before     (with --before DIR) the same, served from the code in DIR (an export of an
             older version), so a change is measured before and after in one run

Client behaviour (--mode):

  person     like people: read the newest prompt for --think seconds, click its first
             answer, wait until the bot has posted its next message, click again (a
             check-in is started with `/jaarrond checkin workload` when none is open; not
             timed). "next" is the time from sending a click until the next message
             reaches the fake Slack (stamped there, on the same machine's clock)
  burst      click the same button as fast as acks come back; the bot still does the
             work for each click (here: a polite refusal and a re-prompt), so work piles up
             behind the acks

The bolt baseline always runs as burst: it has nothing to wait for.
Each round runs every variant once (in a rotating order); the table shows medians over rounds,
because a shared machine is noisy.
Run: .venv/bin/python bench/slack_ack.py [--requests 2000] [--concurrency 50] [--rounds 3]
     [--limits default|off] [--fanout 2000] [--think 1.0] [--before DIR] [--smoke]
Bounded by --requests per run, --rounds and --timeout seconds per run; loopback only.
--smoke: a few seconds at a small size; exits non-zero on an error, a lost click or a
timeout.
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
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import smoke
from aiohttp import ClientSession, ClientTimeout, TCPConnector, web
from latency import percentile_ms

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
        app.router.add_post("/reset", self.reset)
        return app

    async def reset(self, request: web.Request) -> web.Response:
        """A new run: no DM holds a message from the previous variant."""
        self.latest.clear()
        return web.Response(text="ok")

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
            channel = str(params["channel"])
            blocks = params.get("blocks") or []
            if isinstance(blocks, str):  # form-encoded calls carry JSON as a string
                blocks = json.loads(blocks)
            ts = self.arrived(channel, blocks)
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        if method == "conversations.history":
            return web.json_response({"ok": True, "messages": [], "has_more": False})
        return web.json_response({"ok": True})

    def arrived(self, channel: str, blocks: list[Any]) -> str:
        """A new message in a DM: the newest, stamped with when it got here."""
        ts = f"1800000000.{next(self.ts):06d}"
        self.latest[channel] = {"ts": ts, "blocks": blocks, "at": time.time()}
        self.changed[channel].set()
        return ts

    async def respond(self, request: web.Request) -> web.Response:
        """A response_url post: replace_original changes the clicked message; anything else
        (the next question, an ephemeral reply to a command) is the newest in the DM."""
        self.calls["respond"] += 1
        message = await request.json()
        if not message.get("replace_original"):
            self.arrived(f"D{request.match_info['user']}", message.get("blocks") or [])
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


async def serve_bolt(api_url: str, answer: bool) -> web.Application:
    """`answer`: after the ack, post the next question through bolt's own `respond`."""
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

    prompt = sample_prompt()["blocks"]

    @bolt.action(re.compile(".*"))
    async def only_ack(ack: Any, respond: Any) -> None:
        await ack()
        if answer:
            await respond(blocks=prompt, response_type="in_channel", replace_original=False)

    @bolt.command("/jaarrond")
    async def command(ack: Any, respond: Any) -> None:
        await ack()
        await respond(blocks=prompt, response_type="ephemeral")

    async def events(request: web.Request) -> web.Response:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    def hook(app: web.Application) -> None:
        app.router.add_post("/slack/events", events)

    db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='slack-bench-')}/bare.db")
    return build_web_app(db, [hook])


async def serve_jaarrond(
    api_url: str, users: int, database_url: str, schema: str, limits: str, fanout: int
) -> web.Application:
    """The bot as `jaarrond run` wires it; with `fanout`, a check-in prompt to that many
    other people is being sent (the dispatcher, as the scheduler runs it) from the start."""
    from bot.bootstrap import build_app, slack_adapter
    from bot.clock import SystemClock
    from bot.config import load_settings, normalise_database_url
    from bot.org.organisation import import_org
    from bot.storage.database import Database
    from bot.storage.slack_channels import DatabaseDmChannelStore
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
    if limits == "off":
        env |= {
            "SLACK_WORKSPACE_MESSAGES_PER_SECOND": "0",
            "SLACK_CHANNEL_MESSAGES_PER_SECOND": "0",
        }
    settings = load_settings(env)
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    db = Database(url, connect_args=connect_args)
    clock = SystemClock()
    app = build_app(settings, clock, db=db)
    await db.upgrade()
    rows = ["email,name,manager_email,locale,timezone,slack_user_id,department"]
    rows.append("boss@example.org,Boss,,en,Europe/Amsterdam,UBOSS,Clicks")
    rows += [
        f"u{i}@example.org,User {i},boss@example.org,en,Europe/Amsterdam,U{i:05d},Clicks"
        for i in range(users)
    ]
    rows += [
        f"f{i}@example.org,Fan {i},boss@example.org,en,Europe/Amsterdam,F{i:05d},Fanout"
        for i in range(fanout)
    ]
    await import_org(app.db, "\n".join(rows) + "\n", clock.now())
    # A later week: the DM channels were opened (conversations.open, 50 a minute) before.
    store = DatabaseDmChannelStore(app.db, app.clock)
    await store.put_many({f"U{i:05d}": f"DU{i:05d}" for i in range(users)})
    await store.put_many({f"F{i:05d}": f"DF{i:05d}" for i in range(fanout)})
    slack = slack_adapter(app)
    app.add_adapter(slack)
    if fanout:
        await plan_fanout(app, clock.now())
    await slack.start()  # reads the DM channels stored above
    if fanout:
        app.fanout_task = asyncio.get_running_loop().create_task(send_fanout(app))  # type: ignore[attr-defined]
    return build_web_app(app.db, [slack.route_hook()])


async def plan_fanout(app: Any, now: Any) -> None:
    """A weekly check-in for the Fanout department, due this very minute."""
    from zoneinfo import ZoneInfo

    from bot.delivery.planner import plan
    from bot.schedules.store import apply_schedules

    local = (now - timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Amsterdam"))
    schedule = f"""
schedules:
  - id: fanout
    theme: workload
    cadence: weekly
    day: {local.strftime("%a").lower()}
    time: "{local.strftime("%H:%M")}"
    audience: {{department: Fanout}}
    working_days: [mon, tue, wed, thu, fri, sat, sun]
"""
    # Applied a while ago: a slot before a schedule existed is never sent.
    await apply_schedules(app.db, schedule, app.banks.keys(), now - timedelta(hours=1))
    due = await plan(app.db, now, app.banks, app.defaults)
    if not due:
        raise SystemExit("the fan-out planned nothing")


async def send_fanout(app: Any) -> None:
    """The dispatcher's loop, as the running bot has it, until everything is sent."""
    dispatcher = app.dispatcher()
    while True:
        report = await dispatcher.dispatch(limit=500)
        if not (report.sent or report.failed or report.recovered):
            await asyncio.sleep(0.5)


def child(args: argparse.Namespace) -> None:
    """Serve one variant (or the fake API) on a free loopback port; print it; run until killed.
    Jaarrond comes from PYTHONPATH (this checkout, or the one given with --before)."""

    async def main() -> None:
        if args.serve == "fake":
            app = FakeApi().app()
        elif args.serve == "bolt":
            app = await serve_bolt(args.api_url, args.answer)
        else:
            app = await serve_jaarrond(
                args.api_url,
                args.concurrency,
                args.database_url,
                args.schema,
                args.limits,
                args.fanout,
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


async def spawn(
    role: str, args: argparse.Namespace, *extra: str, code: Path = ROOT
) -> tuple[Any, int]:
    """A child serving `role`, importing Jaarrond from `code`."""
    command = [sys.executable, __file__, "--serve", role, "--concurrency", str(args.concurrency)]
    command += list(extra)
    env = {**os.environ, "PYTHONPATH": str(code)}
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, env=env, cwd=str(code)
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


def click_body(
    user: str, message: dict[str, Any], element: dict[str, Any], n: int, api: str
) -> str:
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
        "response_url": f"{api}/respond/{user}",
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
    # chat.postMessage, chat.update and response_url calls the fake API saw while the clicks
    # were timed: the work the bot did alongside its acks.
    api_calls: int = 0
    # Person mode: from sending a click to the next message reaching the fake Slack.
    nexts: list[float] = field(default_factory=list)
    # People who stopped early: the run hit --timeout, or a click got no next message
    # within the fake's 60 s long poll.
    stuck: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        return percentile_ms(self.latencies, q)

    def next_pct(self, q: float) -> float:
        return percentile_ms(self.nexts, q)


async def load(variant: str, mode: str, url: str, api: str, args: argparse.Namespace) -> Result:
    counter = itertools.count()
    ids = itertools.count(1)
    latencies: list[float] = []
    nexts: list[float] = []
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
            clicked = 0.0
            if element is None:  # the check-in is over: start the next one (not timed)
                await post(session, command_body(user, "checkin workload", next(ids), api))
            elif next(counter) < args.requests:
                await asyncio.sleep(args.think)  # reading the question
                body = click_body(user, message, element, next(ids), api)
                clicked = time.time()
                latencies.append(await post(session, body))
            else:
                return
            message = await newest(session, user, message["ts"])
            if clicked:
                nexts.append(message["at"] - clicked)

    async def burst(session: ClientSession, user: str) -> None:
        message = sample_prompt()
        if variant == "jaarrond":
            await post(session, command_body(user, "checkin workload", next(ids), api))
            message = await newest(session, user, "")
        element = first_answer(message)
        assert element is not None
        await post(session, click_body(user, message, element, next(ids), api))  # warm-up
        while next(counter) < args.requests:
            body = click_body(user, message, element, next(ids), api)
            latencies.append(await post(session, body))

    async def work_calls(session: ClientSession) -> int:
        async with session.get(f"{api}/stats") as response:
            calls = await response.json()
        return sum(int(calls.get(m, 0)) for m in ("chat.postMessage", "chat.update", "respond"))

    pool = TCPConnector(limit=2 * args.concurrency)
    async with ClientSession(connector=pool, timeout=ClientTimeout(60)) as session:
        users = [f"U{i:05d}" for i in range(args.concurrency)]
        run = person if mode == "person" else burst
        async with session.post(f"{api}/reset") as response:
            await response.read()
        before = await work_calls(session)
        started = time.perf_counter()
        people = [asyncio.ensure_future(run(session, user)) for user in users]
        done, late = await asyncio.wait(people, timeout=args.timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        stuck = len(late) + sum(1 for task in done if task.exception() is not None)
        seconds = time.perf_counter() - started
        calls = await work_calls(session) - before
    return Result(variant, mode, latencies, seconds, errors, calls, nexts, stuck)


async def run_variant(variant: str, mode: str, api: str, args: argparse.Namespace) -> Result:
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url and variant != "bolt" else ""
    if schema:
        await _schema(args.database_url, f'CREATE SCHEMA "{schema}"')
    extra = ["--api-url", f"{api}/api/", "--database-url", args.database_url, "--schema", schema]
    extra += ["--limits", args.limits, "--fanout", str(args.fanout)]
    extra += ["--gc-freeze"] if args.gc_freeze else []
    extra += ["--answer"] if mode == "person" else []
    code = Path(args.before) if variant == "before" else ROOT
    role = "bolt" if variant == "bolt" else "jaarrond"
    process, port = await spawn(role, args, *extra, code=code)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        return await load(variant, mode, url, api, args)
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
    ours = ["jaarrond", "before"] if args.before else ["jaarrond"]
    runs = [("bolt", mode) for mode in modes] + [(v, mode) for v in ours for mode in modes]
    rounds: list[list[Result]] = []
    try:
        for number in range(args.rounds):
            # Rotate the order each round, so a noisy neighbour does not hit one variant only.
            order = runs[number % len(runs) :] + runs[: number % len(runs)]
            results = {}
            for variant, mode in order:
                result = await run_variant(variant, mode, api, args)
                results[(variant, mode)] = result
                print(
                    f"  round {number + 1}: {variant} ({mode}) done: {result.rate:.1f} clicks/s, "
                    f"ack p99 {result.pct(0.99):.0f} ms, next p99 {result.next_pct(0.99):.0f} ms",
                    file=sys.stderr,
                )
            rounds.append([results[run] for run in runs])
    finally:
        fake.kill()
        await fake.wait()
    report(rounds, args)
    problems = failures(rounds, args)
    if problems:
        raise SystemExit("\n".join(problems))


def report(rounds: list[list[Result]], args: argparse.Namespace) -> None:
    database = args.database_url.split("@")[-1] if args.database_url else "temporary SQLite file"
    print(
        f"Slack block_actions, {args.concurrency} concurrent people, {args.requests} clicks "
        f"per run, median of {len(rounds)} rounds, {os.cpu_count()} CPUs, loopback; jaarrond "
        f"on {database}, limits {args.limits}, fan-out to {args.fanout} people meanwhile; "
        f"person mode reads {args.think:g} s before each click"
        f"{'; gc.freeze() after start-up' if args.gc_freeze else ''}"
    )
    header = (
        f"{'variant':<18} {'clicks/s':>8} {'ack p50':>7} {'ack p99':>7} {'ack max':>7} "
        f"{'x bolt':>6} {'next p50':>8} {'next p99':>8} {'next max':>8} {'x bolt':>6} "
        f"{'errors':>6} {'api calls':>9}"
    )
    print(header)
    print("-" * len(header))
    first = {r.mode: n for n, r in reversed(list(enumerate(rounds[0]))) if r.variant == "bolt"}
    for column in range(len(rounds[0])):
        runs = [results[column] for results in rounds]
        base = first[runs[0].mode]
        ack_x = [res[column].pct(0.99) / res[base].pct(0.99) for res in rounds]
        next_x = [res[column].next_pct(0.99) / res[base].next_pct(0.99) for res in rounds]
        name = f"{runs[0].variant} ({runs[0].mode})" + ("*" if any(r.stuck for r in runs) else "")
        print(
            f"{name:<18} {_median(r.rate for r in runs):>8.1f} "
            f"{_median(r.pct(0.50) for r in runs):>7.1f} "
            f"{_median(r.pct(0.99) for r in runs):>7.1f} "
            f"{max(max(r.latencies) for r in runs) * 1000:>7.1f} "
            f"{_median(ack_x):>6.2f} "
            f"{_median(r.next_pct(0.50) for r in runs):>8.1f} "
            f"{_median(r.next_pct(0.99) for r in runs):>8.1f} "
            f"{max(max(r.nexts, default=float('nan')) for r in runs) * 1000:>8.1f} "
            f"{_median(next_x):>6.2f} "
            f"{sum(r.errors for r in runs):>6} {_median(r.api_calls for r in runs):>9.0f}"
        )
    print("ms throughout; x bolt: the median over rounds of p99 / the same round's bare bolt")
    print("p99 (same mode); next: click sent -> next message at the fake Slack")
    print("api calls: chat.postMessage + chat.update + response_url posts while timed")
    for results in rounds:
        for r in results:
            if r.stuck:
                print(
                    f"* {r.variant} ({r.mode}): {r.stuck} of {args.concurrency} people stopped "
                    f"early (--timeout {args.timeout:g} s, or no next message within 60 s); "
                    f"{len(r.latencies)} clicks measured"
                )
    print(
        "targets: person mode >= 40 clicks/s and next p99 < 1,500 ms with the default limits "
        "during a 2,000-person fan-out, < 250 ms with limits off; burst ack p99 <= 1.1x bolt"
    )


def failures(rounds: list[list[Result]], args: argparse.Namespace) -> list[str]:
    """What makes a smoke run fail: errors, and clicks that got no next message."""
    problems = []
    for results in rounds:
        for r in results:
            if r.errors:
                problems.append(f"{r.variant} ({r.mode}): {r.errors} requests failed")
            if r.mode == "person" and len(r.nexts) != len(r.latencies):
                problems.append(f"{r.variant} ({r.mode}): a click got no next message")
            if r.stuck or len(r.latencies) < args.requests:
                problems.append(f"{r.variant} ({r.mode}): {len(r.latencies)} clicks timed")
    return problems


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
        "--limits",
        choices=("default", "off"),
        default="default",
        help="Slack's rate limits in our limiter: the defaults, or off (a fake API's speed)",
    )
    parser.add_argument(
        "--fanout", type=int, default=2000, help="people a check-in prompt goes to meanwhile"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds a person reads before clicking"
    )
    parser.add_argument(
        "--before", default="", help="also serve the bot from the code in this directory"
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up, in both servers"
    )
    parser.add_argument("--serve", choices=("fake", "bolt", "jaarrond"), help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--schema", default="", help=argparse.SUPPRESS)
    parser.add_argument("--answer", action="store_true", help=argparse.SUPPRESS)
    args = smoke.parse(
        parser, requests=60, concurrency=10, rounds=1, fanout=20, think=0.05, timeout=30.0
    )
    if args.serve:
        child(args)
        return
    asyncio.run(drive(args))


if __name__ == "__main__":
    main()
