"""Abwägung: how each contribution was considered, with topic tags and rationale."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db
from app.participation.models import StakeholderGroup


class Consideration(enum.StrEnum):
    CONSIDERED = "considered"  # berücksichtigt
    PARTLY = "partly"  # teilweise berücksichtigt
    NOT_CONSIDERED = "not_considered"  # nicht berücksichtigt
    NOTED = "noted"  # zur Kenntnis genommen
    ALREADY_INCLUDED = "already_included"  # bereits enthalten


assessment_tag = sa.Table(
    "assessment_tag",
    db.metadata,
    sa.Column(
        "assessment_id", sa.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("tag_id", sa.ForeignKey("process_tag.id", ondelete="CASCADE"), primary_key=True),
)


class ProcessTag(db.Model):  # type: ignore[name-defined]
    """A topic from the process's tag list ("Digitalisierung", "Personal", ...)."""

    __tablename__ = "process_tag"
    __table_args__ = (sa.UniqueConstraint("process_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(80))


class Assessment(db.Model):  # type: ignore[name-defined]
    """One per contribution. ``version`` guards against silent concurrent overwrites.

    A contribution is either a comment (online, reply or offline input) or a survey
    open answer (a short or long text answer); exactly one of the two links is set.
    """

    __tablename__ = "assessment"
    __table_args__ = (
        sa.CheckConstraint("(comment_id IS NULL) <> (answer_id IS NULL)", name="one_contribution"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    comment_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("comment.id", ondelete="CASCADE"), unique=True
    )
    answer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_answer.id", ondelete="CASCADE"), unique=True
    )
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    stakeholder_group: so.Mapped[StakeholderGroup] = so.mapped_column(
        enum_column(StakeholderGroup, name="assessment_stakeholder_group")
    )
    consideration: so.Mapped[Consideration | None] = so.mapped_column(
        enum_column(Consideration, name="consideration")
    )
    rationale: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    goal_revision_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("goal_revision.id", ondelete="SET NULL"), index=True
    )
    assessor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    assessed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    tags: so.Mapped[list[ProcessTag]] = so.relationship(secondary=assessment_tag, lazy="selectin")

    __mapper_args__ = {"version_id_col": version}
