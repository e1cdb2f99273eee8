"""Teams end to end: real activity JSON over real HTTP on loopback, a fake Bot Connector
(the harness is in tests/support/teams.py)."""

from __future__ import annotations

import base64
import json
import logging
import struct
import time
import zipfile
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.teams import TeamsAdapter, TeamsConfigError, check_settings, to_inbound
from adapters.teams import cards as teams_cards
from adapters.teams.package import PackageError, build_package
from adapters.teams.speedups import fix_retry_policy
from bot.clock import FixedClock
from bot.org.organisation import import_org
from bot.schedules.store import apply_schedules
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, Person, ProcessedEvent, Topic
from bot.storage.teams_references import TeamsConversation
from dialogs.messages import Choice, MessageRef, Outbound, Outcome, PersonRef, Question
from tests.support.teams import (
    APP_ID,
    BOT,
    ORG,
    TENANT,
    Teams,
    answer,
    elements,
    start_teams,
    stop_teams,
    texts,
)
from tests.support.teams_fake_connector import FakeConnector


@pytest.fixture
async def org(db: Database, clock: FixedClock) -> None:
    await import_org(db, ORG, clock.now())


@pytest.fixture
async def teams(db: Database, clock: FixedClock, org: None) -> AsyncIterator[Teams]:
    connector = FakeConnector()
    harness = await start_teams(db, clock, connector)
    yield harness
    await stop_teams(harness)
    await connector.close()


# ---- reading cards ---------------------------------------------------------------------------


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.session() as session:
        found = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(found or 0)


async def person_id(db: Database, email: str) -> int:
    async with db.session() as session:
        found = await session.scalar(select(Person.id).where(Person.email == email))
    assert found is not None
    return found


# ---- install, help, references -------------------------------------------------------------


async def test_install_stores_the_reference_and_welcomes(teams: Teams, db: Database) -> None:
    install = teams.activity("29:bram", type="conversationUpdate", membersAdded=[BOT])

    assert await teams.post(install) == 201

    async with db.session() as session:
        row = await session.get_one(TeamsConversation, "29:bram")
    assert row.aad_object_id == "aad-bram"
    assert row.reference["serviceUrl"] == teams.service_url
    assert row.reference["conversation"]["id"] == "a:conv-bram"
    assert row.reference["conversation"]["tenantID"] == TENANT
    assert "activityId" not in row.reference
    welcome = teams.last_card("29:bram")
    assert "Jaarrond: how it works" in texts(welcome.card)
    # Teams also sends installationUpdate for the same install: welcomed once only.
    again = teams.activity("29:bram", type="installationUpdate", action="add")
    assert await teams.post(again) == 201
    assert len(teams.connector.posts("a:conv-bram")) == 1


async def test_uninstalling_forgets_the_reference(teams: Teams, db: Database) -> None:
    bram = PersonRef(2, "bram@example.org", "Bram", "en", "UTC", teams_user_id="29:bram")
    await teams.post(teams.activity("29:bram", type="installationUpdate", action="add"))
    assert teams.adapter.can_reach(bram)

    remove = teams.activity("29:bram", type="installationUpdate", action="remove")
    assert await teams.post(remove) == 201

    assert await count(db, TeamsConversation) == 0
    assert not teams.adapter.can_reach(bram)


async def test_help_is_answered_through_the_connector(teams: Teams) -> None:
    message = teams.activity("29:bram", text="help")

    assert await teams.post(message) == 201

    [reply] = teams.connector.posts("a:conv-bram")
    assert reply.path == f"/v3/conversations/a:conv-bram/activities/{message['id']}"
    assert "text" not in reply.body  # everything is in the card, rendered literally
    assert reply.body["attachments"][0]["content"]["version"] == "1.5"
    assert "Jaarrond: how it works" in texts(reply.card)


async def test_a_leading_mention_of_the_bot_is_ignored(teams: Teams) -> None:
    mention = {"type": "mention", "mentioned": BOT, "text": "<at>Jaarrond</at>"}
    message = teams.activity("29:bram", text="<at>Jaarrond</at> help", entities=[mention])

    assert await teams.post(message) == 201

    assert "Jaarrond: how it works" in texts(teams.last_card("29:bram").card)


