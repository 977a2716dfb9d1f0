"""What the staff weighting page shows: the stored margins, and whether the weights
for them are computed (with the raking report) or still being computed.

The weights are computed by the survey's rebuild task (``app.results.tasks``): saving
margins marks the survey dirty and queues it; the task rakes, writes
``Response.weight`` and stores the report in the snapshot's ``weighting`` block.
Reading only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.results.margins import weightable
from app.results.models import Aggregate, PopulationMargin, WeightingSettings
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import Question, Survey


class WeightState(enum.StrEnum):
    NONE = "none"  # no margins: every weight is 1
    PENDING = "pending"  # margins saved, the rebuild has not stored weights for them yet
    DONE = "done"  # the stored snapshot was raked to the saved margins


@dataclass
class WeightingStatus:
    state: WeightState
    shares: dict[int, float] = field(default_factory=dict)  # option id → percent
    trim_cap: float = 5.0
    source: str = ""
    saved_at: datetime | None = None
    as_of: datetime | None = None  # the snapshot the report belongs to
    report: dict[str, Any] | None = None
    margins: list[dict[str, Any]] = field(default_factory=list)  # representativeness


def weight_questions(survey: Survey) -> list[Question]:
    """The questions margins can be given for (demographic single choice)."""
    return [q for q in survey.questions if weightable(q)]


def _stored_shares(survey_id: int) -> dict[int, float]:
    rows = db.session.execute(
        sa.select(PopulationMargin.option_id, PopulationMargin.share).where(
            PopulationMargin.survey_id == survey_id
        )
    )
    return {option_id: share for option_id, share in rows}


def weighting_status(survey: Survey) -> WeightingStatus:
    settings = db.session.get(WeightingSettings, survey.id)
    shares = _stored_shares(survey.id)
    row = db.session.execute(
        sa.select(Aggregate.data, Aggregate.computed_at, Aggregate.dirty_since).where(
            Aggregate.scope == SURVEY_SCOPE, Aggregate.scope_id == survey.id
        )
    ).one_or_none()
    data = (row.data or {}) if row is not None and row.computed_at is not None else {}
    weighting = data.get("weighting") or {}
    dirty = row is not None and row.dirty_since is not None
    as_of = datetime.fromisoformat(data["as_of"]) if data.get("as_of") else None
    if settings is None or not shares:
        state = WeightState.PENDING if dirty and weighting.get("active") else WeightState.NONE
        return WeightingStatus(state, as_of=as_of)
    stale = as_of is None or as_of < settings.updated_at
    done = weighting.get("active") and not stale and not dirty
    return WeightingStatus(
        WeightState.DONE if done else WeightState.PENDING,
        shares=shares,
        trim_cap=settings.trim_cap,
        source=settings.source,
        saved_at=settings.updated_at,
        as_of=as_of,
        report=weighting.get("report") if done else None,
        margins=weighting.get("margins", []) if done else [],
    )
