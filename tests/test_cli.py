"""The `jaarrond` command end to end, as an operator or a script would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.terminal import run
from tests.support.testbot import WEEKLY_ON_THURSDAY


def test_org_import_and_list(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "org", "import", "org.csv")
    assert code == 0
    assert "5 people were added" in out
    assert (workdir / "jaarrond.db").exists()
    code, out, _ = run(capsys, "org", "list", "--json")
    people = json.loads(out)
    assert [p["email"] for p in people][:2] == ["anna@example.org", "bram@example.org"]
    assert people[1]["manager_email"] == "anna@example.org"


def test_a_csv_with_errors_is_rejected_whole(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "org", "import", "org.csv")
    _, before, _ = run(capsys, "org", "list", "--json")
    (workdir / "bad.csv").write_text(
        "email,name,manager_email,locale,timezone\n"
        "new@example.org,New Person,,nl,Europe/Amsterdam\n"
        "bad-email,Bad,,nl,Europe/Amsterdam\n"
        "zone@example.org,Zone,,en,Europe/Amsterdm\n"
        "loc@example.org,Loc,,de,Europe/Amsterdam\n"
        "new@example.org,Twice,,nl,Europe/Amsterdam\n"
        "orphan@example.org,Orphan,ghost@example.org,nl,Europe/Amsterdam\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "org", "import", "bad.csv")
    assert code == 2
    assert "nothing was imported" in err
    for row in ("row 3", "row 4", "row 5", "row 6", "row 7"):
        assert row in err, row
    _, after, _ = run(capsys, "org", "list", "--json")
    assert after == before


def test_schedules_apply_list_and_tick(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "org", "import", "org.csv")
    code, out, _ = run(
        capsys, "--now", "2027-03-22T08:00:00Z", "schedules", "apply", "schedules.yaml"
    )
    assert code == 0, out
    assert "1 schedules were created" in out
    _, out, _ = run(capsys, "--now", "2027-03-22T08:00:00Z", "schedules", "list", "--json")
    [schedule] = json.loads(out)
    assert schedule["next_due_utc"] == "2027-03-25T13:00:00+00:00"
    code, out, _ = run(capsys, "tick", "--at", "2027-03-25T13:05:00Z", "--dry-run", "--json")
    assert code == 0
    rehearsed = json.loads(out)
    assert rehearsed["dry_run"] is True
    assert len(rehearsed["checkins"]) == 4  # Amsterdam people and Kolkata (14:00 IST is earlier)
    assert [w["kind"] for w in rehearsed["waiting"]] == ["prompt"] * 4
    _, out, _ = run(capsys, "tick", "--at", "2027-03-25T13:05:00Z", "--json")
    ticked = json.loads(out)
    due = ticked["checkins"]
    assert len(due) == 4  # the dry run planned nothing
    assert [w["kind"] for w in ticked["waiting"]] == ["prompt"] * 4
    anna = next(d for d in due if d["email"] == "anna@example.org")
    assert anna["local_due"] == "2027-03-25T14:00:00+01:00"
    assert anna["due_utc"] == "2027-03-25T13:00:00+00:00"
    _, out, _ = run(capsys, "tick", "--at", "2027-03-25T13:06:00Z")
    assert "0 check-ins fell due" in out


def test_a_bad_schedule_file_names_schedule_and_field(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "bad.yaml").write_text(
        WEEKLY_ON_THURSDAY.replace('"14:00"', '"25:00"'), encoding="utf-8"
    )
    code, _, err = run(capsys, "schedules", "apply", "bad.yaml")
    assert code == 2
    assert "workload-weekly" in err and "25:00" in err
    _, out, _ = run(capsys, "schedules", "list", "--json")
    assert json.loads(out) == []


def test_scripted_five_ages_checkin_keeps_health_private(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "org", "import", "org.csv")
    script = "checkin five_ages\n" + "1\n" * 10
    code, out, _ = run(
        capsys, "--now", "2027-03-25T13:05:00Z", "chat", "--as", "bram@example.org", stdin=script
    )
    assert code == 0
    assert "Shared with Anna de Vries" in out
    _, out, _ = run(capsys, "export", "--person", "bram@example.org")
    answers = json.loads(out)["answers"]
    assert len(answers) == 9
    assert all(a["answered_at"] == "2027-03-25T13:05:00+00:00" for a in answers)
    health = {a["question_id"] for a in answers if a["topic"] == "health"}
    assert health and all(a["visibility"] == "private" for a in answers if a["topic"] == "health")
    _, out, _ = run(
        capsys, "--now", "2027-03-26T08:00:00Z", "digest", "--manager", "anna@example.org", "--json"
    )
    digest = json.loads(out)
    bram = next(r for r in digest["reports"] if r["email"] == "bram@example.org")
    shown = {t["question_id"] for t in bram["trends"]}
    assert shown and not shown & health
    assert "five_ages.professional_learning" in shown


def test_the_digest_reads_in_the_managers_language(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "org", "import", "org.csv")
    run(capsys, "chat", "--as", "bram@example.org", stdin="topic Thuiswerken op vrijdag\n")
    _, out, _ = run(capsys, "digest", "--manager", "anna@example.org")
    assert "Teamoverzicht voor Anna de Vries" in out
    assert "Thuiswerken op vrijdag" in out


def test_unknown_people_and_bad_times_get_clear_errors(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "export", "--person", "ghost@example.org")
    assert code == 2 and "no person with email ghost@example.org" in err
    code, _, err = run(capsys, "--now", "yesterday", "org", "list")
    assert code == 2 and "not an ISO time" in err
    code, _, err = run(capsys, "org", "import", "missing.csv")
    assert code == 2 and "cannot read missing.csv" in err


def test_bad_settings_are_all_reported(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["JAARROND_PORT"] = "eighty"
    os.environ["JAARROND_DEFAULT_TIMEZONE"] = "Mars/Olympus"
    try:
        code, _, err = run(capsys, "org", "list")
    finally:
        del os.environ["JAARROND_PORT"], os.environ["JAARROND_DEFAULT_TIMEZONE"]
    assert code == 2
    assert "JAARROND_PORT" in err and "JAARROND_DEFAULT_TIMEZONE" in err


def test_the_installed_command_runs_a_piped_conversation(workdir: Path) -> None:
    """The real process, with stdin piped, as `printf ... | jaarrond chat` would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAARROND_")}
    command = [sys.executable, "-m", "bot.cli"]
    subprocess.run([*command, "org", "import", "org.csv"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*command, "chat", "--as", "carla@example.org"],
        input="help\ncheckin relationship\n3\nstop\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Commands:" in result.stdout
    assert "Stopped." in result.stdout


def test_outbox_list_says_why_a_prompt_waits(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "org", "import", "org.csv")
    run(capsys, "--now", "2027-03-22T08:00:00Z", "schedules", "apply", "schedules.yaml")
    run(capsys, "tick", "--at", "2027-03-25T13:05:00Z")
    run(capsys, "--now", "2027-03-25T13:06:00Z", "chat", "--as", "bram@example.org", stdin="")
    _, out, _ = run(capsys, "outbox", "list", "--json")
    rows = {r["email"]: r for r in json.loads(out)}
    assert rows["bram@example.org"]["status"] == "sent"
    assert rows["bram@example.org"]["platform"] == "console"
    assert rows["anna@example.org"]["status"] == "pending"
    _, out, _ = run(capsys, "outbox", "list", "--status", "sent")
    assert "bram@example.org" in out and "anna@example.org" not in out


def test_teams_package_for_an_admin(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import zipfile

    app_id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    code, out, _ = run(capsys, "teams", "package", "--app-id", app_id, "--out", "teams.zip")
    assert code == 0 and "teams.zip" in out
    with zipfile.ZipFile(workdir / "teams.zip") as package:
        names = set(package.namelist())
        manifest = json.loads(package.read("manifest.json"))
    assert {"manifest.json", "color.png", "outline.png"} <= names
    assert manifest["bots"][0]["botId"] == app_id
    code, _, err = run(capsys, "teams", "package", "--app-id", "not-a-guid")
    assert code == 2 and "not-a-guid" in err


def test_teams_without_an_app_id_refuses_to_start_in_production(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAARROND_PROFILE", "production")
    monkeypatch.setenv("JAARROND_DATA_KEYS", "dGVzdC1kYXRhLWtleS1mb3ItamFhcnJvbmQtdGVzdHM=")
    monkeypatch.setenv("JAARROND_TEAMS", "true")
    code, _, err = run(capsys, "run")
    assert code == 2
    assert "Teams is not configured safely" in err and "MicrosoftAppId" in err


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_teams_and_stops_on_sigterm(workdir: Path) -> None:
    """The real process: Teams on the shared server, health endpoints, a clean stop."""
    import signal
    import urllib.request

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAARROND_", "Microsoft"))}
    env |= {"JAARROND_TEAMS": "true", "JAARROND_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = b""
        for _ in range(200):  # wait for the server to come up, at most ~20 s
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    body = r.read()
                break
            except OSError:
                if process.poll() is not None:
                    break
                subprocess.run(["sleep", "0.1"], check=True)
        assert b"ready" in body, "the server was not ready within ~20 s: " + (
            process.stderr.read() if process.poll() is not None else "it still runs"
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/messages",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as refused:
            refused.close()
            assert 400 <= refused.code < 500 and refused.code != 404  # there, refusing junk
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_incomplete_slack_settings_refuse_to_start(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123")
    code, _, err = run(capsys, "run")
    assert code == 2
    assert "Slack is not configured completely" in err and "SLACK_SIGNING_SECRET" in err


def test_the_digest_as_json_holds_review_months(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "review.csv").write_text(
        "email,name,review_month\nbram@example.org,Bram Jansen,6\n", encoding="utf-8"
    )
    run(capsys, "org", "import", "org.csv")
    run(capsys, "org", "import", "review.csv")
    code, out, err = run(
        capsys, "--now", "2027-03-26T08:00:00Z", "digest", "--manager", "anna@example.org", "--json"
    )
    assert code == 0, err
    bram = next(r for r in json.loads(out)["reports"] if r["email"] == "bram@example.org")
    assert "2027-06-01" in json.dumps(bram)


def test_what_people_wrote_never_drives_the_operators_terminal(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "red \x1b[31mALERT\x1b[0m \x07 title \x1b]0;pwned\x07 csi \x9b2J del \x7f"
    run(capsys, "org", "import", "org.csv")
    run(capsys, "chat", "--as", "bram@example.org", stdin=f"topic {hostile}\n")
    _, out, _ = run(capsys, "digest", "--manager", "anna@example.org")
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\x7f" not in out
    assert "red ␛[31mALERT␛[0m ␇ title ␛]0;pwned␇" in out
    # As JSON every control character is an escape: exact for scripts, inert on a terminal.
    _, out, _ = run(capsys, "digest", "--manager", "anna@example.org", "--json")
    assert not any(0x7F <= ord(c) < 0xA0 or (ord(c) < 0x20 and c != "\n") for c in out)
    bram = next(r for r in json.loads(out)["reports"] if r["email"] == "bram@example.org")
    assert bram["topics"][0]["text"] == hostile
