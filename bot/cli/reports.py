"""Commands for aggregate figures: HR's report, the works council's overview, and the
privacy report for a DPIA."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.output import UserError, write_report

if TYPE_CHECKING:
    from bot.bootstrap import App


async def cmd_report_hr(app: App, args: argparse.Namespace) -> int:
    from bot.progress import shown
    from bot.reports import hr, hr_output

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
        write_report(hr_output.render_pdf(figures, locale, font_path=font), args.out)
        return 0
    renderers = {
        "html": lambda: hr_output.render_html(figures, locale),
        "csv": lambda: hr_output.render_csv(figures),
        "json": lambda: hr_output.render_json(figures),
    }
    write_report(renderers[args.format]().encode("utf-8"), args.out)
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
    write_report(document, args.out)
    return 0


async def cmd_privacy_report(app: App, args: argparse.Namespace) -> int:
    from bot.privacy import report as privacy_report

    report = privacy_report.build_report(
        app.settings, app.clock.now(), args.locale or app.defaults.locale
    )
    render = privacy_report.render_html if args.format == "html" else privacy_report.render_markdown
    sys.stdout.write(render(report))
    return 0
