"""Slack end to end: the real bolt app in the real aiohttp server, a fake Web API on loopback
(the harness is in tests/support/slack.py)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect, select, text

from adapters.slack import BOT_SCOPES, SlackAdapter, SlackConfigError, check_slack_settings
from adapters.slack import blocks as kit
from adapters.work import WorkQueue
from bot.checkins.service import MAX_ANSWER_LENGTH
from bot.clock import FixedClock
from bot.config import SlackSettings
from bot.delivery.planner import plan
from bot.org.people import find_by_email
from bot.storage.database import Database
from bot.storage.models import Occurrence, OutboxMessage, Person, ProcessedEvent, Topic
from bot.storage.slack_installations import DatabaseSlackInstallations
from dialogs import graphemes
from dialogs.messages import Choice, Outbound, PersonRef, Question
from tests.support.slack import (
    SECRET,
    Stack,
    assert_answered,
    button,
    close_stack,
    make_stack,
    member,
    signed,
    slack_escape,
    texts,
)
from tests.support.slack_fake_api import FakeSlackApi, check_message, text_objects
from tests.support.testbot import WEEKLY_FOR_BRAM, WEEKLY_ON_THURSDAY

# slack_sdk's client authenticates oauth.v2.access with aiohttp's deprecated BasicAuth.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
INJECTION = "<!channel> <@U123> <https://evil|https://intranet> *bold*"


# ---- check-ins in DMs ------------------------------------------------------------------------


async def test_a_check_in_answered_by_buttons_and_a_modal(stack: Stack) -> None:
    status, _ = await stack.command("UBRAM", "checkin workload")
    assert status == 200
    await stack.settle()
    first = stack.fake.last_post("DUBRAM")
    assert "1 = Far too little  ·  5 = Far too much" in texts(first.blocks)
    for label in ("4", "Pace and deadlines", "2", "3", "No", "4"):
        prompt = stack.fake.last_post("DUBRAM")
        assert await stack.click("UBRAM", prompt, label) == 200
        await stack.settle()
        assert_answered(stack, prompt, f"✓ {label}")
    free_text = stack.fake.last_post("DUBRAM")
    assert await stack.click("UBRAM", free_text, "Answer") == 200
    await stack.settle()
    modal = stack.fake.called("views.open")[-1].params["view"]
    assert modal["title"]["text"] == "Your answer"
    assert await stack.submit_modal("UBRAM", "Fewer meetings on Fridays") == 200
    await stack.settle()
    assert_answered(stack, free_text, "✓ Fewer meetings on Fridays")
    share = stack.fake.last_post("DUBRAM")
    assert await stack.click("UBRAM", share, "Yes, share") == 200
    await stack.settle()
    assert_answered(stack, share, "✓ Yes, share")
    assert "Shared with Anna de Vries" in " ".join(texts(stack.fake.last_post("DUBRAM").blocks))
    answers = await stack.answers("bram@example.org")
    assert [a.value for a in answers] == [
        "4",
        "pace_deadlines",
        "2",
        "3",
        "no",
        "4",
        "Fewer meetings on Fridays",
    ]
    assert {a.visibility for a in answers} == {"shared"}
    assert stack.fake.errors == []


async def test_a_click_on_an_old_prompt_is_refused_and_changes_nothing(stack: Stack) -> None:
    await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    first = stack.fake.last_post("DUBRAM")
    await stack.click("UBRAM", first, "4")
    await stack.settle()
    second = stack.fake.last_post("DUBRAM")
    updates = len(stack.fake.called("chat.update"))
    # The same old buttons again, as a client that missed the update would send them.
    assert await stack.click("UBRAM", first, "2") == 200
    await stack.settle()
    assert [a.value for a in await stack.answers("bram@example.org")] == ["4"]
    reply = " ".join(texts(stack.fake.last_post("DUBRAM").blocks))
    assert "That question was already dealt with; nothing was changed." in reply
    # The clicked message is left alone; the current question, asked again below, keeps
    # its buttons only on the newest message.
    [retired] = stack.fake.called("chat.update")[updates:]
    assert retired.params["ts"] == second.ts
    assert "asked again below" in " ".join(texts(retired.params["blocks"]))
    assert await stack.count(Occurrence, Occurrence.position == 1) == 1


async def test_a_click_by_someone_else_changes_nothing(stack: Stack) -> None:
    await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    prompt = stack.fake.last_post("DUBRAM")
    assert await stack.click("UCARLA", prompt, "1") == 200
    await stack.settle()
    assert await stack.answers("bram@example.org") == []
    assert await stack.answers("carla@example.org") == []
    assert stack.fake.updates_of(prompt.channel, prompt.ts) == []
    told = " ".join(texts(stack.fake.last_post("DUCARLA").blocks))
    assert "You have no check-in open right now" in told
    assert await stack.count(Occurrence, Occurrence.position == 0) == 1


async def test_typed_replies_answer_the_prompt_and_update_it(stack: Stack) -> None:
    await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    scale = stack.fake.last_post("DUBRAM")
    assert await stack.typed("UBRAM", "4") == 200
    await stack.settle()
    assert_answered(stack, scale, "✓ 4")
    choice = stack.fake.last_post("DUBRAM")
    await stack.typed("UBRAM", "3")  # the third option, by its number
    await stack.settle()
    assert_answered(stack, choice, "✓ Constant switching between tasks")
    skipped = stack.fake.last_post("DUBRAM")
    await stack.typed("UBRAM", "skip")
    await stack.settle()
    assert_answered(stack, skipped, "skipped")
    await stack.typed("UBRAM", "home")  # a command, not an answer: the prompt stays as it is
    await stack.settle()
    assert stack.fake.updates_of("DUBRAM", stack.fake.posts_to("DUBRAM")[-2].ts) == []
    assert [a.value for a in await stack.answers("bram@example.org")] == ["4", "task_switching"]


async def test_only_the_newest_copy_of_a_question_keeps_buttons_also_after_another_one(
    stack: Stack,
) -> None:
    await stack.typed("UBRAM", "checkin workload")
    await stack.settle()
    first = stack.fake.last_post("DUBRAM")
    await stack.typed("UBRAM", "delete my data")  # another question in between
    await stack.settle()
    await stack.typed("UBRAM", "checkin")  # the check-in's question, shown once more
    await stack.settle()
    shown = stack.fake.last_post("DUBRAM")
    assert shown.ts != first.ts and button(shown.blocks, "4")

    assert await stack.click("UBRAM", shown, "4") == 200
    await stack.settle()

    [retired] = stack.fake.updates_of("DUBRAM", first.ts)
    assert all(block["type"] != "actions" for block in retired.params["blocks"])
    assert "This question is asked again below." in texts(retired.params["blocks"])
    assert_answered(stack, shown, "✓ 4")


async def test_a_retried_event_is_processed_once(stack: Stack) -> None:
    await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    posts = len(stack.fake.posts_to("DUBRAM"))
    event = {
        "type": "message",
        "channel": "DUBRAM",
        "channel_type": "im",
        "user": "UBRAM",
        "text": "4",
        "ts": "1700000000.000100",
    }
    assert await stack.event(event, event_id="Ev0RETRIED") == 200
    await stack.settle()
    assert await stack.event(event, event_id="Ev0RETRIED", retry=1) == 200
    assert await stack.event(event, event_id="Ev0RETRIED", retry=2) == 200
    await stack.settle()
    assert [a.value for a in await stack.answers("bram@example.org")] == ["4"]
    assert len(stack.fake.posts_to("DUBRAM")) == posts + 1  # the next question, once
    assert await stack.count(ProcessedEvent, ProcessedEvent.event_id == "Ev0RETRIED") == 1


# ---- safety ----------------------------------------------------------------------------------


async def test_bad_or_stale_signatures_get_401_and_write_nothing(stack: Stack) -> None:
    event = {"type": "message", "channel": "DUBRAM", "channel_type": "im", "user": "UBRAM"}
    event |= {"text": "checkin workload", "ts": "1700000000.000200"}
    assert await stack.event(event, secret="not-the-signing-secret") == 401
    assert await stack.event(event, age=6 * 60) == 401  # more than five minutes old
    assert await stack.event(event, age=-6 * 60) == 401  # or in the future
    body = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": event})
    unsigned = await stack.post("/slack/events", body, "application/json", {})
    assert unsigned.status == 401
    tampered_headers = signed(body)
    tampered = await stack.post(
        "/slack/events", body.replace("checkin", "export"), "application/json", tampered_headers
    )
    assert tampered.status == 401
    await stack.command("UBRAM", "checkin workload")  # a real one first, to have a prompt
    await stack.settle()
    prompt = stack.fake.last_post("DUBRAM")
    stack.fake.calls.clear()
    stack.inbound.clear()
    events_before = await stack.count(ProcessedEvent)
    payload = {"type": "block_actions", "user": {"id": "UBRAM"}, "actions": []}
    assert await stack.interact(payload, secret="wrong") == 401
    assert await stack.interact(payload, age=301) == 401
    await stack.settle()
    assert stack.inbound == []
    assert set(stack.fake.methods()) <= {"auth.test"}  # bolt learns who it is, once
    assert await stack.count(ProcessedEvent) == events_before
    assert await stack.answers("bram@example.org") == []
    assert stack.fake.updates_of(prompt.channel, prompt.ts) == []


async def test_mentions_and_links_in_a_topic_reach_the_digest_literally(stack: Stack) -> None:
    status, topic = await stack.command("UBRAM", f"topic {INJECTION}")
    assert status == 200
    await stack.settle()
    async with stack.app.db.session() as session:
        stored = list(await session.scalars(select(Topic.text)))
    assert stored == [INJECTION]
    noted = stack.fake.responses(topic)[-1].params
    assert noted["response_type"] == "ephemeral"
    status, digest = await stack.command("UANNA", "digest")
    await stack.settle()
    response = stack.fake.responses(digest)[-1].params
    assert response["response_type"] == "ephemeral"
    shown = texts(response["blocks"])
    assert any(INJECTION in line for line in shown)
    assert {obj["type"] for obj in text_objects(response["blocks"])} == {"plain_text"}
    assert all(obj.get("emoji") is False for obj in text_objects(response["blocks"]))
    # The notification text is parsed by Slack, so there it is escaped.
    assert "<!channel>" not in response["text"] and "<@U123>" not in response["text"]
    assert slack_escape(INJECTION) in response["text"]
    assert stack.fake.errors == []


async def test_an_over_long_answer_is_kept_whole_and_shown_shortened(stack: Stack) -> None:
    long = "Meer rust. " * 273 + "Einde🙂"  # 3,011 characters ending in an emoji
    huge = "e\u0301" * 20000  # 40,000 characters: é as a letter and a combining accent
    await stack.command("UBRAM", "checkin five_ages")
    await stack.settle()
    await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), "Skip")
    await stack.settle()
    prompt = stack.fake.last_post("DUBRAM")
    await stack.typed("UBRAM", long)
    await stack.settle()
    line = texts(stack.fake.updates_of(prompt.channel, prompt.ts)[-1].params["blocks"])[-1]
    assert line.startswith("✓ Meer rust.") and line.endswith("… (shortened)")
    assert graphemes.units(line) <= 3000
    await stack.command("UBRAM", "stop")
    await stack.command("UBRAM", "checkin relationship")
    await stack.settle()
    for _ in range(6):
        await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), "Skip")
        await stack.settle()
    prompt = stack.fake.last_post("DUBRAM")
    await stack.typed("UBRAM", huge)
    await stack.settle()
    line = texts(stack.fake.updates_of(prompt.channel, prompt.ts)[-1].params["blocks"])[-1]
    assert line.endswith("\u0301… (shortened)")  # never cut between a letter and its accent
    summary = stack.fake.last_post("DUBRAM")
    assert len(summary.blocks) <= 50
    stored = [a.value for a in await stack.answers("bram@example.org")]
    assert stored[0] == long.strip()
    # The adapter hands the engine all of it; the engine keeps at most MAX_ANSWER_LENGTH.
    assert any(i.text == huge for i in stack.inbound)
    assert stored[1] == huge[:MAX_ANSWER_LENGTH]
    assert stack.fake.errors == []


# ---- App Home and the slash command ----------------------------------------------------------


async def home_of(stack: Stack, user: str) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}
    assert await stack.event(event) == 200
    await stack.settle()
    published = [c for c in stack.fake.called("views.publish") if c.params["user_id"] == user]
    view: dict[str, Any] = published[-1].params["view"]
    return view


async def test_app_home_for_an_employee_and_for_a_manager(stack: Stack) -> None:
    await stack.schedules(WEEKLY_ON_THURSDAY)
    await stack.command("UBRAM", "topic Werkdruk in het voorjaar")
    await stack.settle()
    bram = await home_of(stack, "UBRAM")
    assert bram["type"] == "home" and len(bram["blocks"]) <= 100
    shown = texts(bram["blocks"])
    assert {"Next check-ins", "Your recent answers", "Your topics"} <= set(shown)
    assert "• Werkdruk in het voorjaar" in shown
    assert "Your team" not in shown
    labels = [
        e["text"]["text"] for b in bram["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "Workload and recovery" in labels and "Export my data" in labels
    anna = await home_of(stack, "UANNA")
    shown = texts(anna["blocks"])
    assert "Je team" in shown
    assert any(line.startswith("• Bram Jansen: 0 gedeelde antwoorden, 1 open") for line in shown)
    assert {obj["type"] for obj in text_objects(anna["blocks"])} == {"plain_text"}
    stranger = await home_of(stack, "UNOBODY")
    joined = " ".join(texts(stranger["blocks"]))
    assert "Ik ken je nog niet" in joined and "I don't know you yet" in joined
    assert stack.fake.errors == []


async def test_a_home_button_starts_a_check_in_in_the_dm(stack: Stack) -> None:
    view = await home_of(stack, "UBRAM")
    element = button(view["blocks"], "Workload and recovery")
    payload = {
        "type": "block_actions",
        "user": {"id": "UBRAM", "team_id": "T0001"},
        "team": {"id": "T0001"},
        "container": {"type": "view", "view_id": "VH1"},
        "view": {"id": "VH1", "type": "home"},
        "trigger_id": "trigger-home",
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": element["_block_id"],
                "text": element["text"],
                "value": element["value"],
                "action_ts": "1700000001.000001",
            }
        ],
    }
    assert await stack.interact(payload) == 200
    await stack.settle()
    prompt = stack.fake.last_post("DUBRAM")
    assert "Question 1 of 7" in " ".join(texts(prompt.blocks))
    assert await stack.count(Occurrence, Occurrence.status == "open") == 1


async def test_the_slash_command_help_lists_every_subcommand(stack: Stack) -> None:
    for command_text in ("", "help", "wat is dit?"):
        status, name = await stack.command("UBRAM", command_text)
        assert status == 200
        await stack.settle()
        body = "\n".join(texts(stack.fake.responses(name)[-1].params["blocks"]))
        for sub in ("checkin", "topic", "pause until", "resume", "digest", "export", "home"):
            assert sub in body, (command_text, sub)


async def test_slash_command_replies_for_strangers_are_in_both_languages(stack: Stack) -> None:
    _, name = await stack.command("UNOBODY", "home")
    await stack.settle()
    said = " ".join(texts(stack.fake.responses(name)[-1].params["blocks"]))
    assert "Ik ken je nog niet" in said and "I don't know you yet" in said


async def test_a_check_in_started_in_the_dm_answers_through_the_commands_response_url(
    stack: Stack,
) -> None:
    """Like a click's answer, it waits for no chat.postMessage limit: the first question
    is posted through the command's response_url, into the DM it was typed in."""
    _, name = await stack.command("UBRAM", "checkin workload")
    await stack.settle()
    [posted] = stack.fake.responses(name)
    assert posted.params["response_type"] == "in_channel"
    assert stack.fake.called("chat.postMessage") == []
    first = stack.fake.last_post("DUBRAM")
    assert "1 = Far too little  ·  5 = Far too much" in texts(first.blocks)
    assert await stack.click("UBRAM", first, "4") == 200  # its buttons work as any other's
    await stack.settle()
    assert [a.value for a in await stack.answers("bram@example.org")] == ["4"]
    # Typed in another channel, the check-in still goes to the DM (by the Web API).
    _, name = await stack.command("UBRAM", "checkin", channel="C0GENERAL")
    await stack.settle()
    assert stack.fake.responses(name)[-1].params["text"] == "I have sent you a direct message."
    assert [c.params["channel"] for c in stack.fake.called("chat.postMessage")] == ["DUBRAM"]


