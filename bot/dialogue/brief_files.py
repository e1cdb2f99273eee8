"""The review brief's document as a file in chat: one reader's copy, rendered as PDF.

PDF travels best: Slack previews it in the DM, Teams opens it from the person's OneDrive,
and it prints as one document (HTML with inline SVG would arrive as a source file to
download). The bytes are never stored: a queued brief keeps only its key
(`brief.<person>.<year>.<copy>`) and its summary, and the brief is built again from the
database when the message is sent, for the copy and the reader the key names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.review_brief import BriefRefused, build_brief
from bot.org.people import Defaults
from bot.storage.dialogue_models import ReviewBriefSent
from bot.storage.models import Person
from dialogs.banks import Bank
from dialogs.brief import COPIES, Copy, ReviewBrief
from dialogs.digest_texts import td
from dialogs.messages import Attachment, PersonRef

PDF = "application/pdf"


@dataclass(frozen=True)
class BriefKey:
    person_id: int
    year: int
    copy: Copy

    def __str__(self) -> str:
        return f"brief.{self.person_id}.{self.year}.{self.copy}"


def parse_key(key: str) -> BriefKey | None:
    """The brief a notice key names, or None for any other key."""
    match = re.fullmatch(r"brief\.(\d+)\.(\d{4})\.(\w+)", key)
    if match is None:
        return None
    person_id, year, copy = match.groups()
    for known in COPIES:
        if copy == known:
            return BriefKey(int(person_id), int(year), known)
    return None


def _slug(name: str) -> str:
    """A file-name part every platform and file system accepts: ASCII, lowercase, dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "brief"


def brief_file(brief: ReviewBrief) -> Attachment:
    """The reader's copy as a PDF attachment, in the shipped Unicode font like every PDF."""
    loc = brief.reader.locale
    name = f"{td('brief.filename', loc)}-{_slug(brief.employee_name)}-{brief.review_start.year}"
    return Attachment(
        f"{name}.pdf",
        _pdf(brief),
        PDF,
        td("brief.file_description", loc, name=brief.employee_name),
    )


async def current_brief(
    session: AsyncSession,
    key: str,
    recipient: PersonRef,
    now: datetime,
    banks: dict[str, Bank],
    defaults: Defaults,
) -> ReviewBrief | None:
    """The brief a queued message's key names, rebuilt now for that copy; None for another
    key, or when the recipient is no longer that copy's reader (say the employee moved to
    another manager since the brief was queued: the stored summary still goes, the document
    with the year's answers does not)."""
    brief_key = parse_key(key)
    if brief_key is None:
        return None
    sent = await session.scalar(
        select(ReviewBriefSent).where(
            ReviewBriefSent.person_id == brief_key.person_id, ReviewBriefSent.year == brief_key.year
        )
    )
    employee = await session.get(Person, brief_key.person_id)
    if sent is None or employee is None or not employee.active:
        return None
    try:
        brief = await build_brief(
            session, employee, brief_key.copy, now, banks, defaults, sent.review_start
        )
    except BriefRefused:
        return None  # no manager any more: there is no manager's copy to send
    return brief if brief.reader.person_id == recipient.person_id else None


def _pdf(brief: ReviewBrief) -> bytes:
    # The PDF library loads only when a brief is made: every tick imports this module.
    from bot.dialogue.brief_document import to_pdf

    return to_pdf(brief)
