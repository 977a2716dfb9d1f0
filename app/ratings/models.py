"""Rating questions of a process and the participants' ratings of each goal."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db


class ScaleKind(enum.StrEnum):
    AGREEMENT = "agreement"  # 1..5, plus 0 = "keine Angabe"
    IMPORTANCE = "importance"  # 1..5
    YES_NO_UNDECIDED = "yes_no_undecided"  # 1 = yes, 2 = no, 3 = undecided


SCALE_VALUES: dict[ScaleKind, tuple[int, ...]] = {
    ScaleKind.AGREEMENT: (1, 2, 3, 4, 5, 0),
    ScaleKind.IMPORTANCE: (1, 2, 3, 4, 5),
    ScaleKind.YES_NO_UNDECIDED: (1, 2, 3),
}
NO_ANSWER = 0


class RatingQuestion(db.Model):  # type: ignore[name-defined]
    __tablename__ = "rating_question"
    __table_args__ = (sa.UniqueConstraint("process_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    key: so.Mapped[str] = so.mapped_column(sa.String(32))
    position: so.Mapped[int] = so.mapped_column(default=0)
    scale: so.Mapped[ScaleKind] = so.mapped_column(enum_column(ScaleKind, name="scale_kind"))
    prompt: so.Mapped[dict[str, str]]
    # Asked only about goals of this level of the goal tree (0 = top); None: every goal.
    goal_level: so.Mapped[int | None] = so.mapped_column(default=None)

    def applies_to(self, level: int) -> bool:
        return self.goal_level is None or self.goal_level == level

    @property
    def values(self) -> tuple[int, ...]:
        return SCALE_VALUES[self.scale]


class Rating(db.Model):  # type: ignore[name-defined]
    """One participant's answer to one question about one goal; changeable in the phase."""

    __tablename__ = "rating"
    __table_args__ = (sa.UniqueConstraint("goal_id", "question_id", "participant_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("goal.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("rating_question.id", ondelete="CASCADE")
    )
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    value: so.Mapped[int]
    # False while a guest has not confirmed the e-mail address; not counted then.
    confirmed: so.Mapped[bool] = so.mapped_column(default=True)
    # The consent text in force when it was written (app.privacy.consent).
    consent_version_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("consent_version.id")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