async def test_digest_for_a_manager_and_export_by_dm(stack: Stack) -> None:
    _, name = await stack.command("UANNA", "digest", channel="C0GENERAL")
    await stack.settle()
    digest = stack.fake.responses(name)[-1].params
    assert digest["blocks"][0]["text"]["text"] == "Teamoverzicht voor Anna de Vries"
    assert "Bram Jansen <bram@example.org>" in "\n".join(texts(digest["blocks"]))
    _, name = await stack.command("UBRAM", "export", channel="C0GENERAL")
    await stack.settle()
    assert stack.fake.responses(name)[-1].params["text"] == "I have sent you a direct message."
    announced = "\n".join(texts(stack.fake.last_post("DUBRAM").blocks))
    assert "jaarrond-export.json" in announced
    # files.uploadV2: an upload URL, the bytes, then the file shared into the DM only.
    methods = stack.fake.methods()
    upload = methods.index("files.getUploadURLExternal")
    assert methods[upload + 1 : upload + 3] == ["upload", "files.completeUploadExternal"]
    [shared] = stack.fake.shared_files
    assert shared.channel == "DUBRAM" and shared.filename == "jaarrond-export.json"
    assert json.loads(shared.content)["person"]["email"] == "bram@example.org"


# ---- proactive prompts, rate limits and the directory ----------------------------------------


