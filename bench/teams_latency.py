"""What a person submitting cards in Teams feels, against a bare botbuilder bot: how fast
/api/messages answers a submit, and how long until the next card reaches Teams.

Each variant runs in its own process (so a start-up patch in one cannot leak into another)
and points at one fake Bot Connector on loopback, served by this process together with the
load: 50 concurrent people, each submitting, waiting until the bot's next message reaches
the connector, and submitting again. Variants:

  botbuilder            bare CloudAdapter + ActivityHandler echo bot (the baseline); its
                        "next message" is the echo
  botbuilder+speedups   the same bot with adapters.teams.speedups applied
  jaarrond              the whole bot (engine, SQLite, Adaptive Cards): each submit answers a
                        check-in question, replaces the answered card (PUT) and sends the
                        next; the request is answered once it is authenticated and queued
  jaarrond-no-speedups  the same, with the speedups switched off
  before                (with --before DIR) the whole bot served from the code in DIR
  agents                (with --agents-python PY) a bare Microsoft 365 Agents SDK echo bot
                        (botbuilder's successor, microsoft-agents-hosting-aiohttp), served by
                        the interpreter PY of an environment that has it installed

"ack" is the HTTP request's latency; "next" the time from sending a submit until the bot's
next message (the next card, or the echo) reaches the connector; req/s counts submits
whose next message arrived.
Run: .venv/bin/python bench/teams_latency.py [--requests 2000] [--concurrency 50]
     [--before DIR] [--agents-python PY] [--smoke]
Loopback only; bounded by --requests per variant and --timeout seconds per variant.
--smoke: a few seconds at a small size; exits non-zero on an error or a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import smoke
from aiohttp import ClientSession, ClientTimeout, TCPConnector, web
from latency import percentile_ms

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = (
    "botbuilder",
    "botbuilder+speedups",
    "jaarrond",
    "jaarrond-no-speedups",
    "before",
    "agents",
)
DEFAULT_VARIANTS = VARIANTS[:4]
TENANT = "bench-tenant"


# ---- the fake Bot Connector --------------------------------------------------------------


@dataclass
class Connector:
    """Answers like the Bot Connector; remembers the last card sent to each conversation."""

    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    last_card: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: int = 0
    # Per conversation: messages and cards posted so far, when the last one came, and an
    # event set on each, for the people waiting for the bot's next message.
    posted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    carded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    arrived: dict[str, float] = field(default_factory=dict)
    changed: dict[str, asyncio.Event] = field(default_factory=lambda: defaultdict(asyncio.Event))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities", self.post)
        app.router.add_post("/v3/conversations/{cid}/activities/{reply_to}", self.post)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self.put)
        return app

    async def post(self, request: web.Request) -> web.Response:
        self.calls += 1
        body = await request.json()
        activity_id = f"a{next(self.ids)}"
        conversation = request.match_info["cid"]
        for attachment in body.get("attachments") or []:
            card = attachment.get("content") or {}
            self.last_card[conversation] = {"id": activity_id, "card": card}
            self.carded[conversation] += 1
        self.posted[conversation] += 1
        self.arrived[conversation] = time.time()
        self.changed[conversation].set()
        return web.json_response({"id": activity_id})

    async def wait(self, counts: dict[str, int], conversation: str, seen: int) -> float:
        """When the conversation's count passed `seen` (at most 60 s from now)."""
        deadline = time.monotonic() + 60
        while counts[conversation] <= seen:
            event = self.changed[conversation]
            event.clear()
            await asyncio.wait_for(event.wait(), timeout=max(0.0, deadline - time.monotonic()))
        return self.arrived[conversation]

    async def put(self, request: web.Request) -> web.Response:
        self.calls += 1
        await request.read()
        return web.json_response({"id": request.match_info["aid"]})


# ---- activities ----------------------------------------------------------------------------


def activity(n: int, user: int, service_url: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"in-{n}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": f"29:user-{user}", "aadObjectId": f"aad-{user}", "name": f"User {user}"},
        "recipient": {"id": "28:bench-bot", "name": "Jaarrond"},
        "conversation": {"id": f"conv-{user}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        **fields,
    }


