"""Load run: 30 minutes of organisation time, compressed, against two instances on PostgreSQL.

Two `jaarrond run` processes (the real runner: scheduler, outbox, Slack adapter, HTTP server)
share one PostgreSQL database and a fake Slack Web API in this process. Their clocks run
`--speed` times faster than the wall clock from the same moment, and they tick that much more
often. The organisation has a weekly check-in per department, due five minutes apart over
the half hour; people answer in their DM (through either instance, alternately) and stop the
check-in; managers ask for their digest.

Checked: every planned prompt was posted exactly once (none lost, none duplicated: each
prompt's key appears once in the DMs), every outbox prompt ended `sent`. Reported: the
Prometheus metrics of both instances before and after, and their memory (RSS) right after
start-up and at the end. Exit status 1 when a prompt was lost or duplicated.

    python bench/load_run.py [--people 300] [--minutes 30] [--speed 10]

Needs PostgreSQL: JAARROND_BENCH_DATABASE_URL or JAARROND_TEST_DATABASE_URL (a database
`jaarrond_load_PID` is created beside it and dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import smoke  # noqa: E402

SECRET = "load-run-signing-secret-0123456789"
TOKEN = "xoxb-load-run"
START = datetime(2027, 3, 22, 7, 58, tzinfo=UTC)  # Monday 08:58 in Amsterdam
DEPARTMENTS = 6


# ---- one instance (a child process) ---------------------------------------------------------


class AcceleratedClock:
    """Organisation time: START at wall time `epoch`, running `speed` times faster."""

    def __init__(self, start: datetime, epoch: float, speed: float) -> None:
        self.start, self.epoch, self.speed = start, epoch, speed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=max(0.0, time.time() - self.epoch) * self.speed)


def instance() -> int:
    from bot import runner
    from bot.bootstrap import build_app, ensure_schema
    from bot.config import load_settings, read_environment
    from bot.logs import configure_logging

    settings = load_settings(read_environment(None))
    configure_logging(settings)
    speed = float(os.environ["LOAD_SPEED"])
    clock = AcceleratedClock(START, float(os.environ["LOAD_EPOCH"]), speed)

    async def main() -> int:
        app = build_app(settings, clock)
        await ensure_schema(app)
        try:
            return await runner.run(app, None)
        finally:
            await app.db.dispose()

    return asyncio.run(main())


# ---- the organisation ------------------------------------------------------------------------


def org_csv(people: int) -> str:
    lines = ["email,name,manager_email,department,timezone,slack_user_id"]
    for i in range(people):
        department = i % DEPARTMENTS
        manager = f"p{department:05d}@example.org" if i >= DEPARTMENTS else ""
        lines.append(
            f"p{i:05d}@example.org,Person {i},{manager},Dept {department},Europe/Amsterdam,U{i:05d}"
        )
    return "\n".join(lines) + "\n"


def schedules_yaml() -> str:
    items = []
    for department in range(DEPARTMENTS):
        items.append(
            f"""  - id: dept-{department}
    theme: workload
    cadence: weekly
    day: mon
    time: "09:{department * 5:02d}"
    audience:
      department: Dept {department}
