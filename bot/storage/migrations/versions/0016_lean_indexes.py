"""lean planning: reminders written when they fall due; fewer indexes to update

`checkin_occurrences.remind_at` says when a check-in's reminder falls due; the reminder's
outbox row is written then instead of at planning (reminders planned before this revision
keep their rows and go out as planned).

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-25 09:00:00.000000

Each index below was checked with EXPLAIN against the queries that read the table (see
docs/architecture.md, "Indexes and the queries that use them"):
- `ix_checkin_occurrences_schedule_id` goes: every query by schedule also names the period
  or is served by `uq_occurrence`, whose first column is the schedule.
- The outbox's indexes on `agreement_id`, `followup_id` and `conversation_id`, and the unique
  one on `key`, hold only the rows that have one (partial): every query on them asks for one
  value or a list of values (a conflicting key is found the same way), and a check-in's
  prompt and reminder, most rows by far, have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
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
    # Plain ADD COLUMN (no table rebuild on SQLite: other tables point at it).
    op.add_column(
        "checkin_occurrences", sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.drop_index(op.f("ix_checkin_occurrences_schedule_id"), table_name="checkin_occurrences")
    for column in SUBJECTS:
        op.drop_index(op.f(f"ix_outbox_{column}"), table_name="outbox")
        _subject_index(column, partial=True)
    # The unique constraint becomes a partial unique index (SQLite rebuilds the table to
    # drop a constraint; nothing points at the outbox).
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_key", type_="unique")
    op.create_index(
        "uq_outbox_key",
        "outbox",
        ["key"],
        unique=True,
        postgresql_where=sa.text("key IS NOT NULL"),
        sqlite_where=sa.text("key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_outbox_key", table_name="outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_outbox_key", ["key"])
    for column in SUBJECTS:
        op.drop_index(op.f(f"ix_outbox_{column}"), table_name="outbox")
        _subject_index(column, partial=False)
    op.create_index(
        op.f("ix_checkin_occurrences_schedule_id"),
        "checkin_occurrences",
        ["schedule_id"],
        unique=False,
    )
    # The reminders still to fall due are written ahead again, as that revision expects.
    op.execute(
        sa.text(
            """
            INSERT INTO outbox (occurrence_id, person_id, kind, status, attempts,
                                next_attempt_at, created_at)
            SELECT id, person_id, 'reminder', 'pending', 0, remind_at, created_at
            FROM checkin_occurrences
            WHERE remind_at IS NOT NULL
              AND status IN ('planned', 'queued', 'open', 'snoozed')
              AND NOT EXISTS (
                  SELECT 1 FROM outbox
                  WHERE outbox.occurrence_id = checkin_occurrences.id
                    AND outbox.kind = 'reminder'
              )
            """
        )
    )
    op.drop_column("checkin_occurrences", "remind_at")
