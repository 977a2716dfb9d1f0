"""INSERT … ON CONFLICT for the database in use: one statement instead of
SELECT-then-INSERT, on PostgreSQL and SQLite alike (both know ``ON CONFLICT`` and
``RETURNING``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert(target: Any) -> postgresql.Insert | sqlite.Insert:
    """``insert(target)`` of the session's dialect, with ``on_conflict_do_*``."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)
