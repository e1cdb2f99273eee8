"""The messages with live buttons the bot posted, remembered so that once their prompt is
answered every copy shows what was recorded instead of its buttons."""

from __future__ import annotations

import dataclasses
import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Messages with live buttons remembered: per person (the newest), and people (those heard
# from or sent to most recently).
LIVE_PER_PERSON = 8
LIVE_PEOPLE_KEPT = 10_000
MODAL_PROMPTS_KEPT = 500


@dataclass(frozen=True)
class Prompt:
    """A message posted with buttons that answer the prompt `token` (a question, or a
    message's own buttons such as "add a comment"). Once that prompt is answered, every
    such message shows what was recorded instead of its buttons: a question asked again, or
    shown again later, leaves no live copy behind."""

    channel: str
    ts: str  # empty for one posted through a response_url, until a click or the DM tells
    token: str
    # Its blocks as one string: prompts wait in memory, and a string costs the garbage
    # collector nothing.
    blocks: str


class LivePrompts:
    """Prompts with live buttons per Slack user, and the prompts whose answer modal is open."""

    def __init__(self) -> None:
        self._live: OrderedDict[str, list[Prompt]] = OrderedDict()
        self._in_modal: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()

    def of(self, user: str) -> list[Prompt]:
        """The person's live prompts, oldest first (a copy: the caller may forget some)."""
        return list(self._live.get(user, ()))

    def remember(self, user: str, prompt: Prompt) -> None:
        live = self._live.setdefault(user, [])
        live.append(prompt)
        del live[:-LIVE_PER_PERSON]
        self._live.move_to_end(user)
        while len(self._live) > LIVE_PEOPLE_KEPT:
            self._live.popitem(last=False)

    def forget(self, user: str, where: tuple[str, str]) -> None:
        live = self._live.get(user)
        if live is None:
            return
        live[:] = [p for p in live if (p.channel, p.ts) != where]
        if not live:
            del self._live[user]

    def drop(self, user: str, prompt: Prompt) -> None:
        """A prompt no longer to be found in the DM: nothing left to change."""
        live = self._live.get(user)
        if live is not None and prompt in live:
            live.remove(prompt)

    def learn_ts(self, user: str, token: str | None, where: tuple[str, str]) -> None:
        """A click on a message posted through a response_url tells its ts."""
        live = self._live.get(user)
        if not token or not live:
            return
        for n, prompt in enumerate(live):
            if not prompt.ts and prompt.token == token and prompt.channel == where[0]:
                live[n] = dataclasses.replace(prompt, ts=where[1])

    def blocks_at(self, user: str, where: tuple[str, str]) -> list[dict[str, Any]]:
        """The blocks of a message with live buttons we posted to the person, if known."""
        for prompt in self._live.get(user, ()):
            if (prompt.channel, prompt.ts) == where:
                return list(json.loads(prompt.blocks))
        return []

    def open_modal(self, where: tuple[str, str], blocks: list[dict[str, Any]]) -> None:
        """The prompt's blocks as clicked, kept until the modal's answer comes back."""
        self._in_modal[where] = blocks
        while len(self._in_modal) > MODAL_PROMPTS_KEPT:
            self._in_modal.popitem(last=False)

    def answered_in_modal(self, user: str, where: tuple[str, str]) -> list[dict[str, Any]]:
        return self._in_modal.pop(where, None) or self.blocks_at(user, where)


def button_values(found: Sequence[Any]) -> set[str]:
    """The values of a message's buttons: a question's carry its token, so they tell the
    message apart from every other in the DM."""
    return {
        str(element.get("value"))
        for block in found
        if isinstance(block, Mapping) and block.get("type") == "actions"
        for element in block.get("elements") or []
        if isinstance(element, Mapping) and element.get("value")
    }
