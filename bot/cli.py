"""The `jaarrond` command: run the bot, chat in the terminal, and operate it.

Each command imports what it uses when it runs: the chat platforms' SDKs, the PDF library
and the migrations cost seconds to load, and `jaarrond --help` or `org list` need none of
them (a test keeps it that way).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.storage.outbox_states import OutboxKind, OutboxStatus
from bot.tick_steps import STEPS

if TYPE_CHECKING:
    from bot.bootstrap import App
    from bot.config import Settings
    from bot.scheduler import TickReport
    from bot.services.outbox_view import OutboxRow
    from bot.storage.database import Database

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


def _read_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from exc


# ---- commands ---------------------------------------------------------------------------


async def cmd_run(app: App, args: argparse.Namespace) -> int:
    from bot import runner

    if not _in_terminal_chat(app.settings, args):
        return await runner.run(app, console_user=args.as_email)
    folder = _data_folder(app.settings)
    return await runner.run(
        app, console_user=args.as_email, files_dir=folder, log_file=folder / CHAT_LOG
    )


async def cmd_chat(app: App, args: argparse.Namespace) -> int:
    from bot import runner

    folder = _data_folder(app.settings)
    return await runner.chat(app, args.as_email, tick=not args.no_tick, files_dir=folder)


async def cmd_db_upgrade(app: App, _: argparse.Namespace) -> int:
    from bot.bootstrap import refuse_unknown_revision

    await refuse_unknown_revision(app.db)
    await app.db.upgrade()
    print(f"database at revision {await app.db.current_revision()}")
    return 0


async def cmd_org_import(app: App, args: argparse.Namespace) -> int:
    from bot.progress import shown
    from bot.services import org

    text = _read_file(args.file)
    try:
        with shown("importing", "steps") as progress:
            result = await org.import_org(
                app.db,
                text,
                app.clock.now(),
                dry_run=args.dry_run,
                full=args.full,
                many_leave=args.allow_many_leavers,
                progress=progress,
            )
    except org.OrgImportError as exc:
        raise UserError(f"{args.file}: nothing was imported, fix these first:\n{exc}") from exc
    verb = "would be" if args.dry_run else "were"
    gone = "would leave" if args.dry_run else "left"
    print(
        f"{len(result.created)} people {verb} added, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged"
        + (f", {len(result.left)} {gone}" if args.full else "")
        + (f", {len(result.returned)} back" if result.returned else "")
    )
    kinds = [("added", result.created), ("updated", result.updated)]
    kinds += [("leaving", result.left), ("back", result.returned)]
    for label, emails in kinds:
        listed = emails if args.verbose else emails[:LISTED]
        for email in listed:
            print(f"  {label}: {email}")
        if len(listed) < len(emails):
            print(f"  ... and {len(emails) - len(listed)} more {label} (-v lists them all)")
    return 0


# How many people of each kind (added, updated, leaving, back) an import names, unless -v.
LISTED = 20


async def cmd_org_list(app: App, args: argparse.Namespace) -> int:
    from bot.services import org

    people = await org.list_people(app.db)
    if args.json:
        print_json([dataclasses.asdict(p) for p in people])
        return 0
    for p in people:
        extras = [f"manager {p.manager_email}" if p.manager_email else "", p.department or ""]
        extras += ["HR" if p.hr else ""]
        if p.employment != "permanent":
            extras += [f"{p.employment} ({p.agency})" if p.agency else p.employment]
        show(f"{p.email}  {p.name}  " + "  ".join(e for e in extras if e))
    print(f"{len(people)} people")
    return 0


async def cmd_schedules_apply(app: App, args: argparse.Namespace) -> int:
    from bot.services import schedules

    text = _read_file(args.file)
    try:
        result = await schedules.apply_schedules(
            app.db, text, app.banks.keys(), app.clock.now(), dry_run=args.dry_run
        )
    except schedules.ScheduleFileError as exc:
        raise UserError(f"{args.file}: nothing was applied, fix these first:\n{exc}") from exc
    verb = "would be" if args.dry_run else "were"
    print(
        f"{len(result.created)} schedules {verb} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged"
    )
    return 0


async def cmd_schedules_list(app: App, args: argparse.Namespace) -> int:
    from bot.services import schedules

    rows = await schedules.list_schedules(app.db, app.clock.now(), app.settings.default_timezone)
    if args.json:
        print_json([dataclasses.asdict(r) for r in rows])
        return 0
    for r in rows:
        state = "active" if r.active else "paused"
        nxt = r.next_due_utc.isoformat() if r.next_due_utc else "-"
        print(f"{r.id}  {r.theme}  {r.cadence} {r.day} {r.time}  {state}  next (UTC): {nxt}")
    print(f"{len(rows)} schedules")
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
    from bot.scheduler import Ticker
    from bot.services import outbox_view
    from bot.services.outbox import Dispatcher

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


async def cmd_digest(app: App, args: argparse.Namespace) -> int:
    from bot.services import access, audit, digests
    from bot.services.people import find_by_email, locale_of
    from dialogs.digest import render_digest

    now = app.clock.now()
    async with app.db.session() as session:
        manager = await find_by_email(session, args.manager)
        if manager is not None and not (await access.access_of(session, manager)).may("cli:digest"):
            # Someone without reports has no digest: refused like an unknown email, audited.
            await audit.record_view(
                session,
                viewer_id=None,
                subject_id=manager.id,
                what="denied",
                object_id="cli:digest",
                now=now,
            )
            manager = None
        if manager is not None:
            locale = locale_of(manager, app.defaults)
            digest = await digests.team_digest(
                session, manager, now, app.banks, locale, app.defaults, app.settings.dialogue
            )
            await audit.record_team_view(
                session, manager, "digest", now, viewer_id=None, object_id="cli"
            )
    if manager is None:
        raise UserError(f"no person with email {args.manager}; check 'jaarrond org list'")
    if args.json:
        print_json(digest)
        return 0
    title, body = render_digest(digest, locale)
    show(f"== {title} ==\n{body}")
    return 0


async def cmd_export(app: App, args: argparse.Namespace) -> int:
    from bot.services import privacy
    from bot.services.people import find_by_email

    async with app.db.session() as session:
        person = await find_by_email(session, args.person)
        if person is None:
            raise UserError(f"no person with email {args.person}; check 'jaarrond org list'")
        print_json(await privacy.export_person(session, person, app.clock.now()))
    return 0


async def cmd_outbox_list(app: App, args: argparse.Namespace) -> int:
    from bot.services import outbox_view

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


async def cmd_agreements_export(app: App, args: argparse.Namespace) -> int:
    from bot.services.contract_document import export_third_contract

    font = Path(args.font) if args.font else None
    try:
        document = await export_third_contract(
            app.db, args.person, args.format, app.defaults, app.clock.now(), font_path=font
        )
    except LookupError as exc:
        raise UserError(f"{exc}; check 'jaarrond org list'") from exc
    if args.out or args.format == "pdf":
        name = f"agreements-{_local_part(args.person)}.{args.format}"
        print(f"wrote {_write_personal(app.settings, args.out, name, document)}")
    else:
        sys.stdout.write(document.decode("utf-8"))
    return 0


async def cmd_review_brief(app: App, args: argparse.Namespace) -> int:
    from bot.brief_document import render as render_brief
    from bot.services import audit
    from bot.services.people import find_by_email
    from bot.services.review_brief import BriefRefused, build_brief

    async with app.db.session() as session:
        person = await find_by_email(session, args.person)
        if person is None:
            raise UserError(f"no person with email {args.person}; check 'jaarrond org list'")
        try:
            brief = await build_brief(
                session, person, args.copy, app.clock.now(), app.banks, app.defaults
            )
        except BriefRefused as exc:
            raise UserError(str(exc)) from exc
        await audit.record_view(
            session,
            viewer_id=None,
            subject_id=person.id,
            what="brief",
            object_id=brief.review_start.year,
            now=app.clock.now(),
        )
    font = Path(args.font) if args.font else None
    document = render_brief(brief, args.format, font_path=font)
    if args.out or args.format == "pdf":
        year = brief.review_start.year
        name = f"review-brief-{_local_part(args.person)}-{year}-{args.copy}.{args.format}"
        path = _write_personal(app.settings, args.out, name, document)
        print(f"wrote {path} ({args.copy}'s copy)")
    else:
        sys.stdout.write(document.decode("utf-8"))
    return 0


def _local_part(email: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "-" for c in email.split("@")[0])


def _write_personal(settings: Settings, out: str | None, name: str, content: bytes) -> Path:
    """Write a file that holds a person's data, readable by its owner only: where `out`
    says, or as `name` in the data folder; never inside a git checkout, where it would be
    one `git add` away from being shared."""
    from bot.data_dir import checkout_of

    if out is None:
        path = _data_folder(settings) / name
    else:
        path = Path(out)
        checkout = checkout_of(path.resolve().parent)
        if checkout is not None:
            instead = (
                f"leave out --out to write it to the data folder ({_data_folder(settings)}), or "
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


async def cmd_report_hr(app: App, args: argparse.Namespace) -> int:
    from bot.progress import shown
    from bot.reports import hr

    if args.format == "pdf" and not args.out:
        raise UserError("a PDF needs --out FILE")
    locale = args.locale or app.defaults.locale
    now = app.clock.now()
    async with app.db.session() as session:
        try:
            with shown("counting", "steps") as progress:
                figures = await hr.hr_figures(
                    session,
                    year=args.year or now.year,
                    now=now,
                    banks=app.banks,
                    defaults=app.defaults,
                    department=args.department,
                    period=args.period,
                    progress=progress,
                    ladder_rules=app.ladder_rules,
                )
        except hr.UnknownDepartment as exc:
            raise UserError(str(exc)) from exc
    if args.format == "pdf":
        font = Path(args.font) if args.font else None
        _write_report(hr.render_pdf(figures, locale, font_path=font), args.out)
        return 0
    renderers = {
        "html": lambda: hr.render_html(figures, locale),
        "csv": lambda: hr.render_csv(figures),
        "json": lambda: hr.render_json(figures),
    }
    _write_report(renderers[args.format]().encode("utf-8"), args.out)
    return 0


async def cmd_report_works_council(app: App, args: argparse.Namespace) -> int:
    from bot.reports import works_council as wc

    if args.format == "pdf" and not args.out:
        raise UserError("a PDF needs --out FILE")
    locale = args.locale or app.defaults.locale
    async with app.db.session() as session:
        overview = await wc.works_council_overview(
            session,
            year=args.year,
            now=app.clock.now(),
            banks=app.banks,
            defaults=app.defaults,
            ladder_rules=app.ladder_rules,
        )
    if args.format == "pdf":
        font = Path(args.font) if args.font else None
        document = wc.render_pdf(overview, locale, font_path=font)
    else:
        document = wc.render_html(overview, locale).encode("utf-8")
    _write_report(document, args.out)
    return 0


def _write_report(document: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(document)
        print(f"wrote {out}")
    else:
        sys.stdout.write(document.decode("utf-8"))


async def cmd_admin_link(app: App, args: argparse.Namespace) -> int:
    from bot.services.people import find_by_email

    async with app.db.session() as session:
        person = await find_by_email(session, args.email)
        if person is None:
            raise UserError(f"no person with email {args.email}; check 'jaarrond org list'")
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
    from bot.progress import shown
    from bot.services import keys

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


async def cmd_person_export(app: App, args: argparse.Namespace) -> int:
    from bot.services import privacy
    from bot.services.people import find_by_email

    async with app.db.session() as session:
        person = await find_by_email(session, args.email)
        if person is None:
            raise UserError(f"no person with email {args.email}; check 'jaarrond org list'")
        content = privacy.export_bytes(
            await privacy.export_person(session, person, app.clock.now())
        )
    if args.out:
        print(f"wrote {_write_personal(app.settings, args.out, '', content)}")
    else:
        sys.stdout.write(content.decode("utf-8") + "\n")
    return 0


async def cmd_person_erase(app: App, args: argparse.Namespace) -> int:
    from bot.services import erasure
    from bot.services.people import find_by_email

    email = args.email.strip().lower()
    if not args.yes:
        print(f"This erases everything stored about {email}. Type the email again to confirm:")
        if sys.stdin.readline().strip().lower() != email:
            raise UserError("not confirmed; nothing was erased")
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        if person is None:
            raise UserError(f"no person with email {email}; check 'jaarrond org list'")
        report = await erasure.erase_person(session, person, app.clock.now())
    rows = sum(report.deleted.values())
    print(f"erased {email}: {rows} rows deleted, {report.tombstones} agreements kept as tombstones")
    return 0


async def cmd_privacy_report(app: App, args: argparse.Namespace) -> int:
    from bot.services import privacy_report

    report = privacy_report.build_report(app.settings, app.clock.now())
    render = privacy_report.render_html if args.format == "html" else privacy_report.render_markdown
    sys.stdout.write(render(report))
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

    path = Path(args.db) if args.db else _data_folder(app.settings) / "jaarrond-demo.db"
    with shown("simulating", "weeks") as progress:
        code = await demo.run_demo(
            app.settings, seed=args.seed, weeks=args.weeks, path=str(path), progress=progress
        )
    print(demo.explore(path.resolve()))
    return code


# ---- argument parsing -------------------------------------------------------------------

Handler = Callable[["App", argparse.Namespace], Awaitable[int]]


def _personal_document(p: argparse.ArgumentParser) -> None:
    """Where a document with a person's data goes, and in which font."""
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write here, outside any git checkout (default: the terminal; a PDF goes to the "
        "data folder, JAARROND_DATA_DIR)",
    )
    p.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font instead of the shipped DejaVu Sans (which stays as fallback)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jaarrond",
        description="Year-round dialogue between employees and managers.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the log on the terminal (a terminal chat otherwise writes it to a file)",
    )
    parser.add_argument(
        "--now",
        metavar="ISO-TIME",
        help="fix the clock for this run, e.g. 2027-03-25T13:05:00Z (or set JAARROND_NOW)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Handler, help_text: str, parent: Any = sub, *, banks: bool = True
    ) -> Any:
        """`banks`: the command plans, asks or reports check-ins, so it reads HR's own
        questions too; the others start without them."""
        p = parent.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler, banks=banks)
        return p

    p = command("run", cmd_run, "run the bot: scheduler, chat platforms, HTTP server")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="console user (console mode)")
    p = command(
        "chat",
        cmd_chat,
        "chat with the bot in the terminal as a person; what waits for them is shown first, "
        "and the bot keeps ticking as 'run' does",
    )
    p.add_argument("--as", dest="as_email", metavar="EMAIL", required=True)
    p.add_argument(
        "--no-tick",
        action="store_true",
        help="only show what waits for the person when the chat starts; plan and send nothing else",
    )

    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    command("upgrade", cmd_db_upgrade, "migrate the database to this version", db)

    org_parser = sub.add_parser("org", help="people and managers").add_subparsers(
        dest="org_command", required=True, metavar="ACTION"
    )
    p = command("import", cmd_org_import, "import people from a CSV file", org_parser, banks=False)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would change")
    p.add_argument(
        "--full",
        action="store_true",
        help="the file is the whole organisation: people missing from it leave",
    )
    p.add_argument(
        "--allow-many-leavers",
        action="store_true",
        help="with --full: let more than half of the organisation leave (refused otherwise)",
    )
    p = command("list", cmd_org_list, "list people", org_parser, banks=False)
    p.add_argument("--json", action="store_true")

    sched = sub.add_parser("schedules", help="check-in schedules").add_subparsers(
        dest="schedules_command", required=True, metavar="ACTION"
    )
    p = command("apply", cmd_schedules_apply, "create or update schedules from YAML", sched)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would change")
    p = command("list", cmd_schedules_list, "list schedules with their next run", sched)
    p.add_argument("--json", action="store_true")

    p = command(
        "tick",
        cmd_tick,
        "run the scheduler's tick at one moment: plan check-ins and follow-ups, queue "
        "digests and briefs, purge, and list what waits to be sent",
    )
    p.add_argument("--at", metavar="ISO-TIME", help="tick as if at this moment")
    p.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        help="only this part of the tick (repeatable); the purge runs with a whole tick only",
    )
    p.add_argument("--dry-run", action="store_true", help="list what it would do; change nothing")
    p.add_argument("--json", action="store_true")

    box = sub.add_parser("outbox", help="messages waiting to be sent").add_subparsers(
        dest="outbox_command", required=True, metavar="ACTION"
    )
    p = command(
        "list",
        cmd_outbox_list,
        "list outbox messages of every kind, newest first",
        box,
        banks=False,
    )
    p.add_argument("--kind", action="append", choices=[k.value for k in OutboxKind])
    p.add_argument("--status", action="append", choices=[s.value for s in OutboxStatus])
    p.add_argument("--limit", type=int, default=500)
    p.add_argument("--json", action="store_true")

    p = command("digest", cmd_digest, "show a manager's team digest")
    p.add_argument("--manager", required=True, metavar="EMAIL")
    p.add_argument("--json", action="store_true")

    p = command("export", cmd_export, "print everything stored about one person as JSON")
    p.add_argument("--person", required=True, metavar="EMAIL")

    deals = sub.add_parser("agreements", help="the third contract").add_subparsers(
        dest="agreements_command", required=True, metavar="ACTION"
    )
    p = command("export", cmd_agreements_export, "a person's signed agreements", deals)
    p.add_argument("--person", required=True, metavar="EMAIL")
    p.add_argument("--format", choices=("md", "pdf"), default="md")
    _personal_document(p)

    review = sub.add_parser("review", help="the annual review").add_subparsers(
        dest="review_command", required=True, metavar="ACTION"
    )
    p = command("brief", cmd_review_brief, "a person's review brief: the year on one page", review)
    p.add_argument("--person", required=True, metavar="EMAIL")
    p.add_argument(
        "--for",
        dest="copy",
        choices=("employee", "manager"),
        default="employee",
        help="whose copy: the employee's holds their private answers, the manager's none",
    )
    p.add_argument("--format", choices=("html", "pdf"), default="html")
    _personal_document(p)

    report = sub.add_parser("report", help="aggregate figures for HR and the works council")
    report_sub = report.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    p = command("hr", cmd_report_hr, "HR figures by theme, department and period", report_sub)
    p.add_argument("--department", metavar="NAME", help="only this department")
    p.add_argument("--year", type=int, metavar="YYYY", help="default: this year")
    p.add_argument("--period", choices=("month", "quarter"), default="month")
    p.add_argument("--format", choices=("html", "csv", "json", "pdf"), default="html")
    p.add_argument("--locale", choices=("nl", "en"), help="default: the settings' locale")
    p.add_argument("--out", metavar="FILE", help="write here instead of to the terminal")
    p.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font instead of the shipped DejaVu Sans (which stays as fallback)",
    )
    p = command(
        "works-council", cmd_report_works_council, "the annual works-council overview", report_sub
    )
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--format", choices=("html", "pdf"), default="html")
    p.add_argument("--locale", choices=("nl", "en"), help="default: the settings' locale")
    p.add_argument("--out", metavar="FILE", help="write here (required for pdf)")
    p.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font instead of the shipped DejaVu Sans (which stays as fallback)",
    )

    teams = sub.add_parser("teams", help="Microsoft Teams").add_subparsers(
        dest="teams_command", required=True, metavar="ACTION"
    )
    p = command("package", cmd_teams_package, "write the app package an admin uploads", teams)
    p.add_argument("--app-id", required=True, metavar="ID", help="the bot's Microsoft app id")
    p.add_argument("--out", default="jaarrond-teams.zip", metavar="FILE")

    admin = sub.add_parser("admin", help="the HR admin console").add_subparsers(
        dest="admin_command", required=True, metavar="ACTION"
    )
    p = command(
        "link", cmd_admin_link, "print a one-time console sign-in link for HR", admin, banks=False
    )
    p.add_argument("email", metavar="EMAIL")
    p = command("backup", cmd_backup, "write every table and the schema revision to a zip")
    p.add_argument("file")
    p = command("restore", cmd_restore, "load a backup into an empty database (one transaction)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace what the database holds")
    config = sub.add_parser("config", help="settings").add_subparsers(
        dest="config_command", required=True, metavar="ACTION"
    )
    command("example", cmd_config_example, "print every setting with its default", config)

    keys_parser = sub.add_parser("keys", help="data encryption keys").add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    command("generate", cmd_keys_generate, "print a new data key", keys_parser)
    p = command(
        "rotate", cmd_keys_rotate, "re-seal all sealed data with the newest key", keys_parser
    )
    p.add_argument("--batch", type=int, help="rows per transaction (default: 500)")

    person = sub.add_parser("person", help="one person's data (GDPR rights)").add_subparsers(
        dest="person_command", required=True, metavar="ACTION"
    )
    p = command("export", cmd_person_export, "everything stored about a person, as JSON", person)
    p.add_argument("email")
    p.add_argument("--out", metavar="FILE", help="write here instead of printing")
    p = command("erase", cmd_person_erase, "erase everything stored about a person", person)
    p.add_argument("email")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = command("privacy-report", cmd_privacy_report, "what Jaarrond records, for a DPIA")
    p.add_argument("--format", choices=("md", "html"), default="md")

    p = command(
        "demo",
        cmd_demo,
        "simulate a small organisation (nine people, two teams, HR) through the real bot, "
        "and print what it recorded: answers per month, a manager's digest, the works-council "
        "overview and the agreements; then how to explore the demo database",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        help="chooses how the simulated people answer; the same seed gives the same output "
        "(default: 1)",
    )
    p.add_argument(
        "--weeks",
        type=int,
        default=52,
        help="how many weeks to simulate from 4 January 2027; 52 is a year (default: 52)",
    )
    p.add_argument(
        "--db",
        metavar="FILE",
        help="the demo's SQLite file, made anew (default: jaarrond-demo.db in the data folder, "
        "JAARROND_DATA_DIR); your own database is never touched",
    )
    return parser


