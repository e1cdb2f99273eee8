"""Health, readiness and Prometheus metrics on the shared HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from bot import metrics
from bot.bootstrap import slack_adapter
from bot.clock import FixedClock
from bot.delivery.planner import plan
from bot.storage.database import Database, revisions
from bot.web import build_web_app
from dialogs.messages import Outbound, PersonRef
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.testbot import WEEKLY_ON_MONDAY, Testbot, apply

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class Client:
    def __init__(self, server: TestServer, http: aiohttp.ClientSession) -> None:
        self.server, self.http = server, http

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(str(self.server.make_url(path))) as response:
            return response.status, await response.text()

    async def scrape(self) -> Samples:
        status, body = await self.get("/metrics")
        assert status == 200
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body)
            for s in family.samples
        }


async def serve(db: Database, clock: FixedClock, **kwargs: object) -> AsyncIterator[Client]:
    server = TestServer(build_web_app(db, [], clock=clock, **kwargs), host="127.0.0.1")  # type: ignore[arg-type]
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Client(server, http)
    await server.close()


@pytest.fixture
async def client(testbot: Testbot) -> AsyncIterator[Client]:
    async for made in serve(testbot.app.db, testbot.clock):
        yield made


def delta(after: Samples, before: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def test_prompts_planned_sent_and_the_outbox_at_scrape_time(
    testbot: Testbot, client: Client
) -> None:
    await apply(testbot, WEEKLY_ON_MONDAY)
    before = await client.scrape()
    due_at = testbot.clock.now().replace(hour=8, minute=5)  # 09:05 in Amsterdam, Monday
    testbot.clock.set(due_at)
    due = await plan(testbot.app.db, due_at, testbot.app.banks, testbot.app.defaults)
    assert due
    testbot.clock.set(due_at + timedelta(minutes=10))
    waiting = await client.scrape()
    pending = ("jaarrond_outbox_messages", (("kind", "prompt"), ("status", "pending")))
    assert waiting[pending] == len(due)
    # Reminders are written when they fall due (a day later), not yet.
    reminders = ("jaarrond_outbox_messages", (("kind", "reminder"), ("status", "pending")))
    assert waiting.get(reminders, 0) == 0
    oldest = waiting[("jaarrond_outbox_oldest_pending_age_seconds", ())]
    assert oldest >= 600
    await testbot.tick()
    after = await client.scrape()
    sent = delta(after, before, "jaarrond_messages_sent_total", platform="console", kind="prompt")
    assert sent == len(due)
    assert after[("jaarrond_outbox_messages", (("kind", "prompt"), ("status", "sent")))] == len(due)
    assert after[pending] == 0
    # What is left waits for a later moment: nothing is overdue.
    assert after[("jaarrond_outbox_oldest_pending_age_seconds", ())] == 0
    # A prompt answered counts once per answer.
    await testbot.say("bram@example.org", "4")
    answered = await client.scrape()
    assert delta(answered, after, "jaarrond_answers_received_total") == 1


async def test_the_scheduler_tick_counts_what_it_planned(testbot: Testbot, client: Client) -> None:
    await apply(testbot, WEEKLY_ON_MONDAY)
    before = await client.scrape()
    testbot.clock.set(testbot.clock.now().replace(hour=8, minute=1))
    await testbot.tick()
    after = await client.scrape()
    # The same tick may send a manager's weekly digest; that is no check-in prompt.
    prompts = [out for out in testbot.adapter.sent if out.question is not None]
    assert delta(after, before, "jaarrond_prompts_planned_total") == len(prompts) > 0


async def test_failed_sends_are_counted_by_platform(testbot: Testbot, client: Client) -> None:
    async def refuse(out: Outbound) -> object:
        raise ConnectionError("platform down")

    testbot.adapter.send = refuse  # type: ignore[method-assign,assignment]
    await apply(testbot, WEEKLY_ON_MONDAY)
    before = await client.scrape()
    testbot.clock.set(testbot.clock.now().replace(hour=8, minute=1))
    await testbot.tick()
    after = await client.scrape()
    planned = delta(after, before, "jaarrond_prompts_planned_total")
    failed = delta(
        after, before, "jaarrond_messages_failed_total", platform="console", kind="prompt"
    )
    assert failed == planned > 0
    assert (
        delta(after, before, "jaarrond_messages_sent_total", platform="console", kind="prompt") == 0
    )
    pending = ("jaarrond_outbox_messages", (("kind", "prompt"), ("status", "pending")))
    assert after[pending] == planned


async def test_request_latency_is_a_histogram_per_route(client: Client) -> None:
    before = await client.scrape()
    for _ in range(3):
        assert (await client.get("/healthz"))[0] == 200
    assert (await client.get("/no/such/page"))[0] == 404
    after = await client.scrape()
    count = "jaarrond_http_request_duration_seconds_count"
    assert delta(after, before, count, method="GET", route="/healthz", status="200") == 3
    assert delta(after, before, count, method="GET", route="unmatched", status="404") == 1


async def test_readiness_follows_database_migrations_and_platforms(testbot: Testbot) -> None:
    db, clock = testbot.app.db, testbot.clock
    platforms = {"slack": True, "teams": True}
    async for client in serve(db, clock, platforms=lambda: platforms):
        assert (await client.get("/healthz"))[0] == 200
        status, body = await client.get("/readyz")
        assert status == 200 and '"ready"' in body
        platforms["teams"] = False
        status, body = await client.get("/readyz")
        assert status == 503 and "teams" in body
        platforms["teams"] = True
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": revisions()[-2]}
            )
        status, body = await client.get("/readyz")
        assert status == 503 and "migrations pending" in body
        assert (await client.get("/healthz"))[0] == 200  # alive, only not ready


async def test_readiness_fails_without_a_database(tmp_path: Path) -> None:
    clock = FixedClock.__new__(FixedClock)
    missing = Database(f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/x.db")
    async for client in serve(missing, clock):
        status, body = await client.get("/readyz")
        assert status == 503 and "database unreachable" in body
        assert (await client.get("/healthz"))[0] == 200
        assert (await client.get("/metrics"))[0] == 200  # process figures still served
    await missing.dispose()


async def test_rate_limit_waits_are_counted_through_the_adapter_callback(
    testbot: Testbot,
) -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    counted = metrics.rate_limited_sleep("example", sleep)
    before = metrics.REGISTRY.get_sample_value(
        "jaarrond_rate_limit_waits_total", {"platform": "example"}
    )
    await counted(2.0)
    after = metrics.REGISTRY.get_sample_value(
        "jaarrond_rate_limit_waits_total", {"platform": "example"}
    )
    assert waited == [2.0] and (after or 0) - (before or 0) == 1


async def test_slack_429_waits_are_counted(testbot: Testbot) -> None:
    fake = await FakeSlackApi().start()
    try:
        app = testbot.app
        app.settings = app.settings.__class__(
            slack=app.settings.slack.__class__(
                bot_token="xoxb-test-token",
                signing_secret="8f742231b10e8888abcd99yyyzzz85a5",
                api_url=fake.api_url,
            )
        )
        adapter = slack_adapter(app)
        await adapter.start()
        fake.fail_next("chat.postMessage", 429, retry_after=0)
        name, labels = "jaarrond_rate_limit_waits_total", {"platform": "slack"}
        before = metrics.REGISTRY.get_sample_value(name, labels) or 0
        person = PersonRef(1, "bram@example.org", "Bram", "en", "UTC", slack_user_id="UBRAM")
        await adapter.send(Outbound(person, "hello"))
        assert (metrics.REGISTRY.get_sample_value(name, labels) or 0) - before == 1
        await adapter.stop()
    finally:
        await fake.close()
