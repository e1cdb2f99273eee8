"""The `jaarrond` command line: every command, its options and its help."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.cli import operate, organisation, people, reports
from bot.storage.outbox_states import OutboxKind, OutboxStatus
from bot.tick_steps import STEPS
from dialogs.messages import LOCALES

if TYPE_CHECKING:
    from bot.bootstrap import App

Handler = Callable[["App", argparse.Namespace], Awaitable[int]]


def font_option(p: argparse.ArgumentParser) -> None:
    """The font a PDF is set in."""
    p.add_argument(
        "--font",
        metavar="TTF",
        help="a TrueType font instead of the shipped DejaVu Sans (which stays as fallback)",
    )


def locale_option(p: argparse.ArgumentParser) -> None:
    """The language of a document for a group (HR, the works council, a DPIA)."""
    p.add_argument("--locale", choices=LOCALES, help="default: the settings' locale")


def personal_document(p: argparse.ArgumentParser) -> None:
    """Where a document with a person's data goes, and in which font."""
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write here, outside any git checkout (default: the terminal; a PDF goes to the "
        "data folder, JAARROND_DATA_DIR)",
    )
    font_option(p)


def build_parser() -> argparse.ArgumentParser:
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
        name: str,
        handler: Handler,
        help_text: str,
        parent: Any = sub,
        *,
        banks: bool = True,
        schema: bool = True,
    ) -> Any:
        """`banks`: the command plans, asks or reports check-ins, so it reads HR's own
        questions too; the others start without them. `schema`: the database is migrated
        (or found current) first; the commands that make, fill or need no database skip it."""
        p = parent.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler, banks=banks, schema=schema)
        return p

    p = command("run", operate.cmd_run, "run the bot: scheduler, chat platforms, HTTP server")
    p.add_argument("--as", dest="as_email", metavar="EMAIL", help="console user (console mode)")
    p = command(
        "chat",
        operate.cmd_chat,
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
    command(
        "upgrade", operate.cmd_db_upgrade, "migrate the database to this version", db, schema=False
    )

    org_parser = sub.add_parser("org", help="people and managers").add_subparsers(
        dest="org_command", required=True, metavar="ACTION"
    )
    p = command(
        "import",
        organisation.cmd_org_import,
        "import people from a CSV file",
        org_parser,
        banks=False,
    )
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
    p = command("list", organisation.cmd_org_list, "list people", org_parser, banks=False)
    p.add_argument("--json", action="store_true")

    sched = sub.add_parser("schedules", help="check-in schedules").add_subparsers(
        dest="schedules_command", required=True, metavar="ACTION"
    )
    p = command(
        "apply", organisation.cmd_schedules_apply, "create or update schedules from YAML", sched
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would change")
    p = command(
        "list", organisation.cmd_schedules_list, "list schedules with their next run", sched
    )
    p.add_argument("--json", action="store_true")

    p = command(
        "tick",
        operate.cmd_tick,
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
        operate.cmd_outbox_list,
        "list outbox messages of every kind, newest first",
        box,
        banks=False,
    )
    p.add_argument("--kind", action="append", choices=[k.value for k in OutboxKind])
    p.add_argument("--status", action="append", choices=[s.value for s in OutboxStatus])
    p.add_argument("--limit", type=int, default=500)
    p.add_argument("--json", action="store_true")

    p = command("digest", people.cmd_digest, "show a manager's team digest")
    p.add_argument("--manager", required=True, metavar="EMAIL")
    p.add_argument("--json", action="store_true")

    p = command("export", people.cmd_export, "print everything stored about one person as JSON")
    p.add_argument("--person", required=True, metavar="EMAIL")

    deals = sub.add_parser("agreements", help="the third contract").add_subparsers(
        dest="agreements_command", required=True, metavar="ACTION"
    )
    p = command("export", people.cmd_agreements_export, "a person's signed agreements", deals)
    p.add_argument("--person", required=True, metavar="EMAIL")
    p.add_argument("--format", choices=("md", "pdf"), default="md")
    personal_document(p)

    review = sub.add_parser("review", help="the annual review").add_subparsers(
        dest="review_command", required=True, metavar="ACTION"
    )
    p = command(
        "brief", people.cmd_review_brief, "a person's review brief: the year on one page", review
    )
    p.add_argument("--person", required=True, metavar="EMAIL")
    p.add_argument(
        "--for",
        dest="copy",
        choices=("employee", "manager"),
        default="employee",
        help="whose copy: the employee's holds their private answers, the manager's none",
    )
    p.add_argument("--format", choices=("html", "pdf"), default="html")
    personal_document(p)

    report = sub.add_parser("report", help="aggregate figures for HR and the works council")
    report_sub = report.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    p = command(
        "hr", reports.cmd_report_hr, "HR figures by theme, department and period", report_sub
    )
    p.add_argument("--department", metavar="NAME", help="only this department")
    p.add_argument("--year", type=int, metavar="YYYY", help="default: this year")
    p.add_argument("--period", choices=("month", "quarter"), default="month")
    p.add_argument("--format", choices=("html", "csv", "json", "pdf"), default="html")
    locale_option(p)
    p.add_argument("--out", metavar="FILE", help="write here instead of to the terminal")
    font_option(p)
    p = command(
        "works-council",
        reports.cmd_report_works_council,
        "the annual works-council overview",
        report_sub,
    )
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--format", choices=("html", "pdf"), default="html")
    locale_option(p)
    p.add_argument("--out", metavar="FILE", help="write here (required for pdf)")
    font_option(p)

    teams = sub.add_parser("teams", help="Microsoft Teams").add_subparsers(
        dest="teams_command", required=True, metavar="ACTION"
    )
    p = command(
        "package", operate.cmd_teams_package, "write the app package an admin uploads", teams
    )
    p.add_argument("--app-id", required=True, metavar="ID", help="the bot's Microsoft app id")
    p.add_argument("--out", default="jaarrond-teams.zip", metavar="FILE")

    admin = sub.add_parser("admin", help="the HR admin console").add_subparsers(
        dest="admin_command", required=True, metavar="ACTION"
    )
    p = command(
        "link",
        operate.cmd_admin_link,
        "print a one-time console sign-in link for HR",
        admin,
        banks=False,
    )
    p.add_argument("email", metavar="EMAIL")
    p = command("backup", operate.cmd_backup, "write every table and the schema revision to a zip")
    p.add_argument("file")
    p = command(
        "restore",
        operate.cmd_restore,
        "load a backup into an empty database (one transaction)",
        schema=False,
    )
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace what the database holds")
    config = sub.add_parser("config", help="settings").add_subparsers(
        dest="config_command", required=True, metavar="ACTION"
    )
    command(
        "example",
        operate.cmd_config_example,
        "print every setting with its default",
        config,
        schema=False,
    )

    keys_parser = sub.add_parser("keys", help="data encryption keys").add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    command(
        "generate", operate.cmd_keys_generate, "print a new data key", keys_parser, schema=False
    )
    p = command(
        "rotate",
        operate.cmd_keys_rotate,
        "re-seal all sealed data with the newest key",
        keys_parser,
    )
    p.add_argument("--batch", type=int, help="rows per transaction (default: 500)")

    person = sub.add_parser("person", help="one person's data (GDPR rights)").add_subparsers(
        dest="person_command", required=True, metavar="ACTION"
    )
    p = command(
        "export", people.cmd_person_export, "everything stored about a person, as JSON", person
    )
    p.add_argument("email")
    p.add_argument("--out", metavar="FILE", help="write here instead of printing")
    p = command("erase", people.cmd_person_erase, "erase everything stored about a person", person)
    p.add_argument("email")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = command("privacy-report", reports.cmd_privacy_report, "what Jaarrond records, for a DPIA")
    p.add_argument("--format", choices=("md", "html"), default="md")
    locale_option(p)

    p = command(
        "demo",
        operate.cmd_demo,
        "simulate a small organisation (nine people, two teams, HR) through the real bot, "
        "and print what it recorded: answers per month, a manager's digest, the works-council "
        "overview and the agreements; then how to explore the demo database",
        schema=False,
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
