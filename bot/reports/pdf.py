"""A report's blocks (`views.Group`) as a PDF: the same sections, charts and tables the HTML
shows, each chart kept on one page with its title. Both reports print through this."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.documents.pdf import KEEP, Page
from bot.reports import views
from dialogs.messages import Locale
from dialogs.report_texts import tr


def render(
    title: str,
    meta: Iterable[str],
    groups: Iterable[views.Group],
    locale: Locale,
    *,
    font_path: Path | None = None,
) -> bytes:
    page = Page(title, font_path=font_path)
    page.paragraph(title, 16, bold=True)
    for line in meta:
        page.paragraph(line, 9)
    for group in groups:
        first = group.blocks[0] if group.blocks else None
        keep = page.chart_height(first.chart) + 12 if first and first.chart else KEEP
        page.heading(group.heading, 13, keep=keep)
        for block in group.blocks:
            if block.chart is not None:
                page.chart(block.chart, block.heading)
            elif block.heading:
                page.heading(block.heading, 11)
            if block.note:
                page.paragraph(block.note, 9)
            if block.empty:
                page.paragraph(tr("none", locale), 9)
            if block.table is not None:
                for name, cells in block.table.rows:
                    page.paragraph(table_line(block.table.head, name, cells), 9)
    return bytes(page.output())


def table_line(head: tuple[str, ...], name: str, cells: tuple[views.Cell, ...]) -> str:
    """A table row as one line: "Kept: 12", or "people: Name, email. Who sees it: HR." with
    every further column named by its head."""
    first, *more = cells
    named = "".join(f" {h}: {_sentence(c.text)}" for h, c in zip(head[2:], more, strict=False))
    if not more:
        return f"{name}: {first.text}"
    return f"{name}: {_sentence(first.text)}{named}"


def _sentence(text: str) -> str:
    """A cell as the end of a sentence: a text that ends in a full stop keeps just the one."""
    return text if text.endswith((".", "?", "!")) else f"{text}."
