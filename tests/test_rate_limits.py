"""Client-side rate limits: the pure core on a fake clock, then Slack and Teams against their
fakes on loopback with a shared fake clock (sleeps advance it; nothing really waits)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.ratelimit import Rate, Throttle, Window
from adapters.slack import SlackAdapter
from adapters.slack.dm_channels import MemoryDmChannelStore
from adapters.slack.limits import SlackLimits
from adapters.teams import TeamsAdapter
from adapters.teams.limits import CONVERSATION_WINDOWS
from adapters.teams.references import MemoryReferenceStore
from bot.bootstrap import build_app, slack_adapter
from bot.clock import FixedClock
from bot.config import SlackSettings, load_settings
from bot.storage.database import Database
from dialogs.messages import Outbound, PersonRef
from tests.support.slack_fake_api import FakeSlackApi
from tests.support.teams_fake_connector import FakeConnector


class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def person(n: int) -> PersonRef:
    return PersonRef(n, f"p{n}@example.org", f"P{n}", "en", "UTC", slack_user_id=f"U{n:04d}")


# ---- the core -----------------------------------------------------------------------------


def test_a_rate_allows_its_burst_then_one_per_interval() -> None:
    rate = Rate(per_second=2.0, burst=3)
    moments = []
    now = 0.0
    for _ in range(7):
        now = rate.earliest(now)
        rate.book(now)
        moments.append(now)
    assert moments == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0]
    assert rate.earliest(10.0) == 10.0  # idle time refills the bucket


def test_a_window_allows_count_calls_in_any_window() -> None:
    window = Window(count=2, seconds=10.0)
    moments = []
    now = 0.0
    for _ in range(5):
        now = window.earliest(now)
        window.book(now)
        moments.append(now)
    assert moments == [0.0, 0.0, 10.0, 10.0, 20.0]


async def test_a_throttle_honours_every_limit_of_every_key_and_pauses() -> None:
    time = FakeTime()
    throttle = Throttle(
        {"ws": lambda: [Rate(10.0, 1)], "chan": lambda: [Rate(1.0, 1)]},
        clock=time,
        sleep=time.sleep,
    )
    start = time.now
    stamps: dict[str, list[float]] = defaultdict(list)
    for n in range(20):
        channel = f"c{n % 4}"
        await throttle.wait([("ws",), ("chan", channel)])
        stamps[channel].append(time.now - start)
    for times in stamps.values():
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(times))
    everything = sorted(t for times in stamps.values() for t in times)
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(everything))
    throttle.pause(("ws",), 30.0)
    before = time.now
    await throttle.wait([("ws",), ("chan", "new")])
    assert time.now >= before + 30.0


class Timeline:
    """A clock for many concurrent sleepers: time moves to the earliest wake-up once
    everything that can run has run."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def idle(self) -> None:
        for _ in range(100):
            await asyncio.sleep(0)

    async def run(self, tasks: list[asyncio.Task[None]]) -> None:
        await self.idle()
        while not all(task.done() for task in tasks):
            assert self._sleepers, "a task waits for something that never comes"
            wake, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake)
            future.set_result(None)
            await self.idle()


async def test_a_reply_to_a_person_goes_before_a_fan_out_already_waiting() -> None:
    clock = Timeline()
    throttle = Throttle({"post": lambda: [Rate(5.0, 5)]}, clock=clock, sleep=clock.sleep)
    went: list[tuple[str, float]] = []

    async def send(name: str, *, first: bool = False) -> None:
        await throttle.wait([("post", "workspace")], first=first)
        went.append((name, clock.now))

    fan_out = [asyncio.create_task(send(f"prompt {n}")) for n in range(20)]
    await clock.idle()  # five went at once (the burst), fifteen wait for their slots
    assert len(went) == 5
    reply = asyncio.create_task(send("reply", first=True))
    await clock.run([*fan_out, reply])

    names = [name for name, _ in went]
    assert names.index("reply") == 5  # the first slot after the burst
    assert dict(went)["reply"] == pytest.approx(0.2)
    # The fan-out still went, all of it, never faster than the limit.
    assert len(went) == 21
    later = [at for _, at in went[5:]]
    assert all(b - a >= 0.2 - 1e-9 for a, b in itertools.pairwise(later))


