"""Stored aggregates: what pages read instead of counting per request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db


class Aggregate(db.Model):  # type: ignore[name-defined]
    """A versioned snapshot for one scope (e.g. a process), rebuilt by a task.

    ``dirty_since`` is set by the request that changed the underlying data; the
    task clears it. The beat sweep rebuilds anything left dirty.
    """

    __tablename__ = "aggregate"
    __table_args__ = (sa.UniqueConstraint("scope", "scope_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope: so.Mapped[str] = so.mapped_column(sa.String(32))
    scope_id: so.Mapped[int]
    version: so.Mapped[int] = so.mapped_column(default=0)
    data: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    computed_at: so.Mapped[datetime | None]
    dirty_since: so.Mapped[datetime | None] = so.mapped_column(default=utcnow)
