"""The command line as an operator uses it, in this process: `run` types a command, with
what the person pipes or types in; and the settings every test shares."""

from __future__ import annotations

import io
import sys

import pytest

from bot.cli import main

# Sealed columns need a data key in every test; a fixed one keeps failures reproducible.
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1mb3ItamFhcnJvbmQtdGVzdHM="
# The terminal's data folder (exports, briefs, the chat's log) of every test is its own.
DATA_DIR = "JAARROND_DATA_DIR"


class Terminal(io.StringIO):
    """Typed lines, as from a person at a terminal (some questions are asked only there)."""

    def isatty(self) -> bool:
        return True


def run(
    capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "", terminal: bool = False
) -> tuple[int, str, str]:
    """`jaarrond ARGS` in this process, with `stdin` piped (or typed, with `terminal`)."""
    sys.stdin = Terminal(stdin) if terminal else io.StringIO(stdin)
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err
