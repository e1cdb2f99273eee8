"""The right to erasure: remove everything about one person, keep what others need.

What goes: answers, topics, check-ins, messages, agreement texts, comments and follow-ups,
notices, drafts in progress, the Teams conversation reference, and every other row that
points at the person (found through the foreign keys, so a table added later is covered).
What stays: the person row, anonymised, so an agreement's counterpart keeps a tombstone row
that says the other party's data was erased; and other people's rows, unlinked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    String,
    Table,
    column,
    delete,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import schema  # noqa: F401  (every table)
from bot.storage.agreement_models import (
    AgencyRequest,
    Agreement,
    AgreementComment,
    AgreementDialog,
    AgreementFollowUp,
    AgreementSignature,
    AgreementVersion,
)
from bot.storage.dialogue_models import Conversation
from bot.storage.models import Base, OutboxKind, OutboxMessage, OutboxStatus, Person, Schedule
from bot.storage.slack_channels import DmChannel
from bot.storage.teams_references import TeamsConversation
from dialogs.privacy_texts import both

# Kept as tombstones (agreements, their current version) or anonymised (people).
KEPT_TABLES = frozenset({"people", "agreements", "agreement_versions"})
CLOSED = ("completed", "dropped")


@dataclass
class ErasureReport:
    deleted: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0

    def count(self, table: str, rows: int) -> None:
        if rows:
            self.deleted[table] = self.deleted.get(table, 0) + rows


def erased_email(person_id: int) -> str:
    return f"erased-{person_id}@erased.invalid"


async def erase_person(session: AsyncSession, person: Person, now: datetime) -> ErasureReport:
    """Erase the person's data in the caller's transaction (all or nothing)."""
    report = ErasureReport()
    await _agreements(session, person.id, now, report)
    if person.teams_user_id:
        result = await session.execute(
            delete(TeamsConversation).where(TeamsConversation.user_id == person.teams_user_id)
        )
        report.count("teams_conversations", result.rowcount)  # type: ignore[attr-defined]
    if person.slack_user_id:
        await _slack_installer(session, person.slack_user_id, report)
        result = await session.execute(
            delete(DmChannel).where(DmChannel.user_id == person.slack_user_id)
        )
        report.count("dm_channels", result.rowcount)  # type: ignore[attr-defined]
    await _notices_about(session, person, report)
    await _rows_pointing_at(session, person.id, report)
    await _schedule_audiences(session, person.email)
    # People they managed stay, without a manager until HR imports the organisation again.
    await session.execute(
        update(Person).where(Person.manager_id == person.id).values(manager_id=None)
    )
    _anonymise(person, now)
    await session.flush()
    return report


async def _notices_about(session: AsyncSession, person: Person, report: ErasureReport) -> None:
    """Unsent digests and briefs to the manager quote this person: they are not sent, and
    the other party's notes about conversations with them go with those conversations.

    Sent ones keep no text (the dispatcher empties a message once it is delivered).
    """
    about: ColumnElement[bool] = OutboxMessage.key.like(f"brief.{person.id}.%")
    if person.manager_id is not None:
        about = or_(
            about,
            (OutboxMessage.person_id == person.manager_id)
            & (OutboxMessage.kind == OutboxKind.DIGEST),
        )
    result = await session.execute(
        update(OutboxMessage)
        .where(about, OutboxMessage.status != OutboxStatus.SENT)
        .values(status=OutboxStatus.CANCELLED, payload=None)
    )
    report.count("outbox", result.rowcount)  # type: ignore[attr-defined]
    theirs = select(Conversation.id).where(
        or_(
            Conversation.employee_id == person.id,
            Conversation.manager_id == person.id,
            Conversation.logged_by_id == person.id,
        )
    )
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.conversation_id.in_(theirs))
    )
    report.count("outbox", result.rowcount)  # type: ignore[attr-defined]


async def _agreements(
    session: AsyncSession, person_id: int, now: datetime, report: ErasureReport
) -> None:
    agreements = list(
        await session.scalars(
            select(Agreement).where(
                or_(Agreement.employee_id == person_id, Agreement.manager_id == person_id)
            )
        )
    )
    ids = [a.id for a in agreements]
    if not ids:
        return
    followups = select(AgreementFollowUp.id).where(AgreementFollowUp.agreement_id.in_(ids))
    # Everything written during the negotiation goes, whoever wrote it: it is about this
    # person, and the counterpart keeps the tombstone.
    dialogs = or_(AgreementDialog.agreement_id.in_(ids), AgreementDialog.followup_id.in_(followups))
    for model, condition in (
        (OutboxMessage, OutboxMessage.agreement_id.in_(ids)),
        (AgreementDialog, dialogs),
        (AgreementFollowUp, AgreementFollowUp.agreement_id.in_(ids)),
        (AgreementComment, AgreementComment.agreement_id.in_(ids)),
        (AgreementSignature, AgreementSignature.agreement_id.in_(ids)),
        (AgencyRequest, AgencyRequest.agreement_id.in_(ids)),
    ):
        result = await session.execute(delete(model).where(condition))
        report.count(model.__tablename__, result.rowcount)  # type: ignore[attr-defined]
    tombstone = both("erase.tombstone")
    for agreement in agreements:
        result = await session.execute(
            delete(AgreementVersion).where(
                AgreementVersion.agreement_id == agreement.id,
                AgreementVersion.number != agreement.current_version,
            )
        )
        report.count("agreement_versions", result.rowcount)  # type: ignore[attr-defined]
        await session.execute(
            update(AgreementVersion)
            .where(AgreementVersion.agreement_id == agreement.id)
            .values(text=tombstone, is_i_deal=False, i_deal_rationale=None, terms=None)
        )
        if agreement.status not in CLOSED:
            agreement.status = "dropped"
            agreement.closed_at = now
        agreement.is_i_deal = False
        agreement.close_reason = tombstone
        agreement.accepted_version = None
        agreement.signed_version = None
        agreement.signed_at = None
        agreement.next_follow_up_on = None
        agreement.party_erased_at = now
        agreement.agency_contact_email = None
        agreement.updated_at = now
        report.tombstones += 1
    await session.flush()


async def _rows_pointing_at(session: AsyncSession, person_id: int, report: ErasureReport) -> None:
    """Delete every remaining row with a foreign key to the person, dependents first."""
    for model_table in reversed(Base.metadata.sorted_tables):
        if model_table.name in KEPT_TABLES:
            continue
        columns = _person_columns(model_table)
        if not columns:
            continue
        condition = or_(*(c == person_id for c in columns))
        result = await session.execute(delete(model_table).where(condition))
        report.count(model_table.name, result.rowcount)  # type: ignore[attr-defined]


# slack_sdk's installation store (not our model): the row also holds the workspace's bot
# token, so it stays; the installer's id and their own tokens go.
SLACK_INSTALLATIONS = table(
    "slack_installations",
    column("user_id", String),
    column("user_token", String),
    column("user_scopes", String),
    column("user_refresh_token", String),
    column("user_token_expires_at", DateTime),
)


async def _slack_installer(session: AsyncSession, user_id: str, report: ErasureReport) -> None:
    installs = SLACK_INSTALLATIONS.c
    result = await session.execute(
        update(SLACK_INSTALLATIONS)
        .where(installs.user_id == user_id)
        .values(
            user_id="",
            user_token=None,
            user_scopes=None,
            user_refresh_token=None,
            user_token_expires_at=None,
        )
    )
    report.count("slack_installations", result.rowcount)  # type: ignore[attr-defined]


def _person_columns(table: Table) -> list[Column[Any]]:
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == "people" for fk in column.foreign_keys)
    ]


async def _schedule_audiences(session: AsyncSession, email: str) -> None:
    """A schedule that names the person by email forgets them (the YAML file HR applies
    still names them until HR edits it)."""
    for schedule in await session.scalars(select(Schedule)):
        emails = schedule.audience.get("emails")
        if isinstance(emails, list) and any(str(e).lower() == email.lower() for e in emails):
            kept = [e for e in emails if str(e).lower() != email.lower()]
            schedule.audience = {**schedule.audience, "emails": kept}


def _anonymise(person: Person, now: datetime) -> None:
    person.email = erased_email(person.id)
    person.name = ""
    person.manager_id = None
    person.department_id = None
    person.locale = None
    person.timezone = None
    person.slack_user_id = None
    person.teams_user_id = None
    person.is_hr = False
    person.review_month = None
    person.working_days = None
    person.employment = "permanent"
    person.agency = None
    person.agency_contact_email = None
    person.paused_until = None
    person.active = False
    person.left_at = None
    person.erased_at = now
    person.updated_at = now
