"""Who may do what: the roles a person has and the one policy table every entry point reads.

Roles come from our own database only (reports in `people.manager_id`, `people.is_hr`), never
from a chat platform's profile, which its users or workspace admins can change. A refusal
answers exactly what an unknown command or item answers, so it tells nobody that something
exists, and it is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy.audit import record_view
from bot.storage.models import Person
from dialogs.agreement_texts import ta
from dialogs.commands import parse_command
from dialogs.messages import Outbound, PersonRef
from dialogs.texts import t

Role = Literal["employee", "manager", "hr", "outsider"]
ROLES: tuple[Role, ...] = ("employee", "manager", "hr", "outsider")
# Every person in our database is an employee; managing someone or HR adds to that.
KNOWN: frozenset[Role] = frozenset({"employee", "manager", "hr"})
MANAGERS: frozenset[Role] = frozenset({"manager"})
HR: frozenset[Role] = frozenset({"hr"})

# Every chat command (dialogs/commands.py), the sub-actions that need more than the command,
# the views outside a conversation and the CLI reads of individual data, with the roles
# allowed. An action missing here is refused (and a test fails for a command without a row).
POLICY: dict[str, frozenset[Role]] = {
    "help": KNOWN,
    "checkin": KNOWN,
    "skip": KNOWN,
    "later": KNOWN,
    "stop": KNOWN,
    "topic": KNOWN,
    "pause": KNOWN,
    "resume": KNOWN,
    "home": KNOWN,
    "export": KNOWN,
    # Erasing one's own data: a right of everyone we know (GDPR art. 17).
    "erase": KNOWN,
    "erase_confirmed": KNOWN,
    "viewed": KNOWN,
    # Conversation tips for one's own situation.
    "coach": KNOWN,
    # A logged conversation: either party, about their own relationship only.
    "talked": KNOWN,
    "review": KNOWN,
    "discussed": KNOWN,
    # The review brief: one's own copy; a manager also the manager's copy of a report
    # (brief_chat checks "of whom" and answers "not found" for anyone else).
    "brief": KNOWN,
    # HR's figures: aggregates only, suppressed for small groups.
    "report": HR,
    # Everyone may ask; the console gives a link to HR only and a polite no to others,
    # because a person who expects a link should learn why none came.
    "admin": KNOWN,
    # The team digest: only someone with reports; it shows only their own reports.
    "digest": MANAGERS,
    # Agreements: each is shown to its two parties only (agreement_records.visible).
    "agreements": KNOWN,
    "agreement": KNOWN,
    # HR's transparency register (counts, no names).
    "agreement register": HR,
    # Typed text that is no command (an answer, a draft) and clicks on our own prompts;
    # each is checked against the prompt's owner by the dialog it belongs to.
    "text": KNOWN,
    "click": KNOWN,
    # Slack's App Home (Engine.home): the person's own home view.
    "view:home": KNOWN,
    # `jaarrond digest --manager EMAIL`: the operator reads a manager's digest for them.
    "cli:digest": MANAGERS,
}


@dataclass(frozen=True)
class PersonRoles:
    """A person's roles, and whom they manage (the "of whom" of the manager role)."""

    person: Person | None
    roles: frozenset[Role]
    reports: frozenset[int] = frozenset()

    def may(self, action: str) -> bool:
        return bool(self.roles & POLICY.get(action, frozenset()))

    def manages(self, person_id: int) -> bool:
        return person_id in self.reports


async def access_of(session: AsyncSession, person: Person | None) -> PersonRoles:
    """The roles of a person; None (a platform id we do not know) is an outsider."""
    if person is None or not person.active:
        return PersonRoles(None, frozenset({"outsider"}))
    found = await session.scalars(
        select(Person.id).where(Person.manager_id == person.id, Person.active)
    )
    reports = frozenset(found)
    roles: set[Role] = {"employee"}
    if reports:
        roles.add("manager")
    if person.is_hr:
        roles.add("hr")
    return PersonRoles(person, frozenset(roles), reports)


def every_employee_may(action: str) -> bool:
    """Is `action` allowed to every employee? Then an active person may, whatever else
    they are, and their reports need not be read to decide it."""
    return "employee" in POLICY.get(action, frozenset())


def action_of(text: str, *, clicked: bool = False) -> str:
    """The policy row for what a person sent: a command, a sub-action, typed text or a click."""
    if clicked:
        return "click"
    command = parse_command(text)
    if command is None:
        return "text"
    word = command.argument.partition(" ")[0].casefold()
    if command.name == "agreement" and word == "register":
        return "agreement register"
    return command.name


def not_found(action: str, ref: PersonRef) -> Outbound:
    """What a refused action answers: exactly what an unknown one gets."""
    if action.startswith("agreement"):
        return Outbound(ref, ta("usage", ref.locale))
    return Outbound(ref, t("unknown_command", ref.locale))


async def deny(
    session: AsyncSession, who: PersonRoles, action: str, ref: PersonRef, now: datetime
) -> Outbound:
    """Refuse `action`: an audit row (kind "denied"), and the "not found" answer."""
    viewer = who.person.id if who.person is not None else None
    await record_view(
        session, viewer_id=viewer, subject_id=None, what="denied", object_id=action, now=now
    )
    return not_found(action, ref)
