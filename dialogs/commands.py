"""Chat commands, typed in either language, parsed into one form for every platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CommandName = Literal[
    "help",
    "checkin",
    "skip",
    "later",
    "stop",
    "topic",
    "digest",
    "export",
    "pause",
    "resume",
    "home",
    "agreements",
    "agreement",
    "talked",
    "review",
    "discussed",
    "brief",
    "report",
    "admin",
    "viewed",
    "coach",
    "erase",
    "erase_confirmed",
]

ALIASES: dict[str, CommandName] = {
    "help": "help",
    "hulp": "help",
    "?": "help",
    "checkin": "checkin",
    "check-in": "checkin",
    "skip": "skip",
    "overslaan": "skip",
    "later": "later",
    "stop": "stop",
    "stoppen": "stop",
    "topic": "topic",
    "onderwerp": "topic",
    "digest": "digest",
    "overzicht": "digest",
    "export": "export",
    "exporteren": "export",
    "pause": "pause",
    "pauze": "pause",
    "resume": "resume",
    "hervat": "resume",
    "home": "home",
    "start": "home",
    "agreements": "agreements",
    "afspraken": "agreements",
    "agreement": "agreement",
    "afspraak": "agreement",
    "talked": "talked",
    "gesproken": "talked",
    # `review held`, `jaargesprek gehouden` or `beoordeling gehouden`.
    "review": "review",
    "jaargesprek": "review",
    "beoordeling": "review",
    "discussed": "discussed",
    "besproken": "discussed",
    "brief": "brief",
    "voorbereiding": "brief",
    "report": "report",
    "rapport": "report",
    "admin": "admin",
    "beheer": "admin",
    "viewed": "viewed",
    "ingezien": "viewed",
    # The same word in Dutch.
    "coach": "coach",
}
# Commands of several words, matched as a whole (case and spacing do not matter).
PHRASES: dict[str, CommandName] = {
    "delete my data": "erase",
    "verwijder mijn gegevens": "erase",
    "delete my data confirmed": "erase_confirmed",
    "verwijder mijn gegevens bevestigd": "erase_confirmed",
}
# Commands that take text after them; the others must stand alone, so that a free-text
# answer such as "stop the overtime" is an answer, not a command.
WITH_ARGUMENT: frozenset[CommandName] = frozenset(
    {"checkin", "topic", "pause", "agreement", "talked", "review", "discussed", "brief"}
)


@dataclass(frozen=True)
class Command:
    name: CommandName
    argument: str = ""


def parse_command(text: str) -> Command | None:
    """The command a message is, or None when it is ordinary text."""
    stripped = text.strip().lstrip("/")
    phrase = PHRASES.get(" ".join(stripped.casefold().split()))
    if phrase is not None:
        return Command(phrase)
    head, _, rest = stripped.partition(" ")
    name = ALIASES.get(head.casefold())
    if name is None:
        return None
    argument = rest.strip()
    if argument and name not in WITH_ARGUMENT:
        return None
    return Command(name, argument)
