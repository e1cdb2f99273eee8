"""The journeys: for each role a walk through every chat command and every menu it shows.

Every menu is answered once by its number, once by its label in the other language and
once by a click (on the console: its label typed); every confirmation is declined once.
Bram writes English, everyone else Dutch, so "the other language" is Dutch for Bram and
English for the others.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.journey_script import (
    Cast,
    Journey,
    Member,
    answer,
    click_old,
    decline,
    navigate,
    say,
    tick,
    write,
)

CAST = Cast(
    (
        Member("anna", "anna@example.org", "Anna de Vries", "nl"),
        Member("bram", "bram@example.org", "Bram Jansen", "en", manager="anna", review_month=9),
        Member("carla", "carla@example.org", "Carla Smit", "nl", manager="anna"),
        Member("hanna", "hanna@example.org", "Hanna Rutgers", "nl", hr=True),
        Member("xavier", "xavier@example.org", "Xavier Onbekend", "nl", stranger=True),
    )
)
# Monday 22 March 2027, 09:00 in Amsterdam.
MONDAY = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in UTC."""
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


WORKLOAD_TO_SHARE = (
    # The workload check-in up to its share question, by number.
    answer("bram", "3"),
    answer("bram", "nothing_stands_out"),
    answer("bram", "3"),
    answer("bram", "3"),
    answer("bram", "no"),
    answer("bram", "3"),
    write("bram", "Nothing to add"),
)

EMPLOYEE = Journey(
    "employee",
    CAST,
    start=MONDAY,
    steps=(
        say("bram", "help", sees=("Jaarrond: how it works",)),
        say("bram", "hulp", sees=("Jaarrond: how it works",)),
        # The theme menu by number; a whole workload check-in: scale, choice and text
        # questions, every way of answering, a skip, a wrong answer, and the share question.
        say("bram", "checkin", sees=("Which check-in would you like to do?",)),
        answer("bram", "workload", by="number"),
        answer("bram", "5", by="other_language"),
        answer("bram", "pace_deadlines", by="click"),
        answer("bram", "2", by="number"),
        answer("bram", "skip", by="other_language"),
        answer("bram", "no", by="label"),
        say("bram", "maybe", outcome="again", sees=("'maybe' is not one of the options",)),
        answer("bram", "4", by="click"),
        write("bram", "Fewer meetings on Fridays", by="form"),
        answer("bram", "yes", by="other_language", sees=("Shared with Anna de Vries",)),
        # The theme menu in the other language; later, and the question comes back the
        # next working morning; then stop.
        say("bram", "checkin"),
        answer("bram", "relationship", by="other_language"),
        answer("bram", "1", by="other_language"),
        answer("bram", "later", by="click", sees=("I'll ask you again on Tuesday",)),
        tick(at(3, 23, 8, 1), ("bram", "")),
        answer("bram", "3", by="number"),
        answer("bram", "stop", by="click"),
        # The theme menu by a click; the Dutch control words typed.
        say("bram", "check-in"),
        answer("bram", "five_ages", by="click"),
        answer("bram", "growing", by="number"),
        say("bram", "overslaan", outcome="recorded"),
        say("bram", "stoppen", outcome="recorded"),
        say("bram", "stop", outcome="refused", sees=("You have no check-in open",)),
        # Topics, pauses and the overviews.
        say("bram", "topic I would like to talk about training", sees=("Noted",)),
        say("bram", "onderwerp Werkdruk in het team", sees=("Noted",)),
        say("bram", "pause until 2/30/2027", sees=("does not exist",)),
        say("bram", "pause until 4/12/2027", sees=("Paused",)),
        say("bram", "resume", sees=("Welcome back",)),
        say("bram", "pauze tot 5/3/2027", sees=("Paused",)),
        say("bram", "hervat", sees=("Welcome back",)),
        say("bram", "home", sees=("Your topics",)),
        # Drafting an agreement: a first draft discarded at its confirmation ...
        say("bram", "agreements", sees=("You have no agreements yet",)),
        say("bram", "agreement new", sees=("What is the agreement about?",)),
        answer("bram", "development", by="other_language"),
        write("bram", "Bram follows a Python course this year."),
        answer("bram", "yes", by="other_language"),
        write("bram", "It helps the team automate its work.", by="form"),
        answer("bram", "3", by="label"),
        answer("bram", "monthly", by="other_language"),
        decline("bram", value="cancel", by="other_language"),
        # ... a second one proposed, with a typed review date.
        say("bram", "afspraak nieuw"),
        answer("bram", "place_of_work", by="click"),
        write("bram", "Bram works from home on Mondays.", by="form"),
        answer("bram", "no", by="number"),
        write("bram", "2027-09-30"),
        answer("bram", "quarterly", by="click"),
        answer("bram", "propose", by="click", sees=("has been proposed to Anna de Vries",)),
        tick(at(3, 23, 8, 10), ("anna", "Bram Jansen stelt een afspraak voor")),
        answer("anna", "accept", by="number"),
        tick(at(3, 23, 8, 20), ("bram", "Anna de Vries accepted version 1")),
        # The reported bug: a check-in waits at its share question, an agreement's actions
        # are shown, and 1 is the first action (Sign), not the share question's first option.
        say("bram", "checkin workload"),
        *WORKLOAD_TO_SHARE,
        say("bram", "agreement show 1"),
        answer("bram", "sign", by="number", sees=("You signed version 1",)),
        say("bram", "checkin", sees=("You already have a check-in going",)),
        answer("bram", "no", by="number", sees=("Not shared",)),
        # The same with a notice that arrives on its own while the share question waits.
        tick(at(3, 23, 8, 30), ("anna", "jouw handtekening ontbreekt nog")),
        say("bram", "checkin workload"),
        *WORKLOAD_TO_SHARE,
        answer("anna", "sign", by="number"),
        tick(at(3, 23, 8, 40), ("bram", "Anna de Vries signed too")),
        answer("bram", "renegotiate", by="number"),
        answer("bram", "cancel", by="other_language"),
        say("bram", "checkin"),
        answer("bram", "yes", by="click", sees=("Shared with Anna de Vries",)),
        # The list navigates; its buttons show one agreement and the list stays.
        say("bram", "agreements", sees=("#1",)),
        navigate("bram", "agreement show 1"),
        answer("bram", "close", by="other_language"),
        answer("bram", "cancel", by="click"),
        say("bram", "afspraak 1"),
        say("bram", "viewed", sees=("Who viewed your data",)),
        say("bram", "ingezien", sees=("Who viewed your data",)),
        say("bram", "export", sees=("jaarrond-export.json",)),
        # Erasing: declined in every way ...
        say("bram", "delete my data", sees=("Are you sure?",)),
        say("bram", "nee", outcome="recorded", sees=("Nothing was erased",)),
        say("bram", "delete my data"),
        say("bram", "no", outcome="recorded", sees=("Nothing was erased",)),
        say("bram", "verwijder mijn gegevens"),
        decline("bram", by="number", sees=("Nothing was erased",)),
        say("bram", "delete my data"),
        decline("bram", by="other_language", sees=("Nothing was erased",)),
        say("bram", "delete my data"),
        decline("bram", by="click", sees=("Nothing was erased",)),
        # ... and confirmed, last, by someone else.
        say("carla", "verwijder mijn gegevens"),
        answer("carla", "yes", by="click", sees=("gewist",)),
    ),
)

MANAGER = Journey("manager", CAST, start=MONDAY, steps=())
HR = Journey("hr", CAST, start=MONDAY, steps=())

__all__ = ["CAST", "EMPLOYEE", "HR", "MANAGER", "click_old"]