async def test_a_planned_check_in_is_sent_as_a_dm_with_its_key_in_metadata(stack: Stack) -> None:
    await stack.schedules(WEEKLY_ON_THURSDAY)
    assert isinstance(stack.app.clock, FixedClock)
    stack.app.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))  # Thursday 14:05 in Amsterdam
    stack.fake.fail_next("chat.postMessage", status=429, retry_after=7)
    app = stack.app
    assert len(await plan(app.db, app.clock.now(), app.banks, app.defaults)) == 3
    report = await app.dispatcher().dispatch()
    assert (report.sent, report.unreachable) == (2, 1)  # Anna and Bram; Dirk has no Slack id
    opened = sorted(c.params["users"] for c in stack.fake.called("conversations.open"))
    assert opened == ["UANNA", "UBRAM"]
    async with stack.app.db.session() as session:
        prompts = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt"))
        rows = {m.person_id: m for m in prompts}
        people = {p.email: p.id for p in await session.scalars(select(Person))}
    for email, user in (("anna@example.org", "UANNA"), ("bram@example.org", "UBRAM")):
        [prompt] = stack.fake.posts_to("D" + user)
        row = rows[people[email]]
        assert row.status == "sent"
        assert row.message_ref == {"channel": "D" + user, "message_id": prompt.ts}
        assert prompt.metadata is not None
        assert prompt.metadata["event_type"] == "jaarrond_prompt"
        assert prompt.metadata["event_payload"]["key"].startswith("c")
    # The 429 was waited out as Slack asked, then the same message went through.
    assert stack.sleeps == [7.0]
    assert len(stack.fake.called("chat.postMessage")) == 3
    # Dirk has no Slack account: kept waiting, not lost.
    assert rows[people["dirk@example.org"]].status == "pending"
    # Answering reuses the DM channel: no second conversations.open.
    await stack.click("UBRAM", stack.fake.last_post("DUBRAM"), "3")
    await stack.settle()
    assert len(stack.fake.called("conversations.open")) == 2


