"""Data rights in the chat: `export` hands over a file, `delete my data` erases after a yes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.erasure import erase_person
from bot.services.privacy import EXPORT_FILENAME, export_bytes, export_person
from bot.storage.models import Person
from dialogs.messages import Attachment, Choice, Outbound, PersonRef
from dialogs.privacy_texts import tp

# A click on the confirmation button comes back as this typed command (see the engine's
# menu handling), so a click and typing the phrase take the same path.
CONFIRM_KEY = "menu"


async def export_reply(
    session: AsyncSession, person: Person, ref: PersonRef, now: datetime
) -> Outbound:
    data = await export_person(session, person, now)
    file = Attachment(EXPORT_FILENAME, export_bytes(data), "application/json")
    text = tp("export.attached", ref.locale, filename=EXPORT_FILENAME)
    return Outbound(ref, text, tp("export.title", ref.locale), attachment=file)


def erase_question(ref: PersonRef) -> Outbound:
    phrase = tp("erase.confirm_phrase", ref.locale)
    button = Choice(phrase, tp("erase.button", ref.locale))
    text = tp("erase.ask", ref.locale, confirm=phrase)
    return Outbound(ref, text, tp("erase.title", ref.locale), actions=(button,), key=CONFIRM_KEY)


async def erase_reply(
    session: AsyncSession, person: Person, ref: PersonRef, now: datetime
) -> Outbound:
    await erase_person(session, person, now)
    return Outbound(ref, tp("erase.done", ref.locale), tp("erase.title", ref.locale))
