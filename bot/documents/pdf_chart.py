"""A chart drawing on a PDF page: the same shapes as the SVG, scaled to millimetres."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.documents.charts import STYLES, Dot, Drawing, Polyline, Rect, Segment, Text

if TYPE_CHECKING:
    from bot.documents.pdf import Page

PT_PER_MM = 72 / 25.4


def _paint(page: Page, role: str, scale: float) -> str:
    """Set the role's colours; the fpdf style string that draws it."""
    style = STYLES[role]
    page.set_line_width(style.line * scale)
    if style.dashed:
        page.set_dash_pattern(dash=4 * scale, gap=3 * scale)
    else:
        page.set_dash_pattern()
    found = ""
    if style.fill is not None:
        page.set_fill_color(style.fill)
        found += "F"
    if style.stroke is not None:
        page.set_draw_color(style.stroke)
        found += "D"
    return found


def _text(page: Page, shape: Text, left: float, top: float, scale: float) -> None:
    """A text placed by its baseline and anchor, as a cell: cells get text shaping."""
    size = shape.size * scale * PT_PER_MM
    page.set_font("body", "", size)
    page.set_text_color(STYLES[shape.role].fill or "#000000")
    text = page.clean(shape.text)
    width = page.get_string_width(text)
    x = left + shape.x * scale - {"start": 0.0, "middle": width / 2, "end": width}[shape.anchor]
    line = page.font_size
    margin, page.c_margin = page.c_margin, 0.0
    page.set_xy(x, top + shape.y * scale - 0.8 * line)
    page.cell(width, line, text)
    page.c_margin = margin


def draw(page: Page, drawing: Drawing, left: float, top: float, scale: float) -> None:
    """Draw `drawing` with its top-left corner at (left, top) mm, `scale` mm per unit."""
    for shape in drawing.shapes:
        if isinstance(shape, Text):
            _text(page, shape, left, top, scale)
            continue
        style = _paint(page, shape.role, scale)
        if isinstance(shape, Rect):
            page.rect(
                left + shape.x * scale,
                top + shape.y * scale,
                shape.w * scale,
                shape.h * scale,
                style=style,
            )
        elif isinstance(shape, Segment):
            page.line(
                left + shape.x1 * scale,
                top + shape.y1 * scale,
                left + shape.x2 * scale,
                top + shape.y2 * scale,
            )
        elif isinstance(shape, Polyline):
            points = [(left + x * scale, top + y * scale) for x, y in shape.points]
            page.polyline(points, style="D")
        elif isinstance(shape, Dot):
            page.circle(left + shape.x * scale, top + shape.y * scale, shape.r * scale, style=style)
    page.set_dash_pattern()
    page.set_line_width(0.2)
    page.set_text_color("#000000")
    page.set_draw_color("#000000")
