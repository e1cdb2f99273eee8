"""`jaarrond demo` run in this process, with what it printed and the progress it reported."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from bot import demo
from bot.config import load_settings

# Five weeks reach into February: every theme has been asked once, and the change at
# home has happened, so there are private answers and a raised topic to look for.
WEEKS = 5


@dataclasses.dataclass(frozen=True)
class Run:
    out: str
    progress: list[tuple[int, int]]
    path: Path


async def run_demo(path: Path, *, seed: int = 1, weeks: int = WEEKS) -> Run:
    out = io.StringIO()
    progress: list[tuple[int, int]] = []
    code = await demo.run_demo(
        load_settings({}),
        seed=seed,
        weeks=weeks,
        path=str(path),
        out=out,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert code == 0
    return Run(out.getvalue(), progress, path)
