"""The drift rules on their own: which series of answers raise a signal, which never do,
and how a signal reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import drift
from dialogs.banks import BankError, load_banks, parse_bank
from dialogs.drift import Point, cadence_of, continues, detect, shared_series

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
STEP = {
    "weekly": timedelta(weeks=1),
    "biweekly": timedelta(weeks=2),
    "monthly": timedelta(days=30),
    "quarterly": timedelta(days=91),
}
CADENCES = tuple(STEP)


def series(values: list[int], cadence: str = "weekly") -> list[tuple[datetime, int]]:
    return [(START + i * STEP[cadence], v) for i, v in enumerate(values)]


def fits(cadence: str) -> int:
    """How many answers of this cadence fit in the history it reads."""
    return drift.window(cadence).history // STEP[cadence] + 1


# ---- examples ------------------------------------------------------------------------------


def test_a_slow_slide_of_one_step_is_flagged_once_six_answers_are_a_step_lower() -> None:
    # Four months at 4, then over four months a slide to 3, where the answers stay.
    slide = [4, 4, 3, 4, 4, 3, 4, 3, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3]
    values = [4] * 17 + slide
    assert detect(series(values[:-1]), "weekly") is None
    signal = detect(series(values), "weekly")
    assert signal is not None
    assert (signal.direction, signal.kind, signal.baseline) == ("lower", "trend", 4.0)
    # Since the first of the answers that stayed a step lower; raised at the last one.
    assert signal.since == series(values)[-6][0]
    assert signal.raised_at == series(values)[-1][0]


def test_single_low_answers_are_noise_but_two_steps_at_once_is_a_jump() -> None:
    assert detect(series([4] * 12 + [3] + [4] * 5), "weekly") is None
    jump = detect(series([4] * 17 + [2]), "weekly")
    assert jump is not None and (jump.kind, jump.direction) == ("jump", "lower")
    assert jump.since == jump.raised_at == series([0] * 18)[-1][0]
    up = detect(series([2] * 12 + [3] * 6), "weekly")
    assert up is not None and (up.direction, up.kind) == ("higher", "trend")


def test_a_signal_holds_until_the_trend_returns_half_way() -> None:
    values = [4] * 12 + [3] * 6
    signal = detect(series(values), "weekly")
    assert signal is not None
    # One answer back at 4 is not a return: the level is still 3.17, most of a step away.
    assert continues(series([*values, 4]), "weekly", signal.baseline, signal.direction)
    assert continues(series([*values, 4, 4]), "weekly", signal.baseline, signal.direction)
    # Half of the last six back at 4: the level is 3.5, the trend returned.
    back = [*values, 4, 4, 4]
    assert not continues(series(back), "weekly", signal.baseline, signal.direction)
    # A jump holds while the answers stay two steps away.
    jump = detect(series([4] * 17 + [2]), "weekly")
    assert jump is not None
    assert continues(series([4] * 17 + [2, 2]), "weekly", jump.baseline, "lower")
    assert not continues(series([4] * 17 + [2, 4]), "weekly", jump.baseline, "lower")


def test_coming_back_to_where_an_ended_signal_returned_is_no_new_change() -> None:
    values = [4] * 12 + [3] * 14 + [4] * 6
    # Against the months at 3 the return reads as a rise; it is the old level coming back.
    assert detect(series(values), "weekly") is not None
    assert detect(series(values), "weekly", settled=4.0) is None
    # A real change the other way still counts.
    assert detect(series([*values[:-6], 2, 2, 2, 2, 2, 2]), "weekly", settled=4.0) is not None


def test_slower_cadences_decide_over_fewer_answers_and_read_further_back() -> None:
    assert detect(series([4, 4, 4, 3, 3, 3], "monthly"), "monthly") is not None
    assert detect(series([4, 4, 3, 3], "quarterly"), "quarterly") is not None
    assert detect(series([4, 4, 3], "quarterly"), "quarterly") is None  # no baseline yet
    # A quarterly question reads a year back; a weekly one half a year.
    assert drift.window("quarterly").history >= timedelta(days=365)
    assert drift.window("weekly").history == timedelta(weeks=26)
    for cadence in CADENCES:
        window = drift.window(cadence)
        assert window.recent + window.baseline_min <= fits(cadence)


def test_the_cadence_is_read_from_the_time_between_answers() -> None:
    for cadence in CADENCES:
        assert cadence_of([at for at, _ in series([3] * 8, cadence)]) == cadence
    assert cadence_of([START]) == "monthly"


def test_only_shared_non_health_answers_on_the_scale_count() -> None:
    points = [
        Point(START, "4", "shared", "equality"),
        Point(START + STEP["weekly"], "2", "private", "equality"),
        Point(START + 2 * STEP["weekly"], "2", "aggregate", "equality"),
        Point(START + 3 * STEP["weekly"], "1", "shared", "health"),
        Point(START + 4 * STEP["weekly"], "1", "shared", "psychosocial", health=True),
        Point(START + 5 * STEP["weekly"], "7", "shared", "equality"),
        Point(START + 6 * STEP["weekly"], "a lot", "shared", "equality"),
    ]
    assert shared_series(points) == [(START, 4)]


def test_a_change_reads_in_the_banks_words_or_the_scales_labels() -> None:
    bank = load_banks()["relationship"]
    equal = bank.question("relationship.equality_partner")
    note = drift.note_of(equal, "lower", datetime(2027, 5, 6, tzinfo=UTC), "en")
    assert drift.drift_line(note, "en") == (
        "Worth a conversation: feels less of an equal partner since May 2027 "
        "(“In conversations with your manager, do you feel like an equal partner?”)"
    )
    dutch = drift.drift_line(drift.note_of(equal, "lower", note.since, "nl"), "nl")
    assert dutch.startswith("Goed om over te praten: voelt zich minder een gelijkwaardige")
    assert "sinds mei 2027" in dutch
    bare = parse_bank(
        {
            "theme": "own",
            "title": {"nl": "Eigen", "en": "Own"},
            "intro": {"nl": "Intro", "en": "Intro"},
            "questions": [
                {
                    "id": "own.focus",
                    "kind": "scale",
                    "text": {"nl": "Focus?", "en": "Focus?"},
                    "low": {"nl": "Geen", "en": "None"},
                    "high": {"nl": "Volop", "en": "Plenty"},
                }
            ],
        },
        "own.yaml",
    ).question("own.focus")
    assert drift.change_in_words(bare, "higher", "en") == "answers lean towards “Plenty”"
    assert drift.change_in_words(bare, "lower", "nl") == "antwoordt vaker richting “Geen”"


def _bank(question: dict[str, object]) -> dict[str, object]:
    base = {"id": "own.q", "text": {"nl": "Vraag?", "en": "Question?"}}
    return {
        "theme": "own",
        "title": {"nl": "Eigen", "en": "Own"},
        "intro": {"nl": "Intro", "en": "Intro"},
        "questions": [{**base, **question}],
    }


SCALE_ENDS = {"low": {"nl": "Laag", "en": "Low"}, "high": {"nl": "Hoog", "en": "High"}}
OPTIONS = {
    "options": [
        {"value": "kept", "label": {"nl": "Ja", "en": "Yes"}},
        {"value": "broken", "label": {"nl": "Nee", "en": "No"}},
    ]
}


def test_a_bank_marks_questions_about_agreements_and_says_which_answers_count() -> None:
    agreements = load_banks()["relationship"].question("relationship.reciprocity_agreements")
    assert agreements.about_agreements and agreements.not_kept == ("not_kept",)
    scale = parse_bank(_bank({"kind": "scale", "about": "agreements", **SCALE_ENDS}), "b.yaml")
    assert scale.question("own.q").not_kept == ("1", "2")
    choice = {"kind": "choice", "about": "agreements", "not_kept": ["broken"], **OPTIONS}
    assert parse_bank(_bank(choice), "b.yaml").question("own.q").not_kept == ("broken",)
    refused = {
        "must be one of agreements": {"kind": "scale", "about": "pay", **SCALE_ENDS},
        "free-text answer": {"kind": "text", "about": "agreements"},
        "health answer": {"kind": "scale", "about": "agreements", "topic": "health", **SCALE_ENDS},
        "list the values": {"kind": "choice", "about": "agreements", **OPTIONS},
        "gone is not one of its values": {
            "kind": "choice",
            "about": "agreements",
            "not_kept": ["gone"],
            **OPTIONS,
        },
        "only for a question with": {"kind": "yes_no", "not_kept": ["no"]},
        "only a scale question": {"kind": "yes_no", "drift": {"lower": {}, "higher": {}}},
        "expected 'lower' and 'higher'": {"kind": "scale", "drift": {"lower": {}}, **SCALE_ENDS},
        "drift.higher: missing text for en": {
            "kind": "scale",
            "drift": {"lower": {"nl": "a", "en": "b"}, "higher": {"nl": "c"}},
            **SCALE_ENDS,
        },
    }
    for message, question in refused.items():
        with pytest.raises(BankError, match=message):
            parse_bank(_bank(question), "b.yaml")


# ---- properties ----------------------------------------------------------------------------

cadences = st.sampled_from(CADENCES)
values = st.integers(min_value=1, max_value=5)
gaps = st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=120))


@settings(max_examples=200, deadline=None)
@given(cadences, values, st.lists(gaps, max_size=60))
def test_a_constant_series_never_signals(cadence: str, value: int, steps: list[timedelta]) -> None:
    moments = [START]
    for gap in steps:
        moments.append(moments[-1] + gap)
    assert detect([(at, value) for at in moments], cadence) is None


@settings(max_examples=300, deadline=None)
@given(cadences, st.integers(min_value=1, max_value=4), st.booleans(), st.data())
def test_a_lasting_one_step_shift_always_signals_after_the_window(
    cadence: str, low: int, up: bool, data: st.DataObject
) -> None:
    window = drift.window(cadence)
    before, after = (low, low + 1) if up else (low + 1, low)
    earlier = data.draw(st.integers(window.baseline_min, fits(cadence) - window.recent))
    # Not a moment before the window is full of the new level ...
    almost = [before] * earlier + [after] * (window.recent - 1)
    assert detect(series(almost, cadence), cadence) is None
    # ... and always once it is,
    found = detect(series([*almost, after], cadence), cadence)
    assert found is not None
    assert found.direction == ("higher" if up else "lower")
    assert found.baseline == before
    # and it holds for as long as the answers stay there.
    longer = [*almost, after] + [after] * data.draw(st.integers(0, 3 * fits(cadence)))
    assert continues(series(longer, cadence), cadence, found.baseline, found.direction)


point = st.builds(
    Point,
    at=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    value=st.sampled_from(["1", "2", "3", "4", "5", "x"]),
    visibility=st.sampled_from(["shared", "private", "aggregate"]),
    topic=st.sampled_from(["equality", "health"]),
    health=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(cadences, st.lists(point, max_size=40), st.lists(point, max_size=40))
def test_private_and_health_answers_never_reach_the_rules(
    cadence: str, counted: list[Point], others: list[Point]
) -> None:
    kept = [p for p in counted if p.visibility == "shared" and not p.health]
    kept = [p for p in kept if p.topic != "health"]
    hidden = [p for p in others if p.visibility != "shared" or p.health or p.topic == "health"]
    # Whatever private or health answers are mixed in, the outcome is that of the rest.
    assert detect(shared_series(kept + hidden), cadence) == detect(shared_series(kept), cadence)
    assert shared_series(hidden) == []


@settings(max_examples=200, deadline=None)
@given(cadences, st.lists(values, min_size=1, max_size=30))
def test_a_fresh_signal_holds_on_the_answers_that_raised_it(
    cadence: str, answers: list[int]
) -> None:
    found = detect(series(answers, cadence), cadence)
    if found is not None:
        assert continues(series(answers, cadence), cadence, found.baseline, found.direction)
        assert found.since <= found.raised_at
