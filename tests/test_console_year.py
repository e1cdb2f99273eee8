"""A year on the console, scripted as an operator rehearses one: `jaarrond --now ... tick`
moves time on, `jaarrond --now ... chat --as ...` shows each person what waits for them.
Agreement news, follow-up questions, digests and review briefs reach the right people at
the right moments, in the order they were made, and never stale."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.terminal import DATA_DIR, run

ORG = """email,name,manager_email,locale,timezone,department,hr,review_month
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,Support,false,
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,Support,false,6
hr@example.org,Hanna Rutgers,,en,Europe/Amsterdam,HR,true,
"""
ANNA, BRAM = "anna@example.org", "bram@example.org"
HOME = "Bram works from home on Mondays."
# The weekly workload check-in, answered to the end (not shared).
WORKLOAD_ANSWERS = ("3", "1", "3", "3", "no", "3", "Fewer meetings", "no")


@pytest.fixture
def year(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    (workdir / "org.csv").write_text(ORG, encoding="utf-8")
    run(capsys, "org", "import", "org.csv")
    run(capsys, "--now", "2027-03-22T07:00:00Z", "schedules", "apply", "schedules.yaml")
    return workdir


def chat(capsys: pytest.CaptureFixture[str], now: str, email: str, *lines: str) -> str:
    code, out, err = run(
        capsys, "--now", now, "chat", "--as", email, stdin="".join(f"{line}\n" for line in lines)
    )
    assert code == 0, err
    return out


def tick(capsys: pytest.CaptureFixture[str], at: str, *only: str) -> dict[str, object]:
    narrowed = [arg for step in only for arg in ("--only", step)]
    code, out, err = run(capsys, "tick", "--at", at, *narrowed, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def titles(out: str) -> list[str]:
    return [line.strip("= ") for line in out.splitlines() if line.startswith("== ")]


def test_a_scripted_console_year(year: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Monday 22 March, 11:00: Bram proposes an agreement; the chat's own tick queues
    # Anna's weekly digest (09:00 passed) before he does.
    chat(capsys, "2027-03-22T10:00:00Z", BRAM, "agreement new", "4", HOME, "2", "2", "1", "1")
    # Anna: the digest first (made first), then the proposal; she accepts and signs.
    out = chat(
        capsys, "2027-03-22T10:05:00Z", ANNA, "agreement show 1", "1", "agreement show 1", "1"
    )
    assert titles(out)[:2] == [
        "Team digest for Anna de Vries",
        "Agreement #1: Place of work (hybrid)",
    ]
    assert "Bram Jansen proposes an agreement" in out
    # Bram hears only the latest news, read from the agreement as it is now.
    out = chat(capsys, "2027-03-22T10:10:00Z", BRAM, "agreement show 1", "1")
    assert "Anna de Vries signed version 1; your signature is still missing." in out
    assert "accepted version 1" not in out
    out = chat(capsys, "2027-03-22T10:15:00Z", ANNA)
    assert "Bram Jansen signed too: version 1 is now part of the third contract." in out

    # The monthly follow-up, planned a day ahead for both. It does not arrive alone in the
    # morning: it rides along with Bram's weekly check-in that afternoon, asked right after
    # its closing message, and then not again.
    ticked = tick(capsys, "2027-04-21T07:05:00Z")
    assert ticked["followups"] == 2  # a question for each party
    assert "on track?" not in chat(capsys, "2027-04-21T07:10:00Z", BRAM)
    tick(capsys, "2027-04-22T07:05:00Z")
    assert "on track?" not in chat(capsys, "2027-04-22T07:10:00Z", BRAM)
    out = chat(capsys, "2027-04-22T12:05:00Z", BRAM, *WORKLOAD_ANSWERS)
    assert out.index("Thank you!") < out.index("Is this agreement with Anna de Vries on track?")
    assert "on track?" not in chat(capsys, "2027-04-22T12:15:00Z", BRAM)

    # A Monday digest Anna does not read until the evening is stale: skipped, not sent.
    ticked = tick(capsys, "2027-05-17T07:05:00Z", "digests")
    assert ticked["digests"] == 1
    out = chat(
        capsys,
        "2027-05-17T19:30:00Z",
        ANNA,
    )
    assert "Team digest" not in out
    # Hers, still open: with no check-in of hers done, it went alone at the end of its week.
    assert "Is this agreement with Bram Jansen on track?" in out
    _, listed, _ = run(capsys, "outbox", "list", "--kind", "digest", "--status", "expired")
    assert "anna@example.org  digest  digest.1.2027-05-17  expired" in listed

    # The review brief, 14 days before the review month: each their own copy, as a file.
    assert "Review brief" not in chat(capsys, "2027-05-17T19:35:00Z", BRAM)
    ticked = tick(capsys, "2027-05-18T07:05:00Z", "briefs")
    assert ticked["briefs"] == 1
    out = chat(capsys, "2027-05-18T07:10:00Z", BRAM)
    assert titles(out) == ["Review brief: Bram Jansen"] and "Your copy." in out
    out = chat(capsys, "2027-05-18T07:15:00Z", ANNA)
    assert "Review brief: Bram Jansen" in titles(out) and "The manager's copy" in out
    # Both copies land in the data folder, none in the working directory.
    data = Path(os.environ[DATA_DIR])
    assert len(list(data.glob("review-brief-bram-jansen-2027*.pdf"))) == 2
    assert not list(year.glob("*.pdf"))
