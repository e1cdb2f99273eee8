"""Teams activities (as the Bot Connector posts them) to platform-free events; pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dialogs.messages import Inbound

PLATFORM = "teams"
# Card submits carry {"jaarrond": {"token": ..., "value": ...}}; inputs (free text, a choice
# list) are merged into the same object by Teams, under their input id.
SUBMIT_KEY = "jaarrond"
_LEADING_MENTION = re.compile(r"^\s*<at>(?P<name>[^<]*)</at>\s*")


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def user_id(activity: Mapping[str, Any]) -> str:
    """The Teams user id (29:...) of whoever sent the activity."""
    return _text(_dict(activity.get("from")).get("id"))


def aad_object_id(activity: Mapping[str, Any]) -> str | None:
    """The sender's Entra (Azure AD) object id, when Teams sends it."""
    return _text(_dict(activity.get("from")).get("aadObjectId")) or None


def tenant_id(activity: Mapping[str, Any]) -> str:
    """The tenant the activity comes from; Teams puts it in channelData and conversation."""
    tenant = _text(_dict(_dict(activity.get("channelData")).get("tenant")).get("id"))
    return tenant or _text(_dict(activity.get("conversation")).get("tenantId"))


# Ids end up in URLs, headers and database keys; none ever holds a control character or a
# lone surrogate, so an activity whose ids do is forged or broken, and is refused whole.
_UNCLEAN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def ids_are_clean(activity: Mapping[str, Any]) -> bool:
    """Whether every id and address of an activity is free of control characters."""
    values = [
        activity.get("id"),
        activity.get("replyToId"),
        activity.get("serviceUrl"),
        _dict(activity.get("from")).get("id"),
        _dict(activity.get("from")).get("aadObjectId"),
        _dict(activity.get("conversation")).get("id"),
        _dict(activity.get("recipient")).get("id"),
        tenant_id(activity),
    ]
    return not any(isinstance(v, str) and _UNCLEAN.search(v) for v in values)


def tenant_allowed(activity: Mapping[str, Any], allowed: frozenset[str]) -> bool:
    """With an allowlist, only its tenants get in; an activity without a tenant never does."""
    if not allowed:
        return True
    return tenant_id(activity).casefold() in {t.casefold() for t in allowed}


def is_personal(activity: Mapping[str, Any]) -> bool:
    """A one-to-one chat with the bot; group chats and channels are not ours to answer."""
    conversation = _dict(activity.get("conversation"))
    kind = conversation.get("conversationType", "personal")
    return kind == "personal" and not conversation.get("isGroup")


def strip_mention(activity: Mapping[str, Any], text: str) -> str:
    """Drop a leading `<at>Bot</at>` that mentions this bot; any other text stays as typed."""
    match = _LEADING_MENTION.match(text)
    if match is None:
        return text
    bot = _dict(activity.get("recipient"))
    mentions_bot = any(
        _dict(entity).get("type") == "mention"
        and _dict(_dict(entity).get("mentioned")).get("id") == bot.get("id")
        for entity in activity.get("entities") or []
    )
    if mentions_bot or match.group("name") == bot.get("name"):
        return text[match.end() :]
    return text


def submitted(value: Any) -> tuple[str, str] | None:
    """(token, value) from a card submit, or None when the data is not ours."""
    data = _dict(value)
    ours = _dict(data.get(SUBMIT_KEY))
    if not ours:
        return None
    token = _text(ours.get("token"))
    input_id = _text(ours.get("input"))
    chosen = data.get(input_id) if input_id else ours.get("value")
    if not isinstance(chosen, str):
        return None
    return token, chosen


def identity(activity: Mapping[str, Any]) -> dict[str, str]:
    """What besides the channel id tells who sent an activity: their Entra object id, and
    the Teams client's language (nl-NL, en-US) for someone we do not know yet."""
    found = (
        ("aad_object_id", aad_object_id(activity) or ""),
        ("locale", _text(activity.get("locale"))),
    )
    return {key: value for key, value in found if value}


def to_inbound(activity: Mapping[str, Any]) -> Inbound | None:
    """The event a personal-chat message stands for: typed text or a card submit.

    None for anything else (other activity types, group chats and channels, empty messages,
    submits from cards that are not ours).
    """
    if activity.get("type") != "message" or not is_personal(activity):
        return None
    sender = user_id(activity)
    if not sender:
        return None
    extra = {
        **identity(activity),
        **{
            key: value
            for key, value in (
                ("tenant_id", tenant_id(activity)),
                ("conversation_id", _text(_dict(activity.get("conversation")).get("id"))),
                ("reply_to_id", _text(activity.get("replyToId"))),
            )
            if value
        },
    }
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "user_id": sender,
        "event_id": _text(activity.get("id")),
        "display_name": _text(_dict(activity.get("from")).get("name")),
        "extra": extra,
    }
    if activity.get("value") is not None:
        choice = submitted(activity.get("value"))
        if choice is None:
            return None
        token, value = choice
        if not token:
            # An action-only message without a key: the click reads as the typed choice.
            return Inbound(text=value, **common) if value.strip() else None
        return Inbound(token=token, value=value, **common)
    text = strip_mention(activity, _text(activity.get("text"))).strip()
    if not text:
        return None
    return Inbound(text=text, **common)
