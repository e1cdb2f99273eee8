"""The README's scripted tour, on the example organisation and schedules in `examples/`.

The tour's commands are written here once, run through the real `jaarrond` entry point in
the order the README gives them, and compared with the README's own block, so the section
keeps running exactly as written.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main
from bot.org.org_file import parse_org_csv
from bot.schedules.calendar import CADENCES
from bot.schedules.file import DAY_OFF_RULES, parse_schedules
from dialogs.banks import load_banks
from tests.support.terminal import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

EMMA = "emma.obrien@example.org"
JOOST = "joost.verhoeven@example.org"
BRAM = "bram.jansen@example.org"
ARJUN = "arjun.mehta@example.org"
PRIYA = "priya.raghunathan@example.org"
# Emma starts the five-ages check-in herself and answers its nine questions, then shares.
EMMA_TYPES = (
    "checkin five_ages",
    "2",  # the phase of her working life: building up and growing
    "Leading a small team, and more work with customers in Europe",
    "4",
    "3",
    "no",
    "3",
    "1",
    "4",  # the two health questions: private, whatever she chooses next
    "4",
    "1",  # yes, share with Joost
)

IMPORT = "jaarrond --now 2027-03-22T08:00:00Z org import examples/org.csv"
CHECK = "jaarrond --now 2027-03-22T08:00:00Z schedules apply examples/schedules.yaml --dry-run"
APPLY = "jaarrond --now 2027-03-22T08:00:00Z schedules apply examples/schedules.yaml"
LIST = "jaarrond --now 2027-03-22T08:00:00Z schedules list"
TICK = "jaarrond tick --at 2027-03-25T13:05:00Z"
CHAT = (
    "printf '" + "\\n".join(EMMA_TYPES) + "\\n' "
    f"| jaarrond --now 2027-03-25T13:10:00Z chat --as {EMMA}"
)
EXPORT = f"jaarrond --now 2027-03-25T13:15:00Z export --person {EMMA}"
DIGEST = f"jaarrond --now 2027-03-26T08:00:00Z digest --manager {JOOST} --json"
BRIEF = f"jaarrond --now 2027-03-26T08:00:00Z review brief --person {EMMA} --format pdf"
TOUR = (IMPORT, CHECK, APPLY, LIST, TICK, CHAT, EXPORT, DIGEST, BRIEF)


def readme_tour() -> list[list[str]]:
    """The `jaarrond` commands of the README's tour block, each as its words."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## A scripted tour\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    commands = [shlex.split(line, comments=True) for line in lines]
    return [words for words in commands if words and words[0] in ("jaarrond", "printf")]


class Shell:
    """Runs a tour line as a shell would: `jaarrond ARGS`, or `printf 'TEXT' | jaarrond ARGS`."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, line: str) -> tuple[str, str]:
        words = shlex.split(line, comments=True)
        piped = ""
        if words[0] == "printf":
            text, bar, *words = words[1:]
            assert bar == "|" and "%" not in text and "\\" not in text.replace("\\n", "")
            piped = text.replace("\\n", "\n")
        assert words[0] == "jaarrond", line
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(piped))
        code = main(words[1:])
        out, err = self.capsys.readouterr()
        assert code == 0, f"{line}\n{err}"
        return out, err


@pytest.fixture
def shell(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Shell:
    """A fresh checkout-like folder holding `examples/`, with only the database configured."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("JAARROND_", "SLACK_", "Microsoft")) and name != DATA_DIR:
            monkeypatch.delenv(name)
    monkeypatch.setenv("JAARROND_DATABASE_URL", database_url)
    run = Shell(capsys, monkeypatch)
    if not database_url.startswith("sqlite"):
        run("jaarrond db upgrade")  # SQLite migrates itself; PostgreSQL is migrated on purpose
    return run


def test_the_readme_tour_is_the_tour_tested_here() -> None:
    assert readme_tour() == [shlex.split(line) for line in TOUR]


