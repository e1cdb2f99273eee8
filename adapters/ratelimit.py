"""Client-side rate limits: stay under a platform's published limits instead of hitting 429s.

The core (`Rate`, `Window`) is pure arithmetic on times handed in, so it is tested with a fake
clock; `Throttle` puts it in front of calls with an injectable clock and sleep.

- `Rate(per_second, burst)`: the generic cell rate algorithm (a token bucket kept as one
  number, the "theoretical arrival time"): on average `per_second`, at most `burst` at once.
- `Window(count, seconds)`: at most `count` calls in any `seconds` long window (Teams states
  its per-conversation limits this way).
- `Throttle.wait(keys)`: waits until a call is allowed under every limit of every key, then
  books it in each. A key is any hashable (e.g. ("post", workspace) or ("post", channel)).
  `wait(keys, first=True)`: a reply to something a person just did; it books the earliest
  slot at once and only then waits for it, so work sent on the bot's own initiative (a
  fan-out), which books only when its slot has come, always yields to it, never the reverse.
- `Throttle.pause(key, seconds)`: a platform answered 429 with Retry-After: nothing under the
  key goes out before then.
"""

from __future__ import annotations

import asyncio
import time
from bisect import insort
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

Sleep = Callable[[float], Awaitable[None]]
Now = Callable[[], float]


class Limit(Protocol):
    def earliest(self, now: float) -> float:
        """The first moment at or after `now` a call is allowed by this limit alone."""
        ...

    def book(self, at: float) -> None:
        """Count a call made at `at` (never before `earliest`)."""
        ...


@dataclass
class Rate:
    """On average `per_second` calls, with bursts of up to `burst` calls at once."""

    per_second: float
    burst: int = 1
    _tat: float = field(default=float("-inf"), repr=False)

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate needs per_second > 0 and burst >= 1")

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    def earliest(self, now: float) -> float:
        return max(now, self._tat - self.interval * (self.burst - 1))

    def book(self, at: float) -> None:
        self._tat = max(self._tat, at) + self.interval


@dataclass
class Window:
    """At most `count` calls in any window of `seconds`."""

    count: int
    seconds: float
    # Kept in order: a call booked ahead (a reply's reserved slot) may precede later ones.
    _times: list[float] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds <= 0:
            raise ValueError("a window needs count >= 1 and seconds > 0")

    def earliest(self, now: float) -> float:
        gone = next((i for i, t in enumerate(self._times) if t > now - self.seconds), None)
        del self._times[: len(self._times) if gone is None else gone]
        if len(self._times) < self.count:
            return now
        return max(now, self._times[-self.count] + self.seconds)

    def book(self, at: float) -> None:
        insort(self._times, at)
        # Only the newest `count` matter for any moment from now on.
        del self._times[: -self.count]


@dataclass
class Pause:
    """Nothing before `until`: what a 429's Retry-After asks."""

    until: float = float("-inf")

    def earliest(self, now: float) -> float:
        return max(now, self.until)

    def book(self, at: float) -> None:
        return None


LimitFactory = Callable[[], Sequence[Limit]]


class Throttle:
    """Keyed limits in front of calls; limits for a key are made the first time it is seen.

    `kinds` maps the first element of a key (e.g. "post") to a factory of its limits; keys
    of a kind without limits only honour pauses. Callers do not queue behind each other: one
    waiting for a busy channel must not hold up a call to another channel. Checking and
    booking happen without an await in between, so no two callers book the same slot.
    """

    def __init__(
        self,
        kinds: dict[str, LimitFactory],
        *,
        clock: Now = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_keys: int = 100_000,
    ) -> None:
        self._kinds = kinds
        self._clock = clock
        self._sleep = sleep
        self._limits: dict[Hashable, list[Limit]] = {}
        self._pauses: dict[Hashable, Pause] = {}
        self._max_keys = max_keys
        self.waited = 0.0  # total seconds callers were held back, for logs and benchmarks

    def _limits_of(self, key: Hashable) -> list[Limit]:
        limits = self._limits.get(key)
        if limits is None:
            if len(self._limits) >= self._max_keys:
                # Per-channel limits of people messaged long ago no longer matter.
                self._limits.clear()
            kind = key[0] if isinstance(key, tuple) and key else key
            factory = self._kinds.get(kind) if isinstance(kind, str) else None
            limits = list(factory()) if factory is not None else []
            self._limits[key] = limits
        return limits

    def earliest(self, keys: Iterable[Hashable], now: float) -> float:
        """When a call under all `keys` may go: the latest of every limit's earliest."""
        limits = [lim for key in keys for lim in self._all(key)]
        at = now
        # A later start can only move other limits' earliest later; a few rounds settle it.
        for _ in range(10):
            latest = max((lim.earliest(at) for lim in limits), default=at)
            if latest <= at:
                break
            at = latest
        return at

    def _all(self, key: Hashable) -> list[Limit]:
        pause = self._pauses.get(key)
        limits = self._limits_of(key)
        return [*limits, pause] if pause is not None else limits

    async def wait(self, keys: Sequence[Hashable], *, first: bool = False) -> None:
        """Until a call under `keys` is allowed, then book it. `first`: reserve the slot
        now (a person waits for this reply), so callers without it go after."""
        if first:
            now = self._clock()
            at = self.earliest(keys, now)
            for key in keys:
                for limit in self._limits_of(key):
                    limit.book(at)
            if at > now:
                self.waited += at - now
                await self._sleep(at - now)
            return
        while True:
            now = self._clock()
            at = self.earliest(keys, now)
            if at <= now:
                break
            self.waited += at - now
            await self._sleep(at - now)
        for key in keys:
            for limit in self._limits_of(key):
                limit.book(now)

    def pause(self, key: Hashable, seconds: float) -> None:
        until = self._clock() + max(seconds, 0.0)
        pause = self._pauses.setdefault(key, Pause())
        pause.until = max(pause.until, until)
