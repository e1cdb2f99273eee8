"""Asking for the console in chat: Slack's `/jaarrond admin` takes the same path as typing."""

from __future__ import annotations

from bot.org.organisation import import_org
from dialogs.commands import Command, parse_command
from tests.support.slack import Stack, texts


def test_admin_is_a_command_in_both_languages() -> None:
    assert parse_command("admin") == Command("admin")
    assert parse_command("/beheer") == Command("admin")
    # Free text that starts with the word stays an answer.
    assert parse_command("admin work takes too long") is None


async def test_slash_command_admin_links_hr_and_refuses_others(stack: Stack) -> None:
    now = stack.app.clock.now()
    await import_org(stack.app.db, "email,name,hr\nanna@example.org,Anna de Vries,true\n", now)
    _, name = await stack.command("UANNA", "admin")
    await stack.settle()
    said = " ".join(texts(stack.fake.responses(name)[-1].params["blocks"]))
    assert "http://127.0.0.1:3978/admin/signin/" in said and "10 minuten" in said
    _, name = await stack.command("UBRAM", "admin")
    await stack.settle()
    said = " ".join(texts(stack.fake.responses(name)[-1].params["blocks"]))
    assert "for HR only" in said and "/signin/" not in said
