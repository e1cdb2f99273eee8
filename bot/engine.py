"""The dialog engine: routes what a person did to the right dialog and service, and says
what became of it (the outcome) and which question it now expects an answer to (the menu)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.service import AgreementService
from bot.checkins import menus
from bot.checkins import service as checkin_service
from bot.checkins.pauses import PauseError, is_paused, parse_pause_date, pause
from bot.clock import Clock
from bot.dialogue import brief_chat, coaching, conversations
from bot.dialogue.digests import team_digest
from bot.dialogue.home import build_home
from bot.dialogue.topics import MAX_TOPIC_LENGTH, raise_topic, too_long
from bot.dialogue_config import DialogueSettings
from bot.org.directory import sync_directory
from bot.org.people import Defaults, find_by_platform, manager_of, person_ref
from bot.privacy import audit, data_rights
from bot.privacy import roles as access
from bot.reports.hr import hr_figures
from bot.reports.hr_output import render_chat
from bot.storage.database import Database
from bot.storage.models import Person, ProcessedEvent
from bot.storage.sql import insert_new
from dialogs import answers, checkin
from dialogs.commands import Command, parse_command
from dialogs.dates import local_day
from dialogs.digest import render_digest
from dialogs.home import HomeView, render_home
from dialogs.ladder import Rules
from dialogs.messages import (
    LOCALES,
    Choice,
    DirectoryUser,
    Inbound,
    Locale,
    Outbound,
    Outcome,
    PersonRef,
    Question,
    Turn,
)
from dialogs.texts import format_day, t

log = logging.getLogger(__name__)

# A navigation button (the agreements list, App Home) carries a command: the click is read
# as that command typed. It answers no question, so nothing is marked as answered.
MENU_KEY = answers.NAVIGATION
# The theme menu that `checkin` without a theme shows.
THEMES_KEY = "themes"


class ConsoleLinks(Protocol):
    """The admin console's door in chat, which the console provides: the engine passes the
    `admin` command on and knows no console code."""

    async def answer_admin(
        self, session: AsyncSession, person: Person, ref: PersonRef, now: datetime
    ) -> Outbound:
        """A one-time sign-in link for HR; a polite no for anyone else."""
        ...


@dataclass
class Engine:
    db: Database
    clock: Clock
    checkins: checkin_service.CheckinService
    defaults: Defaults
    agreements: AgreementService
    console: ConsoleLinks
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    # The development ladder's rules for HR's report in chat; None: the built-in ones.
    ladder_rules: Rules | None = None

    async def handle(self, inbound: Inbound) -> Turn:
        """One inbound event in, the turn out; everything it changes commits together."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                return await self._turn(session, inbound, now)
        except checkin_service.Repeated:
            return Turn()

    async def _turn(self, session: AsyncSession, inbound: Inbound, now: datetime) -> Turn:
        # An answer clicked to a check-in's question counts once by its answer (one per
        # question, see CheckinService); any other event by its id, written first.
        by_answer = bool(inbound.event_id) and _answers_checkin(inbound)
        if inbound.event_id and not by_answer:
            await self._count_once(session, inbound, now)
        # The person, their open check-in, its schedule and their menu in one read: an
        # answer to a check-in (what people do most) needs nothing more.
        person, read = await checkin_service.person_and_open_checkin(
            session, inbound.platform, inbound.user_id, inbound.extra.get("aad_object_id")
        )
        if person is None:
            turn = self._stranger(inbound)
        else:
            ref = person_ref(person, self.defaults)
            turn = await self._route(session, person, ref, inbound, now, read)
        if by_answer and turn.outcome.kind != "recorded":
            # No answer was stored (refused, or no check-in open): the event id counts.
            await self._count_once(session, inbound, now)
        if person is None:
            return turn
        return await self._settle_menu(session, ref, turn, now, read)

    async def _count_once(self, session: AsyncSession, inbound: Inbound, now: datetime) -> None:
        """Platforms retry deliveries; a UNIQUE row makes each event count once (a repeat
        is dropped with everything its turn did)."""
        row = {"platform": inbound.platform, "event_id": inbound.event_id, "received_at": now}
        table = ProcessedEvent.__table__
        if not await insert_new(session, table, [row], table.c.event_id):  # type: ignore[arg-type]
            raise checkin_service.Repeated(inbound.event_id)

    def _stranger(self, inbound: Inbound) -> Turn:
        """Someone we cannot link to a person: one polite answer, in their language when the
        platform says it, else in both; operators see the account in the log."""
        aad = inbound.extra.get("aad_object_id", "")
        log.info(
            "a message from an unknown %s account %s%s; is it in the org file?",
            inbound.platform,
            inbound.user_id,
            f" (Entra object id {aad})" if aad else "",
        )
        locale = _locale_hint(inbound.extra.get("locale", ""))
        text = (
            t("unknown_person", locale)
            if locale
            else "\n\n".join(t("unknown_person", loc) for loc in LOCALES)
        )
        stranger = PersonRef(
            person_id=0,
            email="",
            name=inbound.display_name,
            locale=locale or self.defaults.locale,
            timezone=self.defaults.timezone,
            slack_user_id=inbound.user_id if inbound.platform == "slack" else None,
            teams_user_id=inbound.user_id if inbound.platform == "teams" else None,
        )
        return Turn((Outbound(stranger, text),), Outcome("unknown"))

    async def _settle_menu(
        self,
        session: AsyncSession,
        ref: PersonRef,
        turn: Turn,
        now: datetime,
        read: checkin_service.OpenCheckin,
    ) -> Turn:
        """The last question among the replies is the person's menu from now on; an answered
        menu is closed; otherwise the menu stays what it was."""
        asked = [reply for reply in turn.replies if answers.asks(reply)]
        if asked:
            # The next question of the check-in the menu names already is the menu.
            if not menus.follows(read.menu, asked[-1]):
                await menus.remember(session, [(ref.person_id, asked[-1])], now)
            return replace(turn, menu=asked[-1].question)
        current = await menus.current(session, ref, self.checkins)
        if current is None:
            return replace(turn, menu=None)
        token = answers.asks(current)
        if turn.outcome.kind == "recorded" and turn.outcome.token == token:
            await menus.forget(session, ref.person_id, token)
            return replace(turn, menu=None)
        return replace(turn, menu=current.question)

    async def _route(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        inbound: Inbound,
        now: datetime,
        read: checkin_service.OpenCheckin,
    ) -> Turn:
        if inbound.token == MENU_KEY and inbound.value:
            inbound = replace(inbound, token="", value=None, text=inbound.value)
        # One policy table says who may do what. A refusal is audited and then answered
        # exactly as a word the bot does not know (or, for agreement sub-commands, as an
        # unknown sub-command), so it tells nobody that something exists.
        action = access.action_of(inbound.text, clicked=bool(inbound.token))
        if inbound.token and access.every_employee_may(action):
            # The person is active (found so), hence an employee: a click is allowed without
            # reading whom they manage.
            return await self._answer(
                session, person, ref, inbound.token, inbound.value or "", now, read
            )
        who = await access.access_of(session, person)
        refused = not who.may(action)
        if refused:
            not_found = await access.deny(session, who, action, ref, now)
            if inbound.token or action.startswith("agreement"):
                return Turn((not_found,), Outcome("none" if not inbound.token else "refused"))
        if inbound.token:
            return await self._answer(
                session, person, ref, inbound.token, inbound.value or "", now, read
            )
        menu = await menus.current(session, ref, self.checkins, read.menu)
        command = None if refused else parse_command(inbound.text)
        question = menu.question if menu is not None else None
        asks_text = question is not None and question.kind == "text"
        if command is not None and command.argument and asks_text:
            # "talked to Anna about it" typed in answer to an open question is the answer.
            command = None
        if command is not None and command.name == "brief" and command.argument and not who.reports:
            # Only a manager names someone: for others "brief ..." is text (perhaps an answer).
            command = None
        if command is not None:
            return await self._command(session, person, ref, command, menu, now, read)
        value = answers.read(menu, inbound.text) if menu is not None else None
        if menu is not None and value is not None:
            return await self._answer(session, person, ref, answers.asks(menu), value, now, read)
        if menu is not None and question is not None:
            return _ask_again(menu, question, inbound.text)
        return await self._not_understood(session, person, ref)

    async def _answer(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        token: str,
        value: str,
        now: datetime,
        read: checkin_service.OpenCheckin,
    ) -> Turn:
        """An answer to the prompt `token`, clicked or typed: its owner decides."""
        if self.agreements.owns(token):
            return await self.agreements.answer(session, person, token, value, now)
        if token == THEMES_KEY:
            return await self._theme_chosen(session, person, ref, value, now)
        if token == data_rights.ERASE_KEY:
            current = await menus.current(session, ref, self.checkins)
            if current is None or current.question is None or current.question.token != token:
                return _no_longer_open(ref, token)
            return await data_rights.erase_answer(session, person, ref, value, now)
        if conversations.owns(token):
            return await conversations.answer(session, person, token, value, now, self.defaults)
        event: checkin.Event = (
            checkin.Control(value, token)
            if value in checkin.CONTROLS
            else checkin.Reply(value, token)
        )
        return await self._to_checkin(session, person, ref, event, now, read)

    async def _not_understood(self, session: AsyncSession, person: Person, ref: PersonRef) -> Turn:
        """Neither a command nor an answer: say so, and where an open check-in is."""
        text = t("unknown_command", ref.locale)
        if await self.checkins.open_occurrence(session, person) is not None:
            text = f"{text} {t('checkin.still_open', ref.locale)}"
        return Turn((Outbound(ref, text),), Outcome("unknown"))

    async def _to_checkin(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        event: checkin.Event,
        now: datetime,
        read: checkin_service.OpenCheckin | None = None,
    ) -> Turn:
        turn = await self.checkins.handle(session, person, event, now, read)
        if turn is not None:
            return turn
        none_open = Outbound(ref, t("checkin.none_open", ref.locale))
        return Turn((none_open,), Outcome("refused", event.token))

    async def _command(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        command: Command,
        menu: Outbound | None,
        now: datetime,
        read: checkin_service.OpenCheckin,
    ) -> Turn:
        if command.name in checkin.CONTROLS:
            control = checkin.Control(command.name)
            return await self._to_checkin(session, person, ref, control, now, read)
        if command.name == "discussed":
            # Its numbers are those of the topics the person was shown last.
            shown = menu.question if menu is not None else None
            return await conversations.discussed(
                session, person, command.argument, shown, now, self.defaults
            )
        replies = await self._carry_out(session, person, ref, command, now)
        return Turn(tuple(replies), Outcome("none"))

    async def _carry_out(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        command: Command,
        now: datetime,
    ) -> list[Outbound]:
        loc = ref.locale
        match command.name:
            case "help":
                themes = ", ".join(self._theme_names(loc))
                return [Outbound(ref, t("help.body", loc, themes=themes), t("help.title", loc))]
            case "checkin":
                return await self._checkin(session, person, ref, command.argument, now)
            case "topic":
                return await self._topic(session, person, ref, command.argument, now)
            case "digest":
                digest = await team_digest(
                    session, person, now, self.checkins.banks, loc, self.defaults, self.dialogue
                )
                title, body = render_digest(digest, loc)
                await audit.record_team_view(session, person, "digest", now, viewer_id=person.id)
                return [Outbound(ref, body, title)]
            case "pause":
                return [self._pause(person, ref, command.argument, now)]
            case "resume":
                key = (
                    "pause.resumed"
                    if is_paused(person, local_day(now, ref.timezone))
                    else "pause.not_paused"
                )
                person.paused_until = None
                return [Outbound(ref, t(key, loc))]
            case "home":
                view = await build_home(session, person, now, self.checkins.banks, self.defaults)
                return [Outbound(ref, render_home(view), view.title)]
            case "agreements" | "agreement":
                return await self.agreements.handle_command(
                    session, person, command.name, command.argument, now
                )
            case "talked":
                return await conversations.talked(
                    session, person, command.argument, now, self.defaults
                )
            case "review":
                return await conversations.review_held(
                    session, person, command.argument, now, self.defaults
                )
            case "brief":
                return [
                    await brief_chat.brief_reply(
                        session, person, command.argument, now, self.checkins.banks, self.defaults
                    )
                ]
            case "report":
                return [await self._report(session, person, ref, now)]
            case "admin":
                return [await self.console.answer_admin(session, person, ref, now)]
            case "export":
                return [await data_rights.export_reply(session, person, ref, now)]
            case "erase":
                return [data_rights.erase_question(ref)]
            case "erase_confirmed":
                return [await data_rights.erase_reply(session, person, ref, now)]
            case "viewed":
                return [await audit.viewed_message(session, person, ref)]
            case "coach":
                return [
                    await coaching.coach_reply(session, person, now, self.defaults, self.dialogue)
                ]
        raise AssertionError(command.name)

    async def _report(
        self, session: AsyncSession, person: Person, ref: PersonRef, now: datetime
    ) -> Outbound:
        """HR's figures in short (the access policy refuses anyone else)."""
        figures = await hr_figures(
            session,
            year=now.year,
            now=now,
            banks=self.checkins.banks,
            defaults=self.defaults,
            ladder_rules=self.ladder_rules,
        )
        title, body = render_chat(figures, ref.locale)
        return Outbound(ref, body, title)

    # ---- check-ins asked for in chat -----------------------------------------------------

    def _theme_choices(self, loc: Locale) -> tuple[Choice, ...]:
        """Every theme by its title in the reader's language; typed by title (either
        language) or by its name."""
        banks = self.checkins.banks
        return tuple(
            answers.option(theme, loc, banks[theme].title, theme) for theme in sorted(banks)
        )

    def _theme_names(self, loc: Locale) -> list[str]:
        return [f"{c.label} ({c.value})" for c in self._theme_choices(loc)]

    def _theme_menu(self, ref: PersonRef, lead: str = "") -> Outbound:
        choices = self._theme_choices(ref.locale)
        question = Question(
            question_id=THEMES_KEY,
            kind="choice",
            prompt=t("checkin.choose_theme", ref.locale),
            choices=choices,
            hint=t("checkin.choice_hint", ref.locale, count=len(choices)),
            token=THEMES_KEY,
        )
        return Outbound(ref, lead, question=question, key=THEMES_KEY)

    async def _checkin(
        self, session: AsyncSession, person: Person, ref: PersonRef, theme: str, now: datetime
    ) -> list[Outbound]:
        if not theme:
            busy = await self.checkins.current_prompt(
                session, person, lead=t("checkin.busy", ref.locale)
            )
            return [busy or self._theme_menu(ref)]
        chosen = answers.read_choice(self._theme_choices(ref.locale), theme)
        if chosen is None:
            lead = t("checkin.unknown_theme", ref.locale, theme=theme)
            return [self._theme_menu(ref, lead)]
        return await self.checkins.start(session, person, chosen.value, now)

    async def _theme_chosen(
        self, session: AsyncSession, person: Person, ref: PersonRef, theme: str, now: datetime
    ) -> Turn:
        if theme not in self.checkins.banks:
            return _ask_again(self._theme_menu(ref), self._theme_menu(ref).question, theme)
        replies = await self.checkins.start(session, person, theme, now)
        label = self.checkins.banks[theme].title(ref.locale)
        return Turn(tuple(replies), Outcome("recorded", THEMES_KEY, theme, label))

    # ---- pauses and topics ---------------------------------------------------------------

    def _pause(self, person: Person, ref: PersonRef, argument: str, now: datetime) -> Outbound:
        try:
            until = parse_pause_date(argument, ref.locale)
            pause(person, until, local_day(now, ref.timezone))
        except PauseError as refused:
            return Outbound(ref, t(str(refused), ref.locale, given=argument.strip()))
        return Outbound(ref, t("pause.done", ref.locale, date=format_day(until, ref.locale)))

    async def _topic(
        self, session: AsyncSession, person: Person, ref: PersonRef, text: str, now: datetime
    ) -> list[Outbound]:
        if not text.strip():
            return [Outbound(ref, t("topic.empty", ref.locale))]
        topic = await raise_topic(session, person, text, now)
        manager = await manager_of(session, person)
        if manager is None:
            reply = t("topic.saved_no_manager", ref.locale, text=topic.text)
        else:
            reply = t("topic.saved", ref.locale, manager=manager.name, text=topic.text)
        if too_long(text, MAX_TOPIC_LENGTH):
            reply = f"{reply}\n\n{t('topic.shortened', ref.locale, limit=MAX_TOPIC_LENGTH)}"
        return [Outbound(ref, reply)]

    # ---- views outside a conversation ----------------------------------------------------

    async def home(self, platform: str, user_id: str) -> HomeView | None:
        """The home view of the person behind a platform account; None for a stranger."""
        now = self.clock.now()
        async with self.db.session() as session:
            person = await find_by_platform(session, platform, user_id)
            if person is None or not (await access.access_of(session, person)).may("view:home"):
                return None
            return await build_home(session, person, now, self.checkins.banks, self.defaults)

    async def sync_directory(self, users: Sequence[DirectoryUser]) -> int:
        """Link platform accounts to people; returns how many people changed."""
        async with self.db.session() as session:
            return await sync_directory(session, users, self.clock.now())


def _answers_checkin(inbound: Inbound) -> bool:
    """A click or submit that answers a check-in's question (not a control such as skip)."""
    answers_question = checkin.question_of(inbound.token) is not None
    return answers_question and (inbound.value or "") not in checkin.CONTROLS


def _ask_again(menu: Outbound, question: Question | None, typed: str) -> Turn:
    """Typed text that answers nothing on the menu: say so, and ask the same question."""
    assert question is not None
    loc = menu.recipient.locale
    if question.kind == "text":
        lead = t("checkin.invalid_text", loc)
    else:
        shown = typed.strip()[:40]
        lead = t("answer.not_an_option", loc, answer=shown, count=len(question.choices))
    again = replace(menu, text=lead)
    return Turn((again,), Outcome("again", question.token))


def _no_longer_open(ref: PersonRef, token: str) -> Turn:
    return Turn((Outbound(ref, t("answer.no_longer_open", ref.locale)),), Outcome("refused", token))


def _locale_hint(tag: str) -> Locale | None:
    """Our language for a platform's locale tag (nl-NL, en-US), None when we have none."""
    language = tag.strip().lower()[:2]
    return next((loc for loc in LOCALES if loc == language), None)
