"""Importing the organisation from its file, and listing who is in it.

The file is read and checked cell by cell in org_file.py; here it is checked against the
database (managers, chat ids, agencies) and written. Every problem is reported at once and
nothing is written unless the whole file is right: half an organisation is worse than none.
A full import takes the file as the whole organisation: whoever it no longer lists leaves
(bot/org/leavers.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import as_utc
from bot.org import leavers
from bot.org.org_file import (
    AGENCY,
    FIELDS,
    PERMANENT,
    OrgImportError,
    OrgRow,
    Problem,
    parse_file,
    raise_if_any,
)
from bot.progress import Progress, unseen
from bot.storage.database import Database
from bot.storage.models import Department, Person


@dataclass(frozen=True)
class PersonRow:
    """One person as stored, with manager and department by email and name."""

    email: str
    name: str
    manager_email: str | None
    department: str | None
    locale: str | None
    timezone: str | None
    slack_user_id: str | None
    teams_user_id: str | None
    hr: bool
    review_month: int | None
    working_days: tuple[str, ...] | None = None
    employment: str = PERMANENT
    agency: str | None = None
    agency_contact_email: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """Emails of the people the import created, changed and left as they were, in file order;
    of those who leave (a full import: not in the file, sorted) and who come back."""

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    # For each updated email: (field, stored value, value after the import), for dry runs.
    changes: dict[str, list[tuple[str, object, object]]] = field(
        default_factory=dict, compare=False
    )
    left: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


# A full import may make this many people leave without being asked twice, however small
# the organisation (beyond it: at most half of it).
MANY_LEAVE = 3


class ManyLeave(OrgImportError):
    """A full import would make more than half of the organisation leave, unconfirmed."""

    def __init__(self, leaving: int, active: int) -> None:
        self.leaving, self.active = leaving, active
        super().__init__(
            [
                f"this file would make {leaving} of the {active} people leave: check that it "
                "is the whole organisation (a dry run lists who would leave), then confirm "
                "that so many leave with --allow-many-leavers"
            ]
        )


async def import_org(
    db: Database,
    text: str,
    now: datetime,
    *,
    dry_run: bool = False,
    full: bool = False,
    many_leave: bool = False,
    progress: Progress = unseen,
) -> ImportResult:
    """Create or update everyone in the file (by email), all or nothing.

    A column absent from the file leaves that field alone; a present but empty cell clears it.
    People in the database but not in the file are left as they are, unless `full`: then the
    file is the whole organisation and they leave (and their reports lose them as manager).
    Anyone in the file who had left is back. A full import that would make more than half
    of the organisation leave is refused unless `many_leave` says it is meant: a partial
    export taken for the whole would stop everyone's check-ins at once. `progress` hears
    of the three steps: read, checked against the database, written.
    """
    now = as_utc(now)
    parsed = parse_file(text)
    progress(1, 3)
    async with db.session() as session:
        existing = await _load(session)
        wanted = {row.email: _wanted(row, parsed.columns, existing.rows) for row in parsed.rows}
        left = sorted(existing.active - wanted.keys()) if full else []
        wanted = _without_managers(wanted, frozenset(left))
        problems = _database_problems(parsed.rows, wanted, existing, full)
        raise_if_any(parsed.problems + problems)
        if not (dry_run or many_leave) and len(left) > max(MANY_LEAVE, len(existing.active) // 2):
            raise ManyLeave(len(left), len(existing.active))
        result = replace(
            _compare(wanted, existing.rows),
            left=left,
            returned=[email for email in wanted if email in existing.inactive],
        )
        progress(2, 3)
        if not dry_run:
            await _write(session, wanted, result, existing, now)
    progress(3, 3)
    return result


async def left_people(db: Database) -> dict[str, datetime]:
    """When each person who left (and is not erased yet) left, by email."""
    async with db.session() as session:
        found = await session.execute(
            select(Person.email, Person.left_at).where(
                Person.active.is_(False), Person.erased_at.is_(None)
            )
        )
        return {email: left_at for email, left_at in found if left_at is not None}


async def list_people(db: Database) -> list[PersonRow]:
    """Everyone in the database, sorted by email."""
    async with db.session() as session:
        existing = await _load(session)
    # Sorted here, not in SQL: PostgreSQL's collation and SQLite's byte order disagree.
    return sorted(existing.rows.values(), key=lambda row: row.email)


# --- Parsing --------------------------------------------------------------------------------


# --- Importing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Existing:
    """The stored organisation, loaded once: 50,000 people fit in memory, not in 50,000 queries."""

    ids: dict[str, int]
    rows: dict[str, PersonRow]
    department_ids: dict[str, int]
    # Emails of the people taking part, and of those who left (the erased are neither).
    active: frozenset[str]
    inactive: frozenset[str]


_STORED = (
    Person.id,
    Person.email,
    Person.name,
    Person.manager_id,
    Person.department_id,
    Person.locale,
    Person.timezone,
    Person.slack_user_id,
    Person.teams_user_id,
    Person.is_hr,
    Person.review_month,
    Person.working_days,
    Person.employment,
    Person.agency,
    Person.agency_contact_email,
    Person.active,
    Person.erased_at,
)


async def _load(session: AsyncSession) -> _Existing:
    # Plain columns rather than Person objects: several times faster for a large organisation,
    # and relationships are lazy="raise", so managers are resolved through the id map anyway.
    department_names = {d.id: d.name for d in await session.scalars(select(Department))}
    people = (await session.execute(select(*_STORED))).mappings().all()
    emails = {person["id"]: person["email"] for person in people}
    return _Existing(
        ids={email: id_ for id_, email in emails.items()},
        rows={p["email"]: _person_row(p, emails, department_names) for p in people},
        department_ids={name: id_ for id_, name in department_names.items()},
        active=frozenset(p["email"] for p in people if p["active"]),
        inactive=frozenset(
            p["email"] for p in people if not p["active"] and p["erased_at"] is None
        ),
    )


def _person_row(
    person: RowMapping, emails: Mapping[int, str], departments: Mapping[int, str]
) -> PersonRow:
    manager_id, department_id = person["manager_id"], person["department_id"]
    return PersonRow(
        email=person["email"],
        name=person["name"],
        manager_email=None if manager_id is None else emails[manager_id],
        department=None if department_id is None else departments[department_id],
        locale=person["locale"],
        timezone=person["timezone"],
        slack_user_id=person["slack_user_id"],
        teams_user_id=person["teams_user_id"],
        hr=person["is_hr"],
        review_month=person["review_month"],
        working_days=tuple(person["working_days"]) if person["working_days"] else None,
        employment=person["employment"],
        agency=person["agency"],
        agency_contact_email=person["agency_contact_email"],
    )


async def _ids(session: AsyncSession) -> dict[str, int]:
    return {email: id_ for email, id_ in await session.execute(select(Person.email, Person.id))}


def _wanted(row: OrgRow, columns: frozenset[str], stored: Mapping[str, PersonRow]) -> PersonRow:
    """The person as they should be after the import."""
    current = stored.get(row.email) or PersonRow(
        email=row.email,
        name=row.name,
        manager_email=None,
        department=None,
        locale=None,
        timezone=None,
        slack_user_id=None,
        teams_user_id=None,
        hr=False,
        review_month=None,
    )
    # An absent column keeps what is stored; a present column, even an empty cell, wins.
    changes: dict[str, Any] = {field: getattr(row, field) for field in FIELDS if field in columns}
    if "hr" in changes:
        changes["hr"] = bool(changes["hr"])
    if "employment" in changes:
        changes["employment"] = changes["employment"] or PERMANENT
    return replace(current, **changes)


def _without_managers(
    wanted: Mapping[str, PersonRow], leaving: frozenset[str]
) -> dict[str, PersonRow]:
    """Who keeps a stored manager that leaves (the file has no manager column) has none."""
    return {
        email: replace(row, manager_email=None) if row.manager_email in leaving else row
        for email, row in wanted.items()
    }


def _database_problems(
    rows: Sequence[OrgRow], wanted: Mapping[str, PersonRow], existing: _Existing, full: bool
) -> list[Problem]:
    """What is wrong only once the file is merged with what is already stored."""
    return (
        _agency_problems(rows, wanted)
        + _unknown_managers(rows, wanted, existing, full)
        + _manager_loops(rows, wanted, existing.rows)
        + _taken_chat_ids(rows, existing.rows)
    )


def _agency_problems(rows: Sequence[OrgRow], wanted: Mapping[str, PersonRow]) -> list[Problem]:
    """An agency worker needs their agency and its contact (party to the pay and contract
    terms of their agreements); nobody else has them. Checked on the person as they will be,
    so a file without these columns is judged with what is stored."""
    problems: list[Problem] = []
    for row in rows:
        person = wanted[row.email]
        missing = [
            column
            for column in ("agency", "agency_contact_email")
            if getattr(person, column) is None
        ]
        if person.employment == AGENCY and missing:
            problems.append(
                (
                    row.row_number,
                    f"employment is agency but {' and '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} empty; fill in the agency and "
                    "the e-mail address of its contact, or choose employment permanent or "
                    "temporary",
                )
            )
        elif person.employment != AGENCY and len(missing) < 2:
            problems.append(
                (
                    row.row_number,
                    f"agency and agency_contact_email are for agency workers only, but "
                    f"employment is {person.employment}; set employment to agency or clear "
                    "them",
                )
            )
    return problems


def _unknown_managers(
    rows: Sequence[OrgRow], wanted: Mapping[str, PersonRow], existing: _Existing, full: bool
) -> list[Problem]:
    """Managers who are not in the file and, unless it is the whole organisation (`full`),
    not among the people taking part either."""
    problems: list[Problem] = []
    for row in rows:
        manager = row.manager_email
        if not manager or manager in wanted or (not full and manager in existing.active):
            continue
        if full:
            hint = "is not in the file, which is the whole organisation; add them to it"
        elif manager in existing.inactive:
            hint = "has left; add them to the file to bring them back, or name another manager"
        else:
            hint = "is unknown; add them to the file or import them first"
        problems.append((row.row_number, f"manager '{manager}' {hint}"))
    return problems


def _manager_loops(
    rows: Sequence[OrgRow], wanted: Mapping[str, PersonRow], stored: Mapping[str, PersonRow]
) -> list[Problem]:
    """Each manager loop the file would create, once, on the loop's first row in the file."""
    manager_of = {email: row.manager_email for email, row in stored.items()}
    manager_of.update((email, row.manager_email) for email, row in wanted.items())
    row_of = {row.email: row.row_number for row in rows}
    problems: list[Problem] = []
    for loop in _loops(manager_of, list(wanted)):
        in_file = [email for email in loop if email in row_of]
        if not in_file:
            continue  # an older loop in the database that this file does not touch
        first = min(in_file, key=row_of.__getitem__)
        start = loop.index(first)
        chain = [*loop[start:], *loop[:start], first]
        problems.append((row_of[first], "manager chain loops: " + " -> ".join(chain)))
    return problems