async def test_a_stranger_is_told_to_ask_hr_in_the_language_of_their_client(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.engine")
    for locale, expected, absent in (
        ("nl-NL", "Vraag HR", "Ask HR"),
        ("en-GB", "Ask HR", "Vraag HR"),
        ("", "Vraag HR", ""),  # unknown: both languages
    ):
        assert await teams.post(teams.activity("29:nobody", text="help", locale=locale)) == 201
        shown = " ".join(texts(teams.last_card("29:nobody").card))
        assert expected in shown and (not absent or absent not in shown)
    assert "Ask HR" in shown
    # Operators can see which account wrote, to fix the org file; never what was written.
    assert "unknown teams account 29:nobody" in caplog.text and "help" not in caplog.text


# ---- a check-in through card submits ---------------------------------------------------------


async def test_a_whole_checkin_through_card_submits(teams: Teams, db: Database) -> None:
    await teams.say("29:bram", "checkin workload")
    card = teams.last_card("29:bram")
    questions = len(teams.app.banks["workload"].questions)
    submits = 0
    while (data := answer(card.card)) is not None:
        assert await teams.submit("29:bram", data, card) == 201
        submits += 1
        put = teams.connector.puts("a:conv-bram")[-1]
        # The answered card is replaced by what was recorded: no buttons left on it.
        assert put.path == f"/v3/conversations/a:conv-bram/activities/{card.answered_id}"
        assert elements(put.card, "Action.Submit") == []
        assert "Your answer: " in texts(put.card)
        card = teams.last_card("29:bram")
        assert submits <= questions + 1

    assert submits == questions + 1  # every question, then "share with Anna?"
    assert len(teams.connector.puts()) == submits
    bram = await person_id(db, "bram@example.org")
    assert await count(db, Answer, Answer.person_id == bram) == questions
    assert await count(db, Occurrence, Occurrence.status == "completed") == 1
    assert "Shared with Anna de Vries. Thank you!" in " ".join(texts(card.card))


async def test_typed_free_text_and_a_choice_list_card(teams: Teams) -> None:
    question = Question("q", "text", "How was your week?", token="c9.0")
    ref = PersonRef(1, "bram@example.org", "Bram", "en", "Europe/Amsterdam", teams_user_id="x")
    card = teams_cards.render_card(Outbound(ref, "", question=question))

    [box] = elements(card, "Input.Text")
    [send] = elements(card, "Action.Submit")
    assert box["id"] == "jaarrond_text" and box["isRequired"] is True
    submit = {**send["data"], "jaarrond_text": "Long, **but** fine"}
    inbound = to_inbound(teams.activity("29:bram", value=submit, replyToId="act-1"))
    assert inbound is not None
    assert (inbound.token, inbound.value) == ("c9.0", "Long, **but** fine")


def test_many_choices_become_a_choice_list_and_the_answer_replaces_the_card() -> None:
    choices = tuple(Choice(f"v{n}", f"Option {n}") for n in range(1, 9))
    question = Question("q", "choice", "Pick one", choices, token="c3.1")
    ref = PersonRef(1, "bram@example.org", "Bram", "en", "Europe/Amsterdam")
    card = teams_cards.render_card(Outbound(ref, "", question=question))
    [choice_list] = elements(card, "Input.ChoiceSet")
    [send] = elements(card, "Action.Submit")
    submit = {**send["data"], choice_list["id"]: "v7"}
    personal = {"conversationType": "personal", "id": "a:1"}
    activity = {"type": "message", "from": {"id": "29:bram"}, "conversation": personal}
    inbound = to_inbound({**activity, "value": submit})
    assert inbound is not None and (inbound.token, inbound.value) == ("c3.1", "v7")

    prompt = teams_cards.echoed_prompt(submit)
    assert prompt == "Pick one"
    recorded = Outcome("recorded", "c3.1", "v7", "Option 7")
    replaced = teams_cards.answered_card(prompt, recorded, "en")

    assert replaced is not None
    assert texts(replaced["attachments"][0]["content"]) == ["Pick one", "Your answer: ", "Option 7"]
    # Asked again (an invalid answer) or nothing answered: the card is left as it is.
    assert teams_cards.answered_card(prompt, Outcome("again", "c3.1"), "en") is None
    assert teams_cards.answered_card(prompt, Outcome("none"), "en") is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"text": "<at>Anna</at> hello"}, "<at>Anna</at> hello"),  # not the bot: kept as typed
        ({"text": "<at>Jaarrond</at> home"}, "home"),
        ({"value": {"other": {"token": "x"}}}, None),  # a card that is not ours
        ({"text": "   "}, None),
        ({"type": "typing"}, None),
    ],
)
def test_to_inbound_reads_only_what_is_ours(fields: dict[str, Any], expected: str | None) -> None:
    activity = {
        "type": "message",
        "id": "1",
        "from": {"id": "29:bram"},
        "recipient": BOT,
        "conversation": {"id": "a:1", "conversationType": "personal"},
        **fields,
    }

    inbound = to_inbound(activity)

    assert (inbound.text if inbound else None) == expected


