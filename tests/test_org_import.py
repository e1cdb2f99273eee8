"""The organisation CSV: parsing and its error texts, and importing into the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.org.org_file import OrgImportError, OrgRow, parse_org_csv
from bot.org.organisation import ImportResult, PersonRow, import_org, list_people
from bot.storage.database import Database
from bot.storage.models import Department, Person

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)

ORG = """\
email,name,manager_email,locale,timezone,department,slack_user_id,teams_user_id,hr,review_month
boss@acme.nl,Bea Baas,,nl,Europe/Amsterdam,Board,U001,,no,
ann@acme.nl,Ann Jansen,boss@acme.nl,en,Europe/London,Sales,U002,29:ann,yes,3
piet@acme.nl,Piet Puk,ann@acme.nl,,,Sales,,,,
"""


def csv_of(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def errors_of(text: str) -> list[str]:
    with pytest.raises(OrgImportError) as raised:
        parse_org_csv(text)
    return raised.value.errors


async def people_by_email(db: Database) -> dict[str, PersonRow]:
    return {row.email: row for row in await list_people(db)}


async def stamps(db: Database) -> dict[str, tuple[datetime, datetime]]:
    async with db.session() as session:
        people = await session.scalars(select(Person))
        return {p.email: (p.created_at, p.updated_at) for p in people}


# --- Parsing --------------------------------------------------------------------------------


def test_parse_reads_every_column() -> None:
    rows = parse_org_csv(ORG)
    assert rows[1] == OrgRow(
        row_number=3,
        email="ann@acme.nl",
        name="Ann Jansen",
        manager_email="boss@acme.nl",
        locale="en",
        timezone="Europe/London",
        department="Sales",
        slack_user_id="U002",
        teams_user_id="29:ann",
        hr=True,
        review_month=3,
    )
    assert rows[2] == OrgRow(
        row_number=4,
        email="piet@acme.nl",
        name="Piet Puk",
        manager_email="ann@acme.nl",
        department="Sales",
    )


def test_parse_trims_and_lowercases_emails_and_header() -> None:
    rows = parse_org_csv(
        csv_of(" Email , NAME ,Manager_Email", " Jan@ACME.nl , Jan , BOSS@acme.nl ")
    )
    assert rows == [OrgRow(2, "jan@acme.nl", "Jan", manager_email="boss@acme.nl")]


def test_parse_accepts_semicolons_and_a_bom() -> None:
    rows = parse_org_csv("\ufeffemail;name;department\r\njan@acme.nl;Jan, de Vries;Sales\r\n")
    assert rows == [OrgRow(2, "jan@acme.nl", "Jan, de Vries", department="Sales")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[("true", True), ("Yes", True), ("1", True), ("JA", True)],
        *[("false", False), ("no", False), ("0", False), ("Nee", False), ("", None)],
    ],
)
def test_parse_hr_accepts_english_dutch_and_digits(cell: str, expected: bool | None) -> None:
    assert parse_org_csv(csv_of("email,name,hr", f"a@x.nl,A,{cell}"))[0].hr is expected


def test_blank_lines_are_skipped_but_still_count_as_rows() -> None:
    rows = parse_org_csv(csv_of("email,name", "a@x.nl,A", "", ",", "b@x.nl,B"))
    assert [row.row_number for row in rows] == [2, 5]


def test_every_cell_error_is_reported_with_its_spreadsheet_row() -> None:
    errors = errors_of(
        csv_of(
            "email,name,locale,timezone,hr,review_month,manager_email",
            "jan@,Jan,nl,Europe/Amsterdam,no,1,",
            "ok@x.nl,,de,Europe/Amsterdm,maybe,13,boss@",
        )
    )
    assert errors == [
        "row 2: email 'jan@' is not a valid email address (expected name@example.com)",
        "row 3: name is empty; fill it in",
        "row 3: manager_email 'boss@' is not a valid email address (expected name@example.com)",
        "row 3: locale 'de' must be nl or en",
        "row 3: timezone 'Europe/Amsterdm' is not an IANA time zone (for example Europe/Amsterdam)",
        "row 3: hr 'maybe' must be true or false (yes/no, ja/nee and 1/0 work too)",
        "row 3: review_month '13' must be a month number from 1 to 12",
    ]


def test_header_errors_name_row_1_and_list_the_known_columns() -> None:
    errors = errors_of(csv_of("Email,manger_email,email,", "a@x.nl,b@x.nl,a@x.nl,"))
    assert errors == [
        "row 1: unknown column 'manger_email' (known columns: email, name, manager_email, "
        "locale, timezone, department, slack_user_id, teams_user_id, hr, review_month, "
        "working_days, employment, agency, agency_contact_email)",
        "row 1: column 'email' appears twice; keep one of them",
        "row 1: column 4 has no name; name it or delete it",
        "row 1: required column 'name' is missing; the header needs at least email,name",
    ]


def test_duplicates_name_both_rows() -> None:
    errors = errors_of(
        csv_of(
            "email,name,slack_user_id,teams_user_id",
            "a@x.nl,A,U1,T1",
            "b@x.nl,B,U1,T2",
            "A@X.nl,A again,,T1",
        )
    )
    assert errors == [
        "row 3: slack_user_id 'U1' is also on row 2; a Slack account belongs to one person",
        "row 4: email 'a@x.nl' is also on row 2; keep one row per person",
        "row 4: teams_user_id 'T1' is also on row 2; a Teams account belongs to one person",
    ]


def test_rows_with_the_wrong_number_of_cells_are_errors() -> None:
    errors = errors_of(csv_of("email,name,department", "a@x.nl,A", "b@x.nl,B,Sales,extra"))
    assert errors == [
        "row 2: has 2 cells but the header has 3 columns; "
        "check for a stray separator or a missing cell",
        "row 3: has 4 cells but the header has 3 columns; "
        "check for a stray separator or a missing cell",
    ]


def test_too_long_values_are_errors_before_the_database_sees_them() -> None:
    errors = errors_of(csv_of("email,name,slack_user_id", f"a@x.nl,A,U{'9' * 40}"))
    assert errors == ["row 2: slack_user_id is 41 characters; at most 32 fit"]


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " , \n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    assert errors_of(text) == [
        "row 1: the file is empty; start with a header row such as email,name"
    ]


def test_a_header_without_people_is_an_error() -> None:
    assert errors_of("email,name\n") == [
        "row 2: there are no people below the header; add one row per person"
    ]


def test_the_error_text_lists_one_problem_per_line() -> None:
    with pytest.raises(OrgImportError) as raised:
        parse_org_csv(csv_of("email,name", "a@,A", "b@x.nl,"))
    assert str(raised.value) == (
        "row 2: email 'a@' is not a valid email address (expected name@example.com)\n"
        "row 3: name is empty; fill it in"
    )
    assert isinstance(raised.value, ValueError)


# --- Importing ------------------------------------------------------------------------------


async def test_import_creates_people_managers_and_departments(db: Database) -> None:
    result = await import_org(db, ORG, T0)

    assert result == ImportResult(
        created=["boss@acme.nl", "ann@acme.nl", "piet@acme.nl"], updated=[], unchanged=[]
    )
    people = await people_by_email(db)
    assert list(people) == ["ann@acme.nl", "boss@acme.nl", "piet@acme.nl"]
    assert people["ann@acme.nl"] == PersonRow(
        email="ann@acme.nl",
        name="Ann Jansen",
        manager_email="boss@acme.nl",
        department="Sales",
        locale="en",
        timezone="Europe/London",
        slack_user_id="U002",
        teams_user_id="29:ann",
        hr=True,
        review_month=3,
    )
    assert people["piet@acme.nl"].manager_email == "ann@acme.nl"
    assert people["boss@acme.nl"].manager_email is None
    assert people["boss@acme.nl"].hr is False
    async with db.session() as session:
        departments = await session.scalars(select(Department.name).order_by(Department.name))
        assert list(departments) == ["Board", "Sales"]
        assert await session.scalar(select(func.count()).where(Person.active)) == 3
    assert set((await stamps(db)).values()) == {(T0, T0)}


async def test_a_manager_listed_below_their_report_is_fine(db: Database) -> None:
    await import_org(db, csv_of("email,name,manager_email", "a@x.nl,A,b@x.nl", "b@x.nl,B,"), T0)
    assert (await people_by_email(db))["a@x.nl"].manager_email == "b@x.nl"


async def test_reimporting_the_same_file_changes_nothing(db: Database) -> None:
    await import_org(db, ORG, T0)
    before = await people_by_email(db)

    result = await import_org(db, ORG, T1)

    assert result == ImportResult(
        created=[], updated=[], unchanged=["boss@acme.nl", "ann@acme.nl", "piet@acme.nl"]
    )
    assert await people_by_email(db) == before
    assert set((await stamps(db)).values()) == {(T0, T0)}


async def test_an_update_changes_only_that_person(db: Database) -> None:
    await import_org(db, ORG, T0)
    changed = ORG.replace("Piet Puk,ann@acme.nl,,,Sales", "Piet Puk,boss@acme.nl,nl,,Support")

    result = await import_org(db, changed, T1)

    assert result == ImportResult(
        created=[], updated=["piet@acme.nl"], unchanged=["boss@acme.nl", "ann@acme.nl"]
    )
    piet = (await people_by_email(db))["piet@acme.nl"]
    assert (piet.manager_email, piet.locale, piet.department) == ("boss@acme.nl", "nl", "Support")
    times = await stamps(db)
    assert times["piet@acme.nl"] == (T0, T1)
    assert times["ann@acme.nl"] == (T0, T0)


async def test_an_update_can_name_a_manager_created_by_the_same_import(db: Database) -> None:
    await import_org(db, ORG, T0)
    text = csv_of(
        "email,name,manager_email", "piet@acme.nl,Piet Puk,lead@acme.nl", "lead@acme.nl,L,"
    )

    result = await import_org(db, text, T1)

    assert result == ImportResult(created=["lead@acme.nl"], updated=["piet@acme.nl"], unchanged=[])
    people = await people_by_email(db)
    assert people["piet@acme.nl"].manager_email == "lead@acme.nl"
    assert people["piet@acme.nl"].department == "Sales"


async def test_an_absent_column_leaves_the_stored_value_alone(db: Database) -> None:
    await import_org(db, ORG, T0)
    before = await people_by_email(db)

    result = await import_org(db, csv_of("email,name", "ann@acme.nl,Ann de Vries"), T1)

    assert result == ImportResult(created=[], updated=["ann@acme.nl"], unchanged=[])
    after = await people_by_email(db)
    assert after["ann@acme.nl"] == PersonRow(
        **{**before["ann@acme.nl"].__dict__, "name": "Ann de Vries"}
    )
    assert after["boss@acme.nl"] == before["boss@acme.nl"]


async def test_an_empty_cell_in_a_present_column_clears_the_value(db: Database) -> None:
    await import_org(db, ORG, T0)
    text = csv_of(
        "email,name,manager_email,department,slack_user_id,teams_user_id,hr,review_month",
        "ann@acme.nl,Ann Jansen,,,,,,",
    )

    await import_org(db, text, T1)

    ann = (await people_by_email(db))["ann@acme.nl"]
    assert ann == PersonRow(
        email="ann@acme.nl",
        name="Ann Jansen",
        manager_email=None,
        department=None,
        locale="en",
        timezone="Europe/London",
        slack_user_id=None,
        teams_user_id=None,
        hr=False,
        review_month=None,
    )


async def test_a_manager_already_in_the_database_is_accepted(db: Database) -> None:
    await import_org(db, csv_of("email,name", "boss@acme.nl,Bea"), T0)

    result = await import_org(
        db, csv_of("email,name,manager_email", "new@acme.nl,Nieuw,Boss@Acme.nl"), T1
    )

    assert result.created == ["new@acme.nl"]
    assert (await people_by_email(db))["new@acme.nl"].manager_email == "boss@acme.nl"


async def test_a_file_with_many_errors_reports_all_and_writes_nothing(db: Database) -> None:
    await import_org(db, ORG, T0)
    before = await people_by_email(db)
    text = csv_of(
        "email,name,manager_email,timezone,locale,manger_email",
        "jan@,Jan,,,,",  # row 2
        "a@acme.nl,A,b@acme.nl,,,",  # row 3
        "b@acme.nl,B,a@acme.nl,,,",  # row 4
        "c@acme.nl,C,nobody@acme.nl,Europe/Amsterdm,,",  # row 5
        "d@acme.nl,D,,,de,",  # row 6
        "A@acme.nl,A twice,,,,",  # row 7
        "self@acme.nl,Self,self@acme.nl,,,",  # row 8
        "new@acme.nl,New person,boss@acme.nl,,,",  # row 9: fine on its own
    )

    with pytest.raises(OrgImportError) as raised:
        await import_org(db, text, T1)

    assert raised.value.errors == [
        "row 1: unknown column 'manger_email' (known columns: email, name, manager_email, "
        "locale, timezone, department, slack_user_id, teams_user_id, hr, review_month, "
        "working_days, employment, agency, agency_contact_email)",
        "row 2: email 'jan@' is not a valid email address (expected name@example.com)",
        "row 3: manager chain loops: a@acme.nl -> b@acme.nl -> a@acme.nl",
        "row 5: timezone 'Europe/Amsterdm' is not an IANA time zone (for example Europe/Amsterdam)",
        "row 5: manager 'nobody@acme.nl' is unknown; add them to the file or import them first",
        "row 6: locale 'de' must be nl or en",
        "row 7: email 'a@acme.nl' is also on row 3; keep one row per person",
        "row 8: manager chain loops: self@acme.nl -> self@acme.nl",
    ]
    assert await people_by_email(db) == before
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 2


async def test_a_loop_through_the_database_is_caught(db: Database) -> None:
    await import_org(db, csv_of("email,name,manager_email", "b@x.nl,B,", "a@x.nl,A,b@x.nl"), T0)

    with pytest.raises(OrgImportError) as raised:
        await import_org(db, csv_of("email,name,manager_email", "b@x.nl,B,a@x.nl"), T1)

    assert raised.value.errors == ["row 2: manager chain loops: b@x.nl -> a@x.nl -> b@x.nl"]


async def test_a_chat_id_of_another_stored_person_is_refused(db: Database) -> None:
    await import_org(db, ORG, T0)
    text = csv_of(
        "email,name,slack_user_id,teams_user_id",
        "new@acme.nl,New,U001,29:ann",
        "ann@acme.nl,Ann Jansen,U002,29:ann",
    )

    with pytest.raises(OrgImportError) as raised:
        await import_org(db, text, T1)

    assert raised.value.errors == [
        "row 2: slack_user_id 'U001' already belongs to boss@acme.nl; "
        "correct this row, or clear it for boss@acme.nl in an earlier import",
        "row 2: teams_user_id '29:ann' already belongs to ann@acme.nl; "
        "correct this row, or clear it for ann@acme.nl in an earlier import",
        "row 3: teams_user_id '29:ann' is also on row 2; a Teams account belongs to one person",
    ]


async def test_a_dry_run_reports_what_would_change_and_writes_nothing(db: Database) -> None:
    await import_org(db, ORG, T0)
    before = await people_by_email(db)
    text = csv_of(
        "email,name,department",
        "boss@acme.nl,Bea Baas,Board",
        "ann@acme.nl,Ann Jansen,Marketing",
        "new@acme.nl,Nieuw,Marketing",
    )

    result = await import_org(db, text, T1, dry_run=True)

    assert result == ImportResult(
        created=["new@acme.nl"], updated=["ann@acme.nl"], unchanged=["boss@acme.nl"]
    )
    assert await people_by_email(db) == before
    async with db.session() as session:
        departments = await session.scalars(select(Department.name).order_by(Department.name))
        assert list(departments) == ["Board", "Sales"]
    assert await import_org(db, text, T1) == result


async def test_a_dry_run_still_reports_errors(db: Database) -> None:
    with pytest.raises(OrgImportError, match=r"manager 'x@y\.nl' is unknown"):
        await import_org(
            db, csv_of("email,name,manager_email", "a@x.nl,A,x@y.nl"), T0, dry_run=True
        )


async def test_a_semicolon_file_with_a_bom_imports(db: Database) -> None:
    text = (
        "\ufeffEmail;Name;Manager_email;HR\r\n"
        "baas@acme.nl;Bea;;ja\r\n"
        "jan@acme.nl;Jan;baas@acme.nl;nee\r\n"
    )

    result = await import_org(db, text, T0)

    assert result.created == ["baas@acme.nl", "jan@acme.nl"]
    people = await people_by_email(db)
    assert people["baas@acme.nl"].hr is True
    assert people["jan@acme.nl"].manager_email == "baas@acme.nl"


async def test_import_refuses_a_naive_now(db: Database) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await import_org(db, ORG, datetime(2027, 3, 1, 9, 0))
    assert await list_people(db) == []


def test_part_time_working_days_are_read_and_checked() -> None:
    [row] = parse_org_csv(csv_of("email,name,working_days", 'a@x.nl,Ann,"mon, tue / thu"'))
    assert row.working_days == ("mon", "tue", "thu")
    errors = errors_of(csv_of("email,name,working_days", "a@x.nl,Ann,mon someday"))
    assert errors == [
        "row 2: working_days 'mon someday' must list weekdays, for example 'mon tue wed thu'"
    ]


# --- Employment: temporary and agency workers -----------------------------------------------

STAFF = csv_of(
    "email,name,manager_email,employment,agency,agency_contact_email",
    "boss@acme.nl,Bea Baas,,,,",
    "tim@acme.nl,Tim Tijdelijk,boss@acme.nl,temporary,,",
    "uma@acme.nl,Uma Uitzend,boss@acme.nl,Agency,Flex BV,Planner@Flex.example",
)


async def test_employment_agency_and_contact_are_imported(db: Database) -> None:
    await import_org(db, STAFF, T0)
    people = await people_by_email(db)
    assert people["boss@acme.nl"].employment == "permanent"
    assert people["tim@acme.nl"].employment == "temporary"
    uma = people["uma@acme.nl"]
    assert (uma.employment, uma.agency, uma.agency_contact_email) == (
        "agency",
        "Flex BV",
        "planner@flex.example",
    )


def test_an_unknown_employment_names_the_row_and_the_allowed_values() -> None:
    errors = errors_of(csv_of("email,name,employment", "a@x.nl,A,vast", "b@x.nl,B,contract"))
    assert errors == [
        "row 2: employment 'vast' is not an employment; use one of permanent, temporary, agency",
        "row 3: employment 'contract' is not an employment; use one of permanent, temporary, "
        "agency",
    ]


def test_a_bad_agency_contact_email_uses_the_email_check() -> None:
    errors = errors_of(
        csv_of("email,name,employment,agency,agency_contact_email", "a@x.nl,A,agency,Flex,flex@")
    )
    assert errors == [
        "row 2: agency_contact_email 'flex@' is not a valid email address "
        "(expected name@example.com)"
    ]


async def test_agency_workers_without_agency_or_contact_change_nothing(db: Database) -> None:
    await import_org(db, STAFF, T0)
    before = await people_by_email(db)
    bad = csv_of(
        "email,name,manager_email,employment,agency,agency_contact_email",
        "boss@acme.nl,Bea Baas,,,Flex BV,",
        "tim@acme.nl,Tim Tijdelijk,boss@acme.nl,agency,,",
        "uma@acme.nl,Uma Uitzend,boss@acme.nl,agency,Flex BV,",
        "new@acme.nl,Nieuw,boss@acme.nl,temporary,,",
    )
    with pytest.raises(OrgImportError) as raised:
        await import_org(db, bad, T1)
    assert raised.value.errors == [
        "row 2: agency and agency_contact_email are for agency workers only, but employment "
        "is permanent; set employment to agency or clear them",
        "row 3: employment is agency but agency and agency_contact_email are empty; fill in "
        "the agency and the e-mail address of its contact, or choose employment permanent or "
        "temporary",
        "row 4: employment is agency but agency_contact_email is empty; fill in the agency and "
        "the e-mail address of its contact, or choose employment permanent or temporary",
    ]
    assert await people_by_email(db) == before


async def test_a_file_without_the_agency_columns_keeps_what_is_stored(db: Database) -> None:
    await import_org(db, STAFF, T0)
    result = await import_org(
        db, csv_of("email,name", "uma@acme.nl,Uma Uitzend", "tim@acme.nl,Tim Tijdelijk"), T1
    )
    assert result.updated == []
    assert (await people_by_email(db))["uma@acme.nl"].agency == "Flex BV"
    # Becoming permanent clears the agency in the same file; an empty cell is permanent.
    await import_org(
        db,
        csv_of("email,name,employment,agency,agency_contact_email", "uma@acme.nl,Uma,,,"),
        T1,
    )
    uma = (await people_by_email(db))["uma@acme.nl"]
    assert (uma.employment, uma.agency, uma.agency_contact_email) == ("permanent", None, None)
