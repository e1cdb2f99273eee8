"""Work after an acknowledgement, for the chat platforms that answer first and work after.

A platform wants its HTTP request answered quickly (Slack within three seconds; Teams'
Bot Connector retries a slow one); what a person's event causes (the engine's turn, the
replies) runs here afterwards: one person's events in the order they came, different
people's side by side, a bounded number at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

# How long a job waits for the requests in flight to be acknowledged before it starts.
MAX_DEFER = 0.05

Sleep = Callable[[float], Awaitable[None]]
# The queue whose job the current task runs (tasks a job starts inherit it).
_IN_JOB: contextvars.ContextVar[WorkQueue | None] = contextvars.ContextVar("in_job", default=None)


class WorkQueue:
    """Background work after an ack: in order per person, a bounded number at a time.

    Acknowledgements come first: a new job starts when no request waits for its ack (Slack
    gives up after three seconds), or after `max_defer` seconds. The wait is short: under a
    steady stream of requests a job that waited longer would only meet the same stream,
    while the person waits for the next question.

    A job waiting for a platform's rate limit gives its slot up meanwhile (see `sleeping`):
    the slots bound the work done at once, and waiting is no work; fifty people starting a
    check-in at once must not hold up the clicks of everyone else.
    """

    def __init__(self, concurrency: int, max_defer: float = MAX_DEFER) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: dict[str, asyncio.Lock] = {}
        self._pending: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._unacked = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._max_defer = max_defer

    def hold(self) -> Callable[[], None]:
        """A request came in: hold new work back until the returned release is called."""
        self._unacked += 1
        self._quiet.clear()
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._unacked -= 1
                if not self._unacked:
                    self._quiet.set()

        return release

    def sleeping(self, sleep: Sleep) -> Sleep:
        """`sleep`, giving this queue's slot up while it sleeps when called inside a job."""

        async def pause(seconds: float) -> None:
            if _IN_JOB.get() is not self:
                await sleep(seconds)
                return
            self._slots.release()
            try:
                await sleep(seconds)
            finally:
                await self._slots.acquire()

        return pause

    def submit(self, key: str, job: Callable[[], Awaitable[object]]) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._pending[key] = self._pending.get(key, 0) + 1
        task = asyncio.get_running_loop().create_task(self._run(key, lock, job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, key: str, lock: asyncio.Lock, job: Callable[[], Awaitable[object]]
    ) -> None:
        try:
            async with lock:
                if not self._quiet.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._quiet.wait(), self._max_defer)
                async with self._slots:
                    token = _IN_JOB.set(self)
                    try:
                        await job()
                    finally:
                        _IN_JOB.reset(token)
        except Exception:  # one failed job must not take the queue down; it is logged
            log.exception("the work for %s failed", key or "the app")
        finally:
            self._pending[key] -= 1
            if not self._pending[key]:
                del self._pending[key]
                del self._locks[key]

    def track(self) -> None:
        """Count the running listener (bolt runs each in a task of its own) as work too."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until all work (and work it started) is done; cancel what outlives `timeout`."""
        while self._tasks:
            tasks = list(self._tasks)
            _, late = await asyncio.wait(tasks, timeout=timeout)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)
                return
