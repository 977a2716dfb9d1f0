"""Bulk rows through PostgreSQL COPY (psycopg 3 ``cursor.copy``), inside the ORM session.

``copy_rows`` takes plain dicts keyed by column name; columns a row leaves out get the
model's Python-side default (evaluated once per call), so a column added later with a
default does not break the generator. Datetimes are written as naive UTC, which is how
``app.db.UTCDateTime`` stores them.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db


def _cursor() -> Any:
    """A psycopg cursor on the session's connection (same transaction)."""
    driver = db.session.connection().connection.driver_connection
    assert driver is not None
    return driver.cursor()


def reserve_ids(table: sa.Table, count: int) -> list[int]:
    """``count`` consecutive ids from the table's sequence, for rows written with COPY."""
    if count <= 0:
        return []
    seq = db.session.scalar(sa.select(sa.func.pg_get_serial_sequence(table.name, "id")))
    first = int(db.session.scalar(sa.select(sa.func.nextval(seq))) or 0)
    db.session.execute(sa.select(sa.func.setval(seq, first + count - 1)))
    return list(range(first, first + count))


def _default(column: sa.Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    if getattr(default, "is_callable", False):
        return default.arg(None)  # type: ignore[attr-defined]
    if getattr(default, "is_scalar", False):
        return default.arg  # type: ignore[attr-defined]
    return None


_AS_IS = frozenset({int, float, str, bool, type(None), date})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most values: no conversion (checked by exact type)
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def complete(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with every column but ``id``: the model's default where a row has no value,
    values as plain database types (for raw psycopg inserts)."""
    defaults = {c.name: _plain(_default(c)) for c in table.columns if c.name != "id"}
    return [defaults | {name: _plain(value) for name, value in row.items()} for row in rows]


def copy_rows(table: sa.Table, columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    """COPY ``rows`` into ``table``; returns the number of rows written."""
    given = set(columns)
    filled = {
        c.name: _plain(_default(c))
        for c in table.columns
        if c.name not in given and c.name != "id" and c.default is not None
    }
    names = [*columns, *filled]
    fixed = list(filled.values())
    plain = _plain
    quoted = ", ".join(f'"{name}"' for name in names)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    count = 0
    with _cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([plain(row.get(name)) for name in columns] + fixed)
            count += 1
    return count