"""
        )
    return "schedules:\n" + "".join(items)


# ---- the people, answering in Slack ----------------------------------------------------------


@dataclass
class Simulation:
    instances: list[str]
    posts: asyncio.Queue[tuple[str, dict[str, Any]]] = field(default_factory=asyncio.Queue)
    seen: Counter[str] = field(default_factory=Counter)
    answered: int = 0
    events: int = 0
    failures: int = 0

    async def event(self, http: Any, user: str, text: str) -> None:
        from slack_sdk.signature import SignatureVerifier

        self.events += 1
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T0001",
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": f"EvLoad{self.events:08d}",
                "event_time": int(time.time()),
                "event": {
                    "type": "message",
                    "channel": "D" + user,
                    "channel_type": "im",
                    "user": user,
                    "text": text,
                    "ts": f"1700000000.{self.events:06d}",
                },
            }
        )
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=stamp, body=body
            ),
        }
        url = self.instances[self.events % len(self.instances)] + "/slack/events"
        async with http.post(url, data=body.encode(), headers=headers) as response:
            if response.status != 200:
                self.failures += 1

    async def people(self, http: Any) -> None:
        """The first question gets a 4, the second a stop; managers then read their digest."""
        while True:
            channel, _ = await self.posts.get()
            user = channel[1:]
            self.seen[user] += 1
            if self.seen[user] == 1:
                await self.event(http, user, "4")
                self.answered += 1
            elif self.seen[user] == 2:
                await self.event(http, user, "stop")
                if int(user[1:]) < DEPARTMENTS:
                    await self.event(http, user, "digest")


def fake_slack(people: int, simulation: Simulation) -> Any:
    from tests.support.slack import member
    from tests.support.slack_fake_api import FakeSlackApi

    class RecordingSlack(FakeSlackApi):
        def _chat_postMessage(self, params: dict[str, Any], token: str) -> dict[str, Any]:
            answer = super()._chat_postMessage(params, token)
            if params.get("metadata"):
                simulation.posts.put_nowait((str(params["channel"]), params))
            return answer

    users = [member(f"U{i:05d}", f"p{i:05d}@example.org") for i in range(people)]
    return RecordingSlack(users=users)


# ---- the run ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(body: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


async def scrape(http: Any, urls: list[str]) -> list[str]:
    bodies = []
    for url in urls:
        async with http.get(url + "/metrics") as response:
            bodies.append(await response.text())
    return bodies


async def wait_ready(http: Any, url: str, process: asyncio.subprocess.Process) -> None:
    for _ in range(300):
        if process.returncode is not None:
            raise RuntimeError(f"instance at {url} exited with {process.returncode}")
        try:
            async with http.get(url + "/readyz") as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"instance at {url} never became ready")


async def load_run(args: argparse.Namespace, base_url: str) -> int:
    import aiohttp
    from sqlalchemy import func, select, text

    from bot.config import normalise_database_url
    from bot.org.organisation import import_org
    from bot.schedules.store import apply_schedules
    from bot.storage.database import Database
    from bot.storage.models import Answer, Occurrence, OutboxMessage
    from bot.storage.sealed import generate_key, install_keys
    from dialogs.banks import load_banks

    # Personal text is sealed at rest: this process and both instances share one key.
    key = generate_key()
    install_keys([key])

    database = f"jaarrond_load_{os.getpid()}"
    admin = Database(normalise_database_url(base_url))
    async with admin.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        await conn.execute(text(f"CREATE DATABASE {database}"))
    url = base_url.rsplit("/", 1)[0] + "/" + database
    db = Database(normalise_database_url(url))
    await db.upgrade()
    await import_org(db, org_csv(args.people), START - timedelta(hours=1))
    await apply_schedules(db, schedules_yaml(), load_banks(()).keys(), START - timedelta(hours=1))

    simulation = Simulation([])
    slack = await fake_slack(args.people, simulation).start()
    ports = [free_port() for _ in range(2)]
    simulation.instances = [f"http://127.0.0.1:{port}" for port in ports]
    epoch = time.time() + 10  # both clocks start together, after both processes are up
    processes = []
    for port in ports:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "JAARROND_DATABASE_URL": url,
            "JAARROND_PORT": str(port),
            "JAARROND_PROFILE": "production",
            "JAARROND_DATA_KEYS": key,
            # A tick a minute of organisation time, as in production.
            "JAARROND_TICK_SECONDS": str(60 / args.speed),
            "JAARROND_LOG_LEVEL": "WARNING",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "LOAD_SPEED": str(args.speed),
            "LOAD_EPOCH": str(epoch),
        }
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--instance", env=env, cwd=ROOT
            )
        )
    code = 1
    try:
        async with aiohttp.ClientSession() as http:
            for process, base in zip(processes, simulation.instances, strict=True):
                await wait_ready(http, base, process)
            await asyncio.sleep(max(0.0, epoch - time.time()))
            before = await scrape(http, simulation.instances)
            rss_before = [rss_mib(p.pid) for p in processes]
            people = asyncio.create_task(simulation.people(http))
            real_seconds = args.minutes * 60 / args.speed
            started = time.monotonic()
            print(f"running {args.minutes} organisation minutes in {real_seconds:.0f} s ...")
            # Memory at half time too: growth from there on would be a leak, not warming up.
            await asyncio.sleep(real_seconds / 2)
            rss_middle = [rss_mib(p.pid) for p in processes]
            await asyncio.sleep(real_seconds / 2)
            # Let the last answers and sends settle (a few ticks).
            await asyncio.sleep(3 * max(1, round(60 / args.speed)))
            after = await scrape(http, simulation.instances)
            rss_after = [rss_mib(p.pid) for p in processes]
            people.cancel()
            took = time.monotonic() - started
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.wait_for(process.wait(), timeout=60)

        async with db.session() as session:
            occurrences = int(await session.scalar(select(func.count(Occurrence.id))) or 0)
            prompts = Counter(
                str(s)
                for s in await session.scalars(
                    select(OutboxMessage.status).where(OutboxMessage.kind == "prompt")
                )
            )
            answers = int(await session.scalar(select(func.count(Answer.id))) or 0)
            refs = list(
                await session.scalars(
                    select(OutboxMessage.message_ref).where(
                        OutboxMessage.kind == "prompt", OutboxMessage.status == "sent"
                    )
                )
            )
        # A prompt posted twice (by both instances, or resent) is the same message again in
        # the same DM: same blocks, same key.
        copies = Counter(
            (p.channel, json.dumps(p.blocks, sort_keys=True), json.dumps(p.metadata))
            for p in slack.messages.values()
        )
        prompt_posts = [slack.messages.get((r["channel"], r["message_id"])) for r in refs if r]
        duplicated = sum(
            copies[(p.channel, json.dumps(p.blocks, sort_keys=True), json.dumps(p.metadata))] - 1
            for p in prompt_posts
            if p is not None
        )
        posted = {(c, ts) for (c, ts) in slack.messages}
        lost = [
            ref
            for ref in refs
            if ((ref or {}).get("channel"), (ref or {}).get("message_id")) not in posted
        ]
        print(f"wall time for the window: {took:.0f} s (speed {args.speed}x), {args.people} people")
        print(f"check-ins planned: {occurrences}; outbox prompts by status: {dict(prompts)}")
        print(f"prompts posted to Slack: {len(refs)}; lost: {len(lost)}; duplicated: {duplicated}")
        print(
            f"answers stored: {answers}; events sent by people: {simulation.events} "
            f"(non-200: {simulation.failures})"
        )
        for metric, labels in (
            ("jaarrond_prompts_planned_total", {}),
            ("jaarrond_messages_sent_total", {"platform": "slack", "kind": "prompt"}),
            ("jaarrond_messages_failed_total", {"platform": "slack", "kind": "prompt"}),
            ("jaarrond_answers_received_total", {}),
            ("jaarrond_http_request_duration_seconds_count", {"route": "/slack/events"}),
        ):
            deltas = [
                sample(a, metric, **labels) - sample(b, metric, **labels)
                for a, b in zip(after, before, strict=True)
            ]
            print(f"metric {metric}: +{deltas[0]:.0f} / +{deltas[1]:.0f} (instance 1 / 2)")
        print(
            "outbox at the end: "
            f"{sample(after[0], 'jaarrond_outbox_messages', status='pending'):.0f} pending "
            "(reminders, due tomorrow), oldest overdue "
            f"{sample(after[0], 'jaarrond_outbox_oldest_pending_age_seconds'):.0f} s"
        )
        for i, (a, m, b) in enumerate(zip(rss_before, rss_middle, rss_after, strict=True), 1):
            print(
                f"instance {i} memory (RSS): {a:.1f} MiB after start-up, {m:.1f} MiB at half "
                f"time, {b:.1f} MiB at the end"
            )
        ok = (
            occurrences == args.people
            and prompts == Counter({"sent": args.people})
            and not lost
            and not duplicated
        )
        print("OK: no prompt lost or duplicated" if ok else "FAILED: lost or duplicated prompts")
        code = 0 if ok else 1
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await slack.close()
        await db.dispose()
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        await admin.dispose()
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--instance", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--speed", type=float, default=10)
    args = smoke.parse(parser, people=24, minutes=30, speed=60)
    if args.instance:
        return instance()
    base = os.environ.get("JAARROND_BENCH_DATABASE_URL") or os.environ.get(
        "JAARROND_TEST_DATABASE_URL", ""
    )
    if not base:
        print("load run skipped: set JAARROND_BENCH_DATABASE_URL to a PostgreSQL URL")
        return 0
    return asyncio.run(load_run(args, base))


if __name__ == "__main__":
    sys.exit(main())
