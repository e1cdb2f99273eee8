"""The Slack directory: users.list, page by page, as the people the bot can link to.

People are linked by e-mail address; their time zone and locale come along, so that a
check-in arrives in the person's own morning and language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from dialogs.messages import DirectoryUser

USERS_PAGE = 200


async def list_users(client: AsyncWebClient) -> list[DirectoryUser]:
    """Every person in the workspace of `client`'s token (200 a page)."""
    users: list[DirectoryUser] = []
    cursor: str | None = None
    while True:
        response = await client.users_list(limit=USERS_PAGE, cursor=cursor, include_locale=True)
        for member in response.get("members") or []:
            user = directory_user(member)
            if user is not None:
                users.append(user)
        cursor = ((response.get("response_metadata") or {}).get("next_cursor") or "").strip()
        if not cursor:
            return users


def directory_user(member: Mapping[str, Any]) -> DirectoryUser | None:
    """A person in users.list; bots, Slackbot and deactivated accounts are nobody to ask."""
    user_id = member.get("id")
    if not isinstance(user_id, str) or user_id == "USLACKBOT":
        return None
    if member.get("deleted") or member.get("is_bot") or member.get("is_app_user"):
        return None
    profile = member.get("profile") or {}
    email = profile.get("email") if isinstance(profile, Mapping) else None
    timezone = member.get("tz")  # the IANA name; tz_offset would break at summer time
    locale = member.get("locale")
    return DirectoryUser(
        platform="slack",
        user_id=user_id,
        email=email if isinstance(email, str) else "",
        timezone=timezone if isinstance(timezone, str) else "",
        locale=locale if isinstance(locale, str) else "",
    )
