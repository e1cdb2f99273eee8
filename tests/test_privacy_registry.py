"""One registry of every table and column: every column is in it, and the privacy report,
the works council's overview and erasure read it, so they cannot tell different stories."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, MetaData, func, inspect, or_, select

from bot import reports
from bot.config import load_settings
from bot.privacy.erasure import erase_person
from bot.privacy.registry import (
    ERASE_DELETE,
    KEPT_ON_ERASURE,
    REGISTRY,
    Audience,
    Words,
    sealed,
    undescribed,
)
from bot.privacy.report import build_report, render_markdown
from bot.reports import works_council as wc
from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.database import Database
from bot.storage.models import Base, Person
from dialogs.messages import LOCALES, Locale
from dialogs.privacy_report_texts import sheet_text
from dialogs.report_texts import tr
from tests.support.made_up import FINISHED, fill

NOW = datetime(2027, 6, 1, tzinfo=UTC)


async def test_every_column_of_every_table_is_described(db: Database) -> None:
    async with db.engine.connect() as conn:
        reflected = await conn.run_sync(
            lambda sync: {
                t: [c["name"] for c in inspect(sync).get_columns(t)]
                for t in inspect(sync).get_table_names()
            }
        )
    models = {t.name: [c.name for c in t.columns] for t in Base.metadata.sorted_tables}
    assert set(models) <= set(reflected)
    assert {"slack_installations", "agreements", "answers"} <= set(reflected)
    missing = [
        m for table, cols in {**reflected, **models}.items() for m in undescribed(table, cols)
    ]
    assert missing == []
    assert set(REGISTRY) == set(reflected), "the registry describes no table that is gone"


def test_a_sealed_column_is_described_as_personal() -> None:
    """What the models seal is what people wrote: the registry must say what it is."""
    technical = [f"{t}.{c}" for t, c in sealed() if c not in REGISTRY[t].personal]
    assert sealed() and technical == []


def _words(entry_words: list[Words]) -> list[Words]:
    return [w for w in entry_words if not (w[0].strip() and w[1].strip())]


def test_every_text_of_the_registry_is_in_dutch_and_english() -> None:
    empty = []
    for name, entry in REGISTRY.items():
        texts = [entry.holds, entry.purpose, *entry.personal.values()]
        texts += [s.what for s in entry.seen_by if s.what is not None]
        empty += [f"{name}: {w}" for w in _words(texts)]
        assert entry.seen_by, name
    assert empty == []
    assert all(a.value[0] and a.value[1] for a in Audience)


def _works_council_records(locale: Locale) -> tuple[dict[str, tuple[str, str]], str]:
    """The rows of "what the system records and who sees it" and the note under them, as
    the overview renders them (the console page, the HTML and the PDF all draw these)."""
    overview = wc.Overview(year=2027, generated_at=NOW, minimum=5, text_minimum=10, items=())
    (records,) = [g for g in wc.groups(overview, locale) if g.heading == tr("wc.records", locale)]
    (block,) = records.blocks
    assert block.table is not None
    rows = {table: (what.text, who.text) for table, (what, who) in block.table.rows}
    return rows, block.note


@pytest.mark.parametrize("locale", LOCALES)
def test_the_privacy_report_and_the_works_council_overview_say_the_same(locale: Locale) -> None:
    """Per table: what it holds and who sees it, in the two documents, word for word."""
    report = build_report(load_settings({}), NOW, locale)
    privacy = {s.table: (s.holds, s.seen_by) for s in report.tables}
    council, note = _works_council_records(locale)
    assert set(privacy) == set(council) == set(REGISTRY)
    differ = {t: (privacy[t], council[t]) for t in privacy if privacy[t] != council[t]}
    assert differ == {}
    markdown = render_markdown(report)
    for table, (_, who) in council.items():
        assert (
            f"## {table}" in markdown and f"- {sheet_text('seen_by', locale)}: {who}\n" in markdown
        )
    # What holds for every table: said once, the same in both.
    assert note and f"- {note}" in markdown


@pytest.mark.parametrize("locale", LOCALES)
def test_the_works_council_reads_who_sees_what_from_the_registry(locale: Locale) -> None:
    council, _ = _works_council_records(locale)
    hr_questions = council["hr_questions"][1]
    # HR's own questions are asked of employees: the overview must not say "HR" alone.
    assert "HR" in hr_questions and len(hr_questions) > len("HR")
    assert council["review_briefs"][1] != council["outbox"][1]


@pytest.mark.parametrize(
    ("table", "who"),
    [
        # Read by the "viewed" command, by the person whose data was viewed.
        ("audit_views", {Audience.EMPLOYEE}),
        # Asked of employees, shown to managers next to shared answers, written by HR.
        ("hr_questions", {Audience.HR, Audience.EMPLOYEE, Audience.MANAGER}),
        # The works council counts the briefs sent.
        ("review_briefs", {Audience.FIGURES}),
        # The person's own draft, whoever is writing it.
        ("agreement_dialogs", {Audience.EMPLOYEE, Audience.MANAGER}),
        ("answers", {Audience.EMPLOYEE, Audience.MANAGER, Audience.FIGURES}),
    ],
)
def test_who_sees_a_table_is_what_the_code_lets_them_see(table: str, who: set[Audience]) -> None:
    assert {s.who for s in REGISTRY[table].seen_by} == who


def test_the_group_figures_are_read_from_exactly_the_tables_the_registry_names() -> None:
    """HR's figures and the works council's overview (with its ladder) are the reports
    (every module of bot.reports); the tables whose models they query are the ones seen "in
    group figures only"."""
    modules = [
        importlib.import_module(found.name)
        for found in pkgutil.walk_packages(reports.__path__, f"{reports.__name__}.")
    ]
    read = {
        model.__table__.name
        for module in modules
        for model in vars(module).values()
        if isinstance(model, type) and issubclass(model, Base) and hasattr(model, "__table__")
    }
    named = {name for name, e in REGISTRY.items() if Audience.FIGURES in {s.who for s in e.seen_by}}
    assert read and read == named


def _rows_about(connection: Connection, person_id: int) -> dict[str, int]:
    """Rows that point at the person (or are the person), per table."""
    metadata = MetaData()
    metadata.reflect(connection)
    found = {}
    for table in metadata.sorted_tables:
        columns = [
            c for c in table.columns if any(f.column.table.name == "people" for f in c.foreign_keys)
        ]
        if table.name == "people":
            columns.append(table.c.id)
        if columns:
            about = or_(*(c == person_id for c in columns))
            found[table.name] = connection.execute(
                select(func.count()).select_from(table).where(about)
            ).scalar_one()
    return found


async def test_erasure_does_with_every_table_what_the_registry_says(db: Database) -> None:
    """A table the registry deletes holds no row about the person after erasure; a table it
    keeps (anonymised, a tombstone) still does."""
    async with db.engine.begin() as conn:
        made = await conn.run_sync(fill, FINISHED)
    person_id = made["people"][0]["id"]
    async with db.session() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        await erase_person(session, person, NOW)
    async with db.engine.connect() as conn:
        left = await conn.run_sync(_rows_about, person_id)
    deleted = [t for t, rows in left.items() if REGISTRY[t].erasure == ERASE_DELETE]
    kept = [t for t in left if REGISTRY[t].erasure in KEPT_ON_ERASURE]
    assert deleted and kept, "the made-up rows reach both kinds"
    assert [t for t in deleted if left[t]] == [], "rows about an erased person remain"
    assert {"people", "agreements", "agreement_versions"} <= set(kept)
    assert all(left[t] for t in kept), "erasure deleted rows the registry says it keeps"
