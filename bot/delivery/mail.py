"""E-mail, for the one kind of party outside the organisation's chat: an agency contact.

A port with three senders, chosen by the settings (`JAARROND_MAIL`): SMTP through the
standard library, a folder of .eml files, and (for tests) a recording sender. Mail is only
ever sent by the outbox's dispatcher (bot/delivery/dispatcher.py), which treats a sender like a
chat platform: the same claiming, ordering, retries and crash recovery. Every mail is plain
text with the Dutch and the English text one below the other: an agency contact has no
language setting here.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

from bot.config import MailSettings
from dialogs.messages import MessageRef, Outbound

# Whether the mail server answers within this time is what a send waits for.
SMTP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    # The outbox message's key: the Message-ID carries it, so a mail can be found in logs.
    key: str = ""


class MailSender(Protocol):
    # How the outbox names this channel (the `platform` of a sent message).
    name: str

    async def send(self, mail: Mail) -> str:
        """Hand the mail over; the Message-ID it was sent with."""
        ...


def _message(mail: Mail, from_address: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now.astimezone(UTC))
    domain = from_address.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(idstring=mail.key.replace(".", "-") or None, domain=domain)
    # Plain text, UTF-8: names and comments are shown exactly as they were typed.
    message.set_content(mail.body, charset="utf-8")
    return message


@dataclass
class SmtpSender:
    """SMTP with STARTTLS (default), implicit TLS or neither; the blocking client runs in a
    worker thread so the dispatcher's other sends go on."""

    settings: MailSettings
    name: str = "email"

    async def send(self, mail: Mail) -> str:
        message = _message(mail, self.settings.from_address, datetime.now(UTC))
        await asyncio.to_thread(self._deliver, message)
        return str(message["Message-ID"])

    def _deliver(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_username:
                client.login(s.smtp_username, s.smtp_password)
            client.send_message(message)


@dataclass
class FolderSender:
    """Each mail as an .eml file (owner-only) in a folder: a rehearsal can read what would
    have gone out, and a mail system's pickup directory can send it."""

    folder: Path
    from_address: str
    name: str = "email"

    async def send(self, mail: Mail) -> str:
        message = _message(mail, self.from_address, datetime.now(UTC))
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = (mail.key or "mail").replace("/", "-")
        path = self.folder / f"{stem}.eml"
        path.write_bytes(bytes(message))
        path.chmod(0o600)
        return str(message["Message-ID"])


@dataclass
class RecordingSender:
    """Keeps what it was given (tests); `failing` makes the next sends raise, like a mail
    server that is down."""

    sent: list[Mail] = field(default_factory=list)
    failing: int = 0
    name: str = "email"

    async def send(self, mail: Mail) -> str:
        if self.failing:
            self.failing -= 1
            raise ConnectionRefusedError("the mail server refused the connection")
        self.sent.append(mail)
        return f"<{len(self.sent)}.{mail.key}@recorded>"

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.sent if mail.to == address]


def build_sender(settings: MailSettings) -> MailSender | None:
    """The sender the settings choose; None when mail is off."""
    if settings.sender == "smtp":
        return SmtpSender(settings)
    if settings.sender == "folder":
        return FolderSender(Path(settings.folder), settings.from_address)
    return None


NOT_CONFIGURED = (
    "e-mail is off (JAARROND_MAIL), so agency contacts cannot be reached; "
    "the mail waits here until a sender is configured"
)


@dataclass
class MailChannel:
    """A mail sender as the dispatcher sees a channel: an outbound message whose recipient
    is an e-mail address, its title the subject and its text the body."""

    sender: MailSender

    @property
    def platform(self) -> str:
        return self.sender.name

    async def send(self, out: Outbound) -> MessageRef:
        mail = Mail(to=out.recipient.email, subject=out.title, body=out.text, key=out.key)
        message_id = await self.sender.send(mail)
        return MessageRef(self.platform, out.recipient.email, message_id)
