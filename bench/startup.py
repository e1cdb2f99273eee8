"""How long does a `jaarrond` command take to start, against bare Python in the same run?

An operator scripting a tour runs dozens of commands; each one's start is felt. Measured
here, each as the median wall time of --runs fresh processes on one migrated SQLite database
with a small organisation:

  python -c pass          the baseline: the interpreter alone
  jaarrond --help         argument parsing only
  jaarrond org list       settings, database, one query
  jaarrond chat --as X    until the chat is ready for input (its prompt shows in a terminal,
                          after the first tick), read through a pseudo-terminal

Targets: --help and org list at most 0.4 s more than the baseline, chat ready within 1 s.
Bytecode is written and reused as on a person's machine (a first run compiles).
Run: .venv/bin/python bench/startup.py [--runs 7] [--people 40]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import DEVNULL

import smoke

PYTHON = sys.executable
JAARROND = [PYTHON, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def org_csv(people: int) -> str:
    rows = ["email,name,manager_email,locale,timezone,department,hr"]
    rows.append("hr@example.org,Hanna de Vries,,nl,Europe/Amsterdam,HR,true")
    for n in range(people):
        manager = "" if n < 4 else f"p{n % 4}@example.org"
        locale = "en" if n % 3 else "nl"
        rows.append(f"p{n}@example.org,Person {n},{manager},{locale},Europe/Amsterdam,Sales,false")
    return "\n".join(rows) + "\n"


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


def chat_ready(env: dict[str, str], cwd: Path, email: str) -> float:
    """Seconds from start until the chat prompt shows in a terminal."""
    main, child = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*JAARROND, "chat", "--as", email],
        env=env,
        cwd=cwd,
        stdin=child,
        stdout=child,
        stderr=child,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    try:
        while not seen.endswith(b"> "):
            ready, _, _ = select.select([main], [], [], 60)
            if not ready:
                raise TimeoutError(f"no prompt within 60 s; the chat showed {seen[-300:]!r}")
            seen += os.read(main, 4096)
        elapsed = time.perf_counter() - started
        os.write(main, b"quit\n")
        process.wait(timeout=60)
        return elapsed
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)


def median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command")
    parser.add_argument("--people", type=int, default=40, help="size of the organisation")
    args = smoke.parse(parser, runs=1, people=10)
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JAARROND_", "SLACK_"))}
        # As on a person's machine: modules are compiled once and their bytecode is kept.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            "JAARROND_DATABASE_URL": f"sqlite:///{cwd / 'startup.db'}",
            "JAARROND_DATA_DIR": str(cwd / "data"),
            "JAARROND_DATA_KEY_FILE": str(cwd / "data.key"),
            # The chat's tick dispatches with the real pacing; nothing here waits for it.
            "JAARROND_TICK_SECONDS": "3600",
        }
        (cwd / "org.csv").write_text(org_csv(args.people), encoding="utf-8")
        subprocess.run(
            [*JAARROND, "org", "import", "org.csv"], env=env, cwd=cwd, check=True, stdout=DEVNULL
        )
        chat_ready(env, cwd, "p5@example.org")  # compiles what the chat loads, once
        figures = {
            "python -c pass": median(args.runs, lambda: timed([PYTHON, "-c", "pass"], env, cwd)),
            "jaarrond --help": median(args.runs, lambda: timed([*JAARROND, "--help"], env, cwd)),
            "jaarrond org list": median(
                args.runs, lambda: timed([*JAARROND, "org", "list"], env, cwd)
            ),
            "jaarrond chat (ready for input)": median(
                args.runs, lambda: chat_ready(env, cwd, "p5@example.org")
            ),
        }
    base = figures["python -c pass"]
    print(f"{'command':34} {'median s':>9} {'over bare Python':>17}")
    for name, seconds in figures.items():
        print(f"{name:34} {seconds:9.3f} {seconds - base:+17.3f}")
    targets = (
        ("--help", figures["jaarrond --help"] - base, 0.4),
        ("org list", figures["jaarrond org list"] - base, 0.4),
        ("chat ready", figures["jaarrond chat (ready for input)"], 1.0),
    )
    for name, value, limit in targets:
        print(f"target {name}: {value:.3f} s {'<=' if value <= limit else '>'} {limit} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
