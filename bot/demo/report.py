"""What `jaarrond demo` prints: a month-by-month table of what the bot recorded, the
manager's digest, one person's overview, the agreements' rounds and the ladder."""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from bot.bootstrap import App
from bot.demo.agreements import AGREEMENTS
from bot.demo.personas import PEOPLE, START, STORY_NAMES, Persona, schedules_summary
from bot.dialogue.digests import team_digest
from bot.org.people import find_by_email, locale_of
from bot.privacy.export import export_person
from bot.reports import ladder_views
from bot.reports.pdf import table_line
from bot.reports.works_council import works_council_overview
from bot.storage.agreement_models import Agreement, AgreementFollowUp
from bot.storage.database import Database
from bot.storage.models import Answer, Occurrence, Person, Topic
from dialogs import agreements as ag
from dialogs.agreement_texts import ta
from dialogs.banks import Bank, BankQuestion
from dialogs.digest import render_digest, sparkline
from dialogs.messages import Locale
from dialogs.report_texts import tr
from dialogs.texts import t

THEMES = ("workload", "five_ages", "relationship")
MONTH_INITIALS = "JFMAMJJASOND"
# Drawn per agreement month, in the order the outcomes get worse.
ROUND_MARKS: dict[str, str] = {
    "on_track": "=",
    "partly": "~",
    "no_longer_relevant": "-",
    "perception_gap": "!",
    "not_kept": "!",
}


# ---- what the run prints ------------------------------------------------------------------


@dataclass
class MonthRow:
    month: str
    prompts: int = 0
    completed: int = 0
    answers: int = 0
    shared: int = 0
    topics: int = 0


TABLE_COLUMNS = (
    ("Prompts sent", "prompts"),
    ("Check-ins completed", "completed"),
    ("Answers", "answers"),
    ("Shared", "shared"),
    ("Topics raised", "topics"),
)


def months_between(first: datetime, last: datetime) -> list[str]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


async def monthly_rows(db: Database, prompts: Counter[str], months: list[str]) -> list[MonthRow]:
    """What happened per month, read back from the database the bot wrote."""
    rows = {m: MonthRow(m, prompts=prompts[m]) for m in months}

    def row(moment: datetime) -> MonthRow:
        return rows.setdefault(month_of(moment), MonthRow(month_of(moment)))

    async with db.session() as session:
        closed = await session.execute(
            select(Occurrence.closed_at, Occurrence.shared).where(Occurrence.status == "completed")
        )
        for closed_at, shared in closed:
            if closed_at is not None:
                row(closed_at).completed += 1
                row(closed_at).shared += bool(shared)
        for answered_at in await session.scalars(select(Answer.answered_at)):
            row(answered_at).answers += 1
        for raised_at in await session.scalars(select(Topic.raised_at)):
            row(raised_at).topics += 1
    return [rows[m] for m in sorted(rows)]


def table(rows: list[MonthRow]) -> list[str]:
    total = MonthRow("Total")
    for r in rows:
        for _, attr in TABLE_COLUMNS:
            setattr(total, attr, getattr(total, attr) + getattr(r, attr))
    header = f"{'Month':<8}" + "".join(f"  {title}" for title, _ in TABLE_COLUMNS)
    lines = [header, "-" * len(header)]
    for r in [*rows, total]:
        cells = "".join(f"  {getattr(r, attr):>{len(title)}}" for title, attr in TABLE_COLUMNS)
        lines.append(f"{r.month:<8}{cells}")
    return lines


def header(seed: int, weeks: int) -> list[str]:
    teams: dict[str, list[Persona]] = defaultdict(list)
    for p in PEOPLE:
        teams[p.department].append(p)
    org = ", ".join(f"{name} ({len(members)})" for name, members in teams.items())
    names = {p.user: p.name for p in PEOPLE}
    stories = [
        f"  {p.name} ({p.department}, {p.locale}, {p.timezone}): {STORY_NAMES[p.story]}"
        for p in PEOPLE
        if p.story != "steady"
    ]
    return [
        f"Jaarrond demo: seed {seed}, {weeks} weeks from Monday {START:%Y-%m-%d} "
        "on a simulated clock",
        f"People: {len(PEOPLE)} in {org}",
        f"Schedules for everyone with a manager: {schedules_summary()}, "
        "each at the person's own local time",
        "Stories:",
        *stories,
        "Everyone else answers around their usual, sometimes skips, says later or keeps "
        "a check-in to themselves.",
        "Agreements, drafted by the manager in the chat, then accepted and signed by both:",
        *[
            f"  {names[p.manager]} with {names[p.employee]} on {p.at:%Y-%m-%d}: "
            f"{ta(f'category.{p.category}', 'en')}{' (i-deal)' if p.rationale else ''}, "
            f"followed up {p.cadence}"
            for p in AGREEMENTS
        ],
    ]


async def digest_section(app: App, manager_email: str) -> list[str]:
    async with app.db.session() as session:
        manager = await find_by_email(session, manager_email)
        if manager is None:
            raise RuntimeError(f"{manager_email} was not imported")
        locale = locale_of(manager, app.defaults)
        digest = await team_digest(
            session, manager, app.clock.now(), app.banks, locale, app.defaults
        )
    title, body = render_digest(digest, locale)
    moment = f"{app.clock.now():%Y-%m-%d %H:%M} UTC"
    return [f"== {title} ==", f"(as {manager.name} reads it on {moment})", body]


