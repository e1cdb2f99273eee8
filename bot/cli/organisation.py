"""Commands for HR's files: the organisation (people and managers) and the schedules."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING

from bot.cli.output import UserError, print_json, read_file, show

if TYPE_CHECKING:
    from bot.bootstrap import App


async def cmd_org_import(app: App, args: argparse.Namespace) -> int:
    from bot.org import organisation as org
    from bot.org.org_file import OrgImportError
    from bot.progress import shown

    text = read_file(args.file)
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
    except OrgImportError as exc:
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
    from bot.org import organisation as org

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
    from bot.schedules import store
    from bot.schedules.file import ScheduleFileError

    text = read_file(args.file)
    try:
        result = await store.apply_schedules(
            app.db, text, app.banks.keys(), app.clock.now(), dry_run=args.dry_run
        )
    except ScheduleFileError as exc:
        raise UserError(f"{args.file}: nothing was applied, fix these first:\n{exc}") from exc
    verb = "would be" if args.dry_run else "were"
    print(
        f"{len(result.created)} schedules {verb} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged"
    )
    return 0


async def cmd_schedules_list(app: App, args: argparse.Namespace) -> int:
    from bot.schedules import store

    rows = await store.list_schedules(app.db, app.clock.now(), app.settings.default_timezone)
    if args.json:
        print_json([dataclasses.asdict(r) for r in rows])
        return 0
    for r in rows:
        state = "active" if r.active else "paused"
        nxt = r.next_due_utc.isoformat() if r.next_due_utc else "-"
        print(f"{r.id}  {r.theme}  {r.cadence} {r.day} {r.time}  {state}  next (UTC): {nxt}")
    print(f"{len(rows)} schedules")
    return 0
