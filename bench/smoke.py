"""The `--smoke` flag every benchmark takes: the same run at a small size, only to show that
it still works (CI runs each this way). Its figures mean nothing; a smoke run that errors or
outlives its deadline exits non-zero."""

from __future__ import annotations

import argparse
import signal
from typing import Any

# A smoke run takes a few seconds; this deadline catches one that hangs.
SMOKE_SECONDS = 120


def parse(parser: argparse.ArgumentParser, **small: Any) -> argparse.Namespace:
    """The arguments, with `small` put over them when --smoke is given."""
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a small run that only shows the benchmark works (fails after {SMOKE_SECONDS} s)",
    )
    args = parser.parse_args()
    if args.smoke:
        for name, value in small.items():
            setattr(args, name, value)
        signal.signal(signal.SIGALRM, _too_slow)
        signal.alarm(SMOKE_SECONDS)
    return args


def _too_slow(_signum: int, _frame: object) -> None:
    # Raised in the main thread: the script's cleanup (child processes, scratch schemas) runs.
    raise TimeoutError(f"the smoke run did not finish within {SMOKE_SECONDS} s")
