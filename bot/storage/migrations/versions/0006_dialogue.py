"""dialogue: conversations, discussed topics, review briefs, their notices

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:31:28.467054
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["people.id"], name=op.f("fk_conversations_employee_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["people.id"], name=op.f("fk_conversations_logged_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.id"], name=op.f("fk_conversations_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversations_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_manager_id"), ["manager_id"], unique=False
        )

    op.create_table(
        "dialogue_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
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
            ["person_id"], ["people.id"], name=op.f("fk_dialogue_notices_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_notices")),
        sa.UniqueConstraint("key", name=op.f("uq_dialogue_notices_key")),
    )
    with op.batch_alter_table("dialogue_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialogue_notices_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            "ix_dialogue_notices_status_next", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "review_briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("review_start", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.id"], name=op.f("fk_review_briefs_manager_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_review_briefs_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_briefs")),
        sa.UniqueConstraint("person_id", "year", name="uq_review_brief"),
    )
    op.create_table(
        "topic_discussions",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=False),
        sa.Column("discussed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_topic_discussions_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"], ["people.id"], name=op.f("fk_topic_discussions_marked_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_discussions_topic_id_topics")
        ),
        sa.PrimaryKeyConstraint("topic_id", name=op.f("pk_topic_discussions")),
    )
    with op.batch_alter_table("topic_discussions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_topic_discussions_conversation_id"), ["conversation_id"], unique=False
        )

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_person_answered", ["person_id", "answered_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_person_answered")

    with op.batch_alter_table("topic_discussions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_discussions_conversation_id"))

    op.drop_table("topic_discussions")
    op.drop_table("review_briefs")
    with op.batch_alter_table("dialogue_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_dialogue_notices_status_next")
        batch_op.drop_index(batch_op.f("ix_dialogue_notices_person_id"))

    op.drop_table("dialogue_notices")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_manager_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_employee_id"))

    op.drop_table("conversations")
