"""Documents from Jinja2 templates, autoescaped: every user text is shown literally.

The templates (in `templates/`) share one page frame with its stylesheet, and the macros
for a chart with its caption, a table that scrolls inside its box, and a report block; the
admin console imports the same macros for its reports page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2

from bot.documents.svg import to_svg
from dialogs.messages import Locale


def add_globals(environment: jinja2.Environment) -> jinja2.Environment:
    """What the shared macros call: `svg(drawing)` draws a chart."""
    environment.globals["svg"] = to_svg
    return environment


@cache
def environment() -> jinja2.Environment:
    return add_globals(
        jinja2.Environment(
            loader=jinja2.PackageLoader("bot.documents", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


def render(template: str, *, locale: Locale, catalog: Callable[..., str], **values: Any) -> str:
    """The template in `locale`: its `t(key, ...)` looks texts up in `catalog` (one of the
    dialogs' `tr`, `td`, ...)."""

    def text(key: str, **fill: object) -> str:
        return catalog(key, locale, **fill)

    return environment().get_template(template).render(locale=locale, t=text, **values)
