"""one outbox: agreement and dialogue notices join the outbox; statuses and kinds checked

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 09:00:00.000000

Every notice row is moved with its status, attempts, times, key and payload (still sealed:
the text is copied as stored). What a notice is about is read from its key where the old
tables kept it only there (a follow-up question, a logged conversation), and a digest,
brief or invitation gets the grace it is sent within. Of several unsent notices to one
person about one agreement only the newest stays pending; the older are superseded.
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "sending", "sent", "held", "failed", "cancelled", "superseded", "expired")
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
# As the dialogue tick sends them (bot/dialogue/tick.py at this revision).
DIGEST_GRACE = timedelta(hours=12)
INVITE_GRACE = timedelta(days=31)
MOVED: tuple[str, ...] = ("kind", "person_id", "key", "payload", "status", "attempts")
MOVED += ("next_attempt_at", "last_error", "platform", "created_at", "sent_at")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("occurrence_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("key", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("followup_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_key"), ["key"])
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_agreement_id_agreements"), "agreements", ["agreement_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_followup_id_agreement_followups"),
            "agreement_followups",
            ["followup_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_conversation_id_conversations"),
            "conversations",
            ["conversation_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_outbox_agreement_id"), ["agreement_id"])
        batch_op.create_index(batch_op.f("ix_outbox_followup_id"), ["followup_id"])
        batch_op.create_index(batch_op.f("ix_outbox_conversation_id"), ["conversation_id"])
        batch_op.create_check_constraint(op.f("ck_outbox_status"), _one_of("status", STATUSES))
        batch_op.create_check_constraint(op.f("ck_outbox_kind"), _one_of("kind", KINDS))

    columns = ", ".join(MOVED)
    # Oldest first, numbered after the outbox's own rows, so each person's notices keep the
    # order they were made in (ids are the order a person's messages go out).
    after = "(SELECT COALESCE(MAX(id), 0) FROM outbox)"
    numbered = f"{after} + ROW_NUMBER() OVER (ORDER BY created_at, id)"
    op.execute(
        f"INSERT INTO outbox (id, {columns}, agreement_id) "
        f"SELECT {numbered}, CASE kind WHEN 'notice' THEN 'agreement' ELSE kind END, "
        f"{', '.join(MOVED[1:])}, agreement_id FROM agreement_notices"
    )
    op.execute(
        f"INSERT INTO outbox (id, {columns}) SELECT {numbered}, {columns} FROM dialogue_notices"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('outbox', 'id'), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM outbox), false)"
        )
    _subjects(op.get_bind())
    op.drop_table("agreement_notices")
    op.drop_table("dialogue_notices")


def _subjects(connection: sa.Connection) -> None:
    """What each moved notice is about, and its grace, from its key and kind."""
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("key", sa.String()),
        sa.column("person_id", sa.Integer()),
        sa.column("agreement_id", sa.Integer()),
        sa.column("followup_id", sa.Integer()),
        sa.column("conversation_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.key, outbox.c.created_at).where(
            outbox.c.key.is_not(None)
        )
    ).all()
    followups = _ids(connection, "agreement_followups")
    conversations = _ids(connection, "conversations")
    starts = _review_starts(connection)
    for message_id, kind, key, created in rows:
        values: dict[str, object] = {}
        naive = created.tzinfo is None  # SQLite hands back (and takes) UTC without a zone
        created = created.replace(tzinfo=UTC) if naive else created
        expires: datetime | None = None
        if kind == "follow_up" and (found := re.fullmatch(r"af(\d+)", key)):
            if int(found[1]) in followups:
                values["followup_id"] = int(found[1])
        elif kind == "talked" and (found := re.fullmatch(r"talked\.(\d+)\.p\d+", key)):
            if int(found[1]) in conversations:
                values["conversation_id"] = int(found[1])
        elif kind == "digest":
            expires = created + DIGEST_GRACE
        elif kind == "invitation":
            expires = created + INVITE_GRACE
        elif kind == "brief" and (found := re.fullmatch(r"brief\.(\d+)\.(\d{4})\.\w+", key)):
            expires = starts.get((int(found[1]), int(found[2])))
        if expires is not None:
            values["expires_at"] = expires.replace(tzinfo=None) if naive else expires
        if values:
            connection.execute(sa.update(outbox).where(outbox.c.id == message_id).values(values))
    # One agreement's news for one person: only the newest unsent one is still true.
    pending = connection.execute(
        sa.select(outbox.c.id, outbox.c.person_id, outbox.c.agreement_id)
        .where(outbox.c.kind == "agreement", outbox.c.status == "pending")
        .order_by(outbox.c.id.desc())
    ).all()
    newest: set[tuple[int, int]] = set()
    older = []
    for message_id, person_id, agreement_id in pending:
        if (person_id, agreement_id) in newest:
            older.append(message_id)
        newest.add((person_id, agreement_id))
    if older:
        connection.execute(
            sa.update(outbox).where(outbox.c.id.in_(older)).values(status="superseded")
        )


def _ids(connection: sa.Connection, name: str) -> set[int]:
    table = sa.table(name, sa.column("id", sa.Integer()))
    return set(connection.scalars(sa.select(table.c.id)))


def _review_starts(connection: sa.Connection) -> dict[tuple[int, int], datetime]:
    briefs = sa.table(
        "review_briefs",
        sa.column("person_id", sa.Integer()),
        sa.column("year", sa.Integer()),
        sa.column("review_start", sa.Date()),
    )
    rows = connection.execute(sa.select(briefs.c.person_id, briefs.c.year, briefs.c.review_start))
    return {
        (person_id, year): datetime.combine(start, datetime.min.time(), tzinfo=UTC)
        for person_id, year, start in rows
    }


def _notice_table(name: str, with_agreement: bool) -> None:
    columns: list[sa.schema.SchemaItem] = [
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
            ["person_id"], ["people.id"], name=op.f(f"fk_{name}_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("key", name=op.f(f"uq_{name}_key")),
    ]
    if with_agreement:
        columns += [
            sa.Column("agreement_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["agreement_id"], ["agreements.id"], name=op.f(f"fk_{name}_agreement_id_agreements")
            ),
        ]
    op.create_table(name, *columns)
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_person_id"), ["person_id"], unique=False)
        if with_agreement:
            batch_op.create_index(
                batch_op.f(f"ix_{name}_agreement_id"), ["agreement_id"], unique=False
            )
        batch_op.create_index(f"ix_{name}_status_next", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    _notice_table("agreement_notices", with_agreement=True)
    _notice_table("dialogue_notices", with_agreement=False)
    # The old tables knew fewer statuses; a notice that will not be sent was 'cancelled'.
    status = (
        "CASE status WHEN 'superseded' THEN 'cancelled' WHEN 'expired' THEN 'cancelled' "
        "WHEN 'held' THEN 'pending' ELSE status END"
    )
    payload = "COALESCE(payload, '{}')"
    rest = ", ".join(c for c in MOVED if c not in ("kind", "status", "payload"))
    op.execute(
        f"INSERT INTO agreement_notices (kind, status, payload, {rest}, agreement_id) "
        f"SELECT CASE kind WHEN 'agreement' THEN 'notice' ELSE kind END, {status}, {payload}, "
        f"{rest}, agreement_id FROM outbox "
        "WHERE kind IN ('agreement', 'follow_up') AND agreement_id IS NOT NULL ORDER BY id"
    )
    op.execute(
        f"INSERT INTO dialogue_notices (kind, status, payload, {rest}) "
        f"SELECT kind, {status}, {payload}, {rest} FROM outbox "
        "WHERE kind IN ('digest', 'brief', 'invitation', 'talked') ORDER BY id"
    )
    op.execute("DELETE FROM outbox WHERE occurrence_id IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.drop_index(batch_op.f("ix_outbox_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_followup_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_agreement_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_conversation_id_conversations"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_followup_id_agreement_followups"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_agreement_id_agreements"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_outbox_key"), type_="unique")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("conversation_id")
        batch_op.drop_column("followup_id")
        batch_op.drop_column("agreement_id")
        batch_op.drop_column("payload")
        batch_op.drop_column("key")
        batch_op.alter_column("occurrence_id", existing_type=sa.Integer(), nullable=False)
