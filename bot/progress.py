"""Progress of long work, for every long command alike.

Services report how far they are through a `Progress` callback (done, total), knowing
nothing of terminals; the command line shows it with `shown`: a bar on a terminal, with log
lines printed above it, and nothing at all when stderr is a pipe or a file (a script reads
only the command's result lines).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Progress = Callable[[int, int], None]


def unseen(done: int, total: int) -> None:
    """The progress of work nobody watches."""


@contextmanager
def shown(what: str, unit: str = "", stream: TextIO | None = None) -> Iterator[Progress]:
    """A progress bar named `what` for as long as the block runs."""
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    out = stream or sys.stderr
    with tqdm(desc=what, unit=f" {unit}" if unit else "it", file=out, disable=None) as bar:

        def advance(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        if bar.disable:
            yield advance
            return
        with logging_redirect_tqdm():
            yield advance
