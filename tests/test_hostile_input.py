"""Hostile and careless input on every surface: Slack and Teams over real HTTP against their
loopback fakes, and the console. None of it may crash the bot, lose or leak data, or notify
anyone: mention markup never reaches Slack or Teams live, and nobody gets an extra message.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.console.adapter import ConsoleAdapter
from adapters.slack import blocks as kit
from adapters.teams import cards as teams_cards
from bot.clock import FixedClock
from bot.org.organisation import import_org
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, Person, Topic
from dialogs import graphemes
from dialogs.messages import Inbound
from tests.support.slack import Stack, close_stack, make_stack, member
from tests.support.slack import texts as slack_texts
from tests.support.slack_fake_api import FakeSlackApi, text_objects
from tests.support.teams import ORG as TEAMS_ORG
from tests.support.teams import Teams, answer, elements, start_teams, stop_teams
from tests.support.teams import texts as teams_texts
from tests.support.teams_fake_connector import FakeConnector
from tests.support.testbot import Testbot

# Everything that could turn into a mention, a broadcast, a link or formatting somewhere.
SLACK_MARKUP = (
    "<!channel> <!here> <!everyone> <@UANNA> <@UCARLA|carla> <!subteam^S0123|@team> <#C0GENERAL> "
    "<https://evil.example|https://intranet.example> [intranet](https://evil.example) "
    "*bold* _it_ ~gone~ `code` ```block``` > quote :tada: &amp; &lt;b&gt; &#60;"
)
TEAMS_MARKUP = (
    '<at>Anna de Vries</at> <at id="29:anna">Anna</at> [intranet](https://evil.example) '
    "**bold** <b>html</b> &amp; &lt;i&gt; ${user.name} {{DATE(2027-01-01T00:00:00Z, SHORT)}} "
    '{"type": "Action.OpenUrl", "url": "https://evil.example"}'
)
TEMPLATES = "${user.name} {{user.name}} {{DATE(2027-01-01T00:00:00Z, SHORT)}} %s {0} \\n"
SQL = "Robert'); DROP TABLE answers; DROP TABLE people;-- ' OR '1'='1"
UNICODE = (
    "Bidi \u202eevil\u202c \u2066iso\u2069 zero\u200bwidth\u200c\u200d\ufeff "
    "emoji 👩\u200d💻 👍🏽 🇳🇱 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f "
    "combining e\u0301 a\u0308\u0323"
)
# Slack and Teams message text with these must never carry live markup to a person.
LIVE_SLACK = ("<!", "<@", "<#", "<http")


@pytest.fixture
async def slack(db: Database) -> AsyncIterator[Stack]:
    """The Slack harness of tests/test_slack.py: the bot over HTTP, the fake Web API."""
    users = [member(f"U{n.upper()}", f"{n}@example.org") for n in ("anna", "bram", "carla")]
    api = await FakeSlackApi(users=users).start()
    made = await make_stack(db, api)
    yield made
    await close_stack(made)
    await api.close()


@pytest.fixture
async def msteams(db: Database, clock: FixedClock) -> AsyncIterator[Teams]:
    """The Teams harness of tests/test_teams.py: the bot over HTTP, the fake connector."""
    await import_org(db, TEAMS_ORG, clock.now())
    connector = FakeConnector()
    harness = await start_teams(db, clock, connector)
    yield harness
    await stop_teams(harness)
    await connector.close()


async def rows(db: Database, column: Any) -> list[Any]:
    async with db.session() as session:
        return list(await session.scalars(select(column).order_by(column)))


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def slack_outbound(fake: FakeSlackApi) -> list[dict[str, Any]]:
    """Every message, update and view the bot sent to Slack, response_url posts included."""
    sent = ("chat.postMessage", "chat.update", "chat.postEphemeral", "respond", "views.publish")
    return [call.params for call in fake.calls if call.method in sent]


def assert_slack_inert(fake: FakeSlackApi) -> None:
    """No text object Slack would parse, and a notification text with nothing live in it."""
    for params in slack_outbound(fake):
        text = str(params.get("text", ""))
        assert not any(marker in text for marker in LIVE_SLACK), text
        blocks = params.get("blocks") or (params.get("view") or {}).get("blocks") or []
        for obj in text_objects(blocks):
            assert obj["type"] == "plain_text" and obj.get("emoji") is False, obj
    assert fake.errors == []


def slack_recipients(fake: FakeSlackApi) -> set[str]:
    channels = {str(c.params.get("channel")) for c in fake.calls if c.method == "chat.postMessage"}
    return channels - {"None"}


# ---- Slack -----------------------------------------------------------------------------------


async def test_slack_mentions_links_and_templates_stay_literal_and_notify_nobody(
    slack: Stack,
) -> None:
    hostile = f"{SLACK_MARKUP} {TEMPLATES} {SQL}"
    assert await slack.typed("UBRAM", f"topic {hostile}") == 200
    await slack.settle()
    status, digest = await slack.command("UANNA", "digest")
    assert status == 200
    await slack.settle()
    assert await rows(slack.app.db, Topic.text) == [hostile]
    shown = slack_texts(slack.fake.responses(digest)[-1].params["blocks"])
    assert any(f"- {hostile}" == line.strip() for line in "\n".join(shown).splitlines())
    assert_slack_inert(slack.fake)
    # Bram was answered in his DM; Anna only on her own ephemeral response; nobody else.
    assert slack_recipients(slack.fake) == {"DUBRAM"}
    fallback = slack.fake.responses(digest)[-1].params["text"]
    # Escaped exactly once: what Bram typed as "&amp;" reads "&amp;amp;" on the wire.
    assert "&amp;amp;" in fallback and "&amp;amp;amp;" not in fallback
    assert await count(slack.app.db, Person) == 4  # the SQL was only text


async def test_slack_nul_bidi_zero_width_emoji_and_combining_characters(slack: Stack) -> None:
    typed = f"a\x00b \ud83d {UNICODE}"
    assert await slack.typed("UBRAM", f"topic {typed}") == 200
    await slack.settle()
    # PostgreSQL text cannot hold NUL and no encoder takes a lone surrogate: NUL is the one
    # character dropped, a lone surrogate reads U+FFFD, everything else is kept.
    typed = typed.replace("\x00", "").replace("\ud83d", "\ufffd")
    assert await rows(slack.app.db, Topic.text) == [typed]
    _, digest = await slack.command("UANNA", "digest")
    await slack.settle()
    body = "\n".join(slack_texts(slack.fake.responses(digest)[-1].params["blocks"]))
    assert UNICODE in body
    # A bidi override stays on its own line: the next line (Carla's) reads as before.
    lines = body.splitlines()
    at = next(n for n, line in enumerate(lines) if "\u202e" in line)
    assert lines[at].strip() == f"- {typed}"
    assert_slack_inert(slack.fake)


def assert_whole_prefix(stored: str, typed: str) -> None:
    """Kept as typed, or its start cut on a character boundary (never inside an emoji)."""
    assert typed.startswith(stored)
    assert graphemes.cut(typed, len(stored)) == stored


async def test_slack_texts_of_3001_characters_and_40_kb_are_kept_whole_or_cut_whole(
    slack: Stack,
) -> None:
    exactly = "Ja. " * 750 + "🙂"  # 3,001 characters, the last one an emoji (two units)
    huge = ("Werkdruk 👩\u200d💻 e\u0301 🇳🇱 " * 2000)[:40_000]
    for text in (exactly, huge):
        assert await slack.typed("UBRAM", f"topic {text}") == 200
        await slack.settle()
    async with slack.app.db.session() as session:
        # In the order typed (topic texts are sealed, so they cannot be ordered by text).
        topics = list(await session.scalars(select(Topic.text).order_by(Topic.id)))
    for stored, typed in zip(topics, (exactly, huge), strict=True):
        assert_whole_prefix(stored, typed)
    assert (await slack.command("UANNA", "digest"))[0] == 200
    await slack.settle()
    for params in slack_outbound(slack.fake):
        for obj in text_objects(params.get("blocks") or []):
            assert graphemes.units(obj["text"]) <= kit.SECTION_TEXT
            assert graphemes.is_boundary(obj["text"], len(obj["text"]))
    assert_slack_inert(slack.fake)


async def test_slack_a_request_over_the_limit_gets_413_before_parsing(slack: Stack) -> None:
    body = '{"type": "event_callback", "event": {"text": "' + "x" * (1024 * 1024) + '"}}'
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        response = await slack.post("/slack/events", body, content_type, {})
        assert response.status == 413
    await slack.settle()
    assert slack.inbound == []
    assert slack.fake.calls == []


async def _scale_prompt(slack: Stack) -> Any:
    await slack.command("UBRAM", "checkin workload")
    await slack.settle()
    return slack.fake.last_post("DUBRAM")


def _crafted_click(slack: Stack, user: str, team: str, token: str, value: str) -> dict[str, Any]:
    prompt_value = kit.button_value(token, value) if hasattr(kit, "button_value") else ""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "team": {"id": team, "domain": "elsewhere"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D" + user},
        "trigger_id": f"trigger-{next(slack.ids)}",
        "actions": [
            {
                "type": "button",
                "action_id": "jaarrond:crafted",
                "block_id": "jaarrond-scale",
                "value": prompt_value or json.dumps({"t": token, "v": value}),
                "action_ts": f"{time.time():.6f}{next(slack.ids)}",
            }
        ],
    }


async def test_slack_crafted_scale_values_are_refused_and_change_nothing(slack: Stack) -> None:
    prompt = await _scale_prompt(slack)
    action = next(b for b in prompt.blocks if b.get("type") == "actions")
    token = json.loads(action["elements"][0]["value"])["t"]
    for value in ("0", "6", "99", "-1", "1.5", "abc", "", " ", "١", "3; DROP TABLE answers", "1e3"):
        payload = _crafted_click(slack, "UBRAM", "T0001", token, value)
        assert await slack.interact(payload) == 200
        await slack.settle()
    assert await slack.answers("bram@example.org") == []
    assert await count(slack.app.db, Occurrence, Occurrence.position == 0) == 1
    assert await slack.interact(_crafted_click(slack, "UBRAM", "T0001", token, "3")) == 200
    await slack.settle()
    assert [a.value for a in await slack.answers("bram@example.org")] == ["3"]
    assert slack_recipients(slack.fake) == {"DUBRAM"}
    assert_slack_inert(slack.fake)


async def test_slack_forged_and_cross_workspace_ids_see_nothing(slack: Stack) -> None:
    prompt = await _scale_prompt(slack)
    action = next(b for b in prompt.blocks if b.get("type") == "actions")
    token = json.loads(action["elements"][0]["value"])["t"]
    await slack.command("UBRAM", "topic Alleen voor Anna")
    await slack.settle()
    slack.fake.calls.clear()
    # Someone from another workspace, and a made-up id, click Bram's prompt and ask for data.
    for user, team in (("UOTHER", "T9999"), ("U00000000", "T0001"), ("UBRAM\x00", "T0001")):
        assert await slack.interact(_crafted_click(slack, user, team, token, "1")) == 200
        for command_text in ("digest", "export", "agreement show 1", "viewed"):
            assert (await slack.command(user, command_text))[0] == 200
        await slack.settle()
    assert await slack.answers("bram@example.org") == []
    said = json.dumps([c.params for c in slack.fake.calls], ensure_ascii=False)
    assert "Alleen voor Anna" not in said and "bram@example.org" not in said
    assert slack_recipients(slack.fake) <= {"DUOTHER", "DU00000000", "DUBRAM\x00"}
    assert_slack_inert(slack.fake)


async def test_slack_ids_with_control_characters_are_ignored(slack: Stack) -> None:
    event = {"type": "message", "channel": "DUBRAM", "channel_type": "im", "text": "topic x"}
    for user, event_id in (("UBRAM\x00", "Ev1"), ("UBRAM", "Ev\x002"), ("UBRAM\ud83d", "Ev3")):
        assert await slack.event({**event, "user": user, "ts": "1.1"}, event_id=event_id) == 200
    for user in ("UBRAM\x00", "UBRAM\x1b", "UBRAM\ud83d"):
        home = {"type": "app_home_opened", "user": user, "channel": "DUBRAM", "tab": "home"}
        assert await slack.event(home) == 200
        if "\ud83d" not in user:  # a form body cannot carry a lone surrogate at all
            assert (await slack.command(user, "export"))[0] == 200
    await slack.settle()
    # Nothing stored, nothing of Bram's sent anywhere, and the bot still works.
    assert await count(slack.app.db, Topic) == 0
    said = json.dumps([c.params for c in slack.fake.calls], ensure_ascii=False)
    assert "bram@example.org" not in said and "views.publish" not in slack.fake.methods()
    assert await slack.typed("UBRAM", "topic Nog steeds goed") == 200
    await slack.settle()
    assert await rows(slack.app.db, Topic.text) == ["Nog steeds goed"]
    assert_slack_inert(slack.fake)


async def test_slack_double_clicks_record_one_answer(slack: Stack) -> None:
    prompt = await _scale_prompt(slack)
    # Two different clicks on the same button at once.
    first = slack.click("UBRAM", prompt, "4")
    second = slack.click("UBRAM", prompt, "4")
    assert await asyncio.gather(first, second) == [200, 200]
    await slack.settle()
    assert [a.value for a in await slack.answers("bram@example.org")] == ["4"]
    assert await count(slack.app.db, Occurrence, Occurrence.position == 1) == 1
    # The second click repeats an answer already recorded: it says nothing (the next question
    # is not posted twice).
    posts = [str(p.blocks) for p in slack.fake.posts_to("DUBRAM")]
    assert len(posts) == 2 and "already dealt with" not in str(posts)
    assert_slack_inert(slack.fake)


# ---- Teams -----------------------------------------------------------------------------------


def teams_cards_sent(msteams: Teams) -> list[dict[str, Any]]:
    return [call.card for call in (*msteams.connector.posts(), *msteams.connector.puts())]


def assert_teams_inert(msteams: Teams) -> None:
    """Only TextRuns (never Markdown), no mention entities, no link or template elements."""
    for call in (*msteams.connector.posts(), *msteams.connector.puts()):
        activity = call.body
        assert not activity.get("entities"), activity.get("entities")
        card = call.card
        assert elements(card, "TextBlock") == []
        assert elements(card, "Action.OpenUrl") == []
        assert "$data" not in json.dumps(card)
        for text in teams_texts(card):
            assert "{{DATE(" not in text and "{{TIME(" not in text, text


async def test_teams_mentions_markdown_html_and_templates_stay_literal(
    msteams: Teams, db: Database
) -> None:
    hostile = f"{TEAMS_MARKUP} {SQL}"
    assert await msteams.say("29:bram", f"topic {hostile}") == 201
    assert await msteams.say("29:anna", "digest") == 201
    assert await rows(db, Topic.text) == [hostile]
    card = msteams.last_card("29:anna").card
    joined = "\n".join(teams_texts(card))
    # Entities once (no unescaping, no double escaping), the mention markup as typed.
    assert "&amp; &lt;i&gt;" in joined and "<at>Anna de Vries</at>" in joined
    assert "${user.name}" in joined
    # Adaptive Cards would render {{DATE(...)}} as a date: a word joiner keeps it literal.
    assert "{\u2060{DATE(2027-01-01T00:00:00Z, SHORT)}}" in joined
    assert_teams_inert(msteams)
    assert {c.conversation for c in msteams.connector.posts()} == {"a:conv-bram", "a:conv-anna"}


async def test_teams_nul_unicode_and_long_text(msteams: Teams, db: Database) -> None:
    typed = f"a\x00b \ud83d {UNICODE}"
    assert await msteams.say("29:bram", f"topic {typed}") == 201
    huge = ("Rust 👍🏽 a\u0308 " * 4000)[:40_000]
    assert await msteams.say("29:bram", f"topic {huge}") == 201
    stored = await rows(db, Topic.text)
    assert typed.replace("\x00", "").replace("\ud83d", "\ufffd") in stored
    assert_whole_prefix(max(stored, key=len), huge)
    assert await msteams.say("29:anna", "digest") == 201
    card = msteams.last_card("29:anna").card
    assert teams_cards.card_bytes(card) <= teams_cards.MAX_CARD_BYTES
    assert UNICODE in "\n".join(teams_texts(card))
    for text in teams_texts(card):
        assert teams_cards.grapheme_cut(text, len(text)) == text
    assert_teams_inert(msteams)


async def test_teams_a_request_over_the_limit_gets_413(msteams: Teams, db: Database) -> None:
    activity = msteams.activity("29:bram", text="x" * (1024 * 1024))
    response = await msteams.client.post(
        "/api/messages",
        data=json.dumps(activity).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413
    assert msteams.connector.posts() == [] and msteams.connector.created() == []


async def test_teams_crafted_scale_values_and_double_submits(msteams: Teams, db: Database) -> None:
    await msteams.say("29:bram", "checkin workload")
    card = msteams.last_card("29:bram")
    data = answer(card.card)
    assert data is not None
    token = data["jaarrond"]["token"]
    for value in ("0", "6", "99", "-1", "abc", "", "1.5", "١", {"nested": 1}, None, 3):
        crafted = {"jaarrond": {"token": token, "value": value}}
        assert await msteams.submit("29:bram", crafted, card) in (200, 201)
    bram = (await rows(db, Person.id))[1]
    assert await count(db, Answer) == 0
    # The real answer, clicked twice: recorded once.
    assert await msteams.submit("29:bram", data, card) == 201
    assert await msteams.submit("29:bram", data, card) == 201
    assert await count(db, Answer) == 1
    assert await count(db, Occurrence, Occurrence.position == 1) == 1
    assert bram
    assert_teams_inert(msteams)


async def test_teams_forged_sender_from_another_tenant_sees_nothing(
    msteams: Teams, db: Database
) -> None:
    await msteams.say("29:bram", "topic Alleen voor Anna")
    for user in ("29:evil", "29:anna-copy", "29:bram\x00", "29:\ud83d"):
        for text in ("digest", "export", "viewed", "agreement show 1"):
            status = await msteams.post(msteams.activity(user, text=text, tenant="other-tenant"))
            # An id with a control character is never real: refused whole, before any work.
            assert status == (201 if user.isprintable() else 400), user
    said = json.dumps(teams_cards_sent(msteams), ensure_ascii=False)
    assert said.count("Alleen voor Anna") == 1  # only in Bram's own confirmation
    assert "bram@example.org" not in said
    assert_teams_inert(msteams)


# ---- the console -----------------------------------------------------------------------------


async def test_console_terminal_escapes_are_shown_not_executed(testbot: Testbot) -> None:
    escapes = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b0m\r\x08\x00"
    await testbot.say("bram@example.org", f"topic {escapes} {UNICODE}")
    out = io.StringIO()
    console = ConsoleAdapter("anna@example.org", io.StringIO(), out, interactive=False)
    for reply in await testbot.say("anna@example.org", "digest"):
        await console.send(reply)
    shown = out.getvalue()
    assert not any(ch in shown for ch in "\x1b\x07\x9b\r\x08\x00")
    assert "␛]0;pwned␇␛[2J␛[31mred" in shown
    assert UNICODE in shown


@pytest.mark.parametrize("text", [SQL, TEMPLATES, SLACK_MARKUP, TEAMS_MARKUP, UNICODE])
async def test_console_text_is_stored_and_shown_literally(testbot: Testbot, text: str) -> None:
    await testbot.say("bram@example.org", f"topic {text}")
    async with testbot.app.db.session() as session:
        assert list(await session.scalars(select(Topic.text))) == [text.strip()]
    digest = await testbot.say("anna@example.org", "digest")
    assert text.strip() in digest[0].text
    assert testbot.adapter.sent == []  # nobody was notified of anything
    forged = await testbot.app.engine.handle(Inbound("console", "Anna@Example.org ", text=text))
    assert forged.replies[0].recipient.person_id == 0 or forged.replies[0].recipient.email


NUMBERS = ("²", "¹²", "Ⅻ", "١", "٣", "99999999999999999999", "2147483648", "0", "-1", "0x10", "1e3")


async def test_numbers_that_are_no_number_or_out_of_range_never_crash(testbot: Testbot) -> None:
    """Superscripts pass str.isdigit() but not int(); ids beyond INTEGER make the database
    refuse the query. Typed or clicked, each gets an ordinary answer."""
    bram = "bram@example.org"
    for number in NUMBERS:
        for text in (f"agreement show {number}", f"agreement {number}", f"afspraak toon #{number}"):
            assert (await testbot.say(bram, text))[0].text
        for token in (
            f"a{number}.v1.accept",
            f"af{number}.comment",
            f"ad{number}.x",
            f"c{number}.0",
        ):
            assert (await testbot.click(bram, token, "accept"))[0].text
    await testbot.say(bram, "checkin workload")
    await testbot.say(bram, "3")  # the scale question; the next one is a choice
    for number in NUMBERS:
        if number in ("١", "٣"):
            continue  # Arabic-Indic digits are real numbers: "١" picks the first option
        replies = await testbot.say(bram, number)
        assert replies[0].question is not None and replies[0].question.kind == "choice"
    async with testbot.app.db.session() as session:
        values = list(await session.scalars(select(Answer.value)))
    assert values == ["3"]
    assert testbot.adapter.sent == []


async def test_teams_answers_of_3001_characters_and_40_kb(msteams: Teams, db: Database) -> None:
    exactly = "Ja. " * 750 + "🙂"  # 3,001 characters
    huge = ("Rust 👍🏽 a\u0308 🇳🇱 " * 4000)[:40_000]
    for text in (exactly, huge):
        await msteams.say("29:bram", "stop")
        assert await msteams.say("29:bram", "checkin five_ages") == 201
        card = msteams.last_card("29:bram")
        skip = next(
            a["data"]
            for a in elements(card.card, "Action.Submit")
            if a["data"]["jaarrond"].get("value") == "skip"
        )
        assert await msteams.submit("29:bram", skip, card) == 201
        card = msteams.last_card("29:bram")
        data = answer(card.card, free_text=text)  # a crafted submit may carry any length
        assert data is not None and data["jaarrond"].get("input") == "jaarrond_text"
        assert await msteams.submit("29:bram", data, card) == 201
    async with db.session() as session:
        stored = list(await session.scalars(select(Answer.value).order_by(Answer.id)))
    assert stored[0] == exactly
    assert_whole_prefix(stored[1], huge)
    assert len(stored[1]) > 3990  # MAX_ANSWER_LENGTH, less at most a cut cluster
    for call in (*msteams.connector.posts(), *msteams.connector.puts()):
        assert teams_cards.card_bytes(call.card) <= teams_cards.MAX_CARD_BYTES
        for text in teams_texts(call.card):
            assert graphemes.cut(text, len(text)) == text
    assert_teams_inert(msteams)
