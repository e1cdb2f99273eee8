"""The answer to "who viewed my data": one line per recorded view, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.access_texts import ACCESS_CATALOG, tx
from dialogs.messages import Locale
from dialogs.texts import format_day


@dataclass(frozen=True)
class ViewLine:
    """One recorded view as the employee reads it; `local` is in their own time zone."""

    viewer: str | None  # None: the operator at the command line
    what: str
    object_id: str | None
    local: datetime


def describe(what: str, object_id: str | None, locale: Locale) -> str:
    key = f"what.{what}"
    if key not in ACCESS_CATALOG:
        return tx("what.other", locale, what=what)
    return tx(key, locale, object=object_id or "?")


def render_viewed(lines: list[ViewLine], locale: Locale) -> tuple[str, str]:
    """Title and body; viewer names are shown literally, as stored."""
    title = tx("viewed.title", locale)
    if not lines:
        return title, tx("viewed.none", locale)
    body = [tx("viewed.intro", locale, count=len(lines))]
    for line in lines:
        who = line.viewer if line.viewer is not None else tx("viewed.operator", locale)
        when = f"{format_day(line.local.date(), locale)}, {line.local:%H:%M}"
        what = describe(line.what, line.object_id, locale)
        body.append("- " + tx("viewed.line", locale, when=when, who=who, what=what))
    return title, "\n".join(body)
