"""HR's own questions: the checks, the health words, and how they join a bank."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dialogs import hr_questions as hq
from dialogs.banks import load_banks
from dialogs.console_texts import CONSOLE_CATALOG

THEMES = ("workload",)


def draft(**changes: object) -> hq.Draft:
    base = hq.Draft(
        theme="workload", topic="focus", kind="text", text_nl="Hoe gaat het?", text_en="How is it?"
    )
    return hq.Draft(**{**base.__dict__, **changes})


@pytest.mark.parametrize(
    "text",
    ["Hoeveel ziektedagen had je?", "Do you sleep well?", "Heb je last van slaapproblemen?"],
)
def test_health_words_are_found_in_either_language_and_in_compounds(text: str) -> None:
    verdict = hq.check(draft(text_nl=text, visible_to_manager=False), THEMES)
    assert verdict.problems == () and verdict.warnings == ("question.warning.health",)


def test_a_harmless_question_gets_no_warning() -> None:
    assert hq.check(draft(), THEMES) == hq.Verdict((), ())


def test_health_and_visible_to_managers_is_refused_whatever_the_words() -> None:
    verdict = hq.check(draft(health=True, visible_to_manager=True), THEMES)
    assert "question.problem.health_visible" in verdict.problems
    verdict = hq.check(draft(topic="health", visible_to_manager=True), THEMES)
    assert "question.problem.health_visible" in verdict.problems


def test_kinds_need_their_parts() -> None:
    assert "question.problem.scale" in hq.check(draft(kind="scale"), THEMES).problems
    one = (hq.DraftOption("a", "A", "A"),)
    assert (
        "question.problem.options" in hq.check(draft(kind="choice", options=one), THEMES).problems
    )
    two = (*one, hq.DraftOption("b", "B", "B"))
    assert hq.check(draft(kind="choice", options=two), THEMES).problems == ()
    assert "question.problem.text" in hq.check(draft(text_en=""), THEMES).problems
    assert "question.problem.theme" in hq.check(draft(theme="nope"), THEMES).problems


def test_merged_questions_follow_the_theme_and_keep_answers_private_when_hidden() -> None:
    banks = load_banks()
    hidden = hq.to_bank_question(draft(visible_to_manager=False), 7)
    merged = hq.merge(banks, [hidden])
    assert merged["workload"].questions[-1].question_id == "workload.hr_7"
    assert merged["workload"].questions[-1].is_health
    assert merged["relationship"] == banks["relationship"]


def test_every_console_text_exists_in_both_languages_and_every_key_used_exists() -> None:
    assert CONSOLE_CATALOG.problems() == []
    root = Path(__file__).resolve().parent.parent
    sources = list((root / "bot" / "console").rglob("*.py"))
    sources += list((root / "bot" / "console" / "templates").glob("*.html"))
    # Literal keys only: keys built with ~ or f-strings end in "." or "_" and are skipped.
    key = re.compile(r"""\b(?:t|tc)\(\s*["']([a-z_]+\.[a-z_.]*[a-z])["']""")
    used = {found for source in sources for found in key.findall(source.read_text())}
    assert used and used <= set(CONSOLE_CATALOG), used - set(CONSOLE_CATALOG)