def _submits(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit":
                found.append(node.get("data") or {})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def answer_for(card: dict[str, Any]) -> dict[str, Any] | None:
    """The submit a person would send for this card: the first real answer on it."""
    for data in _submits(card):
        ours = data.get("jaarrond") or {}
        if ours.get("value") in ("skip", "later", "stop"):
            continue
        if "input" in ours:
            return {**data, ours["input"]: "Goed" if "choice" not in ours["input"] else "1"}
        if ours.get("token"):
            return data
    return None


# ---- load ----------------------------------------------------------------------------------


@dataclass
class Result:
    variant: str
    latencies: list[float]
    seconds: float
    errors: int
    server_cpu: float  # seconds of CPU the server process used while measured
    nexts: list[float] = field(default_factory=list)
    # People who stopped early: --timeout, or no next message within 60 s.
    stuck: int = 0

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu / len(self.latencies) * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        return percentile_ms(self.latencies, q)

    def next_pct(self, q: float) -> float:
        return percentile_ms(self.nexts, q)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux); 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(
    variant: str,
    url: str,
    connector: Connector,
    service_url: str,
    total: int,
    clients: int,
    server_pid: int,
    timeout: float,
) -> Result:
    jaarrond = variant.startswith("jaarrond") or variant == "before"
    counter = itertools.count()
    ids = itertools.count(1)
    latencies: list[float] = []
    nexts: list[float] = []
    errors = 0

    async def post(session: ClientSession, body: dict[str, Any]) -> float:
        nonlocal errors
        started = time.perf_counter()
        async with session.post(url, json=body) as response:
            await response.read()
            if response.status >= 300:
                errors += 1
        return time.perf_counter() - started

    async def submit(session: ClientSession, body: dict[str, Any], user: int) -> None:
        """Post a submit; wait until the bot's next message (a card for Jaarrond) is there."""
        conversation = f"conv-{user}"
        counts = connector.carded if jaarrond else connector.posted
        seen = counts[conversation]
        sent = time.time()
        latencies.append(await post(session, body))
        nexts.append(await connector.wait(counts, conversation, seen) - sent)

    async def client(session: ClientSession, user: int) -> None:
        while True:
            if not jaarrond:
                if next(counter) >= total:
                    return
                value = {"jaarrond": {"token": "c1.0", "value": "3"}}
                body = activity(next(ids), user, service_url, value=value, replyToId="card-1")
                await submit(session, body, user)
                continue
            conversation = f"conv-{user}"
            last = connector.last_card.get(conversation)
            data = answer_for(last["card"]) if last else None
            if data is None or last is None:
                # No open question: start a check-in (typed; not counted as a submit).
                seen = connector.carded[conversation]
                body = activity(next(ids), user, service_url, text="checkin workload")
                await post(session, body)
                await connector.wait(connector.carded, conversation, seen)
                continue
            if next(counter) >= total:
                return
            body = activity(next(ids), user, service_url, value=data, replyToId=last["id"])
            await submit(session, body, user)

    connector_pool = TCPConnector(limit=clients)
    async with ClientSession(connector=connector_pool, timeout=ClientTimeout(60)) as session:
        # Warm up (imports, first connections, JIT-less caches) before the clock starts.
        warm = itertools.count()
        for user in range(clients):
            if jaarrond:
                seen = connector.carded[f"conv-{user}"]
                await post(session, activity(next(ids), user, service_url, text="checkin workload"))
                await connector.wait(connector.carded, f"conv-{user}", seen)
            else:
                value = {"jaarrond": {"token": "c1.0", "value": "3"}}
                await post(session, activity(next(warm) + 10**9, user, service_url, value=value))
        started = time.perf_counter()
        cpu_before = cpu_seconds(server_pid)
        people = [asyncio.ensure_future(client(session, user)) for user in range(clients)]
        done, late = await asyncio.wait(people, timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        stuck = len(late) + sum(1 for task in done if task.exception() is not None)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(server_pid) - cpu_before
    return Result(variant, latencies, seconds, errors, cpu, nexts, stuck)


# ---- the servers under test (child processes) ----------------------------------------------


def serve_bare(port: int, speedups: bool) -> web.Application:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class EchoBot(ActivityHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            value = json.dumps(turn_context.activity.value)
            await turn_context.send_activity(f"echo {value}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    if speedups:
        from adapters.teams.speedups import speed_up

        speed_up(adapter)
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def serve_agents() -> web.Application:
    """The same echo bot on the Microsoft 365 Agents SDK (anonymous, as the bare bots)."""
    from microsoft_agents.hosting.aiohttp import CloudAdapter as AgentsAdapter
    from microsoft_agents.hosting.core import ActivityHandler as AgentsHandler
    from microsoft_agents.hosting.core import TurnContext as AgentsContext
    from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider
    from microsoft_agents.hosting.core.security import OutboundHostValidator

    class EchoAgent(AgentsHandler):  # type: ignore[misc]
        async def on_message_activity(self, turn_context: AgentsContext) -> None:
            value = json.dumps(turn_context.activity.value)
            await turn_context.send_activity(f"echo {value}")

    class Anonymous:
        """Connections without credentials, as the bare botbuilder bots run (no app id)."""

        def get_connection(self, name: str) -> Any:
            return AnonymousTokenProvider()

        def get_default_connection(self) -> Any:
            return AnonymousTokenProvider()

        def get_token_provider(self, claims_identity: Any, service_url: str) -> Any:
            return AnonymousTokenProvider()

        def get_default_connection_configuration(self) -> Any:
            return None

    # The fake connector is on loopback, which the SDK refuses by default.
    validator = OutboundHostValidator(enabled=False)
    adapter = AgentsAdapter(connection_manager=Anonymous(), host_validator=validator)
    agent = EchoAgent()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, agent)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


async def serve_jaarrond(
    speedups: bool, users: int, database_url: str, schema: str, limits: str
) -> web.Application:
    """`limits` "off": no per-tenant limit in our limiter (the per-conversation ones stay)."""
    from adapters.teams import TeamsAdapter
    from bot.bootstrap import build_app
    from bot.clock import SystemClock
    from bot.config import load_settings, normalise_database_url
    from bot.org.organisation import import_org
    from bot.storage.database import Database
    from bot.storage.teams_references import DatabaseReferenceStore
    from bot.web import build_web_app

    if not database_url:
        folder = tempfile.mkdtemp(prefix="jaarrond-bench-")
        database_url = f"sqlite:///{folder}/bench.db"
    url = normalise_database_url(database_url)
    settings = load_settings({"JAARROND_DATABASE_URL": url})
    connect_args = {"server_settings": {"search_path": schema}} if schema else {}
    db = Database(url, connect_args=connect_args)
    clock = SystemClock()
    app = build_app(settings, clock, db=db)
    await db.upgrade()
    rows = ["email,name,manager_email,locale,timezone,teams_user_id"]
    rows.append("boss@example.org,Boss,,en,Europe/Amsterdam,29:boss")
    rows += [
        f"u{i}@example.org,User {i},boss@example.org,en,Europe/Amsterdam,29:user-{i}"
        for i in range(users)
    ]
    await import_org(app.db, "\n".join(rows) + "\n", clock.now())
    teams = TeamsAdapter(
        app_id="",
        app_password="",
        references=DatabaseReferenceStore(app.db, clock),
        speedups=speedups,
        **({"requests_per_second": 0.0} if limits == "off" else {}),
    )
    app.add_adapter(teams)
    await teams.start()
    return build_web_app(app.db, [teams.route_hook()])


def child(variant: str, args: argparse.Namespace) -> None:
    """Serve one variant on a free loopback port; print the port, run until killed.
    Jaarrond comes from PYTHONPATH (this checkout, or the one given with --before)."""

    async def main() -> None:
        if variant.startswith("jaarrond") or variant == "before":
            app = await serve_jaarrond(
                variant != "jaarrond-no-speedups",
                args.concurrency,
                args.database_url,
                args.schema,
                args.limits,
            )
        elif variant == "agents":
            app = serve_agents()
        else:
            app = serve_bare(0, variant.endswith("speedups"))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# ---- driver --------------------------------------------------------------------------------


async def run_variant(
    variant: str, connector: Connector, service_url: str, args: argparse.Namespace
) -> Result:
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url else ""
    python = args.agents_python if variant == "agents" else sys.executable
    command = [python, __file__, "--serve", variant, "--concurrency", str(args.concurrency)]
    command += ["--database-url", args.database_url, "--schema", schema]
    command += ["--limits", args.limits]
    if schema:
        await _schema(args.database_url, f'CREATE SCHEMA "{schema}"')
    code = Path(args.before) if variant == "before" else ROOT
    env = {**os.environ, "PYTHONPATH": str(code)}
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, env=env, cwd=str(code)
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
        url = f"http://127.0.0.1:{int(line)}/api/messages"
        return await load(
            variant,
            url,
            connector,
            service_url,
            args.requests,
            args.concurrency,
            process.pid,
            args.timeout,
        )
    finally:
        process.kill()
        await process.wait()
        if schema:
            await _schema(args.database_url, f'DROP SCHEMA "{schema}" CASCADE')


async def _schema(database_url: str, statement: str) -> None:
    """A PostgreSQL schema per variant, so every run starts from an empty database."""
    from sqlalchemy import text

    from bot.config import normalise_database_url
    from bot.storage.database import Database

    admin = Database(normalise_database_url(database_url))
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def drive(args: argparse.Namespace) -> list[Result]:
    connector = Connector()
    runner = web.AppRunner(connector.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    service_url = f"http://127.0.0.1:{port}/"
    results = []
    try:
        for variant in args.variants:
            result = await run_variant(variant, connector, service_url, args)
            results.append(result)
            print(f"  {variant}: done ({len(result.latencies)} submits)", file=sys.stderr)
    finally:
        await runner.cleanup()
    report(results, args)
    return results


def report(results: list[Result], args: argparse.Namespace) -> None:
    base = next((r for r in results if r.variant == "botbuilder"), results[0])
    print(
        f"/api/messages card submits, {args.concurrency} concurrent clients, "
        f"{args.requests} requests per variant, {os.cpu_count()} CPUs, loopback"
    )
    database = args.database_url.split("@")[-1] if args.database_url else "temporary SQLite file"
    print(f"jaarrond database: {database}; per-tenant limit {args.limits}")
    header = (
        f"{'variant':<22} {'req/s':>7} {'x bare':>6} {'ack p50':>8} {'ack p99':>8} "
        f"{'x bare':>6} {'next p50':>8} {'next p99':>8} {'x bare':>6} {'errors':>6} "
        f"{'CPU ms/req':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        name = r.variant + ("*" if r.stuck else "")
        print(
            f"{name:<22} {r.rate:>7.1f} {r.rate / base.rate:>6.2f} {r.pct(0.50):>8.1f} "
            f"{r.pct(0.99):>8.1f} {r.pct(0.99) / base.pct(0.99):>6.2f} "
            f"{r.next_pct(0.50):>8.1f} {r.next_pct(0.99):>8.1f} "
            f"{r.next_pct(0.99) / base.next_pct(0.99):>6.2f} {r.errors:>6} {r.cpu_ms:>10.1f}"
        )
    print(
        "ms; x bare: against the bare botbuilder echo bot in this run (req/s, ack p99, next "
        "p99); CPU ms/req: the server process's CPU time per measured submit"
    )
    for r in results:
        if r.stuck:
            print(
                f"* {r.variant}: {r.stuck} of {args.concurrency} people stopped early "
                f"(--timeout {args.timeout:g} s, or no next message within 60 s); "
                f"{len(r.nexts)} submits measured"
            )
    print("target: req/s >= 3x the bare bot's, p99 <= the bare bot's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per variant")
    parser.add_argument("--variants", nargs="+", default=list(DEFAULT_VARIANTS), choices=VARIANTS)
    parser.add_argument(
        "--before", default="", help="also serve the bot from the code in this directory"
    )
    parser.add_argument(
        "--limits",
        choices=("default", "off"),
        default="default",
        help="the Bot Connector's 50 requests a second per tenant in our limiter, or off",
    )
    parser.add_argument(
        "--agents-python",
        default="",
        help="an interpreter with microsoft-agents-hosting-aiohttp, for the agents variant",
    )
    parser.add_argument(
        "--database-url", default="", help="for the jaarrond variants (default: a temporary SQLite)"
    )
    parser.add_argument("--schema", default="", help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=VARIANTS, help=argparse.SUPPRESS)
    args = smoke.parse(
        parser, requests=100, concurrency=10, timeout=60.0, variants=["botbuilder", "jaarrond"]
    )
    if args.serve:
        child(args.serve, args)
        return
    if args.before and "before" not in args.variants:
        args.variants.append("before")
    if args.agents_python and "agents" not in args.variants:
        args.variants.append("agents")
    results = asyncio.run(drive(args))
    failed = [f"{r.variant}: {r.errors} requests failed" for r in results if r.errors]
    failed += [
        f"{r.variant}: {len(r.nexts)} of {args.requests} submits answered"
        for r in results
        if len(r.nexts) < args.requests
    ]
    if failed:
        raise SystemExit("\n".join(failed))


if __name__ == "__main__":
    main()