async def test_replies_to_people_share_the_slots_among_themselves_in_order() -> None:
    clock = Timeline()
    throttle = Throttle({"post": lambda: [Rate(1.0, 1)]}, clock=clock, sleep=clock.sleep)
    went: list[str] = []

    async def send(name: str, first: bool) -> None:
        await throttle.wait([("post", "w")], first=first)
        went.append(name)

    tasks = [asyncio.create_task(send(f"prompt {n}", False)) for n in range(3)]
    tasks += [asyncio.create_task(send(f"reply {n}", True)) for n in range(3)]
    await clock.run(tasks)

    assert went == ["prompt 0", "reply 0", "reply 1", "reply 2", "prompt 1", "prompt 2"]


# ---- Slack ----------------------------------------------------------------------------------


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def fake(fake_time: FakeTime) -> AsyncIterator[FakeSlackApi]:
    api = await FakeSlackApi(clock=fake_time).start()
    yield api
    await api.close()


def slack(fake: FakeSlackApi, time: FakeTime, limits: SlackLimits, **extra: object) -> SlackAdapter:
    settings = SlackSettings(bot_token="xoxb-t", signing_secret="s", api_url=fake.api_url)
    return SlackAdapter(settings, sleep=time.sleep, clock=time, limits=limits, **extra)  # type: ignore[arg-type]


async def test_a_429_storm_delivers_everything_never_faster_than_retry_after(
    fake: FakeSlackApi, fake_time: FakeTime
) -> None:
    adapter = slack(fake, fake_time, SlackLimits(workspace_per_second=5.0, workspace_burst=5))
    await adapter.start()
    fake.storm("chat.postMessage", every=2, retry_after=3)
    fake.storm("conversations.open", every=3, retry_after=2)
    people = [person(n) for n in range(1, 16)]
    try:
        for round_ in range(2):
            for who in people:
                key = f"k{who.person_id}.{round_}"
                await adapter.send(Outbound(who, f"round {round_}", key=key))
    finally:
        await adapter.stop()

    # Everything arrived, each exactly once.
    delivered = Counter(
        c.params["metadata"]["event_payload"]["key"]
        for c in fake.called("chat.postMessage")
        if "_ts" in c.params
    )
    assert sorted(delivered) == sorted(f"k{p.person_id}.{r}" for p in people for r in range(2))
    assert set(delivered.values()) == {1}
    assert len(fake.called("conversations.open")) >= len(people)  # some were refused once
    # After every 429 no call of that method went out before Retry-After had passed.
    for method, wait in (("chat.postMessage", 3.0), ("conversations.open", 2.0)):
        calls = fake.called(method)
        refused = [i for i, c in enumerate(calls) if c.status == 429]
        assert refused
        for i in refused:
            later = [c.at for c in calls[i + 1 :]]
            assert all(at >= calls[i].at + wait - 1e-9 for at in later), method
    # One message a second per DM channel, and the workspace rate overall.
    posts = [c for c in fake.called("chat.postMessage") if "_ts" in c.params]
    by_channel: dict[str, list[float]] = defaultdict(list)
    for c in posts:
        by_channel[c.params["channel"]].append(c.at)
    for times in by_channel.values():
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(times))
    span = posts[-1].at - posts[0].at
    assert span >= (len(posts) - 5) / 5.0 - 1e-9


async def test_dm_channels_come_from_the_store_so_a_restart_opens_none(
    fake: FakeSlackApi, fake_time: FakeTime
) -> None:
    store = MemoryDmChannelStore()
    for _ in range(2):  # a first process, then a restarted one with the same store
        adapter = slack(fake, fake_time, SlackLimits(), dm_channels=store)
        await adapter.start()
        for n in range(1, 4):
            await adapter.send(Outbound(person(n), "hello"))
        await adapter.stop()
    assert len(fake.called("conversations.open")) == 3
    assert store.channels == {f"U{n:04d}": f"DU{n:04d}" for n in range(1, 4)}
    assert len([c for c in fake.called("chat.postMessage") if "_ts" in c.params]) == 6