async def test_a_long_rate_limit_fails_the_send_for_the_outbox_to_retry(stack: Stack) -> None:
    await stack.schedules(WEEKLY_FOR_BRAM)
    assert isinstance(stack.app.clock, FixedClock)
    stack.app.clock.set(datetime(2027, 3, 25, 13, 5, tzinfo=UTC))
    stack.fake.fail_next("chat.postMessage", status=429, retry_after=120)
    await stack.app.ticker().tick()
    assert stack.sleeps == []  # not held for two minutes
    async with stack.app.db.session() as session:
        [row] = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "prompt"))
        )
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error is not None and "ratelimited" in row.last_error


async def test_the_directory_is_read_with_users_list_in_pages(stack: Stack) -> None:
    stack.fake.users = [member(f"U{n:05d}", f"person{n}@elsewhere.org") for n in range(430)]
    stack.fake.users.insert(
        250, member("UDIRK", "Dirk@Example.org", "Asia/Kolkata", locale="en-IN")
    )
    stack.fake.users += [
        member("UGONE", "gone@example.org", deleted=True),
        member("UBOT2", "bot@example.org", is_bot=True),
        {"id": "USLACKBOT", "name": "slackbot", "deleted": False, "is_bot": False},
    ]
    changed = await stack.adapter.sync_directory()
    assert changed == 1
    pages = stack.fake.called("users.list")
    assert [c.params.get("cursor") for c in pages] == [None, "200", "400"]
    assert {c.params["limit"] for c in pages} == {"200"}
    assert stack.fake.called("users.info") == []
    async with stack.app.db.session() as session:
        dirk = await find_by_email(session, "dirk@example.org")
    assert dirk is not None
    assert (dirk.slack_user_id, dirk.timezone, dirk.locale) == ("UDIRK", "Asia/Kolkata", "en")


