"""What every command shares: errors the person at the keyboard can fix, printing what
people wrote safely, and writing files that hold a person's data."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from bot.storage.models import Person

EXIT_USAGE = 2


class UserError(Exception):
    """A problem the person at the keyboard can fix; printed without a traceback."""


def _json_default(value: object) -> Any:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    raise TypeError(type(value).__name__)


# JSON escapes the C0 controls itself; DEL and the C1 controls (a terminal's CSI among them)
# it leaves raw unless told to escape everything: escape those too, losslessly.
_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0))}


def print_json(data: object) -> None:
    text = json.dumps(data, default=_json_default, ensure_ascii=False, indent=2)
    print(text.translate(_JSON_CONTROLS))


def show(text: str) -> None:
    """Print text that holds what people wrote: terminal control characters (ESC, BEL, ...)
    show as symbols and never drive the operator's terminal."""
    from adapters.console.render import visible

    print(visible(text))


def read_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from exc


CHAT_LOG = "jaarrond.log"


def in_terminal_chat(settings: Settings, args: argparse.Namespace) -> bool:
    """The command holds a conversation (or a progress display) in this terminal."""
    if args.command in ("chat", "demo"):
        return True
    return args.command == "run" and not (settings.slack.configured or settings.teams.enabled)


def data_folder(settings: Settings) -> Path:
    from bot.data_dir import DataDirError, data_dir

    try:
        return data_dir(settings.data_dir)
    except DataDirError as exc:
        raise UserError(str(exc)) from exc


def local_part(email: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "-" for c in email.split("@")[0])


def write_personal(settings: Settings, out: str | None, name: str, content: bytes) -> Path:
    """Write a file that holds a person's data, readable by its owner only: where `out`
    says, or as `name` in the data folder; never inside a git checkout, where it would be
    one `git add` away from being shared."""
    from bot.data_dir import checkout_of

    if out is None:
        path = data_folder(settings) / name
    else:
        path = Path(out)
        checkout = checkout_of(path.resolve().parent)
        if checkout is not None:
            instead = (
                f"leave out --out to write it to the data folder ({data_folder(settings)}), or "
                if name
                else ""
            )
            raise UserError(
                f"{out} is inside the git checkout {checkout}, where a file with personal "
                f"data shows up in git status; {instead}choose a path outside the checkout"
            )
    with open(path, "wb", opener=lambda file, flags: os.open(file, flags, 0o600)) as file:
        file.write(content)
    os.chmod(path, 0o600)
    return path


def write_report(document: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(document)
        print(f"wrote {out}")
    else:
        sys.stdout.write(document.decode("utf-8"))


async def person_with(session: AsyncSession, email: str) -> Person:
    """The person a command names by email; an unknown email says where to look."""
    from bot.org.people import find_by_email

    person = await find_by_email(session, email)
    if person is None:
        raise UserError(f"no person with email {email}; check 'jaarrond org list'")
    return person
