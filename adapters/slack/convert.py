"""Slack payloads to Inbound events: pure functions over the JSON Slack sends."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dialogs.commands import parse_command
from dialogs.messages import LOCALES, Inbound, Locale

PLATFORM = "slack"
# Every interactive element we render has an action_id with this prefix.
ACTION_PREFIX = "jaarrond:"
# The button of a free-text question: it opens a modal instead of answering.
ANSWER_ACTION = "jaarrond:answer"
MODAL_CALLBACK = "jaarrond:answer"
MODAL_BLOCK = "answer"
MODAL_INPUT = "text"
SLASH_COMMAND = "/jaarrond"


@dataclass(frozen=True)
class ModalTarget:
    """The prompt a modal answers: its token, and where the prompt message lives."""

    token: str
    channel: str
    ts: str
    locale: Locale


def button_value(token: str, value: str, locale: Locale | None = None) -> str:
    """A button carries the prompt's token with its value, so a click is self-contained."""
    data = {"t": token, "v": value} | ({"l": locale} if locale else {})
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def command_value(text: str) -> str:
    """A button that stands for a typed command (App Home actions)."""
    return json.dumps({"x": text}, ensure_ascii=False, separators=(",", ":"))


def modal_metadata(target: ModalTarget) -> str:
    data = {"t": target.token, "c": target.channel, "ts": target.ts, "l": target.locale}
    return json.dumps(data, separators=(",", ":"))


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people type; give back what they wrote."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_id(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, Mapping):
        return _id(user.get("id"))
    event = body.get("event")
    if isinstance(event, Mapping) and isinstance(event.get("user"), str):
        return _id(event["user"])
    return _id(body.get("user_id"))


def workspace_of(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(enterprise id, team id) of the workspace a payload came from."""
    team = body.get("team")
    team_id = _text(team.get("id")) if isinstance(team, Mapping) else _text(body.get("team_id"))
    user = body.get("user")
    if not team_id and isinstance(user, Mapping):
        team_id = _text(user.get("team_id"))
    enterprise = body.get("enterprise")
    if isinstance(enterprise, Mapping):
        enterprise_id = _text(enterprise.get("id"))
    else:
        enterprise_id = _text(body.get("enterprise_id"))
    return enterprise_id or None, team_id or None


def clicked(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The one action of a block_actions payload (our buttons send exactly one)."""
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], Mapping):
        return actions[0]
    return {}


