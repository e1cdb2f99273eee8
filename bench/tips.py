"""What do the coaching tips add to a start, against the question banks in the same run?

Every command reads the question banks at start, and the tips with them (a broken tips file
must stop the start). Measured here, each as the median of --runs reads in this process:

  banks    load_banks(): the question banks, the baseline
  tips     load_tips(): every tips file, read and checked (health words included)

Target: the tips add under 10 ms to a start (a command's start is tenths of a second, see
bench/startup.py); the banks show what reading a YAML file of this size costs anyway.
Run: .venv/bin/python bench/tips.py [--runs 50] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from dialogs.banks import load_banks
from dialogs.tips import load_tips


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="a few runs, to see it works")
    args = parser.parse_args()
    runs = 3 if args.smoke else args.runs
    load_banks(), load_tips()  # warm: imports and libyaml
    banks = median_ms(load_banks, runs)
    tips = median_ms(load_tips, runs)
    print(f"banks (baseline)  {banks:7.2f} ms")
    print(f"tips              {tips:7.2f} ms  ({tips / banks:.2f}x the banks)")
    ok = tips < 10
    print("target met" if ok else "target missed: the tips should take under 10 ms")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    raise SystemExit(main())
