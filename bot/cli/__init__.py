"""The `jaarrond` command: run the bot, chat in the terminal, and operate it.

Each command imports what it uses when it runs: the chat platforms' SDKs, the PDF library
and the migrations cost seconds to load, and `jaarrond --help` or `org list` need none of
them (a test keeps it that way). The commands live by subject: `operate` (running and
operating the bot), `organisation` (HR's files), `people` (one person's data) and `reports`
(aggregate figures); `parser` declares them all.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.cli.output import CHAT_LOG, EXIT_USAGE, UserError, data_folder, in_terminal_chat
from bot.cli.parser import build_parser

if TYPE_CHECKING:
    from bot.config import Settings


async def _main(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_app, ensure_schema, make_clock

    clock = make_clock(settings, args.now)
    app = build_app(settings, clock, remind_keys=args.command == "run")
    try:
        if args.schema:
            await ensure_schema(app, questions=args.banks)
        gc.freeze()
        gc.enable()
        result: int = await args.handler(app, args)
        return result
    finally:
        await app.db.dispose()


def _configure_logging(settings: Settings, args: argparse.Namespace) -> None:
    """The running bot logs to the terminal (its operator reads it, or a log collector).
    A terminal chat and the demo log to a file in the data folder, so no line lands in the
    middle of the conversation; other commands print their result and show warnings only.
    `-v` shows everything on the terminal."""
    from bot.logs import configure_logging

    shown = settings.log_level if args.verbose else "WARNING"
    if in_terminal_chat(settings, args):
        log_file = data_folder(settings) / CHAT_LOG
        configure_logging(settings, terminal_level=shown, log_file=log_file, verbose=args.verbose)
    elif args.command == "run":
        configure_logging(settings)
    else:
        configure_logging(settings, terminal_level=shown, verbose=args.verbose)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Loading the libraries makes hundreds of thousands of objects that live as long as
    # the process; collecting garbage among them while they load costs a tenth of the
    # start. Collection resumes once the command has what it needs (see `_main`).
    gc.disable()
    try:
        return _command(args)
    finally:
        # Called again in one process (tests, scripts), what was frozen may be collected.
        gc.unfreeze()
        gc.enable()


def _command(args: argparse.Namespace) -> int:
    import asyncio

    from bot.bootstrap import StartupError
    from bot.clock import FixedClock, parse_moment
    from bot.config import ConfigError, load_settings, read_environment

    try:
        settings = load_settings(read_environment())
    except ConfigError as exc:
        print(f"jaarrond: the configuration has errors:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        _configure_logging(settings, args)
        if args.now:
            FixedClock(parse_moment(args.now))
        return asyncio.run(_main(settings, args))
    # A question bank's error (BankError) is a ValueError too.
    except (UserError, StartupError, ValueError) as exc:
        print(f"jaarrond: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader stopped reading (`| head`): nothing more to say, and nobody to say it to.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        # A file the command was told to read or write (--out into a missing folder, ...).
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"jaarrond: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
