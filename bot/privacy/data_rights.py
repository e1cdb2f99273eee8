"""Data rights in the chat: `export` hands over a file, `delete my data` erases after a yes."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.erasure import erase_person
from bot.privacy.export import EXPORT_FILENAME, export_bytes, export_person
from bot.storage.models import Person
from dialogs.answers import yes_no
from dialogs.messages import Attachment, Outbound, Outcome, PersonRef, Turn
from dialogs.privacy_texts import tp

# The confirmation's token: it is answered only while it is the person's open question.
ERASE_KEY = "erase"


async def export_reply(
    session: AsyncSession, person: Person, ref: PersonRef, now: datetime
) -> Outbound:
    data = await export_person(session, person, now)
    file = Attachment(EXPORT_FILENAME, export_bytes(data), "application/json")
    text = tp("export.attached", ref.locale, filename=EXPORT_FILENAME)
    return Outbound(ref, text, tp("export.title", ref.locale), attachment=file)


def erase_question(ref: PersonRef) -> Outbound:
    """Ask first, with a yes and a no that can be clicked or typed."""
    loc = ref.locale
    question = yes_no(
        ERASE_KEY,
        ERASE_KEY,
        tp("erase.question", loc),
        tp("erase.hint", loc),
        loc,
        partial(tp, "erase.button"),
        partial(tp, "erase.keep"),
    )
    text = tp("erase.ask", loc)
    return Outbound(ref, text, tp("erase.title", loc), question=question, key=ERASE_KEY)


async def erase_answer(
    session: AsyncSession, person: Person, ref: PersonRef, value: str, now: datetime
) -> Turn:
    """The answer to the confirmation: erase, or keep everything."""
    if value == "yes":
        label = tp("erase.button", ref.locale)
        return Turn((await erase_reply(session, person, ref, now),), _answered("yes", label))
    if value == "no":
        kept = Outbound(ref, tp("erase.kept", ref.locale), tp("erase.title", ref.locale))
        return Turn((kept,), _answered("no", tp("erase.keep", ref.locale)))
    again = erase_question(ref)
    return Turn((again,), Outcome("again", ERASE_KEY))


def _answered(value: str, label: str) -> Outcome:
    return Outcome("recorded", ERASE_KEY, value, label)


async def erase_reply(
    session: AsyncSession, person: Person, ref: PersonRef, now: datetime
) -> Outbound:
    await erase_person(session, person, now)
    return Outbound(ref, tp("erase.done", ref.locale), tp("erase.title", ref.locale))
