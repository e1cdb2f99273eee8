"""One rule for an address, a time zone and a language, wherever one is read."""

from __future__ import annotations

import pytest

from bot.org.org_file import OrgImportError, parse_org_csv
from bot.schedules.file import ScheduleFileError, parse_schedules
from dialogs.validators import as_locale, is_email, is_time_zone


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("anna@example.org", True),
        ("a.b+c@sub.example.nl", True),
        ("anna@localhost", False),
        ("anna", False),
        ("anna@@example.org", False),
        ("an na@example.org", False),
        ("", False),
    ],
)
def test_an_address_has_a_name_and_a_domain_with_a_dot(text: str, valid: bool) -> None:
    assert is_email(text) is valid


def test_a_time_zone_is_an_iana_name() -> None:
    assert is_time_zone("Europe/Amsterdam") and is_time_zone("UTC")
    assert not is_time_zone("Europe/Utrecht") and not is_time_zone("CET+1") and not is_time_zone("")


@pytest.mark.parametrize(
    ("text", "locale"), [("nl", "nl"), ("EN", "en"), (" en ", "en"), ("de", None), ("", None)]
)
def test_a_language_is_one_jaarrond_speaks(text: str, locale: str | None) -> None:
    assert as_locale(text) == locale


def test_the_org_import_and_the_schedules_file_agree_on_an_address() -> None:
    # The schedules file once accepted an address without a dot in its domain that the org
    # import refused, so an audience could name someone who could never be imported.
    with pytest.raises(OrgImportError) as refused:
        parse_org_csv("email,name\nanna@localhost,Anna\n")
    assert any("email" in error for error in refused.value.errors)
    with pytest.raises(ScheduleFileError) as also_refused:
        parse_schedules(
            "schedules:\n- {id: a, theme: workload, cadence: weekly, day: mon, time: '09:00',"
            " audience: {emails: [anna@localhost]}}\n",
            themes={"workload"},
        )
    assert "audience emails" in str(also_refused.value)
