"""Commands about one person's data: a manager's digest, the review brief, the signed
agreements, the export and the erasure (the rights of access and erasure)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.output import UserError, local_part, person_with, print_json, show, write_personal

if TYPE_CHECKING:
    from bot.bootstrap import App


async def cmd_digest(app: App, args: argparse.Namespace) -> int:
    from bot.dialogue import digests
    from bot.org.people import find_by_email, locale_of
    from bot.privacy import audit
    from bot.privacy import roles as access
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
    from bot.privacy import export as privacy

    async with app.db.session() as session:
        person = await person_with(session, args.person)
        print_json(await privacy.export_person(session, person, app.clock.now()))
    return 0


async def cmd_agreements_export(app: App, args: argparse.Namespace) -> int:
    from bot.agreements.document import export_third_contract

    font = Path(args.font) if args.font else None
    try:
        document = await export_third_contract(
            app.db, args.person, args.format, app.defaults, app.clock.now(), font_path=font
        )
    except LookupError as exc:
        raise UserError(f"{exc}; check 'jaarrond org list'") from exc
    if args.out or args.format == "pdf":
        name = f"agreements-{local_part(args.person)}.{args.format}"
        print(f"wrote {write_personal(app.settings, args.out, name, document)}")
    else:
        sys.stdout.write(document.decode("utf-8"))
    return 0


async def cmd_review_brief(app: App, args: argparse.Namespace) -> int:
    from bot.dialogue.brief_document import render as render_brief
    from bot.dialogue.review_brief import BriefRefused, build_brief
    from bot.privacy import audit

    async with app.db.session() as session:
        person = await person_with(session, args.person)
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
        name = f"review-brief-{local_part(args.person)}-{year}-{args.copy}.{args.format}"
        path = write_personal(app.settings, args.out, name, document)
        print(f"wrote {path} ({args.copy}'s copy)")
    else:
        sys.stdout.write(document.decode("utf-8"))
    return 0


async def cmd_person_export(app: App, args: argparse.Namespace) -> int:
    from bot.privacy import export as privacy

    async with app.db.session() as session:
        person = await person_with(session, args.email)
        content = privacy.export_bytes(
            await privacy.export_person(session, person, app.clock.now())
        )
    if args.out:
        print(f"wrote {write_personal(app.settings, args.out, '', content)}")
    else:
        sys.stdout.write(content.decode("utf-8") + "\n")
    return 0


async def cmd_person_erase(app: App, args: argparse.Namespace) -> int:
    from bot.privacy import erasure

    email = args.email.strip().lower()
    if not args.yes:
        print(f"This erases everything stored about {email}. Type the email again to confirm:")
        if sys.stdin.readline().strip().lower() != email:
            raise UserError("not confirmed; nothing was erased")
    async with app.db.session() as session:
        person = await person_with(session, email)
        report = await erasure.erase_person(session, person, app.clock.now())
    rows = sum(report.deleted.values())
    print(f"erased {email}: {rows} rows deleted, {report.tombstones} agreements kept as tombstones")
    return 0
