"""The real `jaarrond` command as a separate process, and waiting for what it must do by a
deadline: a process that never gets there fails the test with its log, never hangs it."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import pytest

JAARROND = str(Path(sys.executable).parent / "jaarrond")
DEADLINE = 45.0  # seconds for a run to get where it must


async def cli(env: Mapping[str, str], *args: str) -> None:
    """`jaarrond ARGS` to its end; it must succeed."""
    process = await asyncio.create_subprocess_exec(
        JAARROND,
        *args,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), DEADLINE)
    assert process.returncode == 0, (args, out.decode(), err.decode())


async def start(env: Mapping[str, str], log: Path) -> asyncio.subprocess.Process:
    """`jaarrond run`, writing what it prints to `log`."""
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            JAARROND, "run", env=dict(env), stdout=sink, stderr=sink
        )


async def until(
    condition: Callable[[], bool | Awaitable[bool]],
    what: str,
    log: Path | None = None,
    seconds: float = DEADLINE,
    every: float = 0.1,
) -> None:
    """Waits until `condition` (a plain or an async check) holds; fails after `seconds`,
    saying what it waited for (and the end of the process's log, when there is one)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await _holds(condition):
        if loop.time() > deadline:
            tail = f"; log:\n{log.read_text()[-3000:]}" if log is not None else ""
            pytest.fail(f"timed out after {seconds:g} s waiting for {what}{tail}")
        await asyncio.sleep(every)


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    found = condition()
    return bool(await found) if inspect.isawaitable(found) else bool(found)
