"""Who may open the console: one-time sign-in links, and the sessions they start.

A link is a random token sent to an HR person in chat; only its hash is stored. Opening it
once starts a session whose token (also stored hashed) lives in a cookie. Sessions end after
a short idle time, at logout, or as soon as the person is no longer HR.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ConsoleSettings
from bot.storage.console_models import ConsoleLink, ConsoleSession
from bot.storage.models import Person
from dialogs.console_texts import tc
from dialogs.messages import Outbound, PersonRef

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ConsoleSignin:
    """Sign-in links and the sessions they start, under one console's settings."""

    settings: ConsoleSettings
    base_url: str
    development: bool = True

    @property
    def console_url(self) -> str:
        return self.base_url + self.settings.path

    def link_url(self, token: str) -> str:
        return f"{self.console_url}/signin/{token}"

    @property
    def cookie_secure(self) -> bool:
        """Secure everywhere except a development console on plain http loopback."""
        loopback = self.base_url.startswith(("http://127.0.0.1", "http://localhost"))
        return not (self.development and loopback)

    async def issue_link(self, session: AsyncSession, person: Person, now: datetime) -> str | None:
        """A one-time sign-in URL for an HR person; None for anyone else."""
        if not person.is_hr or not person.active:
            return None
        await self._forget_stale(session, now)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires = now + timedelta(minutes=self.settings.link_minutes)
        session.add(
            ConsoleLink(
                token_hash=hash_token(token),
                person_id=person.id,
                created_at=now,
                expires_at=expires,
            )
        )
        await session.flush()
        return self.link_url(token)

    async def answer_admin(
        self, session: AsyncSession, person: Person, ref: PersonRef, now: datetime
    ) -> Outbound:
        """What the chat command `admin` answers: the link, in the person's private chat,
        or why none comes (the console is for HR only)."""
        url = await self.issue_link(session, person, now)
        if url is None:
            return Outbound(ref, tc("chat.refused", ref.locale))
        text = tc("chat.link", ref.locale, minutes=self.settings.link_minutes, url=url)
        return Outbound(ref, text, tc("chat.link_title", ref.locale))

    async def _forget_stale(self, session: AsyncSession, now: datetime) -> None:
        """Links past their time and sessions idle too long are of no use: drop them."""
        await session.execute(delete(ConsoleLink).where(ConsoleLink.expires_at < now))
        idle = now - timedelta(minutes=self.settings.idle_minutes)
        await session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < idle))

    async def link_owner(self, session: AsyncSession, token: str, now: datetime) -> Person | None:
        """Who a still-usable link is for, without using it (to greet them in their language)."""
        link = await session.scalar(
            select(ConsoleLink).where(ConsoleLink.token_hash == hash_token(token))
        )
        if link is None or link.used_at is not None or now >= link.expires_at:
            return None
        return await session.get(Person, link.person_id)

    async def redeem(
        self, session: AsyncSession, token: str, now: datetime
    ) -> tuple[str, ConsoleSession] | None:
        """Use a link once: a new session and its cookie token, or None when refused."""
        link = await session.scalar(
            select(ConsoleLink).where(ConsoleLink.token_hash == hash_token(token))
        )
        if link is None or link.used_at is not None or now >= link.expires_at:
            return None
        link.used_at = now
        person = await session.get(Person, link.person_id)
        if person is None or not person.is_hr or not person.active:
            return None
        cookie = secrets.token_urlsafe(TOKEN_BYTES)
        row = ConsoleSession(
            token_hash=hash_token(cookie),
            person_id=person.id,
            csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
            created_at=now,
            last_seen_at=now,
        )
        session.add(row)
        await session.flush()
        return cookie, row

    async def current(
        self, session: AsyncSession, cookie: str | None, now: datetime
    ) -> tuple[ConsoleSession, Person] | None:
        """The live session behind a cookie, touched; None (and gone) when idle too long."""
        if not cookie:
            return None
        row = await session.scalar(
            select(ConsoleSession).where(ConsoleSession.token_hash == hash_token(cookie))
        )
        if row is None:
            return None
        person = await session.get(Person, row.person_id)
        idle = timedelta(minutes=self.settings.idle_minutes)
        if person is None or not person.is_hr or not person.active or now - row.last_seen_at > idle:
            await session.delete(row)
            return None
        row.last_seen_at = now
        return row, person

    async def end(self, session: AsyncSession, cookie: str | None) -> None:
        if cookie:
            await session.execute(
                delete(ConsoleSession).where(ConsoleSession.token_hash == hash_token(cookie))
            )
