"""Who may do what: every command and view, for every role, allowed or refused as designed.

The expected matrix below is written out by hand, apart from the policy table, so a change
of either one shows up here. A refusal must read exactly like "not found" and be audited.
"""

from __future__ import annotations

from typing import get_args

import pytest
from sqlalchemy import select

from bot.org.people import find_by_email
from bot.privacy import roles as access
from bot.storage.audit_models import AuditView
from dialogs.commands import ALIASES, CommandName
from dialogs.messages import Inbound
from dialogs.texts import t
from tests.support.testbot import Testbot

PEOPLE = {
    "employee": "bram@example.org",  # reports to Anna, manages nobody
    "manager": "anna@example.org",  # manages Bram and Carla
    "hr": "hr@example.org",  # is_hr in our database, manages nobody
    "outsider": "nobody@example.org",  # not in our database
}
# What a person types for each row of the policy (a click is sent as a click).
SAMPLES = {
    "help": "help",
    "checkin": "checkin workload",
    "skip": "skip",
    "later": "later",
    "stop": "stop",
    "topic": "topic Werkdruk",
    "digest": "digest",
    "export": "export",
    "pause": "pause until 2027-05-01",
    "resume": "resume",
    "home": "home",
    "agreements": "agreements",
    "agreement": "agreement show 1",
    "agreement register": "agreement register",
    "viewed": "viewed",
    "coach": "coach",
    "talked": "talked",
    "review": "review held",
    "discussed": "discussed 1",
    "brief": "brief",
    "report": "report",
    "admin": "admin",
    "text": "gewoon wat tekst",
    "erase": "delete my data",
    # Last: it erases the person, so nothing may follow it.
    "erase_confirmed": "delete my data confirmed",
}
DENIED = {
    ("employee", "digest"),
    ("hr", "digest"),
    ("employee", "agreement register"),
    ("manager", "agreement register"),
    ("employee", "report"),
    ("manager", "report"),
}
CHAT_ACTIONS = [*list(SAMPLES)[:-1], "click", "erase_confirmed"]


def expected_allowed(role: str, action: str) -> bool:
    return role != "outsider" and (role, action) not in DENIED


async def denied_rows(bot: Testbot, action: str) -> list[AuditView]:
    """Refusals of `action` by the policy (an unknown agreement id is refused elsewhere)."""
    async with bot.app.db.session() as session:
        found = await session.scalars(
            select(AuditView).where(AuditView.what == "denied", AuditView.object_id == action)
        )
        return list(found)


def test_the_policy_covers_every_command_and_every_alias() -> None:
    commands = set(get_args(CommandName))
    assert commands <= set(access.POLICY), commands - set(access.POLICY)
    assert set(ALIASES.values()) <= set(access.POLICY)
    # And the test walks all of them.
    assert commands <= set(SAMPLES)
    assert set(access.POLICY) == {*CHAT_ACTIONS, "view:home", "cli:digest"}


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_every_chat_action_for_every_role(testbot: Testbot, role: str) -> None:
    email = PEOPLE[role]
    unknown = (await testbot.say(email, "what is this"))[0].text
    unknown_outcome = testbot.turn.outcome
    usage = (await testbot.say(email, "agreement nonsense"))[0].text
    usage_outcome = testbot.turn.outcome
    for action in CHAT_ACTIONS:
        before = len(await denied_rows(testbot, action))
        if action == "click":
            replies = await testbot.click(email, "forged-token", "1")
        else:
            replies = await testbot.say(email, SAMPLES[action])
        rows = await denied_rows(testbot, action)
        text = replies[0].text
        if role == "outsider":
            # Strangers get the one stranger answer (both languages: theirs is unknown), and
            # unknown ids write nothing (no spam).
            assert text == "\n\n".join(t("unknown_person", loc) for loc in ("nl", "en")), action
            assert testbot.turn.outcome.kind == "unknown", action
            assert len(rows) == before, action
        elif expected_allowed(role, action):
            assert len(rows) == before, (role, action)
        else:
            expected = usage if action.startswith("agreement") else unknown
            assert text == expected, (role, action)
            outcome = usage_outcome if action.startswith("agreement") else unknown_outcome
            assert testbot.turn.outcome == outcome, (role, action)
            assert replies[0].title == "" and len(replies) == 1
            assert len(rows) == before + 1, (role, action)
            assert rows[-1].object_id == action and rows[-1].subject_id is None
            async with testbot.app.db.session() as session:
                person = await find_by_email(session, email)
            assert person is not None and rows[-1].viewer_id == person.id


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_policy_table_matches_the_matrix(testbot: Testbot, role: str) -> None:
    async with testbot.app.db.session() as session:
        person = await find_by_email(session, PEOPLE[role])
        who = await access.access_of(session, person)
    assert role in who.roles
    for action in CHAT_ACTIONS:
        assert who.may(action) == expected_allowed(role, action), (role, action)
    assert who.may("view:home") == (role != "outsider")
    assert who.may("cli:digest") == (role == "manager")
    assert not who.may("no such action")  # anything missing from the table is refused


async def test_manager_means_of_whom_and_roles_come_from_our_database(testbot: Testbot) -> None:
    async with testbot.app.db.session() as session:
        anna = await find_by_email(session, "anna@example.org")
        bram = await find_by_email(session, "bram@example.org")
        dirk = await find_by_email(session, "dirk@example.org")
        assert anna and bram and dirk
        anna_access = await access.access_of(session, anna)
        assert anna_access.manages(bram.id) and not anna_access.manages(dirk.id)
    # A platform profile claiming a role changes nothing: only people.is_hr counts.
    extra = {"is_admin": "true", "role": "hr", "is_owner": "true"}
    claimed = await testbot.app.engine.handle(
        Inbound(
            "console",
            "bram@example.org",
            text="agreement register",
            display_name="Hanna Rutgers",
            extra=extra,
        )
    )
    refused = (await testbot.say("bram@example.org", "agreement nonsense"))[0].text
    assert claimed.replies[0].text == refused
    async with testbot.app.db.session() as session:
        bram = await find_by_email(session, "bram@example.org")
        assert bram is not None
        bram.is_hr = True
    granted = await testbot.say("bram@example.org", "agreement register")
    assert granted[0].title  # the register, with its title


async def test_a_manager_without_reports_left_loses_the_digest(testbot: Testbot) -> None:
    assert (await testbot.say("anna@example.org", "digest"))[0].title
    async with testbot.app.db.session() as session:
        for email in ("bram@example.org", "carla@example.org"):
            report = await find_by_email(session, email)
            assert report is not None
            report.active = False
    refused = await testbot.say("anna@example.org", "digest")
    assert refused[0].text == (await testbot.say("anna@example.org", "what is this"))[0].text


async def test_a_refused_command_takes_the_path_of_an_unknown_word(testbot: Testbot) -> None:
    """With a question open, "digest" from someone without reports is asked again like any
    word that is no option; with a check-in open, the same hint follows."""
    bram = "bram@example.org"
    await testbot.say(bram, "checkin workload")
    for word in ("frobnicate", "digest", "rapport"):
        again = await testbot.say(bram, word)
        assert testbot.turn.outcome.kind == "again", word
        assert f"'{word}' is not one of the options" in again[0].text
    await testbot.say(bram, "delete my data")
    await testbot.say(bram, "no")  # the erasure question is answered: no question is open
    texts = [(await testbot.say(bram, word))[0].text for word in ("frobnicate", "report")]
    assert texts[0] == texts[1] and "still have a check-in open" in texts[0]
