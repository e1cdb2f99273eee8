"""lean indexes: what the planner writes for every check-in updates fewer indexes

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-25 09:00:00.000000

Each index below was checked with EXPLAIN against the queries that read the table (see
docs/architecture.md, "Indexes and the queries that use them"):
- `ix_checkin_occurrences_schedule_id` goes: every query by schedule also names the period
  or is served by `uq_occurrence`, whose first column is the schedule.
- The outbox's indexes on `agreement_id`, `followup_id` and `conversation_id` hold only the
  rows that have one (partial): every query on them asks for one value or a list of values,
  and a check-in's prompt and reminder, most rows by far, have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECTS = ("agreement_id", "followup_id", "conversation_id")


def _subject_index(column: str, *, partial: bool) -> None:
    where = sa.text(f"{column} IS NOT NULL") if partial else None
    op.create_index(
        op.f(f"ix_outbox_{column}"),
        "outbox",
        [column],
        unique=False,
        postgresql_where=where,
        sqlite_where=where,
    )


def upgrade() -> None:
    op.drop_index(op.f("ix_checkin_occurrences_schedule_id"), table_name="checkin_occurrences")
    for column in SUBJECTS:
        op.drop_index(op.f(f"ix_outbox_{column}"), table_name="outbox")
        _subject_index(column, partial=True)


def downgrade() -> None:
    for column in SUBJECTS:
        op.drop_index(op.f(f"ix_outbox_{column}"), table_name="outbox")
        _subject_index(column, partial=False)
    op.create_index(
        op.f("ix_checkin_occurrences_schedule_id"),
        "checkin_occurrences",
        ["schedule_id"],
        unique=False,
    )
