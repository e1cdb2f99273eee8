"""Files for a person in Teams: offered with a FileConsentCard, uploaded once they accept.

Teams lets a bot send a document only in a personal chat, and only with the person's
consent: the bot offers the file (name, size), Teams answers with an invoke carrying an
upload URL in the person's OneDrive, the bot PUTs the bytes there and posts a FileInfoCard.
The bytes wait in memory until then: a restart forgets the offer and the person simply asks
again (an export is cheap to make, and personal data is better not written anywhere else).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.teams.cards import label
from dialogs.messages import Attachment, Locale

CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
INFO_CARD = "application/vnd.microsoft.teams.card.file.info"
CONSENT_INVOKE = "fileConsent/invoke"
# Offers kept at once; the oldest goes first (it was most likely abandoned).
MAX_PENDING = 200


class PendingFiles:
    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._offers: OrderedDict[str, tuple[str, Attachment]] = OrderedDict()
        self._limit = limit

    def offer(self, user: str, file: Attachment, locale: Locale) -> dict[str, Any]:
        """The FileConsentCard attachment for this file, for this user only."""
        ident = secrets.token_urlsafe(16)
        self._offers[ident] = (user, file)
        while len(self._offers) > self._limit:
            self._offers.popitem(last=False)
        return {
            "contentType": CONSENT_CARD,
            "name": file.filename,
            "content": {
                "description": file.description or label("file.description", locale),
                "sizeInBytes": len(file.content),
                "acceptContext": {"file": ident},
                "declineContext": {"file": ident},
            },
        }

    def take(self, user: str, value: Mapping[str, Any]) -> Attachment | None:
        """The offered file when this user accepted it; an offer is answered only once."""
        context = value.get("context")
        ident = str(context.get("file") or "") if isinstance(context, Mapping) else ""
        offer = self._offers.get(ident)
        if offer is None or offer[0] != user:
            return None
        del self._offers[ident]
        return offer[1] if value.get("action") == "accept" else None


async def upload(url: str, content: bytes) -> None:
    """PUT the whole file in one range, as the OneDrive upload session expects."""
    size = len(content)
    headers = {"Content-Range": f"bytes 0-{size - 1}/{size}", "Content-Length": str(size)}
    timeout = aiohttp.ClientTimeout(total=60)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.put(url, data=content, headers=headers) as response,
    ):
        response.raise_for_status()


def info_card(upload_info: Mapping[str, Any]) -> dict[str, Any]:
    """The FileInfoCard that shows the uploaded file in the chat."""
    return {
        "contentType": INFO_CARD,
        "contentUrl": str(upload_info.get("contentUrl") or ""),
        "name": str(upload_info.get("name") or ""),
        "content": {
            "uniqueId": str(upload_info.get("uniqueId") or ""),
            "fileType": str(upload_info.get("fileType") or ""),
        },
    }
