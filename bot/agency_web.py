"""The page an agency contact's e-mail link opens, on the bot's one web server.

GET shows what the link asks (the agency's terms of one agreement, in Dutch and English)
with a form; only the POST of that form signs or answers, so a mail scanner that follows
links changes nothing. The token in the path is the only credential: it is kept as a hash,
works once and expires (bot/services/agency_answers.py). Every text is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiohttp import web

from bot.clock import Clock
from bot.console.security import HEADERS
from bot.services import agency_answers, agency_mail
from bot.services.people import Defaults
from bot.storage.database import Database
from bot.web import RouteHook
from dialogs import agency as texts
from dialogs import agreements as ag
from dialogs.messages import LOCALES
from dialogs.texts import format_day


@dataclass(frozen=True)
class AgencyPages:
    db: Database
    clock: Clock
    defaults: Defaults

    async def show(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        async with self.db.session() as session:
            opened = await agency_answers.open_link(session, token, self.clock.now())
        if opened is None:
            return _page(texts.both("page.gone"), "", status=404)
        return _page(_title(opened.terms), _form(opened))

    async def act(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        form = await request.post()
        value = str(form.get("answer", ""))
        async with self.db.session() as session:
            opened = await agency_answers.open_link(session, token, self.clock.now())
            result = await agency_answers.answer(
                self.defaults, session, token, value, self.clock.now()
            )
        if opened is None or result == "gone":
            return _page(texts.both("page.gone"), "", status=404)
        if result == "outdated":
            return _page(_title(opened.terms), _para(texts.both("page.outdated")), status=409)
        if result == "unknown_answer":
            body = _para(texts.both("page.unknown_answer")) + _form(opened)
            return _page(_title(opened.terms), body, status=400)
        if result == "signed":
            done = texts.both("page.signed", version=opened.terms.version)
        else:
            done = texts.both("page.answered", answer=texts.answer_label(value))
        return _page(_title(opened.terms), _para(done))


def _title(terms: texts.AgencyTerms) -> str:
    return texts.both("page.title", id=terms.agreement_id, employee=terms.employee)


def _para(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _form(opened: agency_answers.Opened) -> str:
    terms = opened.terms
    names = {"employee": terms.employee, "agency": terms.agency, "id": terms.agreement_id}
    parts = [
        _para(texts.both("intro", **names)),
        f"<blockquote><pre>{escape(terms.text)}</pre></blockquote>",
        _para(
            " / ".join(texts.tx("start", loc, day=format_day(terms.start, loc)) for loc in LOCALES)
        ),
        '<form method="post">',
    ]
    if opened.request.kind == agency_mail.SIGN:
        label = texts.both("page.sign", version=terms.version)
        parts.append(f'<button name="answer" value="{agency_mail.SIGNED}">{escape(label)}</button>')
    else:
        ask = texts.both("ask.follow_up", period=opened.request.period, employee=terms.employee)
        parts.append(_para(ask))
        parts += [
            f'<button name="answer" value="{a}">{escape(texts.answer_label(a))}</button>'
            for a in ag.FOLLOW_UP_ANSWERS
        ]
    parts.append("</form>")
    return "\n".join(parts)


def _page(title: str, body: str, *, status: int = 200) -> web.Response:
    html = (
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>\n<body><main><h1>{escape(title)}</h1>\n"
        f"{body}\n</main></body></html>\n"
    )
    response = web.Response(text=html, content_type="text/html", status=status)
    response.headers.update(HEADERS)
    return response


def agency_hook(db: Database, clock: Clock, defaults: Defaults) -> RouteHook:
    """Mounts the agency contact's pages at /agency/<token> on the shared server."""
    pages = AgencyPages(db, clock, defaults)

    def hook(app: web.Application) -> None:
        app.router.add_get(f"{agency_mail.PATH}/{{token}}", pages.show)
        app.router.add_post(f"{agency_mail.PATH}/{{token}}", pages.act)

    return hook
