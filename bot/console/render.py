"""Pages from Jinja2 templates, autoescaped: every user text is shown literally."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from aiohttp import web

from bot.console.context import context_of
from bot.documents.html import add_globals
from dialogs.console_texts import tc
from dialogs.messages import Locale


@cache
def environment() -> jinja2.Environment:
    # The documents' templates come second: the reports page uses their block macros.
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PackageLoader("bot.console", "templates"),
            jinja2.PackageLoader("bot.documents", "templates"),
        ]
    )
    return add_globals(
        jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


@dataclass(frozen=True)
class Viewer:
    """The signed-in HR person, as the pages need them."""

    person_id: int
    name: str
    locale: Locale
    csrf: str


def page(
    request: web.Request,
    template: str,
    locale: Locale,
    *,
    status: int = 200,
    viewer: Viewer | None = None,
    **values: Any,
) -> web.Response:
    def text(key: str, **fill: object) -> str:
        return tc(key, locale, **fill)

    base = context_of(request).access.settings.path
    values.setdefault("notice", "")
    values.setdefault("current", "")
    body = (
        environment()
        .get_template(template)
        .render(t=text, locale=locale, viewer=viewer, base=base, **values)
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
