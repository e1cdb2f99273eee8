"""The organisation file: an HR export, often edited in a spreadsheet, read and checked
cell by cell. Every problem is reported at once, with the row number the spreadsheet shows
and how to fix it; what the database must also agree with is checked by the import."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.storage.models import EMPLOYMENTS
from dialogs.dates import in_week_order, weekday
from dialogs.messages import LOCALES
from dialogs.validators import as_locale, is_email, is_time_zone

REQUIRED_COLUMNS = ("email", "name")


OPTIONAL_COLUMNS = (
    "manager_email",
    "locale",
    "timezone",
    "department",
    "slack_user_id",
    "teams_user_id",
    "hr",
    "review_month",
    "working_days",
    "employment",
    "agency",
    "agency_contact_email",
)


COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


# The columns an import may change on a person who already exists (all but the key).
FIELDS = COLUMNS[1:]


# The schema's column widths: a longer value would only fail halfway through the write.
_MAX_LENGTH = {
    "email": 320,
    "name": 200,
    "manager_email": 320,
    "department": 200,
    "slack_user_id": 32,
    "teams_user_id": 200,
    "agency": 200,
    "agency_contact_email": 320,
}


# How a person is employed; an empty cell (or no column, for someone new) is permanent.


PERMANENT = "permanent"


AGENCY = "agency"


_TRUE = frozenset({"true", "yes", "1", "ja"})


_FALSE = frozenset({"false", "no", "0", "nee"})


T = TypeVar("T")


# A problem with the file: the spreadsheet row it is on, and what is wrong and how to fix it.
Problem = tuple[int, str]


@dataclass(frozen=True)
class OrgRow:
    """One person as the file describes them; optional fields are None when absent or empty."""

    row_number: int
    email: str
    name: str
    manager_email: str | None = None
    locale: str | None = None
    timezone: str | None = None
    department: str | None = None
    slack_user_id: str | None = None
    teams_user_id: str | None = None
    hr: bool | None = None
    review_month: int | None = None
    working_days: tuple[str, ...] | None = None
    employment: str | None = None
    agency: str | None = None
    agency_contact_email: str | None = None


class OrgImportError(ValueError):
    """The file has problems; `errors` holds each, and str() lists them one per line."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


def parse_org_csv(text: str) -> list[OrgRow]:
    """The people in an organisation CSV, or OrgImportError listing every problem in it."""
    parsed = parse_file(text)
    raise_if_any(parsed.problems)
    return parsed.rows


@dataclass(frozen=True)
class _Parsed:
    rows: list[OrgRow]
    columns: frozenset[str]
    problems: list[Problem]


class _BadCell(ValueError):
    """A cell's value is wrong; the message finishes the sentence "<column> '<value>' ..."."""


def parse_file(text: str) -> _Parsed:
    """Every row that has a valid email, and every problem found on the way."""
    problems: list[Problem] = []
    records = _records(text, problems)
    if all(_is_blank(record) for record in records):
        problems.append((1, "the file is empty; start with a header row such as email,name"))
        return _Parsed([], frozenset(), problems)
    if _is_blank(records[0]):
        problems.append((1, "the first row must be the header (such as email,name) but is empty"))
        return _Parsed([], frozenset(), problems)
    columns = _read_header(records[0], problems)
    rows = _read_rows(records[1:], columns, len(records[0]), problems)
    problems += duplicates(rows)
    # A repeated email is already an error; its first row alone goes on to the later checks.
    first_rows: dict[str, OrgRow] = {}
    for row in rows:
        first_rows.setdefault(row.email, row)
    return _Parsed(list(first_rows.values()), frozenset(columns), problems)


def _records(text: str, problems: list[Problem]) -> list[list[str]]:
    """The file's records; Dutch spreadsheets save with ';' and often put a BOM in front."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as error:
        problems.append((len(records) + 1, f"the file cannot be read as CSV: {error}"))
    return records


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _read_header(cells: Sequence[str], problems: list[Problem]) -> dict[str, int]:
    """Where each known column is; header names ignore case and surrounding spaces."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = cell.strip().lower()
        if not column:
            problems.append((1, f"column {position + 1} has no name; name it or delete it"))
        elif column not in COLUMNS:
            problems.append(
                (1, f"unknown column '{cell.strip()}' (known columns: {', '.join(COLUMNS)})")
            )
        elif column in positions:
            problems.append((1, f"column '{column}' appears twice; keep one of them"))
        else:
            positions[column] = position
    problems.extend(
        (1, f"required column '{column}' is missing; the header needs at least email,name")
        for column in REQUIRED_COLUMNS
        if column not in positions
    )
    return positions