def _loops(manager_of: Mapping[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """The loops reachable from `starts`; each person is walked once, so this stays linear."""
    done: set[str] = set()
    loops: list[list[str]] = []
    for start in starts:
        path: dict[str, None] = {}  # ordered, with fast membership
        person: str | None = start
        while person is not None and person not in done and person not in path:
            path[person] = None
            person = manager_of.get(person)
        if person is not None and person in path:
            walked = list(path)
            loops.append(walked[walked.index(person) :])
        done.update(path)
    return loops


def _taken_chat_ids(rows: Sequence[OrgRow], stored: Mapping[str, PersonRow]) -> list[Problem]:
    """Chat accounts the file gives to someone while another stored person has them.

    Moving an account between people takes two imports (clear, then set), because the
    database checks uniqueness on every statement, not at commit.
    """
    problems: list[Problem] = []
    for column in ("slack_user_id", "teams_user_id"):
        owners = {getattr(p, column): p.email for p in stored.values() if getattr(p, column)}
        for row in rows:
            owner = owners.get(getattr(row, column))
            if owner is not None and owner != row.email:
                problems.append(
                    (
                        row.row_number,
                        f"{column} '{getattr(row, column)}' already belongs to {owner}; "
                        f"correct this row, or clear it for {owner} in an earlier import",
                    )
                )
    return problems


def _compare(wanted: Mapping[str, PersonRow], stored: Mapping[str, PersonRow]) -> ImportResult:
    created = [email for email in wanted if email not in stored]
    updated = [email for email, row in wanted.items() if email in stored and row != stored[email]]
    unchanged = [email for email, row in wanted.items() if stored.get(email) == row]
    changes = {
        email: [
            (name, getattr(stored[email], name), getattr(wanted[email], name))
            for name in FIELDS
            if getattr(stored[email], name) != getattr(wanted[email], name)
        ]
        for email in updated
    }
    return ImportResult(created=created, updated=updated, unchanged=unchanged, changes=changes)


async def _write(
    session: AsyncSession,
    wanted: Mapping[str, PersonRow],
    result: ImportResult,
    existing: _Existing,
    now: datetime,
) -> None:
    """Bulk statements, not one per person: an organisation of 50,000 imports in seconds."""
    department_ids = await _add_departments(session, wanted.values(), existing.department_ids)
    ids = dict(existing.ids)
    if result.created:
        new = [_new_person(wanted[email], ids, department_ids, now) for email in result.created]
        await session.execute(insert(Person), new)
        ids = await _ids(session)
        late = _late_managers([wanted[email] for email in result.created], existing.ids, ids)
        if late:
            await session.execute(update(Person), late)
    if result.updated:
        changed = [
            {"id": ids[email], **_values(wanted[email], ids, department_ids), "updated_at": now}
            for email in result.updated
        ]
        await session.execute(update(Person), changed)
    await leavers.come_back(session, [ids[email] for email in result.returned], now)
    await leavers.leave(session, [ids[email] for email in result.left], now)


def _new_person(
    row: PersonRow, ids: Mapping[str, int], department_ids: Mapping[str, int], now: datetime
) -> dict[str, Any]:
    values = _values(row, ids, department_ids)
    return {**values, "email": row.email, "active": True, "created_at": now, "updated_at": now}


def _late_managers(
    created: Iterable[PersonRow], ids_before: Mapping[str, int], ids: Mapping[str, int]
) -> list[dict[str, Any]]:
    """New people whose manager is new too: the manager had no id yet when they were inserted."""
    return [
        {"id": ids[row.email], "manager_id": ids[row.manager_email]}
        for row in created
        if row.manager_email is not None and row.manager_email not in ids_before
    ]


async def _add_departments(
    session: AsyncSession, wanted: Iterable[PersonRow], known: Mapping[str, int]
) -> dict[str, int]:
    """Department ids by name, creating the departments the file names for the first time."""
    names = {row.department for row in wanted if row.department} - known.keys()
    departments = [Department(name=name) for name in sorted(names)]
    session.add_all(departments)
    await session.flush()
    return {**known, **{department.name: department.id for department in departments}}


def _values(
    row: PersonRow, ids: Mapping[str, int], department_ids: Mapping[str, int]
) -> dict[str, Any]:
    """The person's columns; a manager without an id yet is left empty for a later update."""
    return {
        "name": row.name,
        "manager_id": ids.get(row.manager_email) if row.manager_email else None,
        "department_id": department_ids[row.department] if row.department else None,
        "locale": row.locale,
        "timezone": row.timezone,
        "slack_user_id": row.slack_user_id,
        "teams_user_id": row.teams_user_id,
        "is_hr": row.hr,
        "review_month": row.review_month,
        "working_days": list(row.working_days) if row.working_days else None,
        "employment": row.employment,
        "agency": row.agency,
        "agency_contact_email": row.agency_contact_email,
    }
