"""The third contract through Teams: real activity JSON over HTTP, a fake Bot Connector.

Typed answers are message activities with text; clicks are Adaptive Card submits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.org.organisation import import_org
from bot.storage.agreement_models import Agreement, AgreementSignature, AgreementVersion
from bot.storage.database import Database
from dialogs import agreements as ag
from tests.support.teams import Teams, elements, start_teams, stop_teams, texts
from tests.support.teams_fake_connector import Call, FakeConnector

ORG = """email,name,manager_email,locale,timezone,teams_user_id
anna@example.org,Anna de Vries,,en,Europe/Amsterdam,29:anna
bram@example.org,Bram Jansen,anna@example.org,en,Europe/Amsterdam,29:bram
"""
TEXT = "Bram works from home on Mondays and Fridays."
COUNTER = "Bram works from home on Mondays and Thursdays."


@pytest.fixture
async def teams(db: Database, clock: FixedClock) -> AsyncIterator[Teams]:
    await import_org(db, ORG, clock.now())
    connector = FakeConnector()
    harness = await start_teams(db, clock, connector)
    yield harness
    await stop_teams(harness)
    await connector.close()


def submit_data(card: Call, value: str) -> dict[str, Any]:
    """What Teams posts back when this value is chosen on the card (a button or an input)."""
    listed = {c["value"] for box in elements(card.card, "Input.ChoiceSet") for c in box["choices"]}
    for action in elements(card.card, "Action.Submit"):
        data = action["data"]
        ours = data["jaarrond"]
        if ours.get("value") == value:
            return dict(data)
        if ours.get("input") == "jaarrond_choice" and value in listed:
            return {**data, "jaarrond_choice": value}
    raise AssertionError(f"no {value!r} on the card: {texts(card.card)}")


async def click(teams: Teams, user: str, value: str, card: Call | None = None) -> Call:
    """Click `value` on the card (the user's last one by default); the reply card."""
    card = card or teams.last_card(user)
    assert await teams.submit(user, submit_data(card, value), card) == 201
    return teams.last_card(user)


async def say(teams: Teams, user: str, text: str) -> Call:
    assert await teams.say(user, text) == 201
    return teams.last_card(user)


async def tick(teams: Teams) -> list[Call]:
    """The proactive messages one tick sends (new messages, not replies)."""
    before = len(teams.connector.calls)
    await teams.app.ticker().tick()
    return [c for c in teams.connector.calls[before:] if c.path.endswith("/activities")]


def joined(card: Call) -> str:
    return " ".join(texts(card.card))


def values(card: Call) -> list[str]:
    found = [a["data"]["jaarrond"].get("value") for a in elements(card.card, "Action.Submit")]
    return [v for v in found if v is not None]


async def test_a_negotiation_over_teams_ends_in_one_signed_version(
    teams: Teams, db: Database
) -> None:
    await say(teams, "29:bram", "help")  # Bram has the app installed: a stored reference
    # Anna, the manager, drafts with the guided dialog: choices clicked, text typed.
    first = await say(teams, "29:anna", "agreement new")
    assert "This year it is your turn to write the first version" in joined(first)
    await click(teams, "29:anna", "place_of_work")
    await say(teams, "29:anna", TEXT)
    await click(teams, "29:anna", "no")  # not an i-deal
    await say(teams, "29:anna", "2")  # review in 6 months
    confirm = await say(teams, "29:anna", "2")  # quarterly
    assert TEXT in texts(confirm.card) and values(confirm)[:2] == ["propose", "save"]
    proposed = await click(teams, "29:anna", "propose")
    assert "proposed to Bram Jansen" in joined(proposed)

    # Bram gets the proposal proactively, accepts it, then proposes a change instead.
    [proposal] = await tick(teams)
    assert proposal.conversation == "a:conv-bram" and TEXT in texts(proposal.card)
    assert values(proposal) == ["accept", "comment", "amend", "drop"]
    accepted = await click(teams, "29:bram", "accept", proposal)
    assert values(accepted)[0] == "sign"
    # The answered card shows what was recorded and keeps no live buttons.
    [answered] = [c for c in teams.connector.puts("a:conv-bram") if proposal.answered_id in c.path]
    assert texts(answered.card)[-2:] == ["Your answer: ", "Accept"] and not values(answered)
    assert TEXT in texts(answered.card)  # what the card showed stays readable
    [anna_sign_v1] = await tick(teams)
    assert anna_sign_v1.conversation == "a:conv-anna" and values(anna_sign_v1)[0] == "sign"
    ask = await click(teams, "29:bram", "amend", accepted)
    assert TEXT in texts(ask.card) and elements(ask.card, "Input.Text")
    countered = await say(teams, "29:bram", COUNTER)
    assert "Version 2 has been proposed to Anna de Vries" in joined(countered)

    # Anna's sign button on version 1 is out of date: refused, with version 2 shown.
    [to_anna] = await tick(teams)
    assert COUNTER in texts(to_anna.card) and values(to_anna)[0] == "accept"
    refused = await click(teams, "29:anna", "sign", anna_sign_v1)
    assert "Version 1 of agreement" in joined(refused)
    assert "outdated: the current version is 2" in joined(refused)
    assert COUNTER in texts(refused.card) and TEXT not in texts(refused.card)
    # The refused card is marked as dealt with, never as if the signature was recorded; the
    # earlier card with version 2's buttons gives them up to the reply, which asks again.
    updated = {c.path.rsplit("/", 1)[1]: texts(c.card) for c in teams.connector.puts("a:conv-anna")}
    assert "already dealt with" in " ".join(updated[anna_sign_v1.answered_id])
    assert "asked again below" in " ".join(updated[to_anna.answered_id])

    # Anna accepts and signs version 2; Bram is asked to sign exactly that version.
    await click(teams, "29:anna", "accept", to_anna)
    waiting = await click(teams, "29:anna", "sign")
    assert "As soon as Bram Jansen signs too" in joined(waiting)
    to_bram = await tick(teams)
    assert to_bram and all(c.conversation == "a:conv-bram" for c in to_bram)
    sign_prompt = to_bram[-1]
    assert COUNTER in texts(sign_prompt.card) and values(sign_prompt)[0] == "sign"
    assert {
        a["data"]["jaarrond"]["token"] for a in elements(sign_prompt.card, "Action.Submit")
    } == {ag.agreement_token(1, 2)}
    done = await click(teams, "29:bram", "sign", sign_prompt)
    assert "Version 2 is signed by you both" in joined(done)
    assert "Signed by Anna de Vries (version 2)" in joined(done)
    assert "Signed by Bram Jansen (version 2)" in joined(done)
    [told] = await tick(teams)
    assert told.conversation == "a:conv-anna"
    assert "Bram Jansen signed too: version 2 is now part of the third contract." in texts(
        told.card
    )

    async with db.session() as session:
        agreement = (await session.scalars(select(Agreement))).one()
        versions = list(
            await session.scalars(select(AgreementVersion).order_by(AgreementVersion.number))
        )
        signatures = list(await session.scalars(select(AgreementSignature)))
    assert (agreement.status, agreement.signed_version, agreement.current_version) == (
        "signed",
        2,
        2,
    )
    assert [(v.number, v.text) for v in versions] == [(1, TEXT), (2, COUNTER)]
    assert versions[0].author_id == agreement.manager_id
    assert versions[1].author_id == agreement.employee_id
    assert sorted((s.version, s.role) for s in signatures) == [(2, "employee"), (2, "manager")]


async def test_opening_an_agreement_from_the_list_leaves_the_list_as_it_is(teams: Teams) -> None:
    await say(teams, "29:anna", "afspraak nieuw")
    for value in ("place_of_work",):
        await click(teams, "29:anna", value)
    await say(teams, "29:anna", TEXT)
    for answer in ("nee", "1", "2", "1"):  # no i-deal, in 3 months, quarterly, propose
        await say(teams, "29:anna", answer)
    listed = await say(teams, "29:bram", "agreements")
    [open_first] = [a for a in elements(listed.card, "Action.Submit")]
    assert open_first["title"] == "#1"
    before = len(teams.connector.puts("a:conv-bram"))
    assert await teams.submit("29:bram", dict(open_first["data"]), listed) == 201
    shown = teams.last_card("29:bram")
    assert TEXT in texts(shown.card) and values(shown)[0] == "accept"
    assert len(teams.connector.puts("a:conv-bram")) == before  # the list stays a list