def _read_rows(
    records: Sequence[Sequence[str]],
    columns: Mapping[str, int],
    width: int,
    problems: list[Problem],
) -> list[OrgRow]:
    rows: list[OrgRow] = []
    seen_any = False
    # The header is spreadsheet row 1, so the first data record is row 2.
    for row_number, cells in enumerate(records, start=2):
        if _is_blank(cells):
            continue
        seen_any = True
        if len(cells) != width:
            problems.append(
                (
                    row_number,
                    f"has {len(cells)} cells but the header has {width} columns; "
                    "check for a stray separator or a missing cell",
                )
            )
        values = {c: cells[i].strip() if i < len(cells) else "" for c, i in columns.items()}
        row = _read_row(_Cells(row_number, values, problems))
        if row is not None:
            rows.append(row)
    if not seen_any:
        problems.append((2, "there are no people below the header; add one row per person"))
    return rows


class _Cells:
    """One data row's cells by column; each bad cell adds a problem and reads as None."""

    def __init__(self, row_number: int, values: dict[str, str], problems: list[Problem]) -> None:
        self.row_number = row_number
        self.values = values
        self.problems = problems

    def required(self, column: str, parse: Callable[[str], T]) -> T | None:
        if column in self.values and not self.values[column]:
            self.problems.append((self.row_number, f"{column} is empty; fill it in"))
        return self.optional(column, parse)

    def optional(self, column: str, parse: Callable[[str], T]) -> T | None:
        raw = self.values.get(column, "")
        if not raw:
            return None
        limit = _MAX_LENGTH.get(column)
        if limit is not None and len(raw) > limit:
            self.problems.append(
                (self.row_number, f"{column} is {len(raw)} characters; at most {limit} fit")
            )
            return None
        try:
            return parse(raw)
        except _BadCell as bad:
            self.problems.append((self.row_number, f"{column} '{raw}' {bad}"))
            return None


def _read_row(cells: _Cells) -> OrgRow | None:
    """The row as an OrgRow, or None without a usable email: it cannot be matched to anyone."""
    email = cells.required("email", _email)
    name = cells.required("name", str)
    row = OrgRow(
        row_number=cells.row_number,
        email=email or "",
        name=name or "",
        manager_email=cells.optional("manager_email", _email),
        locale=cells.optional("locale", _locale),
        timezone=cells.optional("timezone", _timezone),
        department=cells.optional("department", str),
        slack_user_id=cells.optional("slack_user_id", str),
        teams_user_id=cells.optional("teams_user_id", str),
        hr=cells.optional("hr", _yes_no),
        review_month=cells.optional("review_month", _month),
        working_days=cells.optional("working_days", _working_days),
        employment=cells.optional("employment", _employment),
        agency=cells.optional("agency", str),
        agency_contact_email=cells.optional("agency_contact_email", _email),
    )
    return row if email else None


def _email(raw: str) -> str:
    email = raw.lower()
    if not is_email(email):
        raise _BadCell("is not a valid email address (expected name@example.com)")
    return email


def _employment(raw: str) -> str:
    employment = raw.lower()
    if employment not in EMPLOYMENTS:
        raise _BadCell(f"is not an employment; use one of {', '.join(EMPLOYMENTS)}")
    return employment


def _locale(raw: str) -> str:
    locale = as_locale(raw)
    if locale is None:
        raise _BadCell(f"must be {' or '.join(LOCALES)}")
    return locale


def _timezone(raw: str) -> str:
    if not is_time_zone(raw):
        raise _BadCell("is not an IANA time zone (for example Europe/Amsterdam)")
    return raw


def _yes_no(raw: str) -> bool:
    answer = raw.lower()
    if answer not in _TRUE | _FALSE:
        raise _BadCell("must be true or false (yes/no, ja/nee and 1/0 work too)")
    return answer in _TRUE


def _month(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 12:
        raise _BadCell("must be a month number from 1 to 12")
    return int(raw)


def _working_days(raw: str) -> tuple[str, ...]:
    """Part-time weeks, e.g. 'mon tue thu' (spaces, commas or slashes between the days)."""
    days = [weekday(part) for part in re.split(r"[\s,/|]+", raw) if part]
    if not days or None in days:
        raise _BadCell("must list weekdays, for example 'mon tue wed thu'")
    return in_week_order(day for day in days if day is not None)


_DUPLICATE_HINTS = {
    "email": "keep one row per person",
    "slack_user_id": "a Slack account belongs to one person",
    "teams_user_id": "a Teams account belongs to one person",
}


def duplicates(rows: Iterable[OrgRow]) -> list[Problem]:
    """Values that must be unique but appear on several rows, reported on the later row."""
    problems: list[Problem] = []
    for column, hint in _DUPLICATE_HINTS.items():
        first_row: dict[str, int] = {}
        for row in rows:
            value = getattr(row, column)
            if value is None:
                continue
            if value in first_row:
                problems.append(
                    (
                        row.row_number,
                        f"{column} '{value}' is also on row {first_row[value]}; {hint}",
                    )
                )
            else:
                first_row[value] = row.row_number
    return problems


def raise_if_any(problems: Iterable[Problem]) -> None:
    ordered = sorted(problems, key=lambda problem: problem[0])
    if ordered:
        raise OrgImportError([f"row {row_number}: {message}" for row_number, message in ordered])
