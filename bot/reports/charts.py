"""Small inline SVG charts for the report documents: pure functions, no dependencies.

Every chart carries a <title> and a <desc> that state its values in words, so a screen
reader gets the same information as the eye; a hidden (suppressed) value is a gap, never
a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 560
BAR_HEIGHT = 22
PALETTE = ("#2f6f9f", "#d08c2c", "#5a9e5a", "#9c4f96", "#b5473a", "#5f6b73")


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _svg(width: int, height: int, title: str, desc: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        f'font-size="12"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    *,
    hidden_label: str = "-",
    maximum: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value); None is drawn as a labelled gap."""
    label_width = 200
    plot = WIDTH - label_width - 60
    known = [v for _, v in items if v is not None]
    top = maximum if maximum is not None else max(known, default=0.0)
    top = top or 1.0
    height = max(1, len(items)) * (BAR_HEIGHT + 6) + 10
    parts = []
    words = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * (BAR_HEIGHT + 6)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 15}" fill="#777">'
                f"{escape(hidden_label)}</text>"
            )
            words.append(f"{label}: {hidden_label}")
            continue
        length = max(0.0, value) / top * plot
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>'
        )
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + 15}">{_fmt(value)}</text>')
        words.append(f"{label}: {_fmt(value)}")
    return _svg(WIDTH, height, title, "; ".join(words), "".join(parts))


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    low: float = 0.0,
    high: float | None = None,
) -> str:
    """One line per named series over the labels (periods); a None breaks the line."""
    height = 220
    left, right, top, bottom = 40, 150, 12, 30
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    known = [v for _, values in series for v in values if v is not None]
    ceiling = high if high is not None else max(known, default=1.0)
    span = (ceiling - low) or 1.0
    step = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + i * step if len(labels) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h - (v - low) / span * plot_h

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">{_fmt(low)}</text>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end">{_fmt(ceiling)}</text>',
    ]
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    words = []
    for n, (name, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        segments: list[list[str]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}"/>')
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'points="{" ".join(points)}"/>'
                )
        legend_y = top + 14 + n * 16
        parts.append(
            f'<rect x="{WIDTH - right + 10}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{colour}"/><text x="{WIDTH - right + 24}" y="{legend_y}">'
            f"{escape(name)}</text>"
        )
        shown = ", ".join(
            f"{label} {_fmt(v)}" for label, v in zip(labels, values, strict=False) if v is not None
        )
        words.append(f"{name}: {shown or '-'}")
    return _svg(WIDTH, height, title, "; ".join(words), "".join(parts))
