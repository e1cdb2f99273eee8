"""A chart drawing as inline SVG, safe to place in an autoescaped template.

Every shape carries a class (`chart-bar`, `chart-tick`, ...) and its colours as presentation
attributes: a standalone document needs no stylesheet, and the admin console's stylesheet
may restyle by class without inline style, which its content policy forbids. Every text is
escaped here, so the result is marked safe.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.documents.charts import STYLES, Dot, Drawing, Polyline, Rect, Segment, Shape, Text
from bot.documents.fonts import SVG_FAMILY


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _paint(role: str) -> str:
    style = STYLES[role]
    found = [f'class="chart-{role}"']
    if isinstance(style.fill, str):
        found.append(f'fill="{style.fill}"')
    else:
        found.append('fill="none"')
    if style.stroke is not None:
        found.append(f'stroke="{style.stroke}" stroke-width="{_n(style.line)}"')
    if style.dashed:
        found.append('stroke-dasharray="4 3"')
    return " ".join(found)


def _shape(shape: Shape) -> str:
    if isinstance(shape, Text):
        return (
            f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
            f'text-anchor="{shape.anchor}" {_paint(shape.role)}>{escape(shape.text)}</text>'
        )
    if isinstance(shape, Rect):
        return (
            f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
            f'height="{_n(shape.h)}" {_paint(shape.role)}/>'
        )
    if isinstance(shape, Segment):
        return (
            f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
            f'y2="{_n(shape.y2)}" {_paint(shape.role)}/>'
        )
    if isinstance(shape, Polyline):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        return f'<polyline points="{points}" {_paint(shape.role)}/>'
    assert isinstance(shape, Dot)
    return f'<circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.r)}" {_paint(shape.role)}/>'


def to_svg(drawing: Drawing) -> Markup:
    """The drawing at its own size; it scales down with its box (width 100%, keep ratio)."""
    w, h = _n(drawing.width), _n(drawing.height)
    body = "".join(_shape(s) for s in drawing.shapes)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}" font-family="{SVG_FAMILY}">'
        f"<title>{escape(drawing.title)}</title><desc>{escape(drawing.desc)}</desc>"
        f"{body}</svg>"
    )
