"""The dialog engine: routes what a person did to the right dialog and service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.console.access import Access
from bot.dialogue_config import DialogueSettings
from bot.reports.hr import hr_figures, render_chat
from bot.services import access, audit, brief_chat, conversations, data_rights
from bot.services import checkins as checkin_service
from bot.services.agreements import AgreementService
from bot.services.digests import team_digest
from bot.services.directory import sync_directory
from bot.services.home import build_home
from bot.services.pauses import PauseError, is_paused, local_today, parse_pause_date, pause
from bot.services.people import Defaults, find_by_platform, manager_of, person_ref
from bot.services.topics import raise_topic
from bot.storage.database import Database
from bot.storage.models import Person, ProcessedEvent
from bot.storage.sql import insert_new
from dialogs import checkin
from dialogs.commands import Command, parse_command
from dialogs.console_texts import tc
from dialogs.digest import render_digest
from dialogs.home import HomeView, render_home
from dialogs.messages import Choice, DirectoryUser, Inbound, Outbound, PersonRef
from dialogs.texts import format_day, t

CONTROLS = ("skip", "later", "stop")
# The key of the theme menu: a click on one of its buttons is read as the typed command.
MENU_KEY = "menu"


@dataclass
class Engine:
    db: Database
    clock: Clock
    checkins: checkin_service.CheckinService
    defaults: Defaults
    agreements: AgreementService
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    console: Access | None = None

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """One inbound event in, the replies out; everything it changes commits together."""
        now = self.clock.now()
        async with self.db.session() as session:
            if inbound.event_id and not await self._first_delivery(session, inbound, now):
                return []
            person = await find_by_platform(session, inbound.platform, inbound.user_id)
            if person is None:
                return [
                    Outbound(self._stranger(inbound), t("unknown_person", self.defaults.locale))
                ]
            return await self._route(session, person, inbound, now)

    async def _first_delivery(self, session: AsyncSession, inbound: Inbound, now: datetime) -> bool:
        """Platforms retry deliveries; a UNIQUE row makes each event count once."""
        row = {"platform": inbound.platform, "event_id": inbound.event_id, "received_at": now}
        table = ProcessedEvent.__table__
        inserted = await insert_new(session, table, [row], table.c.event_id)  # type: ignore[arg-type]
        return bool(inserted)

    def _stranger(self, inbound: Inbound) -> PersonRef:
        return PersonRef(
            person_id=0,
            email="",
            name=inbound.display_name,
            locale=self.defaults.locale,
            timezone=self.defaults.timezone,
            slack_user_id=inbound.user_id if inbound.platform == "slack" else None,
            teams_user_id=inbound.user_id if inbound.platform == "teams" else None,
        )

    async def _route(
        self, session: AsyncSession, person: Person, inbound: Inbound, now: datetime
    ) -> list[Outbound]:
        ref = person_ref(person, self.defaults)
        if inbound.token == MENU_KEY and inbound.value:
            inbound = Inbound(inbound.platform, inbound.user_id, text=inbound.value)
        # One policy table says who may do what; a refusal reads as "not found" and is audited.
        action = access.action_of(inbound.text, clicked=bool(inbound.token))
        who = await access.access_of(session, person)
        if not who.may(action):
            return [await access.deny(session, who, action, ref, now)]
        if inbound.token and self.agreements.owns(inbound.token):
            value = inbound.value or ""
            replies = await self.agreements.handle_reply(session, person, inbound.token, value, now)
            return replies or []
        if inbound.token:
            value = inbound.value or ""
            event: checkin.Event = (
                checkin.Control(value, inbound.token)  # type: ignore[arg-type]
                if value in CONTROLS
                else checkin.Reply(value, inbound.token)
            )
            return await self._to_checkin(session, person, ref, event, now)
        command = parse_command(inbound.text)
        # "talked to Anna about it" typed in answer to an open question is the answer.
        if (
            command is not None
            and command.argument
            and await self.checkins.awaits_free_text(session, person)
        ):
            command = None
        if command is not None and command.name == "brief" and command.argument and not who.reports:
            # Only a manager names someone: for others "brief ..." is text (perhaps an answer).
            command = None
        if command is None:
            # An open agreement dialog (drafting, a comment, a reason) takes typed text first.
            replies = await self.agreements.handle_reply(session, person, "", inbound.text, now)
            if replies is not None:
                return replies
            return await self._to_checkin(session, person, ref, checkin.Reply(inbound.text), now)
        return await self._command(session, person, ref, command, now)

    async def _to_checkin(
        self,
        session: AsyncSession,
        person: Person,
        ref: PersonRef,
        event: checkin.Event,
        now: datetime,
    ) -> list[Outbound]:
        replies = await self.checkins.handle(session, person, event, now)
        if replies is not None:
            return replies
        if isinstance(event, checkin.Reply) and not event.token:
            return [Outbound(ref, t("unknown_command", ref.locale))]
        return [Outbound(ref, t("checkin.none_open", ref.locale), refusal=True)]

    async def _command(
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
                themes = ", ".join(self.checkins.themes())
                return [Outbound(ref, t("help.body", loc, themes=themes), t("help.title", loc))]
            case "checkin":
                return await self._checkin(session, person, ref, command.argument, now)
            case "skip" | "later" | "stop":
                control = checkin.Control(command.name)
                return await self._to_checkin(session, person, ref, control, now)
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
                    if is_paused(person, local_today(ref.timezone, now))
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
            case "discussed":
                return await conversations.discussed(
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
                return [await self._admin_link(session, person, ref, now)]
            case "export":
                return [await data_rights.export_reply(session, person, ref, now)]
            case "erase":
                return [data_rights.erase_question(ref)]
            case "erase_confirmed":
                return [await data_rights.erase_reply(session, person, ref, now)]
            case "viewed":
                return [await audit.viewed_message(session, person, ref)]
        raise AssertionError(command.name)

    async def _report(
        self, session: AsyncSession, person: Person, ref: PersonRef, now: datetime
    ) -> Outbound:
        """HR's figures in short (the access policy refuses anyone else)."""
        figures = await hr_figures(
            session, year=now.year, now=now, banks=self.checkins.banks, defaults=self.defaults
        )
        title, body = render_chat(figures, ref.locale)
        return Outbound(ref, body, title)

    async def _admin_link(
        self, session: AsyncSession, person: Person, ref: PersonRef, now: datetime
    ) -> Outbound:
        """A one-time console link for HR, in this private chat; a polite no for others."""
        if self.console is None:
            return Outbound(ref, tc("chat.unavailable", ref.locale))
        url = await self.console.issue_link(session, person, now)
        if url is None:
            return Outbound(ref, tc("chat.refused", ref.locale))
        minutes = self.console.settings.link_minutes
        text = tc("chat.link", ref.locale, minutes=minutes, url=url)
        return Outbound(ref, text, tc("chat.link_title", ref.locale))

    async def _checkin(
        self, session: AsyncSession, person: Person, ref: PersonRef, theme: str, now: datetime
    ) -> list[Outbound]:
        if not theme:
            return [self._theme_menu(ref)]
        try:
            return await self.checkins.start(session, person, theme.lower(), now)
        except checkin_service.UnknownTheme as unknown:
            text = t(
                "checkin.unknown_theme",
                ref.locale,
                theme=unknown.theme,
                themes=", ".join(unknown.themes),
            )
            return [Outbound(ref, text)]

    def _theme_menu(self, ref: PersonRef) -> Outbound:
        banks = self.checkins.banks
        lines = [f"checkin {theme}: {banks[theme].title(ref.locale)}" for theme in sorted(banks)]
        actions = tuple(
            Choice(f"checkin {theme}", banks[theme].title(ref.locale)) for theme in sorted(banks)
        )
        title = t("checkin.choose_theme", ref.locale)
        return Outbound(ref, "\n".join(lines), title, actions=actions, key=MENU_KEY)

    def _pause(self, person: Person, ref: PersonRef, argument: str, now: datetime) -> Outbound:
        try:
            until = parse_pause_date(argument)
            pause(person, until, local_today(ref.timezone, now))
        except PauseError as refused:
            return Outbound(ref, t(str(refused), ref.locale))
        return Outbound(ref, t("pause.done", ref.locale, date=format_day(until, ref.locale)))

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

    async def _topic(
        self, session: AsyncSession, person: Person, ref: PersonRef, text: str, now: datetime
    ) -> list[Outbound]:
        if not text.strip():
            return [Outbound(ref, t("topic.empty", ref.locale))]
        topic = await raise_topic(session, person, text, now)
        manager = await manager_of(session, person)
        if manager is None:
            return [Outbound(ref, t("topic.saved_no_manager", ref.locale, text=topic.text))]
        reply = t("topic.saved", ref.locale, manager=manager.name, text=topic.text)
        return [Outbound(ref, reply)]
