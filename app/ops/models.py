"""The task outbox: tasks committed with the data they belong to (app/ops/outbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db


class OutboxTask(db.Model):  # type: ignore[name-defined]
    """A task to run once, written in the transaction that asked for it.

    The row lives until a worker has run the task: ``published_at`` is the last
    hand-over to the broker, ``owner``/``lease_until`` the worker (Celery task id)
    running it now. The beat sweep publishes rows again that were never handed over
    or whose run was lost.
    """

    __tablename__ = "task_outbox"

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    task: so.Mapped[str] = so.mapped_column(sa.String(200))
    args: so.Mapped[list[Any]] = so.mapped_column(default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    published_at: so.Mapped[datetime | None]
    owner: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    lease_until: so.Mapped[datetime | None]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