async def test_skip_replaces_the_card_with_skipped(teams: Teams) -> None:
    await teams.say("29:bram", "checkin workload")
    card = teams.last_card("29:bram")
    [skip] = [a for a in elements(card.card, "Action.Submit") if a["title"] == "Skip"]

    assert await teams.submit("29:bram", skip["data"], card) == 201

    put = teams.connector.puts("a:conv-bram")[-1]
    assert "Skipped" in texts(put.card)
    assert "Question 2 of" in " ".join(texts(teams.last_card("29:bram").card))


async def test_only_the_newest_card_of_a_question_keeps_buttons_also_after_another_one(
    teams: Teams,
) -> None:
    await teams.say("29:bram", "checkin workload")
    first = teams.last_card("29:bram")
    await teams.say("29:bram", "delete my data")  # another question in between
    await teams.say("29:bram", "checkin")  # the check-in's question, shown once more
    shown = teams.last_card("29:bram")
    [four] = [a for a in elements(shown.card, "Action.Submit") if a["title"] == "4"]

    assert await teams.submit("29:bram", four["data"], shown) == 201

    now = {put.path.rsplit("/", 1)[-1]: put.card for put in teams.connector.puts("a:conv-bram")}
    assert not elements(now[first.answered_id], "Action.Submit")
    assert "This question is asked again below." in texts(now[first.answered_id])
    assert not elements(now[shown.answered_id], "Action.Submit")
    assert "4" in texts(now[shown.answered_id])


# ---- proactive messages ----------------------------------------------------------------------


WEEKLY = """\
schedules:
  - id: workload-weekly
    theme: workload
    cadence: weekly
    day: mon
    time: "10:00"
    audience:
      emails: [bram@example.org]
"""


async def test_proactive_checkin_after_a_restart(
    db: Database, clock: FixedClock, org: None
) -> None:
    connector = FakeConnector()
    first = await start_teams(db, clock, connector)
    await first.say("29:bram", "help")
    await stop_teams(first)
    # A new process: new adapter, new app, same database (and the same Bot Connector).
    second = await start_teams(db, clock, connector)
    try:
        bram = PersonRef(0, "bram@example.org", "Bram", "en", "UTC", teams_user_id="29:bram")
        assert second.adapter.can_reach(bram)
        await apply_schedules(db, WEEKLY, second.app.banks.keys(), clock.now())
        clock.advance(timedelta(hours=1, minutes=5))  # 10:05 in Amsterdam

        await second.app.ticker().tick()

        [_, prompt] = connector.posts("a:conv-bram")
        # A new message in the stored conversation, not a reply to anything.
        assert prompt.path == "/v3/conversations/a:conv-bram/activities"
        assert "Question 1 of" in " ".join(texts(prompt.card))
    finally:
        await stop_teams(second)
        await connector.close()


async def test_proactive_send_uses_the_stored_reference(teams: Teams) -> None:
    await teams.say("29:carla", "help")
    carla = PersonRef(3, "carla@example.org", "Carla", "en", "UTC", teams_user_id="29:carla")

    ref = await teams.adapter.send(Outbound(carla, "Hello Carla", "Hi"))

    sent = teams.connector.posts("a:conv-carla")[-1]
    assert sent.path == "/v3/conversations/a:conv-carla/activities"
    assert ref == MessageRef("teams", "a:conv-carla", sent.answered_id)
    assert texts(sent.card) == ["Hi", "Hello Carla"]


