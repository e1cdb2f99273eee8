"""An A4 PDF in the shipped Unicode font, with text shaping, that keeps headings and chart
titles on the page of what they introduce.

Every text goes through `fonts.printable`, so a character no font in use has is written by
its name rather than dropped; `replaced` says whether that happened, for a note.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from bot.documents.charts import Drawing
from bot.documents.fonts import BOLD, REGULAR, printable
from bot.documents.pdf_chart import draw

# fontTools reports every table it prunes while fpdf2 subsets the font: noise in a CLI run.
logging.getLogger("fontTools").setLevel(logging.WARNING)
FAMILY = "body"
LINE = 1.3  # line height as a share of the font size
# A heading needs at least this much of what follows on its own page (mm).
KEEP = 22.0


class Page(FPDF):
    def __init__(self, title: str, *, font_path: Path | None = None) -> None:
        super().__init__(format="A4")
        self.set_creator("Jaarrond")
        # An override font is one face: headings are set in it too, and the shipped font
        # fills in whatever it lacks.
        self.add_font(FAMILY, "", str(font_path or REGULAR))
        self.add_font(FAMILY, "B", str(font_path or BOLD))
        self.faces: tuple[Path, ...] = (REGULAR,)
        if font_path is not None:
            self.add_font("shipped", "", str(REGULAR))
            self.set_fallback_fonts(["shipped"])
            self.faces = (font_path, REGULAR)
        # HarfBuzz: Arabic letters join, Hebrew and Arabic run right to left, marks stack.
        self.set_text_shaping(True)
        self.replaced = False
        self.set_title(self.clean(title))
        self.add_page()

    def clean(self, text: str) -> str:
        shown = printable(text, self.faces)
        self.replaced = self.replaced or shown != text
        return shown

    def room(self) -> float:
        """Height left on the current page above the bottom margin (mm)."""
        return float(self.page_break_trigger - self.get_y())

    def keep(self, height: float) -> None:
        """Start a new page unless `height` fits on this one (a page that is still empty
        takes anything: a new one would not have more room)."""
        if height > self.room() and self.get_y() > self.t_margin + 1:
            self.add_page()

    def _height(self, text: str, size: float, indent: float) -> float:
        self.set_font(FAMILY, "", size)
        found = self.multi_cell(
            self.epw - indent,
            size * LINE * 0.3528,
            self.clean(text),
            align="L",
            dry_run=True,
            output=MethodReturnValue.HEIGHT,
        )
        assert isinstance(found, float | int)
        return float(found)

    def paragraph(
        self, text: str, size: float = 10.0, *, bold: bool = False, indent: float = 0.0
    ) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent,
            size * LINE * 0.3528,
            self.clean(text),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def heading(self, text: str, size: float = 13.0, *, keep: float = KEEP) -> None:
        """A bold heading, moved to the next page with what follows when that would not fit."""
        self.space(size * 0.25)
        self.keep(self._height(text, size, 0.0) + keep)
        self.paragraph(text, size, bold=True)
        self.space(1.0)

    def space(self, mm: float) -> None:
        if self.get_y() > self.t_margin + 1:
            self.ln(mm)

    def chart_height(self, drawing: Drawing) -> float:
        """The height (mm) `chart` gives the drawing: it spans the text width."""
        return float(drawing.height * self.epw / drawing.width)

    def chart(self, drawing: Drawing, caption: str = "", size: float = 10.0) -> None:
        """The chart at the text width, its caption above it, both on one page."""
        scale = self.epw / drawing.width
        height = self.chart_height(drawing)
        above = self._height(caption, size, 0.0) + 1.5 if caption else 0.0
        self.space(4.0)
        self.keep(above + height)
        if caption:
            self.paragraph(caption, size, bold=True)
            self.ln(1.5)
        top = self.get_y()
        draw(self, drawing, self.l_margin, top, scale)
        self.set_y(top + height + 2.0)