# ---- several workspaces, Socket Mode ---------------------------------------------------------

OAUTH_ENV = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "oauth-client-secret",
    "SLACK_SIGNING_SECRET": SECRET,
}
INSTALLED = {
    "access_token": "xoxb-installed-T0002",
    "token_type": "bot",
    "scope": "chat:write,commands,im:history,im:write,users:read,users:read.email",
    "bot_user_id": "UBOT2",
    "app_id": "A0001",
    "team": {"id": "T0002", "name": "Tweede werkplek"},
    "enterprise": None,
    "is_enterprise_install": False,
    "authed_user": {"id": "UINSTALLER"},
}


async def rows(db: Database, table: str) -> list[Mapping[str, Any]]:
    async with db.engine.connect() as conn:
        result = await conn.execute(text(f"SELECT * FROM {table}"))  # fixed table names
        return [dict(row) for row in result.mappings()]


async def test_oauth_install_stores_the_installation_and_a_state_works_once(
    db: Database, fake: FakeSlackApi
) -> None:
    stack = await make_stack(db, fake, OAUTH_ENV | {"SLACK_API_URL": fake.api_url})
    try:
        async with stack.http.get(stack.url("/slack/install")) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"]
        state = re.search(r"slack-app-oauth-state=([^;]+)", cookie)
        assert state is not None
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', page)
        assert link is not None
        query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
        assert query["state"] == [state.group(1)]
        assert query["scope"] == [INSTALLED["scope"]]
        assert await rows(db, "slack_oauth_states") != []
        fake.oauth_codes["code-1"] = dict(INSTALLED)
        redirect = stack.url(f"/slack/oauth_redirect?code=code-1&state={state.group(1)}")
        headers = {"Cookie": f"slack-app-oauth-state={state.group(1)}"}
        async with stack.http.get(redirect, headers=headers) as response:
            assert response.status == 200
        [installation] = await rows(db, "slack_installations")
        assert installation["team_id"] == "T0002"
        assert installation["bot_token"] == "xoxb-installed-T0002"
        assert [b["team_id"] for b in await rows(db, "slack_bots")] == ["T0002"]
        assert await rows(db, "slack_oauth_states") == []
        # The same state a second time (a replayed redirect) is refused.
        fake.oauth_codes["code-1"] = dict(INSTALLED)
        async with stack.http.get(redirect, headers=headers) as response:
            assert response.status == 401
        assert len(await rows(db, "slack_installations")) == 1
        # Requests from that workspace are answered with its own bot token.
        event = {"type": "message", "channel": "DUBRAM", "channel_type": "im"}
        event |= {"user": "UBRAM", "text": "help", "ts": "1700000000.000300"}
        assert await stack.event(event, team="T0002") == 200
        await stack.settle()
        [reply] = stack.fake.called("chat.postMessage")
        assert reply.token == "xoxb-installed-T0002"
    finally:
        await close_stack(stack)


