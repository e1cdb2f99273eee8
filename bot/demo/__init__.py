"""`jaarrond demo`: a small organisation living through a year on a simulated clock.

Only the people are simulated. Everything else is the real bot: the organisation is
imported and the schedules are applied through the services HR uses, the planner and the
dispatcher run on every tick, and each persona answers its prompts through the engine,
exactly as a chat platform hands messages in. The output depends on the seed alone (no
wall clock, fixed ordering), so two runs with the same seed print the same bytes.

The package owns the demo and nothing else uses it: `personas` (the organisation, their
stories, how each answers), `agreements` (what the managers draft), `simulation` (the
simulated year and its chat platform) and `report` (what the run prints). The command
itself, `run_demo` and `explore`, is here.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.bootstrap import App, build_app
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo.personas import (
    DIGEST_FOR,
    DOMAIN,
    OVERVIEW_FOR,
    PEOPLE,
    START,
    Actor,
    org_csv,
    schedules_yaml,
)
from bot.demo.report import (
    agreements_section,
    header,
    ladder_section,
    monthly_rows,
    months_between,
    overview_section,
    table,
)
from bot.demo.simulation import PersonaChannel, Simulation, fresh_database, rhythms_of
from bot.org.organisation import import_org
from bot.progress import Progress, unseen
from bot.schedules.store import apply_schedules

# ---- the command -------------------------------------------------------------------------


async def run_demo(
    settings: Settings,
    *,
    seed: int,
    weeks: int,
    path: str,
    out: TextIO = sys.stdout,
    progress: Progress = unseen,
) -> int:
    """Simulate the organisation for `weeks` weeks and print what the bot recorded;
    `progress` hears of every simulated week (done, total)."""
    if weeks < 1:
        raise ValueError("--weeks must be 1 or more")
    clock = FixedClock(START)
    database = await fresh_database(path)
    app = build_app(dataclasses.replace(settings, database_url=database.url), clock, db=database)
    try:
        return await _simulate(app, clock, seed, weeks, out, progress)
    finally:
        await database.dispose()


async def _simulate(
    app: App,
    clock: FixedClock,
    seed: int,
    weeks: int,
    out: TextIO,
    progress: Progress,
) -> int:
    await import_org(app.db, org_csv(PEOPLE), clock.now())
    await apply_schedules(app.db, schedules_yaml(PEOPLE), app.banks.keys(), clock.now())
    channel = PersonaChannel()
    app.add_adapter(channel)
    questions = {q.question_id: q for bank in app.banks.values() for q in bank.questions}
    # One generator per person, so one persona's choices never shift another's.
    actors = {p.email: Actor(p, random.Random(f"{seed}/{p.user}"), questions) for p in PEOPLE}
    rhythms = await rhythms_of(app.db, app.defaults.timezone)
    simulation = Simulation(app, clock, channel, actors, rhythms)
    await simulation.run(START + timedelta(weeks=weeks), progress)
    progress(weeks, weeks)

    months = months_between(START, simulation.last_moment)
    rows = await monthly_rows(app.db, simulation.prompts, months)
    sections = [
        header(seed, weeks),
        table(rows),
        simulation.digest,
        await overview_section(app, f"{OVERVIEW_FOR}@{DOMAIN}", months),
        await agreements_section(app, months),
        await ladder_section(app),
    ]
    out.write("\n\n".join("\n".join(lines) for lines in sections) + "\n")
    out.flush()
    return 0


def explore(path: Path) -> str:
    """What to type next: the commands that open the demo database, as its people would."""
    manager = f"{DIGEST_FOR}@{DOMAIN}"
    employee = next(p for p in PEOPLE if p.story == "peak")
    hr = next(p for p in PEOPLE if p.hr).email
    commands = (
        (f"jaarrond digest --manager {manager}", "a manager's team digest"),
        (f"jaarrond export --person {employee.email}", f"all that is stored about {employee.name}"),
        ("jaarrond report hr --year 2027 --out hr.html", "HR's figures"),
        ("jaarrond report works-council --year 2027 --out wc.html", "the works council's"),
        (
            f"jaarrond --now 2027-12-31T09:00:00Z chat --as {employee.email} --no-tick",
            f"chat as {employee.name}",
        ),
        (f"jaarrond admin link {hr}", "a sign-in link for the admin console,"),
        (f"jaarrond run --as {hr}", "which the running bot serves"),
    )
    width = max(len(command) for command, _ in commands)
    return "\n".join(
        [
            "",
            f"The demo database is {path}. To explore it, point Jaarrond at it:",
            f"  export JAARROND_DATABASE_URL=sqlite:///{path}",
            *(f"  {command:{width}}  # {what}" for command, what in commands),
            "Unset JAARROND_DATABASE_URL afterwards to return to your own database.",
        ]
    )