async def test_a_conversation_is_created_for_someone_who_never_wrote(
    db: Database, clock: FixedClock, org: None
) -> None:
    connector = FakeConnector()
    url = await connector.start()
    teams = await start_teams(db, clock, connector, service_url=url, tenant_id=TENANT)
    try:
        dirk = PersonRef(4, "dirk@example.org", "Dirk", "en", "UTC", teams_user_id="29:dirk")
        assert teams.adapter.can_reach(dirk)

        await teams.adapter.send(Outbound(dirk, "Welcome, Dirk"))

        [create] = connector.created()
        assert create.body["members"] == [{"id": "29:dirk"}]
        assert create.body["isGroup"] is False
        assert create.body["tenantID"] == TENANT
        assert create.body["channelData"] == {"tenant": {"id": TENANT}}
        [sent] = connector.posts(create.answered_id)
        assert texts(sent.card) == ["Welcome, Dirk"]
        async with db.session() as session:
            row = await session.get_one(TeamsConversation, "29:dirk")
        assert row.reference["conversation"]["id"] == create.answered_id
        # The second message goes through the stored conversation.
        await teams.adapter.send(Outbound(dirk, "Again"))
        assert len(connector.created()) == 1
    finally:
        await stop_teams(teams)
        await connector.close()


async def test_nobody_is_reachable_without_a_reference_or_a_way_to_start_one(
    teams: Teams,
) -> None:
    dirk = PersonRef(4, "dirk@example.org", "Dirk", "en", "UTC", teams_user_id="29:dirk")
    erik = PersonRef(5, "erik@example.org", "Erik", "nl", "UTC")

    assert not teams.adapter.can_reach(dirk)
    assert not teams.adapter.can_reach(erik)
    with pytest.raises(LookupError, match="JAARROND_TEAMS_SERVICE_URL"):
        await teams.adapter.send(Outbound(dirk, "Hello"))
    assert teams.connector.calls == []


async def test_a_throttled_connector_is_retried_after_retry_after(teams: Teams) -> None:
    teams.connector.failures.append((429, {"Retry-After": "0"}))

    assert await teams.say("29:bram", "help") == 201

    [throttled, delivered] = teams.connector.posts("a:conv-bram")
    assert throttled.answered_id == "" and delivered.answered_id.startswith("act-")


# ---- safety ----------------------------------------------------------------------------------


def test_production_without_an_app_id_refuses_to_start() -> None:
    with pytest.raises(TeamsConfigError, match="MicrosoftAppId is empty"):
        TeamsAdapter(app_id="", app_password="", references=None, profile="production")  # type: ignore[arg-type]
    assert (
        check_settings(
            profile="production",
            app_id=APP_ID,
            app_password="s",
            app_type="MultiTenant",
            tenant_id="",
        )
        == []
    )
    problems = check_settings(
        profile="production", app_id=APP_ID, app_password="", app_type="SingleTenant", tenant_id=""
    )
    assert [p.split(" ")[0] for p in problems] == ["MicrosoftAppPassword", "MicrosoftAppTenantId"]


def _unsigned_token(issuer: str) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part({'iss': issuer, 'aud': APP_ID})}.x"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", f"Bearer {_unsigned_token('https://evil.example')}"],
)
async def test_with_an_app_id_an_unauthenticated_request_is_refused(
    db: Database, clock: FixedClock, org: None, authorization: str | None
) -> None:
    connector = FakeConnector()
    teams = await start_teams(db, clock, connector, app_id=APP_ID, app_password="secret")
    try:
        headers = {"Authorization": authorization} if authorization else None
        status = await teams.post(teams.activity("29:bram", text="help"), headers=headers)

        assert status == 401
        assert connector.calls == []
        assert await count(db, TeamsConversation) == 0
        assert await count(db, ProcessedEvent) == 0
    finally:
        await stop_teams(teams)
        await connector.close()


async def test_a_tenant_outside_the_allowlist_is_refused(
    db: Database, clock: FixedClock, org: None
) -> None:
    connector = FakeConnector()
    teams = await start_teams(db, clock, connector, allowed_tenants=[TENANT])
    try:
        assert await teams.post(teams.activity("29:bram", text="help", tenant="other")) == 403
        assert await teams.post(teams.activity("29:bram", text="help", tenant="")) == 403
        assert connector.calls == []
        assert await count(db, TeamsConversation) == 0
        assert await count(db, ProcessedEvent) == 0

        assert await teams.post(teams.activity("29:bram", text="help")) == 201
        assert len(connector.posts()) == 1
    finally:
        await stop_teams(teams)
        await connector.close()


