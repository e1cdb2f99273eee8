"""agency workers: employment, the agency and its contact; terms by party; mail

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-01 09:00:00.000000

People get `employment` (permanent, temporary or agency) and, for agency workers, the agency
and its contact's e-mail address. An agency worker's agreement keeps the agency and contact
it was made with, each version may split its text into terms that name whose they are
(`terms`, sealed), and `agency_requests` holds what the agency contact is asked to sign or
answer by e-mail (one-time links kept as hashes). E-mail goes out through the outbox as the
new kind 'mail', to `recipient_email`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
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
    "drift",
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite's batch mode would copy `people`, which every table points at.
    op.add_column(
        "people",
        sa.Column("employment", sa.String(10), nullable=False, server_default="permanent"),
    )
    op.add_column("people", sa.Column("agency", sa.String(200), nullable=True))
    op.add_column("people", sa.Column("agency_contact_email", sa.String(320), nullable=True))
    op.add_column("agreements", sa.Column("agency", sa.String(200), nullable=True))
    op.add_column("agreements", sa.Column("agency_contact_email", sa.String(320), nullable=True))
    op.add_column("agreement_versions", sa.Column("terms", sa.JSON(), nullable=True))
    op.add_column("outbox", sa.Column("recipient_email", sa.String(320), nullable=True))
    op.create_table(
        "agency_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agency_requests_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_requests")),
        sa.UniqueConstraint("agreement_id", "kind", "version", "period", name="uq_agency_request"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agency_requests_token_hash")),
    )
    with op.batch_alter_table("agency_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_requests_agreement_id"), ["agreement_id"])
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_kind"), _one_of("kind", (*KINDS, "mail")))


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind = 'mail'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_kind"), _one_of("kind", KINDS))
    with op.batch_alter_table("agency_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_requests_agreement_id"))
    op.drop_table("agency_requests")
    # SQLite (3.35 and later) and PostgreSQL both drop a plain column in place.
    for table, column in (
        ("outbox", "recipient_email"),
        ("agreement_versions", "terms"),
        ("agreements", "agency_contact_email"),
        ("agreements", "agency"),
        ("people", "agency_contact_email"),
        ("people", "agency"),
        ("people", "employment"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
