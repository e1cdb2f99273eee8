"""drift: signals of a lasting change in shared answers; early follow-up rounds

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-11 09:00:00.000000

A drift signal is kept per person and scale question until the trend returns; the note
that tells the employee first is an outbox message of the new kind 'drift'. A follow-up
round asked early, because a shared check-in answer said an agreement was not kept,
records why (`asked_because`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "prompt",
    "reminder",
    "agreement",
    "follow_up",
    "digest",
    "brief",
    "invitation",
    "talked",
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "drift_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note_key", sa.String(length=120), nullable=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_drift_signals_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_signals")),
    )
    with op.batch_alter_table("drift_signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drift_signals_person_id"), ["person_id"])
    # A plain ADD COLUMN: SQLite's batch mode would copy the table, which outbox rows point at.
    op.add_column("agreement_followups", sa.Column("asked_because", sa.String(20), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_kind"), _one_of("kind", (*KINDS, "drift")))


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind = 'drift'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_kind"), _one_of("kind", KINDS))
    # SQLite (3.35 and later) and PostgreSQL both drop a plain column in place.
    op.execute("ALTER TABLE agreement_followups DROP COLUMN asked_because")
    with op.batch_alter_table("drift_signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drift_signals_person_id"))
    op.drop_table("drift_signals")
