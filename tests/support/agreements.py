"""Drafting a third-contract agreement through the engine, as a person types it."""

from __future__ import annotations

from dialogs import agreements as ag
from dialogs.messages import Outbound
from tests.support.testbot import Testbot

ANNA, BRAM, CARLA, DIRK = (f"{n}@example.org" for n in ("anna", "bram", "carla", "dirk"))
TEXT = "Bram works from home on Mondays and Fridays."


def token_of(out: Outbound) -> str:
    assert out.question is not None
    return out.question.token


async def draft_as_bram(bot: Testbot) -> int:
    """Bram (en) drafts with his manager Anna (nl), typing every answer as on the console."""
    await bot.say(BRAM, "agreement new")
    for answer in ("4", TEXT, "2", "2", "2"):
        await bot.say(BRAM, answer)
    proposed = await bot.say(BRAM, "1")
    parsed = ag.parse_token(token_of(proposed[0]))
    assert parsed is not None
    return parsed.id
