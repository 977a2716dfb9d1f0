"""Deleting rows with the ON DELETE rules applied in SQL, on SQLite as on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


def delete_rows(table_name: str, ids: list[int]) -> None:
    """Delete rows of ``table_name`` by id after doing what the foreign keys that point
    at them declare (``SET NULL``, or ``CASCADE`` to their own children first). SQLite
    does not enforce these rules, so they are applied here for both databases."""
    if not ids:
        return
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name != table_name or fk.column.name != "id":
                continue
            column = fk.parent
            if fk.ondelete == "SET NULL":
                db.session.execute(sa.update(table).where(column.in_(ids)).values({column: None}))
            elif fk.ondelete == "CASCADE" and table.name != table_name:
                if "id" in table.c:
                    children = list(
                        db.session.scalars(sa.select(table.c.id).where(column.in_(ids)))
                    )
                    delete_rows(table.name, children)
                else:
                    db.session.execute(sa.delete(table).where(column.in_(ids)))
    target = db.metadata.tables[table_name]
    db.session.execute(sa.delete(target).where(target.c.id.in_(ids)))
