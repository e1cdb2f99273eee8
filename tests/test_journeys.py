"""Journeys per role on the console, Slack and Teams: every step checked on its surface,
and what the engine said compared with the console's run of the same journey."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.storage.database import Database
from tests.support.journey_runner import Run, first_difference, run_journey
from tests.support.journey_script import Cast, Journey
from tests.support.journey_slack import slack_surface
from tests.support.journey_surfaces import Surface, console_surface
from tests.support.journey_teams import teams_surface
from tests.support.journeys import COACHING, EMPLOYEE, HR, MANAGER

Databases = Callable[[], Awaitable[Database]]
# The console's run of a journey per backend, made once: every surface is compared with it
# (a run is deterministic, so which test makes it does not matter).
REFERENCES: dict[tuple[str, str], Run] = {}


async def run_on(surface: str, journey: Journey, databases: Databases, files: Path) -> Run:
    db = await databases()
    clock = FixedClock(journey.start)
    made: Surface
    if surface == "console":
        made = await console_surface(db, clock, journey.cast, files)
    elif surface == "slack":
        made = await slack_surface(db, clock, journey.cast)
    else:
        made = await teams_surface(db, clock, journey.cast)
    try:
        return await run_journey(journey, made)
    finally:
        await made.close()


def verdict(run: Run, reference: Run | None) -> str:
    parts = list(run.problems)
    if reference is not None:
        parts += [f"console: {p}" for p in reference.problems]
        difference = first_difference(reference, run)
        if difference:
            parts.append(f"the engine said something else on {run.surface}: {difference}")
    return "\n".join(parts)


async def console_run(
    journey: Journey, databases: Databases, files: Path, request: pytest.FixtureRequest
) -> Run:
    key = (journey.name, str(request.node.callspec.params["databases"]))
    if key not in REFERENCES:
        REFERENCES[key] = await run_on("console", journey, databases, files)
    return REFERENCES[key]


@pytest.mark.parametrize("surface", ["console", "slack", "teams"])
@pytest.mark.parametrize("journey", [EMPLOYEE, MANAGER, HR, COACHING], ids=lambda j: j.name)
async def test_journey(
    journey: Journey,
    surface: str,
    databases: Databases,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    if surface == "console":
        run = await console_run(journey, databases, tmp_path, request)
        reference = None
    else:
        run = await run_on(surface, journey, databases, tmp_path)
        reference = await console_run(journey, databases, tmp_path, request)
    problems = verdict(run, reference)
    if problems:
        pytest.fail(problems, pytrace=False)


def test_the_cast_is_linked_everywhere() -> None:
    cast: Cast = EMPLOYEE.cast
    assert "UBRAM,29:bram" in cast.org_csv()
    assert "xavier" not in cast.org_csv()
