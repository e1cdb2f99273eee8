"""Rows made up for every table, per column type and respecting foreign keys: whatever walks
the whole schema (upgrades, the retention purge) is tested on every table there is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, MetaData, Table, insert
from sqlalchemy import types as sqltypes

ROWS = 3
Rows = dict[str, list[dict[str, Any]]]
# (table, column) -> the value every row gets (a CHECK constraint, a fixed vocabulary).
Fixed = dict[tuple[str, str], Any]
# Rows as the retention purge finds them once their period passed, and values the CHECK
# constraints accept: finished check-ins and messages.
FINISHED: Fixed = {
    ("checkin_occurrences", "status"): "completed",
    ("outbox", "status"): "sent",
    ("outbox", "kind"): "prompt",
}
# Values a CHECK constraint or a fixed vocabulary needs: (table, column) -> value per row.
FIXED: Fixed = {
    ("outbox", "status"): "pending",
    ("outbox", "kind"): "prompt",
    ("agreement_notices", "status"): "pending",
    ("agreement_notices", "kind"): "notice",
    ("dialogue_notices", "status"): "sent",
    ("dialogue_notices", "kind"): "digest",
}


def value(table: Table, name: str, index: int, fixed: Fixed) -> Any:
    column = table.c[name]
    if (table.name, name) in fixed:
        return fixed[(table.name, name)]
    if isinstance(column.type, sqltypes.JSON):
        return {"row": index, "items": ["a", index]}
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = object
    if kind is bool:
        return index % 2 == 1
    if kind is int:
        return index + 1 if column.primary_key else 100 + index
    if kind is float:
        return index + 0.5
    if kind is datetime:
        moment = datetime(2026, 1, 5, 9, 30, 15) + timedelta(days=index, microseconds=index)
        return moment.replace(tzinfo=UTC) if getattr(column.type, "timezone", False) else moment
    if kind is date:
        return date(2026, 1, 5) + timedelta(days=index)
    if kind is dict:
        return {"row": index, "items": ["a", index]}
    if kind is list:
        return [f"item-{index}"]
    if kind is bytes:
        return f"bytes-{index}".encode()
    if kind is str:
        length = getattr(column.type, "length", None) or 40
        # Distinct per row (unique columns), and fits the narrowest column (two characters).
        return (f"{index}{name}-{table.name}")[:length]
    raise AssertionError(f"no made-up value for {table.name}.{name} ({column.type!r})")


def fill(connection: Connection, fixed: Fixed) -> Rows:
    """ROWS rows in every table of the database (reflected), row i pointing at row i."""
    metadata = MetaData()
    metadata.reflect(connection)
    made: Rows = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        rows = []
        for index in range(ROWS):
            row = {c.name: value(table, c.name, index, fixed) for c in table.columns}
            for fk in table.foreign_keys:
                if (table.name, fk.parent.name) in fixed:
                    continue  # a key set on purpose (None: points nowhere)
                target = fk.column
                if target.table.name == table.name:
                    # Points at a row of its own table: the one before it, the first at itself.
                    source = rows[index - 1] if index else row
                    row[fk.parent.name] = source[target.name]
                else:
                    row[fk.parent.name] = made[target.table.name][index][target.name]
            rows.append(row)
        connection.execute(insert(table), rows)
        made[table.name] = rows
    return made