async def test_the_installed_workspaces_are_those_of_this_app(db: Database) -> None:
    ours = DatabaseSlackInstallations(db, OAUTH_ENV["SLACK_CLIENT_ID"])
    another_app = DatabaseSlackInstallations(db, "3333.4444")
    installs = ((ours, "T0002", 22), (ours, "T0003", 22), (ours, "T0003", 23))
    for store, team, day in (*installs, (another_app, "T0004", 22)):
        bot = Bot(
            app_id="A0001",
            team_id=team,
            bot_token=f"xoxb-installed-{team}",
            bot_id=f"B{team}",
            bot_user_id="UBOT",
            installed_at=datetime(2027, 3, day, 8, 0, tzinfo=UTC),  # T0003 installed twice
        )
        await store.installation_store.async_save_bot(bot)

    assert sorted(await ours.workspaces(), key=str) == [(None, "T0002"), (None, "T0003")]
    found = await ours.installation_store.async_find_bot(enterprise_id=None, team_id="T0003")
    assert found is not None and found.bot_token == "xoxb-installed-T0003"
    assert await ours.installation_store.async_find_bot(enterprise_id=None, team_id="T0004") is None


async def test_socket_mode_acknowledges_an_envelope_then_handles_it(
    db: Database, fake: FakeSlackApi
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_APP_TOKEN": "xapp-1-A0001-test",
        "SLACK_API_URL": fake.api_url,
    }
    stack = await make_stack(db, fake, env)
    try:
        await asyncio.wait_for(fake.socket_connected.wait(), timeout=5)
        assert fake.socket is not None
        envelope = {
            "envelope_id": "57d6a792-4d35-4d0b-b6aa-3361493e1caf",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": {
                "team_id": "T0001",
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": "Ev0SOCKET",
                "event": {
                    "type": "message",
                    "channel": "DUBRAM",
                    "channel_type": "im",
                    "user": "UBRAM",
                    "text": "help",
                    "ts": "1700000000.000400",
                },
            },
        }
        await fake.socket.send_json(envelope)
        ack = await asyncio.wait_for(fake.socket_received.get(), timeout=5)
        assert ack == {"envelope_id": envelope["envelope_id"]}
        await stack.settle()
        said = " ".join(texts(fake.last_post("DUBRAM").blocks))
        assert "Jaarrond: how it works" in said
        # Without a signing secret there is no HTTP endpoint to forge requests against.
        async with stack.http.post(stack.url("/slack/events"), data=b"{}") as response:
            assert response.status in (404, 405)
    finally:
        await close_stack(stack)


