"""Stored aggregates, and the population margins a survey is weighted to."""

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
    task clears it. The beat sweep rebuilds anything left dirty. The formats of the
    scopes are described in ``docs/results.md`` and ``app.results.snapshot``.
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


class WeightingSettings(db.Model):  # type: ignore[name-defined]
    """How a survey is weighted: the trimming cap and where the margins come from."""

    __tablename__ = "survey_weighting"
    __table_args__ = (sa.CheckConstraint("trim_cap >= 1", name="cap_at_least_one"),)

    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    # No weight may exceed trim_cap times the mean weight (after re-raking).
    trim_cap: so.Mapped[float] = so.mapped_column(default=5.0)
    source: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class PopulationMargin(db.Model):  # type: ignore[name-defined]
    """The population share (percent) of one option of a demographic question."""

    __tablename__ = "survey_population_margin"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "option_id"),
        sa.CheckConstraint("share > 0 AND share <= 100", name="share_is_percent"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    option_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_option.id", ondelete="CASCADE")
    )
    share: so.Mapped[float]
