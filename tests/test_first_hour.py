"""The first hour, as a new operator walks it: a welcoming first run, the common mistakes
answered in one line each, files with personal data outside the working directory, and a
demo that says how to go on."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.terminal import DATA_DIR, run


@pytest.fixture
def free_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("JAARROND_PORT", str(port))
    yield port


def test_the_first_run_asks_language_and_time_zone_offers_defaults_and_says_what_next(
    workdir: Path, free_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = "\n".join(
        [
            "hanna@example.org",
            "Hanna Smit",
            "en",
            "Mars/Olympus_Mons",  # refused: asked again, the earlier answers offered
            "",
            "",
            "",
            "Asia/Kolkata",
            "quit",
        ]
    )
    code, out, _ = run(capsys, "run", stdin=typed, terminal=True)
    assert code == 0
    assert "Language / taal (nl, en) [nl]: " in out
    assert "Time zone / tijdzone [Europe/Amsterdam]: " in out
    assert "'Mars/Olympus_Mons' is not an IANA time zone" in out
    assert "Email / e-mail [hanna@example.org]: " in out and "[Mars/Olympus_Mons]: " in out
    assert "You are registered as HR (hanna@example.org). What to do next:" in out
    assert "jaarrond org import examples/org.csv" in out
    assert f"Log: {Path(os.environ[DATA_DIR]) / 'jaarrond.log'} ('jaarrond -v run'" in out
    assert "Jaarrond is running. You are hanna@example.org." in out
    code, out, _ = run(capsys, "org", "list", "--json")
    assert '"locale": "en"' in out and '"timezone": "Asia/Kolkata"' in out and '"hr": true' in out


def test_a_taken_port_is_one_line_naming_the_setting(
    workdir: Path, free_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port))
        taken.listen()
        code, _, err = run(capsys, "run", "--as", "bram@example.org", stdin="quit\n")
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines() == [
        f"jaarrond: port {free_port} on 127.0.0.1 is in use: stop what uses it, or set "
        "JAARROND_PORT (and JAARROND_HOST) to a free one"
    ]


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (("org", "import", "people.csv"), {}, "cannot read people.csv: No such file"),
        (("--now", "next tuesday", "org", "list"), {}, "'next tuesday' is not an ISO time"),
        (("chat", "--as", "nobody@example.org"), {}, "no person with email nobody@example.org"),
        (
            ("review", "brief", "--person", "bram@example.org", "--out", "missing/brief.html"),
            {},
            "has no review month",
        ),
        (
            ("report", "works-council", "--year", "2027", "--out", "missing/wc.html"),
            {},
            "missing/wc.html: No such file or directory",
        ),
        (
            ("org", "list"),
            {"JAARROND_DATABASE_URL": "postgresql://jaarrond:secret@127.0.0.1:1/jaarrond"},
            "cannot reach the database postgresql+asyncpg://jaarrond:***@127.0.0.1:1/jaarrond",
        ),
    ],
)
def test_common_mistakes_are_one_clear_line(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    env: dict[str, str],
    says: str,
) -> None:
    assert run(capsys, "org", "import", "org.csv")[0] == 0
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("jaarrond: "), err
    assert says in err and "secret" not in err


def test_files_with_personal_data_never_land_in_a_checkout(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = workdir / "checkout"
    (checkout / ".git").mkdir(parents=True)  # the working directory is a checkout
    monkeypatch.chdir(checkout)
    assert run(capsys, "org", "import", "../org.csv")[0] == 0
    code, _, err = run(capsys, "person", "export", "bram@example.org", "--out", "bram.json")
    assert code == 2 and "is inside the git checkout" in err
    assert not (checkout / "bram.json").exists()
    code, out, _ = run(
        capsys, "agreements", "export", "--person", "bram@example.org", "--format", "pdf"
    )
    written = Path(os.environ[DATA_DIR]) / "agreements-bram.pdf"
    assert code == 0 and out.strip() == f"wrote {written}"
    assert written.stat().st_mode & 0o077 == 0
    monkeypatch.setenv(DATA_DIR, str(checkout / "data"))
    code, _, err = run(capsys, "chat", "--as", "bram@example.org", stdin="export\n")
    assert code == 2 and "JAARROND_DATA_DIR" in err and "inside the git checkout" in err
    assert not list(checkout.rglob("*.json"))


def test_commands_print_their_result_without_log_lines_unless_asked(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "org", "import", "org.csv")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "tick", "--at", "2027-03-22T08:00:00Z")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "-v", "tick", "--at", "2027-03-29T08:00:00Z")
    assert code == 0 and " INFO " in err


def test_the_demo_explains_itself_and_ends_with_how_to_explore_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    assert "--seed" in usage and "same seed gives the same output" in usage
    assert "--weeks" in usage and "52 is a year" in usage
    code, out, err = run(capsys, "demo", "--weeks", "1")
    database = Path(os.environ[DATA_DIR]) / "jaarrond-demo.db"
    assert code == 0 and database.exists() and not list(workdir.glob("*.db"))
    assert f"export JAARROND_DATABASE_URL=sqlite:///{database}" in out
    assert "jaarrond digest --manager anna@example.org" in out
    assert "INFO" not in err, "the demo's log goes to its file"