def test_the_scripted_tour(shell: Shell, tmp_path: Path) -> None:
    out, _ = shell(IMPORT)
    assert out.startswith("12 people were added, 0 updated, 0 unchanged")

    out, _ = shell(CHECK)
    assert out.strip() == "6 schedules would be created, 0 updated, 0 unchanged"
    out, _ = shell(APPLY)
    assert out.strip() == "6 schedules were created, 0 updated, 0 unchanged"

    out, _ = shell(LIST)
    listed = {line.split()[0]: line for line in out.splitlines()[:-1]}
    # The 27th of March is a Saturday, the Monday after Easter Monday: Tuesday, in summer time.
    assert listed["relationship-managers"].endswith("next (UTC): 2027-03-30T07:00:00+00:00")
    assert listed["relationship-new-york"].endswith("next (UTC): 2027-03-26T15:00:00+00:00")
    assert "paused" in listed["workload-hr-pilot"]
    assert out.splitlines()[-1] == "6 schedules"

    out, _ = shell(TICK)
    due = [line for line in out.splitlines() if "  workload-weekly  2027-W12  " in line]
    assert len(due) == 10  # everyone but the two in New York, where it is 09:05
    assert not any(EMMA in line or "daniel.kim@" in line for line in due)
    arjun = next(line for line in due if line.startswith(ARJUN))
    assert arjun.endswith("local 2027-03-25 14:00 Asia/Kolkata  UTC 2027-03-25 08:30")
    assert "10 check-ins fell due at 2027-03-25T13:05:00+00:00" in out
    prompts = [line.split() for line in out.splitlines() if "  prompt  " in line]
    assert len(prompts) == 10 and {p[1] for p in prompts} == {d.split()[0] for d in due}
    briefs = sorted(line.split()[1] for line in out.splitlines() if "  brief  " in line)
    # Bram's and Arjun's reviews are in April: both copies of each brief wait to be sent.
    assert briefs == sorted([BRAM, JOOST, ARJUN, PRIYA])
    assert "14 messages wait to be sent" in out

    out, _ = shell(CHAT)
    assert "== Work and life stage · Question 1 of 9 ==" in out
    assert "Question 9 of 9" in out and "Question 10" not in out
    assert "Shared with Joost Verhoeven. Thank you!" in out
    assert "I didn't understand" not in out  # every line typed was an answer

    out, _ = shell(EXPORT)
    export = json.loads(out)
    assert export["person"]["name"] == "Emma O'Brien"
    answers = {a["question_id"]: a for a in export["answers"]}
    assert len(answers) == 9 and {a["theme"] for a in answers.values()} == {"five_ages"}
    assert answers["five_ages.calendar_phase"]["value"] == "growing"
    assert answers["five_ages.calendar_horizon"]["value"] == EMMA_TYPES[2]
    assert answers["five_ages.private_change"]["value"] == "no"
    assert all(a["answered_at"] == "2027-03-25T13:10:00+00:00" for a in answers.values())
    health = {q for q, a in answers.items() if a["topic"] == "health"}
    assert health == {"five_ages.health_energy", "five_ages.health_fit"}
    assert {answers[q]["visibility"] for q in health} == {"private"}
    assert {a["visibility"] for q, a in answers.items() if q not in health} == {"shared"}
    [checkin] = export["checkins"]
    assert checkin["status"] == "completed" and checkin["shared"] is True

    out, _ = shell(DIGEST)
    digest = json.loads(out)
    assert digest["manager_name"] == "Joost Verhoeven"
    reports = {r["email"]: r for r in digest["reports"]}
    assert set(reports) == {
        BRAM,
        EMMA,
        "fleur.dewit@example.org",
        "sukru.yilmaz@example.org",
    }
    assert reports["sukru.yilmaz@example.org"]["name"] == "Şükrü Yılmaz"
    emma = reports[EMMA]
    assert emma["name"] == "Emma O'Brien" and emma["review_start"] == "2027-09-01"
    shown = {t["question_id"] for t in emma["trends"]}
    assert shown == set(answers) - health
    # Joost reads in Dutch; what Emma typed stays as she wrote it.
    trends = {t["question_id"]: t for t in emma["trends"]}
    assert trends["five_ages.calendar_phase"]["prompt"].startswith("In welke fase")
    assert trends["five_ages.calendar_phase"]["latest"] == "Ik bouw op en groei door"
    assert trends["five_ages.calendar_horizon"]["latest"] == EMMA_TYPES[2]
    assert not any(r["trends"] for email, r in reports.items() if email != EMMA)

    # The brief holds Emma's answers: it goes to the data folder, not the working directory.
    out, _ = shell(BRIEF)
    written = Path(os.environ[DATA_DIR]) / "review-brief-emma.obrien-2027-employee.pdf"
    assert out.strip() == f"wrote {written} (employee's copy)"
    brief = " ".join(page.extract_text() for page in PdfReader(written).pages)
    assert "September 2027" in brief and "Joost Verhoeven" in brief
    assert not list(tmp_path.glob("*.pdf"))


def test_the_example_organisation_shows_what_an_org_file_holds() -> None:
    people = parse_org_csv((EXAMPLES / "org.csv").read_text(encoding="utf-8"))
    by_email = {p.email: p for p in people}
    managers = {p.manager_email for p in people if p.manager_email}
    assert 10 <= len(people) <= 14
    # Two levels of management: managers who have a manager themselves.
    assert any(by_email[m].manager_email in managers for m in managers)
    assert [p.email for p in people if p.hr] == ["hanna.rutgers@example.org"]
    assert {p.locale for p in people} == {"nl", "en"}
    assert {p.timezone for p in people} == {"Europe/Amsterdam", "America/New_York", "Asia/Kolkata"}
    assert all(p.department and p.review_month for p in people)
    assert any(p.working_days for p in people)
    assert any(not p.name.isascii() for p in people)
    assert all(p.email.endswith("@example.org") for p in people)


def test_the_example_schedules_use_every_theme_audience_and_rule() -> None:
    themes = load_banks().keys()
    text = (EXAMPLES / "schedules.yaml").read_text(encoding="utf-8")
    specs = parse_schedules(text, themes)
    assert {s.theme for s in specs} == set(themes)
    assert {next(iter(s.audience)) for s in specs} == {"all", "department", "emails"}
    assert {s.cadence for s in specs} == set(CADENCES)
    assert {s.on_day_off for s in specs} == set(DAY_OFF_RULES)
    assert {s.holidays for s in specs} == {"NL", "IN", "US"}
    assert {s.active for s in specs} == {True, False}
    assert None in {s.remind_minutes for s in specs}