def clicked_message(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message whose button was clicked; None on a view (App Home)."""
    container = body.get("container")
    if not isinstance(container, Mapping) or container.get("type") != "message":
        return None
    if container.get("is_ephemeral"):
        return None
    channel, ts = _text(container.get("channel_id")), _text(container.get("message_ts"))
    return (channel, ts) if channel and ts else None


def response_url(body: Mapping[str, Any]) -> str:
    """Where Slack takes the answer to a click in a message: outside chat.postMessage's
    limits, good for five messages within half an hour (the payload is signed)."""
    url = _text(body.get("response_url"))
    return url if url.startswith(("https://", "http://")) else ""


def action_inbound(body: Mapping[str, Any]) -> Inbound | None:
    """A button click as the engine reads it; None for clicks that are not an answer."""
    action = clicked(body)
    action_id = _text(action.get("action_id"))
    if not action_id.startswith(ACTION_PREFIX) or action_id == ANSWER_ACTION:
        return None
    data = _json_object(_text(action.get("value")))
    user = user_id(body)
    if data is None or not user:
        return None
    # action_ts is unique per click, so a re-delivered click is recognised by the engine.
    event_id = f"action:{user}:{_id(action.get('action_ts'))}"
    if isinstance(data.get("x"), str):
        return Inbound(PLATFORM, user, text=data["x"], event_id=event_id, display_name=_name(body))
    token, value = data.get("t"), data.get("v")
    if not isinstance(token, str) or not token or not isinstance(value, str):
        return None
    return Inbound(
        PLATFORM, user, token=token, value=value, event_id=event_id, display_name=_name(body)
    )


def answer_target(body: Mapping[str, Any]) -> ModalTarget | None:
    """Where the "Answer" button of a free-text question was clicked, for its modal."""
    action = clicked(body)
    if action.get("action_id") != ANSWER_ACTION:
        return None
    data = _json_object(_text(action.get("value"))) or {}
    where = clicked_message(body)
    token, locale = data.get("t"), data.get("l")
    if not isinstance(token, str) or not token or where is None:
        return None
    return ModalTarget(token, where[0], where[1], locale if locale in LOCALES else "nl")


def modal_target(body: Mapping[str, Any]) -> ModalTarget | None:
    view = body.get("view")
    if not isinstance(view, Mapping) or view.get("callback_id") != MODAL_CALLBACK:
        return None
    data = _json_object(_text(view.get("private_metadata")))
    if data is None or not isinstance(data.get("t"), str) or not data["t"]:
        return None
    locale = data.get("l")
    return ModalTarget(
        token=data["t"],
        channel=_text(data.get("c")),
        ts=_text(data.get("ts")),
        locale=locale if locale in LOCALES else "nl",
    )


def submission_inbound(body: Mapping[str, Any]) -> Inbound | None:
    """A submitted answer modal: the typed text answers the prompt the modal was opened for."""
    target = modal_target(body)
    view = body.get("view")
    user = user_id(body)
    if target is None or not isinstance(view, Mapping) or not user:
        return None
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(MODAL_BLOCK) or {}).get(MODAL_INPUT) or {}
    text = field.get("value") if isinstance(field, Mapping) else None
    if not isinstance(text, str):
        return None
    # One view is submitted once; its id tells a re-delivery apart from a new answer.
    event_id = f"view:{_id(view.get('id'))}"
    return Inbound(
        PLATFORM, user, token=target.token, value=text, event_id=event_id, display_name=_name(body)
    )


def message_inbound(body: Mapping[str, Any]) -> Inbound | None:
    """A message a person typed in their DM with the bot; None for everything else.

    Edits, deletions, joins and bot messages (our own included) arrive as message events
    too; only a plain message from a person is something they said to us.
    """
    event = body.get("event")
    if not isinstance(event, Mapping) or event.get("type") != "message":
        return None
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None
    user, text, event_id = _id(event.get("user")), event.get("text"), body.get("event_id")
    if not user or not isinstance(text, str) or not text.strip():
        return None
    if event_id is not None and not _id(event_id):
        return None  # an event id no real delivery has: forged or broken
    return Inbound(PLATFORM, user, text=unescape(text), event_id=_id(event_id))


def command_inbound(body: Mapping[str, Any]) -> Inbound:
    """`/jaarrond TEXT` is TEXT typed to the bot; anything that is not a command asks for help."""
    text = unescape(_text(body.get("text"))).strip()
    if not text or parse_command(text) is None:
        text = "help"
    trigger = _id(body.get("trigger_id"))
    return Inbound(
        PLATFORM,
        _id(body.get("user_id")),
        text=text,
        event_id=f"command:{trigger}" if trigger else "",
        display_name=_text(body.get("user_name")),
    )


def is_export(inbound: Inbound) -> bool:
    command = parse_command(inbound.text)
    return command is not None and command.name == "export"


def home_opened_user(body: Mapping[str, Any]) -> str | None:
    """The person who opened the Home tab (not the Messages tab), or None."""
    event = body.get("event")
    if not isinstance(event, Mapping) or event.get("type") != "app_home_opened":
        return None
    if event.get("tab", "home") != "home":
        return None
    return _id(event.get("user")) or None


def _name(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, Mapping):
        return _text(user.get("name") or user.get("username"))
    return ""


def _json_object(raw: str) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# Slack's ids (users, events, views, triggers) are short ASCII; one with a control character
# or a lone surrogate is forged or broken, and would fail as a database key or a header.
_UNCLEAN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _id(value: object) -> str:
    """An id from a payload; "" when it is not a string or not a clean one."""
    text = _text(value)
    return "" if _UNCLEAN.search(text) else text
