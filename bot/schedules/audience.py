"""Who a schedule reaches: everyone, a department, or a list of people."""

from __future__ import annotations

from typing import Protocol


class AudienceMember(Protocol):
    @property
    def email(self) -> str: ...

    @property
    def department_id(self) -> int | None: ...


def in_audience(
    person: AudienceMember, audience: dict[str, object], departments: dict[int, str]
) -> bool:
    if audience.get("all"):
        return True
    if "department" in audience:
        return departments.get(person.department_id or 0) == audience["department"]
    emails = audience.get("emails")
    return isinstance(emails, list) and person.email in emails
