"""The journey checks can fail: each broken behaviour they look for, made on purpose in an
otherwise real surface, is reported; and strangers are answered per surface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from adapters.console import adapter as console_adapter
from adapters.slack.direct_messages import DirectMessages
from adapters.slack.prompts import LivePrompts
from adapters.teams import cards
from bot.clock import FixedClock
from dialogs.messages import Outbound
from tests.support.databases import Templates
from tests.support.journey_runner import Run, first_difference, run_journey
from tests.support.journey_script import Journey, answer, say, write
from tests.support.journey_slack import slack_surface
from tests.support.journey_surfaces import Surface, console_surface
from tests.support.journey_teams import teams_surface
from tests.support.journeys import CAST, MONDAY

SHORT = Journey(
    "short",
    CAST,
    start=MONDAY,
    steps=(
        say("bram", "checkin workload"),
        say("bram", "maybe", outcome="again"),
        answer("bram", "4", by="click"),
        answer("bram", "pace_deadlines", by="number"),
        say("bram", "agreement new"),
        answer("bram", "development", by="other_language"),
        write("bram", "Bram follows a course."),
    ),
)


@pytest.fixture
async def surface_of(tmp_path: Path, database_templates: Templates) -> AsyncIterator[Any]:
    """Makes a surface on a SQLite database of its own; all are closed after the test."""
    async with AsyncExitStack() as stack:

        async def make(name: str) -> Surface:
            db = await stack.enter_async_context(database_templates.fresh("sqlite", tmp_path))
            clock = FixedClock(MONDAY)
            if name == "console":
                surface = await console_surface(db, clock, CAST, tmp_path)
            elif name == "slack":
                surface = await slack_surface(db, clock, CAST)
            else:
                surface = await teams_surface(db, clock, CAST)
            stack.push_async_callback(surface.close)
            return surface

        yield make


async def test_the_short_journey_passes_everywhere(surface_of: Any) -> None:
    runs = [await run_journey(SHORT, await surface_of(n)) for n in ("console", "slack", "teams")]
    assert [run.problems for run in runs] == [[], [], []]
    assert not first_difference(runs[0], runs[1]) and not first_difference(runs[0], runs[2])


async def test_options_numbered_differently_are_caught(
    surface_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = console_adapter.render
    monkeypatch.setattr(console_adapter, "render", lambda out: real(out).replace("  1.", "  0."))

    run = await run_journey(SHORT, await surface_of("console"))

    assert any("option 1 should read 'Pace and deadlines'" in p for p in run.problems)


async def test_a_copy_left_with_live_buttons_is_caught(
    surface_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def remember_nothing(*args: object) -> None:
        return None

    # Without the messages it posted, the adapter cannot settle a copy asked earlier.
    monkeypatch.setattr(LivePrompts, "remember", remember_nothing)

    run = await run_journey(SHORT, await surface_of("slack"))

    assert any("step 3" in p and "left behind" in p for p in run.problems)


async def test_an_answered_card_left_as_it_was_is_caught(
    surface_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cards, "answered_card", lambda prompt, outcome, locale: None)

    run = await run_journey(SHORT, await surface_of("teams"))

    assert any("step 3" in p and "still shows its buttons" in p for p in run.problems)


async def test_a_question_the_surface_did_not_show_is_caught(
    surface_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = DirectMessages.post

    async def drop_drafts(
        self: DirectMessages, client: Any, user: str, out: Outbound, **how: Any
    ) -> Any:
        if out.question is not None and out.question.token.startswith("ad"):
            return None
        return await post(self, client, user, out, **how)

    monkeypatch.setattr(DirectMessages, "post", drop_drafts)

    run = await run_journey(SHORT, await surface_of("slack"))

    assert any("step 5" in p and "did not reach bram" in p for p in run.problems)
    assert any("step 6" in p and "is not shown" in p for p in run.problems)


async def test_a_reply_unlike_the_one_it_should_equal_is_caught(surface_of: Any) -> None:
    unlike = Journey(
        "unlike",
        CAST,
        start=MONDAY,
        steps=(say("bram", "frobnicate"), say("bram", "help", like=-1)),
    )

    run = await run_journey(unlike, await surface_of("console"))

    assert any("step 2" in p and "not as step 1" in p for p in run.problems)


def test_a_different_reply_is_reported_with_its_step() -> None:
    same = [(1, [("turn", "a")]), (2, [("turn", "b")])]
    other = [(1, [("turn", "a")]), (2, [("turn", "c")])]
    difference = first_difference(Run("console", same), Run("teams", other))
    assert difference.startswith("step 2 differs")
    assert not first_difference(Run("console", same), Run("slack", list(same)))


async def test_a_stranger_is_answered_in_their_language_on_teams_else_in_both(
    surface_of: Any,
) -> None:
    greeting = Journey(
        "strangers",
        CAST,
        start=MONDAY,
        steps=(
            say("xavier", "help", outcome="unknown", compared=False),
            say("yara", "hello", outcome="unknown", compared=False),
        ),
    )
    dutch, english = "Vraag HR", "Ask HR"
    for name in ("console", "slack", "teams"):
        surface = await surface_of(name)
        assert (await run_journey(greeting, surface)).problems == []
        [to_xavier] = [s.text for s in surface.screen(CAST["xavier"])]
        [to_yara] = [s.text for s in surface.screen(CAST["yara"])]
        if name == "teams":  # the client's language (nl-NL, en-US) decides
            assert dutch in to_xavier and english not in to_xavier
            assert english in to_yara and dutch not in to_yara
        else:
            assert dutch in to_xavier and english in to_xavier
            assert dutch in to_yara and english in to_yara