# ---- settings, schema and limits -------------------------------------------------------------


def settings(**values: str) -> SlackSettings:
    defaults = {"signing_secret": SECRET, "api_url": "https://slack.com/api/"}
    return SlackSettings(**(defaults | values))


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({}, "Slack needs SLACK_BOT_TOKEN"),
        ({"bot_token": "xoxb-1", "signing_secret": ""}, "SLACK_SIGNING_SECRET is empty"),
        ({"client_id": "1.2"}, "SLACK_CLIENT_SECRET is empty"),
        ({"client_secret": "s", "bot_token": "xoxb-1"}, "SLACK_CLIENT_ID is empty"),
        ({"bot_token": "xoxb-1", "client_id": "1.2", "client_secret": "s"}, "both set"),
        ({"bot_token": "xoxp-1"}, "a user token (xoxp-)"),
        ({"bot_token": "xapp-1"}, "belongs in SLACK_APP_TOKEN"),
        ({"bot_token": "xoxb-1", "app_token": "xoxb-2"}, "SLACK_APP_TOKEN must be an app-level"),
        ({"bot_token": "xoxb-1", "signing_secret": "xoxb-2"}, "looks like a token"),
        ({"bot_token": "xoxb-1", "api_url": "http://slack.example.org/api/"}, "SLACK_API_URL"),
    ],
)
def test_incomplete_or_contradictory_slack_settings_are_named(
    values: dict[str, str], problem: str
) -> None:
    problems = check_slack_settings(settings(**values))
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "values",
    [
        {"bot_token": "xoxb-1"},
        {"bot_token": "xoxb-1", "app_token": "xapp-1", "signing_secret": ""},
        {"client_id": "1.2", "client_secret": "s"},
        {"bot_token": "xoxb-1", "api_url": "http://127.0.0.1:9999/api/"},
    ],
)
def test_complete_slack_settings_pass(values: dict[str, str]) -> None:
    assert check_slack_settings(settings(**values)) == []


def test_the_adapter_refuses_to_start_with_bad_settings() -> None:
    with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
        SlackAdapter(settings(bot_token="xoxb-1", signing_secret=""))
    with pytest.raises(SlackConfigError, match="need the database"):
        SlackAdapter(settings(client_id="1.2", client_secret="s"))


