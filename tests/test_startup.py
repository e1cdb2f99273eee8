"""A command loads only what it uses: the chat platforms' SDKs, the PDF library and the
migrations cost seconds at start and most commands need none of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("botbuilder", "fpdf", "alembic", "slack_sdk", "slack_bolt", "aiohttp", "apscheduler")

# Runs a command in a fresh interpreter, then reports which of HEAVY it imported.
PROGRAM = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:]) if sys.argv[1:] else 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(HEAVY)))
print("LOADED " + json.dumps({"code": code, "heavy": heavy}))
"""


def loaded(tmp_path: Path, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAARROND_", "SLACK_"))}
    env |= {
        "JAARROND_DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
        "JAARROND_DATA_DIR": str(tmp_path / "data"),
        "HEAVY": json.dumps(HEAVY),
    }
    program = "import os; HEAVY = os.environ['HEAVY']\n" + PROGRAM
    done = subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED "))
    result: dict[str, object] = json.loads(line.removeprefix("LOADED "))
    return result


def test_importing_the_command_line_loads_no_platform_pdf_or_migration_library(
    tmp_path: Path,
) -> None:
    assert loaded(tmp_path) == {"code": 0, "heavy": []}


@pytest.mark.parametrize(
    "command", [("org", "list"), ("schedules", "list"), ("outbox", "list"), ("tick", "--dry-run")]
)
def test_everyday_commands_load_only_what_they_use(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # The first command on an empty database migrates it (Alembic then loads, once).
    assert loaded(tmp_path, "db", "upgrade")["code"] == 0
    result = loaded(tmp_path, *command)
    assert result["code"] == 0
    heavy = set(result["heavy"])  # type: ignore[arg-type]
    # The tick plans check-ins with the scheduler's code, which is APScheduler-free to run.
    assert not heavy - {"apscheduler"} if command[0] == "tick" else not heavy
