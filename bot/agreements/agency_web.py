"""The page an agency contact's e-mail link opens, on the bot's one web server.

GET shows what the link asks (the agency's terms of one agreement, in Dutch and English)
with a form; only the POST of that form signs or answers, so a mail scanner that follows
links changes nothing. The token in the path is the only credential: it is kept as a hash,
works once and expires (bot/agreements/agency_answers.py). Every text is escaped: the page
is an autoescaped template (bot/documents/templates/agency.html).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.agreements import agency_answers, agency_mail
from bot.clock import Clock
from bot.documents.html import environment
from bot.org.people import Defaults
from bot.storage.database import Database
from bot.web import HEADERS, RouteHook
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
            return _page(texts.both("page.gone"), status=404)
        return _page(_title(opened.terms), asked=_asked(opened))

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
            return _page(texts.both("page.gone"), status=404)
        title = _title(opened.terms)
        if result == "outdated":
            return _page(title, [texts.both("page.outdated")], status=409)
        if result == "unknown_answer":
            lines = [texts.both("page.unknown_answer")]
            return _page(title, lines, status=400, asked=_asked(opened))
        if result == "signed":
            done = texts.both("page.signed", version=opened.terms.version)
        else:
            done = texts.both("page.answered", answer=texts.answer_label(value))
        return _page(title, [done])


@dataclass(frozen=True)
class Asked:
    """What a link asks: the agency's terms, and a button per possible answer."""

    intro: str
    terms: str
    start: str
    question: str
    buttons: list[tuple[str, str]]


def _title(terms: texts.AgencyTerms) -> str:
    return texts.both("page.title", id=terms.agreement_id, employee=terms.employee)


def _asked(opened: agency_answers.Opened) -> Asked:
    terms = opened.terms
    names = {"employee": terms.employee, "agency": terms.agency, "id": terms.agreement_id}
    start = " / ".join(texts.tx("start", loc, day=format_day(terms.start, loc)) for loc in LOCALES)
    intro = texts.both("intro", **names)
    if opened.request.kind == agency_mail.SIGN:
        sign = texts.both("page.sign", version=terms.version)
        return Asked(intro, terms.text, start, "", [(agency_mail.SIGNED, sign)])
    period, employee = opened.request.period, terms.employee
    question = texts.both("ask.follow_up", period=period, employee=employee)
    buttons = [(a, texts.answer_label(a)) for a in ag.FOLLOW_UP_ANSWERS]
    return Asked(intro, terms.text, start, question, buttons)


def _page(
    title: str, lines: list[str] | None = None, *, status: int = 200, asked: Asked | None = None
) -> web.Response:
    template = environment().get_template("agency.html")
    html = template.render(title=title, lines=lines or [], asked=asked)
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