async def test_a_submit_by_someone_else_changes_nothing_of_the_recipients(
    teams: Teams, db: Database
) -> None:
    await teams.say("29:bram", "checkin workload")
    card = teams.last_card("29:bram")
    data = answer(card.card)
    assert data is not None

    # Carla replays Bram's card data (token and card id) from her own account.
    assert await teams.submit("29:carla", data, card) == 201

    bram = await person_id(db, "bram@example.org")
    assert await count(db, Answer, Answer.person_id == bram) == 0
    async with db.session() as session:
        occurrence = await session.scalar(select(Occurrence).where(Occurrence.person_id == bram))
    assert occurrence is not None and occurrence.position == 0
    assert teams.connector.puts("a:conv-bram") == []
    assert "You have no check-in open" in " ".join(texts(teams.last_card("29:carla").card))


async def test_a_redelivered_activity_is_handled_once(teams: Teams) -> None:
    message = teams.activity("29:bram", text="help")

    assert await teams.post(message) == 201
    assert await teams.post(message) == 201

    assert len(teams.connector.posts("a:conv-bram")) == 1


async def test_group_chats_get_no_answers_and_write_nothing(teams: Teams, db: Database) -> None:
    message = teams.activity("29:bram", text="export")
    message["conversation"]["conversationType"] = "groupChat"

    assert await teams.post(message) == 201

    [notice] = teams.connector.posts()
    assert "I only work in a personal chat" in texts(notice.card)[0]
    assert await count(db, TeamsConversation) == 0
    assert await count(db, ProcessedEvent) == 0


INJECTION = "[click](https://evil) <at>everyone</at> **bold**"


async def test_markdown_and_mentions_in_a_topic_stay_literal_in_the_digest(
    teams: Teams, db: Database
) -> None:
    assert await teams.say("29:bram", f"topic {INJECTION}") == 201
    async with db.session() as session:
        assert await session.scalar(select(Topic.text)) == INJECTION

    assert await teams.say("29:anna", "digest") == 201

    card = teams.last_card("29:anna").card
    assert elements(card, "TextBlock") == []  # no Markdown-rendering element anywhere
    lines = texts(card)
    assert any(line.strip() == f"- {INJECTION}" for line in lines)
    # Every text in the card sits in a TextRun (which Teams never reads as Markdown).
    everything = json.dumps(card)
    assert everything.count("https://evil") == 1


# ---- cards: size limits and grapheme-safe shortening -----------------------------------------


def _ref(locale: str) -> PersonRef:
    return PersonRef(1, "a@example.org", "A", locale, "UTC", teams_user_id="29:a")  # type: ignore[arg-type]


@pytest.mark.parametrize(("locale", "marker"), [("nl", "(ingekort)"), ("en", "(shortened)")])
def test_a_huge_message_is_shortened_to_fit_with_a_visible_marker(locale: str, marker: str) -> None:
    text = "\n".join(f"Regel {n}: " + "é" * 80 for n in range(2000))

    card = teams_cards.render_card(Outbound(_ref(locale), text, "Export"))

    assert teams_cards.card_bytes(card) <= teams_cards.MAX_CARD_BYTES
    assert texts(card)[-1].endswith(f"… {marker}")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcdef", 3, "abc"),
        ("cafe\u0301!", 4, "caf"),  # the accent belongs to the e: both stay out
        ("ok👍🏽", 3, "ok"),  # a skin tone never separates from its hand
        ("hi👩\u200d💻", 3, "hi"),  # nor a ZWJ sequence from its parts
        ("a🇳🇱🇧🇪", 2, "a"),  # nor the two letters of a flag
        ("a🇳🇱🇧🇪", 3, "a🇳🇱"),
    ],
)
def test_grapheme_cut_never_splits_a_visible_character(
    text: str, limit: int, expected: str
) -> None:
    assert teams_cards.grapheme_cut(text, limit) == expected


def test_lone_surrogates_cannot_break_a_card() -> None:
    card = teams_cards.render_card(Outbound(_ref("en"), "broken \ud83d here"))

    json.dumps(card).encode("utf-8")
    assert texts(card) == ["broken \ufffd here"]


# ---- the speedup and the app package ---------------------------------------------------------


def test_the_retry_policy_fix_builds_the_same_retry_list_faster() -> None:
    from msrest.universal_http.requests import ClientRetryPolicy

    before = ClientRetryPolicy().policy.status_forcelist  # type: ignore[no-untyped-call]
    fix_retry_policy()
    started = time.perf_counter()
    after = ClientRetryPolicy().policy.status_forcelist  # type: ignore[no-untyped-call]
    elapsed = time.perf_counter() - started

    assert after == before
    assert elapsed < 0.005  # ~13 ms with the list; microseconds with the frozenset


