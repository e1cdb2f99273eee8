"""The e-mail port: SMTP spoken to a server on the loopback, the folder sender, and the
settings that choose them."""

from __future__ import annotations

import asyncio
import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from bot.config import ConfigError, MailSettings, load_settings
from bot.delivery.mail import FolderSender, Mail, SmtpSender, build_sender

MAIL = Mail(
    to="planner@flex.example",
    subject="Afspraak #3 met Bram: graag uw handtekening / Agreement #3 with Bram",
    body="Beste Flex BV,\n\nUurloon € 15,20 — {niet ingevuld}\n.\nEen regel met een punt.",
    key="m12.mail",
)


class LoopbackSmtp:
    """Just enough of an SMTP server (RFC 5321) to take one mail: what a client sends is
    kept, so the test reads the message as a real server would receive it."""

    def __init__(self) -> None:
        self.envelope: list[str] = []
        self.data = b""
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 loopback ESMTP\r\n")
        while line := await reader.readline():
            command = line.decode("ascii").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                writer.write(b"250-loopback\r\n250 8BITMIME\r\n")
            elif verb in ("MAIL", "RCPT"):
                self.envelope.append(command)
                writer.write(b"250 OK\r\n")
            elif verb == "DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                lines = []
                while (data := await reader.readline()) != b".\r\n":
                    # The client doubles a leading dot (transparency); the server removes it.
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.data = b"".join(lines)
                writer.write(b"250 queued\r\n")
            elif verb == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()


def _parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default)
    assert isinstance(message, EmailMessage)
    return message


async def test_smtp_sends_a_plain_text_utf8_mail_to_the_contact() -> None:
    server = LoopbackSmtp()
    port = await server.start()
    try:
        settings = MailSettings(
            sender="smtp",
            from_address="jaarrond@example.org",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
        )
        message_id = await SmtpSender(settings).send(MAIL)
    finally:
        await server.stop()
    assert [line.upper().split(" ", 2)[:2] for line in server.envelope] == [
        ["MAIL", "FROM:<JAARROND@EXAMPLE.ORG>"],
        ["RCPT", "TO:<PLANNER@FLEX.EXAMPLE>"],
    ]
    received = _parsed(server.data)
    assert received["To"] == "planner@flex.example"
    assert received["Subject"] == MAIL.subject
    assert received["Message-ID"] == message_id and "m12-mail" in message_id
    assert received.get_content_type() == "text/plain"
    # Every character arrives as typed: euro sign, dash, braces and a line with one dot.
    # (SMTP carries lines ending in CRLF; a mail reader shows them as the lines they were.)
    assert received.get_content().replace("\r\n", "\n").rstrip("\n") == MAIL.body


async def test_a_refused_connection_raises_for_the_outbox_to_retry() -> None:
    server = LoopbackSmtp()
    port = await server.start()
    await server.stop()  # nothing listens there any more
    settings = MailSettings(
        sender="smtp",
        from_address="a@example.org",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
    )
    with pytest.raises(OSError):
        await SmtpSender(settings).send(MAIL)


async def test_the_folder_sender_writes_one_owner_only_eml_per_mail(tmp_path: Path) -> None:
    sender = build_sender(
        MailSettings(sender="folder", from_address="a@example.org", folder=str(tmp_path))
    )
    assert isinstance(sender, FolderSender)
    await sender.send(MAIL)
    [written] = tmp_path.glob("*.eml")
    assert written.stat().st_mode & 0o777 == 0o600
    assert _parsed(written.read_bytes()).get_content().rstrip("\n") == MAIL.body


def test_mail_is_off_unless_configured_and_a_half_configuration_is_refused() -> None:
    assert build_sender(load_settings({}).mail) is None
    with pytest.raises(ConfigError) as refused:
        load_settings({"JAARROND_MAIL": "smtp", "JAARROND_SMTP_SECURITY": "tls"})
    assert str(refused.value).splitlines() == [
        "- JAARROND_SMTP_SECURITY must be one of starttls, ssl, none, not 'tls'",
        "- JAARROND_MAIL=smtp needs JAARROND_MAIL_FROM, the address mail comes from (for "
        "example jaarrond@example.org)",
        "- JAARROND_MAIL=smtp needs JAARROND_SMTP_HOST, the mail server's name",
    ]
    with pytest.raises(ConfigError, match="JAARROND_MAIL must be one of off, smtp, folder"):
        load_settings({"JAARROND_MAIL": "sendmail"})
