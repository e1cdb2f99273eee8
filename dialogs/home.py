"""A person's home view (Slack App Home, or `home` in any chat): what is coming and what is theirs."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.messages import PersonRef


@dataclass(frozen=True)
class HomeSection:
    """A titled list of plain lines; every line is rendered literally."""

    title: str
    lines: tuple[str, ...]
    empty: str = ""


@dataclass(frozen=True)
class HomeView:
    person: PersonRef
    title: str
    sections: tuple[HomeSection, ...]
    # Actions a person can start from home: Choice-like (value, label) pairs.
    actions: tuple[tuple[str, str], ...] = ()