async def test_connector_clients_are_reused_between_requests(teams: Teams) -> None:
    await teams.say("29:bram", "help")
    await teams.say("29:carla", "help")
    carla = PersonRef(3, "carla@example.org", "Carla", "en", "UTC", teams_user_id="29:carla")
    await teams.adapter.send(Outbound(carla, "Proactive"))

    reusing = teams.adapter._reusing
    assert reusing is not None
    # Replies and the proactive send shared one client (one pooled HTTP session).
    assert list(reusing.connectors) == [("", teams.service_url, "https://api.botframework.com")]


def _png_size(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert depth == 8
    return width, height, color


def _pixels(data: bytes, width: int) -> list[bytes]:
    """RGBA rows of a PNG written without filters (as ours are)."""
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = 1 + 4 * width
    return [raw[i + 1 : i + stride] for i in range(0, len(raw), stride)]


def test_the_app_package_holds_the_manifest_icons_and_dutch(tmp_path: Path) -> None:
    path = build_package(APP_ID.upper(), tmp_path / "jaarrond-teams.zip")

    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == [
            "color.png",
            "manifest.json",
            "nl-nl.json",
            "outline.png",
        ]
        manifest = json.loads(package.read("manifest.json"))
        dutch = json.loads(package.read("nl-nl.json"))
        color = package.read("color.png")
        outline = package.read("outline.png")
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal"]
    assert "{{" not in json.dumps(manifest)
    assert len(manifest["description"]["short"]) <= 80 and len(dutch["description.short"]) <= 80
    assert dutch["bots[0].commandLists[0].commands[0].title"] == "hulp"
    assert _png_size(color) == (192, 192, 6)
    assert _png_size(outline) == (32, 32, 6)
    # The outline icon is white on transparent: every pixel white, or fully transparent.
    for row in _pixels(outline, 32):
        for x in range(32):
            r, g, b, a = row[4 * x : 4 * x + 4]
            assert a == 0 or (r, g, b) == (255, 255, 255)


def test_the_app_package_needs_a_real_app_id(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="not an app id"):
        build_package("my-bot", tmp_path / "x.zip")


async def test_someone_known_by_their_entra_object_id_is_answered(
    teams: Teams, db: Database, clock: FixedClock
) -> None:
    """HR exports Entra object ids: the org file's teams_user_id may be one, and incoming
    messages (which carry the channel's 29: id and the object id) still find the person."""
    await import_org(
        db, "email,name,teams_user_id\nerik@example.org,Erik Visser,aad-erik\n", clock.now()
    )
    assert await teams.say("29:erik", "checkin workload") == 201
    first = teams.last_card("29:erik")
    assert "Werkbelasting en herstel" in " ".join(texts(first.card))
    assert await teams.say("29:erik", "4") == 201
    assert await count(db, Answer, Answer.value == "4") == 1


async def test_a_typed_answer_replaces_the_card_it_answers(teams: Teams, db: Database) -> None:
    assert await teams.say("29:bram", "checkin workload") == 201
    first = teams.last_card("29:bram")
    assert await teams.say("29:bram", "Far too much") == 201  # the label of 5
    [answered] = teams.connector.puts("a:conv-bram")
    assert first.answered_id in answered.path
    assert texts(answered.card)[-2:] == ["Your answer: ", "5"]
    assert not elements(answered.card, "Action.Submit")
    # A typed answer that is no option asks again; only the newest card keeps its buttons.
    second = teams.last_card("29:bram")
    assert await teams.say("29:bram", "banana") == 201
    again = teams.last_card("29:bram")
    assert "'banana' is not one of the options" in " ".join(texts(again.card))
    retired = teams.connector.puts("a:conv-bram")[-1]
    assert second.answered_id in retired.path
    assert "asked again below" in " ".join(texts(retired.card))
    assert not elements(retired.card, "Action.Submit")


async def test_the_welcome_finds_someone_known_by_their_entra_object_id(
    teams: Teams, db: Database, clock: FixedClock
) -> None:
    csv = "email,name,teams_user_id\nerik@example.org,Erik Visser,aad-erik\n"
    await import_org(db, csv, clock.now())
    install = teams.activity("29:erik", type="conversationUpdate", membersAdded=[BOT])
    assert await teams.post(install) == 201
    welcome = " ".join(texts(teams.last_card("29:erik").card))
    assert "Jaarrond: zo werkt het" in welcome and "Ik ken je nog niet" not in welcome