async def test_migration_0003_creates_exactly_the_tables_of_slack_sdks_stores(
    db: Database,
) -> None:
    expected = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(expected, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(expected, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(expected, "slack_oauth_states")

    def reflect(connection: Any) -> dict[str, Any]:
        found = inspect(connection)
        return {
            name: (
                found.get_columns(name),
                found.get_indexes(name),
                found.get_pk_constraint(name)["constrained_columns"],
            )
            for name in expected.tables
        }

    async with db.engine.connect() as conn:
        actual = await conn.run_sync(reflect)
    dialect = db.engine.dialect
    for table in expected.tables.values():
        columns, indexes, primary_key = actual[table.name]
        assert [c["name"] for c in columns] == [c.name for c in table.columns]
        for column, reflected in zip(table.columns, columns, strict=True):
            assert reflected["type"].compile(dialect) == column.type.compile(dialect), column
            assert reflected["nullable"] == column.nullable, column
        assert primary_key == ["id"]
        assert {(i["name"], tuple(i["column_names"])) for i in indexes} == {
            (i.name, tuple(c.name for c in i.columns)) for i in table.indexes
        }


def test_cutting_never_splits_a_visible_character() -> None:
    samples = {
        "surrogate pairs": "a" + "🙂" * 2000,
        "combining accents": "e\u0301" * 2000,
        "flags": "🇳🇱" * 1000,
        "zwj families": "👩\u200d👩\u200d👧" * 600,
        "skin tones": "👋🏽" * 1000,
        "crlf": "x\r\n" * 2000,
    }
    for name, sample in samples.items():
        for limit in (75, 150, 2999, 3000):
            head = graphemes.cut_units(sample, limit)
            assert graphemes.units(head) <= limit, name
            whole = graphemes.is_boundary(sample, len(head))
            assert sample.startswith(head) and whole, (name, limit)
            shown = kit.shorten(sample, limit, "nl")
            assert graphemes.units(shown) <= limit and shown.endswith("… (ingekort)"), name
    assert kit.shorten("kort", 3000, "en") == "kort"
    # A flag is two regional indicators, kept together.
    assert graphemes.cut_units("🇳🇱🇧🇪", 7) == "🇳🇱"


def test_long_messages_are_split_and_every_part_is_within_limits() -> None:
    person = PersonRef(1, "bram@example.org", "Bram Jansen", "en", "Europe/Amsterdam", "UBRAM")
    export = "\n".join(f'  "line {n}": "{"data " * 12}"' for n in range(4000))  # ~290 KB
    out = Outbound(person, export, "Your data")
    parts = kit.render_parts(out)
    assert len(parts) == kit.MAX_PARTS
    for part in parts:
        assert check_message(part) == []
    assert parts[-1]["blocks"][-1]["elements"][0]["text"] == "… (shortened)"
    single = kit.render(out)
    assert check_message(single) == [] and "… (shortened)" in texts(single["blocks"])
    many = Question(
        "q", "choice", "Kies " * 900, tuple(Choice(str(n), "label " * 20) for n in range(60))
    )
    rendered = kit.render(Outbound(person, "", question=many))
    assert check_message(rendered) == []
    rows_of_buttons = [b for b in rendered["blocks"] if b["type"] == "actions"]
    assert [len(b["elements"]) for b in rows_of_buttons] == [25, 25, 10]


def test_the_manifest_asks_for_exactly_what_the_adapter_uses() -> None:
    manifest = yaml.safe_load((ROOT / "deploy" / "slack" / "manifest.yaml").read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]
    settings_ = manifest["settings"]
    assert {"app_home_opened", "message.im"} <= set(settings_["event_subscriptions"]["bot_events"])
    assert settings_["interactivity"]["is_enabled"] is True
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert home["messages_tab_read_only_enabled"] is False
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/jaarrond"
    assert len(manifest["display_information"]["description"]) <= 140


async def test_events_that_are_not_for_us_are_acknowledged_and_ignored(stack: Stack) -> None:
    own = {"type": "message", "channel": "DUBRAM", "channel_type": "im", "user": "UBOT"}
    own |= {"bot_id": "B0001", "text": "Question 1 of 7", "ts": "1700000000.000500"}
    edited: dict[str, Any] = {"type": "message", "subtype": "message_changed", "channel": "DUBRAM"}
    edited |= {"channel_type": "im", "message": {"text": "✓ 4"}, "ts": "1700000000.000501"}
    in_channel = {"type": "message", "channel": "C0GENERAL", "channel_type": "channel"}
    in_channel |= {"user": "UBRAM", "text": "checkin workload", "ts": "1700000000.000502"}
    messages_tab = {"type": "app_home_opened", "user": "UBRAM", "tab": "messages"}
    for event in (own, edited, in_channel, messages_tab):
        assert await stack.event(event) == 200  # a non-2xx answer would make Slack retry
    await stack.settle()
    assert stack.inbound == []
    assert set(stack.fake.methods()) <= {"auth.test"}  # bolt learns who it is, once


async def test_work_waits_for_unacknowledged_requests_but_not_forever() -> None:
    done: list[str] = []

    def job(name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await asyncio.sleep(0)  # a yield, so jobs could interleave if the queue let them
            done.append(name)

        return run

    queue = WorkQueue(concurrency=4, max_defer=60)
    release = queue.hold()
    for name in ("first", "second", "third"):
        queue.submit("UBRAM", job(name))
    for _ in range(10):
        await asyncio.sleep(0)
    assert done == []  # a request still waits for its ack
    release()
    release()  # releasing twice is harmless
    await queue.drain()
    assert done == ["first", "second", "third"]  # one person's work in arrival order
    impatient = WorkQueue(concurrency=1, max_defer=0)
    impatient.hold()  # never released: the work goes ahead after max_defer anyway
    impatient.submit("UANNA", job("anyway"))
    await impatient.drain()
    assert done[-1] == "anyway"
