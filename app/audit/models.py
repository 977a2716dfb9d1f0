"""The audit log: every moderation and staff action leaves an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db


class AuditEvent(db.Model):  # type: ignore[name-defined]
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The actor's account was deleted (actor_id then NULL): shown as "deleted account",
    # not as the system (app.privacy.erasure sets it before deleting the account).
    actor_deleted: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    object_id: so.Mapped[int | None]
    process_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="SET NULL"), index=True
    )
    before: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    after: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    actor = so.relationship("User")