def _month_mean(values: list[str]) -> str:
    """The month's scale answers as one point, rounded half up."""
    numbers = [int(v) for v in values]
    return str(int(sum(numbers) / len(numbers) + 0.5))


def question_line(
    question: BankQuestion, by_month: dict[str, list[str]], months: list[str], locale: Locale
) -> str:
    """One question over the year: a point per month, then the question as asked."""
    if question.kind == "scale":
        chart = "".join(
            sparkline((_month_mean(by_month[m]),) if m in by_month else ("",)) for m in months
        )
    else:
        chart = "".join("•" if m in by_month else "·" for m in months)
    prompt = question.text(locale)
    if question.is_health:
        prompt += f" ({t('checkin.private_marker', locale)})"
    last_month = max(by_month)
    latest = question.label_of(by_month[last_month][-1], locale)
    return f"  {chart}  {prompt}\n  {' ' * len(months)}  {t('digest.last_value', locale)}: {latest}"


async def overview_section(app: App, email: str, months: list[str]) -> list[str]:
    """One employee's own year, private answers included: what they see of themselves."""
    async with app.db.session() as session:
        person = await find_by_email(session, email)
        if person is None:
            raise RuntimeError(f"{email} was not imported")
        locale = locale_of(person, app.defaults)
        export = await export_person(session, person, app.clock.now())
    answers: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in export["answers"]:
        moment = datetime.fromisoformat(a["answered_at"])
        answers[a["question_id"]][month_of(moment)].append(a["value"])
    initials = "".join(MONTH_INITIALS[int(m[5:]) - 1] for m in months)
    lines = [
        f"== Year overview for {person.name} <{email}>: own view, private answers included ==",
        f"  {initials}  (one column per month, {months[0]} to {months[-1]})",
    ]
    for theme in THEMES:
        bank: Bank | None = app.banks.get(theme)
        answered = [q for q in bank.questions if q.question_id in answers] if bank else []
        if bank is None or not answered:
            continue
        lines.append(bank.title(locale))
        lines += [question_line(q, answers[q.question_id], months, locale) for q in answered]
    if export["topics"]:
        lines.append(f"{t('digest.topics', locale)}:")
        lines += [f"  {topic['raised_at'][:10]}  {topic['text']}" for topic in export["topics"]]
    return lines


def round_outcome(answers: Mapping[str, str | None]) -> str | None:
    """How one follow-up round ended, as the bot weighs it; None while it is incomplete."""
    employee, manager = answers.get("employee"), answers.get("manager")
    if employee is not None and manager is not None:
        return ag.perception(employee, manager)
    return "not_kept" if "not" in (employee, manager) else None


async def agreements_section(app: App, months: list[str]) -> list[str]:
    """Each agreement of the year: who with whom, its status now, a mark per follow-up
    month, and when a gap in how the two saw it was first flagged."""
    initials = "".join(MONTH_INITIALS[int(m[5:]) - 1] for m in months)
    lines = [
        "== Agreements: the third contract, followed up with both parties ==",
        f"  {initials}  (per follow-up month: = on track, ~ partly, ! gap or not kept)",
    ]
    async with app.db.session() as session:
        names = {pid: name for pid, name in await session.execute(select(Person.id, Person.name))}
        agreements = list(await session.scalars(select(Agreement).order_by(Agreement.id)))
        rounds: dict[int, dict[str, dict[str, str | None]]] = defaultdict(dict)
        for row in await session.scalars(select(AgreementFollowUp).order_by(AgreementFollowUp.id)):
            rounds[row.agreement_id].setdefault(row.period, {})[row.role] = row.answer
    for a in agreements:
        outcomes = {period: round_outcome(answers) for period, answers in rounds[a.id].items()}
        chart = "".join(ROUND_MARKS.get(outcomes.get(m) or "", "·") for m in months)
        flagged = [p for p, o in sorted(outcomes.items()) if o in ag.AT_RISK_OUTCOMES]
        kind = ta(f"category.{a.category}", "en") + (" (i-deal)" if a.is_i_deal else "")
        signed = f"signed {a.signed_at:%Y-%m-%d}" if a.signed_at else "not signed"
        gap = f"gap first flagged {flagged[0]}" if flagged else "no gap flagged"
        lines += [
            f"  #{a.id} {names[a.manager_id]} with {names[a.employee_id]}: {kind}",
            f"  {chart}  {signed}, status now {a.status}, {gap}",
        ]
    if not agreements:
        lines.append("  (none drafted yet)")
    return lines


async def ladder_section(app: App) -> list[str]:
    """The development ladder as the works-council overview shows it: the organisation's
    estimated stage, what put it there and its indicators (departments here are too small)."""
    locale: Locale = "en"
    async with app.db.session() as session:
        overview = await works_council_overview(
            session,
            year=START.year,
            now=app.clock.now(),
            banks=app.banks,
            ladder_rules=app.ladder_rules,
        )
    lines = [f"== Works-council overview: {tr('ladder.heading', locale).lower()} =="]
    if overview.ladder is None:
        return [*lines, "  (no figures)"]
    note, scope, *_ = ladder_views.ladder_groups(overview.ladder, locale, None, departments=False)[
        0
    ].blocks
    lines += textwrap.wrap(note.note, 100, initial_indent="  ", subsequent_indent="  ")
    lines += textwrap.wrap(scope.note, 100, initial_indent="  ", subsequent_indent="  ")
    if scope.table is not None:
        lines += [
            f"  {table_line(scope.table.head, name, cells)}" for name, cells in scope.table.rows
        ]
    return lines


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m}"
