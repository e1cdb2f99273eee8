"""A person's home view (Slack App Home, or `home` in chat): what comes next, what is theirs."""

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


def render_home(view: HomeView) -> str:
    """The home view as plain text, for chats without a home tab."""
    blocks = []
    for section in view.sections:
        lines = [f"- {line}" for line in section.lines] or [section.empty]
        blocks.append("\n".join([f"{section.title}:", *(line for line in lines if line)]))
    return "\n\n".join(blocks)