async def test_conversations_open_stays_within_tier_3(
    fake: FakeSlackApi, fake_time: FakeTime
) -> None:
    adapter = slack(fake, fake_time, SlackLimits(workspace_per_second=0, opens_per_minute=50))
    await adapter.start()
    for n in range(1, 61):
        await adapter.send(Outbound(person(n), "hello"))
    await adapter.stop()
    opens = [c.at for c in fake.called("conversations.open")]
    assert len(opens) == 60
    for i, at in enumerate(opens):
        in_minute = [t for t in opens[i:] if t < at + 60.0]
        assert len(in_minute) <= 50 + 3  # 50 a minute, plus a burst of 3


async def test_the_database_keeps_dm_channels_across_adapters(
    db: Database, fake: FakeSlackApi
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-t",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": fake.api_url,
        "SLACK_WORKSPACE_MESSAGES_PER_SECOND": "0",
        "SLACK_CHANNEL_MESSAGES_PER_SECOND": "0",
    }
    app = build_app(load_settings(env), FixedClock(datetime(2027, 3, 22, 8, tzinfo=UTC)), db=db)
    for _ in range(2):
        adapter = slack_adapter(app)
        await adapter.start()
        await adapter.send(Outbound(person(7), "hello"))
        await adapter.stop()
    assert [c.params["users"] for c in fake.called("conversations.open")] == ["U0007"]


def test_limits_are_settings_with_the_published_defaults() -> None:
    defaults = load_settings({})
    assert defaults.slack.channel_per_second == 1.0
    assert defaults.slack.opens_per_minute == 50.0
    assert defaults.teams.requests_per_second == 50.0
    assert defaults.tick_seconds == 60.0
    tuned = load_settings(
        {"SLACK_WORKSPACE_MESSAGES_PER_SECOND": "20", "JAARROND_TICK_SECONDS": "0.5"}
    )
    assert tuned.slack.workspace_per_second == 20.0 and tuned.tick_seconds == 0.5
    with pytest.raises(ValueError, match="JAARROND_TICK_SECONDS"):
        load_settings({"JAARROND_TICK_SECONDS": "0"})
    with pytest.raises(ValueError, match="SLACK_OPENS_PER_MINUTE"):
        load_settings({"SLACK_OPENS_PER_MINUTE": "many"})


# ---- Teams ----------------------------------------------------------------------------------


async def test_teams_keeps_to_the_per_conversation_and_tenant_limits(fake_time: FakeTime) -> None:
    connector = FakeConnector(clock=fake_time)
    service_url = await connector.start()
    adapter = TeamsAdapter(
        app_id="",
        app_password="",
        references=MemoryReferenceStore(),
        tenant_id="tenant-1",
        service_url=service_url,
        requests_per_second=5.0,
        clock=fake_time,
        sleep=fake_time.sleep,
    )
    await adapter.start()
    bram = PersonRef(2, "bram@example.org", "Bram", "en", "UTC", teams_user_id="29:bram")
    others = [
        PersonRef(10 + n, f"o{n}@example.org", "O", "en", "UTC", teams_user_id=f"29:o{n}")
        for n in range(10)
    ]
    try:
        for n in range(70):
            await adapter.send(Outbound(bram, f"message {n}"))
        for other in others:
            await adapter.send(Outbound(other, "hello"))
    finally:
        await adapter.stop()
        await connector.close()
    conversation = connector.created()[0].answered_id  # Bram's, made at the first send
    to_bram = [c.at for c in connector.posts(conversation)]
    assert len(to_bram) == 70
    for count, seconds in CONVERSATION_WINDOWS:
        for i, at in enumerate(to_bram):
            assert len([t for t in to_bram[i:] if t < at + seconds]) <= count, (count, seconds)
    everything = sorted(c.at for c in connector.calls)
    for i, at in enumerate(everything):
        assert len([t for t in everything[i:] if t < at + 1.0]) <= 5 + 5
