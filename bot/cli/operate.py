"""Commands that run and operate the bot: run, chat, the database, the tick, the outbox,
the console link, keys, backups, settings, the Teams package and the demo."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.output import (
    CHAT_LOG,
    UserError,
    data_folder,
    in_terminal_chat,
    person_with,
    print_json,
    show,
)
from bot.tick_steps import STEPS

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.delivery.view import OutboxRow
    from bot.scheduler import TickReport
    from bot.storage.database import Database


async def cmd_run(app: App, args: argparse.Namespace) -> int:
    from bot import runner

    if not in_terminal_chat(app.settings, args):
        return await runner.run(app, console_user=args.as_email)
    folder = data_folder(app.settings)
    return await runner.run(
        app, console_user=args.as_email, files_dir=folder, log_file=folder / CHAT_LOG
    )


async def cmd_chat(app: App, args: argparse.Namespace) -> int:
    from bot import runner

    folder = data_folder(app.settings)
    return await runner.chat(app, args.as_email, tick=not args.no_tick, files_dir=folder)


async def cmd_db_upgrade(app: App, _: argparse.Namespace) -> int:
    from bot.bootstrap import refuse_unknown_revision

    await refuse_unknown_revision(app.db)
    await app.db.upgrade()
    print(f"database at revision {await app.db.current_revision()}")
    return 0


async def cmd_tick(app: App, args: argparse.Namespace) -> int:
    from bot.clock import parse_moment
    from bot.storage.database import rehearsal

    at = parse_moment(args.at) if args.at else app.clock.now()
    steps = tuple(args.only) if args.only else STEPS
    if args.dry_run:
        async with rehearsal(app.db) as db:
            report, waiting = await _tick(app, db, at, steps)
    else:
        report, waiting = await _tick(app, app.db, at, steps)
    if args.json:
        print_json(_tick_data(report, waiting, steps, args.dry_run))
        return 0
    _print_tick(report, waiting, steps, args.dry_run)
    return 0


async def _tick(
    app: App, db: Database, at: datetime, steps: Sequence[str]
) -> tuple[TickReport, list[OutboxRow]]:
    """One tick at `at`. The command has no chat platform to send through: what falls due
    waits in the outbox for the running bot (or `jaarrond chat --as EMAIL`), and is listed."""
    from bot.clock import FixedClock
    from bot.delivery import view as outbox_view
    from bot.delivery.dispatcher import Dispatcher
    from bot.scheduler import Ticker

    clock = FixedClock(at)
    dispatcher = Dispatcher(db, clock, app.checkins, {})
    ticker = Ticker(
        db,
        clock,
        app.banks,
        app.defaults,
        dispatcher,
        caught_up=True,
        dialogue=app.settings.dialogue,
        retention=app.settings.retention,
    )
    report = await ticker.tick(steps, send=False)
    waiting = await outbox_view.waiting(db, at) if "notices" in steps else []
    return report, waiting


def _tick_data(
    report: TickReport, waiting: list[OutboxRow], steps: Sequence[str], dry_run: bool
) -> dict[str, Any]:
    talk = report.dialogue
    return {
        "at": report.at,
        "dry_run": dry_run,
        "steps": list(steps),
        "checkins": [dataclasses.asdict(d) for d in report.checkins],
        # The attention budget: asked right after another check-in, or not sent this period.
        "merged": [dataclasses.asdict(d) for d in report.checkins if d.merged],
        "deferred": [dataclasses.asdict(d) for d in report.checkins if d.status == "deferred"],
        "followups": report.followups,
        "digests": talk.digests,
        "briefs": talk.briefs,
        "invitations": talk.invitations,
        "waiting": [dataclasses.asdict(row) for row in waiting],
        "purged": dataclasses.asdict(report.purged) if report.purged else None,
    }


def _print_tick(
    report: TickReport, waiting: list[OutboxRow], steps: Sequence[str], dry_run: bool
) -> None:
    would = "would be" if dry_run else "were"
    if "checkins" in steps:
        for d in report.checkins:
            print(
                f"{d.email}  {d.schedule_id}  {d.period}  local {d.local_due:%Y-%m-%d %H:%M} "
                f"{d.timezone}  UTC {d.due_utc:%Y-%m-%d %H:%M}"
            )
        verb = "would fall" if dry_run else "fell"
        print(f"{len(report.checkins)} check-ins {verb} due at {report.at.isoformat()}")
        merged = sum(d.merged for d in report.checkins)
        deferred = sum(d.status == "deferred" for d in report.checkins)
        if merged or deferred:
            print(f"attention budget: {merged} merged into another check-in, {deferred} deferred")
    if "followups" in steps:
        print(f"{report.followups} agreement follow-up questions {would} planned")
    talk = report.dialogue
    if "digests" in steps:
        print(f"{talk.digests} digests {would} queued")
    if "briefs" in steps:
        print(f"{talk.briefs} review briefs and {talk.invitations} invitations {would} queued")
    purged = report.purged
    if purged is not None and (any(purged.deleted.values()) or purged.leavers_erased):
        deleted = ", ".join(f"{n} {table}" for table, n in purged.deleted.items() if n)
        print(
            f"retention: {deleted or 'no rows'} {would} deleted, "
            f"{purged.leavers_erased} leavers erased"
        )
    if "notices" in steps:
        for row in waiting:
            print(f"  {row.id}  {row.email}  {row.kind}  {row.about}")
        print(
            f"{len(waiting)} messages {'would ' if dry_run else ''}wait to be sent "
            "(the running bot sends them; on the console: jaarrond chat --as EMAIL)"
        )


async def cmd_outbox_list(app: App, args: argparse.Namespace) -> int:
    from bot.delivery import view as outbox_view

    rows = await outbox_view.list_outbox(
        app.db, kinds=args.kind or (), statuses=args.status or (), limit=args.limit
    )
    if args.json:
        print_json([dataclasses.asdict(r) for r in rows])
        return 0
    for r in rows:
        where = r.platform or "-"
        why = f"  ({r.last_error})" if r.last_error else ""
        state = f"{r.status}  via {where}  tries {r.attempts}{why}"
        show(f"{r.id}  {r.email}  {r.kind}  {r.about}  {state}")
    print(f"{len(rows)} messages")
    return 0


async def cmd_admin_link(app: App, args: argparse.Namespace) -> int:

    async with app.db.session() as session:
        person = await person_with(session, args.email)
        url = await app.signin.issue_link(session, person, app.clock.now())
    if url is None:
        raise UserError(f"{args.email} is not HR; the console is for HR only (org import: hr=true)")
    minutes = app.settings.console.link_minutes
    print(url)
    print(f"works once, expires in {minutes} minutes", file=sys.stderr)
    return 0


async def cmd_keys_generate(_: App, __: argparse.Namespace) -> int:
    from bot.storage import sealed

    print(sealed.generate_key())
    return 0


async def cmd_keys_rotate(app: App, args: argparse.Namespace) -> int:
    from bot.privacy import keys
    from bot.progress import shown

    if not app.settings.data_keys:
        raise UserError("set JAARROND_DATA_KEYS (the new key first, then the old ones)")
    with shown("re-sealing", "columns") as progress:
        report = await keys.rotate(
            app.db, **({"batch": args.batch} if args.batch else {}), progress=progress
        )
    print(
        f"re-sealed {sum(report.resealed.values())} values with the newest key, sealed "
        f"{sum(report.sealed.values())} clear values, in {report.batches} batches"
    )
    return 0


async def cmd_teams_package(_: App, args: argparse.Namespace) -> int:
    from adapters.teams.package import PackageError, build_package

    try:
        print(build_package(args.app_id, Path(args.out)))
    except PackageError as exc:
        raise UserError(str(exc)) from exc
    return 0


async def cmd_backup(app: App, args: argparse.Namespace) -> int:
    from bot import backup
    from bot.progress import shown

    with shown("backing up", "tables") as progress:
        manifest = await backup.backup(app.db, Path(args.file), app.clock.now(), progress)
    rows = sum(manifest.tables.values())
    print(
        f"wrote {args.file}: {rows} rows in {len(manifest.tables)} tables, "
        f"schema revision {manifest.revision}"
    )
    return 0


async def cmd_restore(app: App, args: argparse.Namespace) -> int:
    from bot import backup
    from bot.bootstrap import refuse_unknown_revision
    from bot.progress import shown

    await refuse_unknown_revision(app.db)
    try:
        with shown("restoring", "tables") as progress:
            manifest = await backup.restore(
                app.db, Path(args.file), force=args.force, progress=progress
            )
    except backup.BackupError as exc:
        raise UserError(f"nothing was restored: {exc}") from exc
    rows = sum(manifest.tables.values())
    print(
        f"restored {rows} rows in {len(manifest.tables)} tables, "
        f"schema revision {manifest.revision}"
    )
    return 0


async def cmd_config_example(_: App, __: argparse.Namespace) -> int:
    from bot.env_example import render as render_env_example

    sys.stdout.write(render_env_example())
    return 0


async def cmd_demo(app: App, args: argparse.Namespace) -> int:
    from bot import demo
    from bot.progress import shown

    path = Path(args.db) if args.db else data_folder(app.settings) / "jaarrond-demo.db"
    with shown("simulating", "weeks") as progress:
        code = await demo.run_demo(
            app.settings, seed=args.seed, weeks=args.weeks, path=str(path), progress=progress
        )
    print(demo.explore(path.resolve()))
    return code
