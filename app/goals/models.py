"""The goal tree of a process and the revision history of each goal."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db


class Goal(db.Model):  # type: ignore[name-defined]
    """A node of the goal tree; its texts live in its revisions."""

    __tablename__ = "goal"
    __table_args__ = (sa.UniqueConstraint("process_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("goal.id", ondelete="CASCADE"), index=True
    )
    level: so.Mapped[int] = so.mapped_column(default=0)
    code: so.Mapped[str] = so.mapped_column(sa.String(32))
    position: so.Mapped[int] = so.mapped_column(default=0)

    parent: so.Mapped[Goal | None] = so.relationship(remote_side=[id])
    revisions: so.WriteOnlyMapped[GoalRevision] = so.relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GoalRevision.number",
    )

    def __repr__(self) -> str:
        return f"<Goal {self.code}>"


class GoalRevision(db.Model):  # type: ignore[name-defined]
    """One immutable version of a goal's texts; the highest number is current."""

    __tablename__ = "goal_revision"
    __table_args__ = (sa.UniqueConstraint("goal_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goal.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    title: so.Mapped[dict[str, str]]
    body: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    easy_body: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    change_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    goal: so.Mapped[Goal] = so.relationship(back_populates="revisions")
    author = so.relationship("User")