async def _main(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_app, ensure_schema, make_clock

    clock = make_clock(settings, args.now)
    app = build_app(settings, clock, remind_keys=args.handler is cmd_run)
    try:
        if args.handler not in (
            cmd_db_upgrade,
            cmd_demo,
            cmd_restore,
            cmd_config_example,
            cmd_keys_generate,
        ):
            await ensure_schema(app, questions=args.banks)
        gc.freeze()
        gc.enable()
        result: int = await args.handler(app, args)
        return result
    finally:
        await app.db.dispose()


CHAT_LOG = "jaarrond.log"


def _in_terminal_chat(settings: Settings, args: argparse.Namespace) -> bool:
    """The command holds a conversation (or a progress display) in this terminal."""
    if args.handler in (cmd_chat, cmd_demo):
        return True
    return args.handler is cmd_run and not (settings.slack.configured or settings.teams.enabled)


def _data_folder(settings: Settings) -> Path:
    from bot.data_dir import DataDirError, data_dir

    try:
        return data_dir(settings.data_dir)
    except DataDirError as exc:
        raise UserError(str(exc)) from exc


def _configure_logging(settings: Settings, args: argparse.Namespace) -> None:
    """The running bot logs to the terminal (its operator reads it, or a log collector).
    A terminal chat and the demo log to a file in the data folder, so no line lands in the
    middle of the conversation; other commands print their result and show warnings only.
    `-v` shows everything on the terminal."""
    from bot.logs import configure_logging

    shown = settings.log_level if args.verbose else "WARNING"
    if _in_terminal_chat(settings, args):
        log_file = _data_folder(settings) / CHAT_LOG
        configure_logging(settings, terminal_level=shown, log_file=log_file, verbose=args.verbose)
    elif args.handler is cmd_run:
        configure_logging(settings)
    else:
        configure_logging(settings, terminal_level=shown, verbose=args.verbose)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
