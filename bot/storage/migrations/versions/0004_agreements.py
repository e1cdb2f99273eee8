"""agreements: the third contract

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _people_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["people.id"], name=op.f(f"fk_{table}_{column}_people")
    )


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["agreement_id", "version"],
        ["agreement_versions.agreement_id", "agreement_versions.number"],
        name=op.f(f"fk_{table}_agreement_id_agreement_versions"),
    )


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("drafter_id", sa.Integer(), nullable=False),
        sa.Column("drafter_role", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("is_i_deal", sa.Boolean(), nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("accepted_version", sa.Integer(), nullable=True),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_follow_up_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _people_fk("agreements", "closed_by_id"),
        _people_fk("agreements", "drafter_id"),
        _people_fk("agreements", "employee_id"),
        _people_fk("agreements", "manager_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    _index("agreements", "employee_id", "manager_id", "next_follow_up_on", "status")

    op.create_table(
        "agreement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_i_deal", sa.Boolean(), nullable=False),
        sa.Column("i_deal_rationale", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT is_i_deal OR i_deal_rationale IS NOT NULL",
            name=op.f("ck_agreement_versions_i_deal_rationale"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_versions_agreement_id_agreements"),
        ),
        _people_fk("agreement_versions", "author_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_versions")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_agreement_version"),
    )
    _index("agreement_versions", "agreement_id")

    op.create_table(
        "agreement_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        _version_fk("agreement_signatures"),
        _people_fk("agreement_signatures", "signer_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signatures")),
        sa.UniqueConstraint("agreement_id", "version", "signer_id", name="uq_agreement_signature"),
    )

    op.create_table(
        "agreement_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _version_fk("agreement_comments"),
        _people_fk("agreement_comments", "author_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_comments")),
    )
    _index("agreement_comments", "agreement_id")

    op.create_table(
        "agreement_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_followups_agreement_id_agreements"),
        ),
        _people_fk("agreement_followups", "party_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_followups")),
        sa.UniqueConstraint("agreement_id", "party_id", "period", name="uq_agreement_followup"),
    )
    _index("agreement_followups", "agreement_id", "party_id")

    op.create_table(
        "agreement_dialogs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("followup_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_dialogs_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["followup_id"],
            ["agreement_followups.id"],
            name=op.f("fk_agreement_dialogs_followup_id_agreement_followups"),
        ),
        _people_fk("agreement_dialogs", "person_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_dialogs")),
        sa.UniqueConstraint("person_id", name=op.f("uq_agreement_dialogs_person_id")),
    )

    op.create_table(
        "agreement_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_notices_agreement_id_agreements"),
        ),
        _people_fk("agreement_notices", "person_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_agreement_notices_key")),
    )
    with op.batch_alter_table("agreement_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_notices_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_notices_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            "ix_agreement_notices_status_next", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("agreement_notices")
    op.drop_table("agreement_dialogs")
    op.drop_table("agreement_followups")
    op.drop_table("agreement_comments")
    op.drop_table("agreement_signatures")
    op.drop_table("agreement_versions")
    op.drop_table("agreements")
