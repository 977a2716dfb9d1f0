"""Build and read the stored aggregates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from app.core import upsert
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.results.models import Aggregate

PROCESS_SCOPE = "process"

# Each counter returns {goal_id: {name: number}} for one process. The features that
# collect input per goal (comments, ratings) have one each; `create_app` names them.
GoalCounter = Callable[[int], dict[int, dict[str, Any]]]
_GOAL_COUNTERS = "mitwirken.goal_counters"


def init_goal_counters(app: Flask, counters: Sequence[GoalCounter]) -> None:
    """The counters whose numbers :func:`compute_process_counts` stores per goal."""
    app.extensions[_GOAL_COUNTERS] = tuple(counters)


def mark_dirty(scope: str, scope_id: int) -> bool:
    """Flag an aggregate for rebuilding, creating it if need be: one upsert, so two
    first changes at once cannot collide.

    True when this call made it dirty (it was clean or did not exist): only then
    does a rebuild need to be queued, as one is pending otherwise.
    """
    now = utcnow()
    stmt = (
        upsert.insert(Aggregate.__table__)
        .values(scope=scope, scope_id=scope_id, dirty_since=now)
        .on_conflict_do_update(
            index_elements=["scope", "scope_id"],
            set_={"dirty_since": now},
            where=Aggregate.__table__.c.dirty_since.is_(None),
        )
        .returning(Aggregate.__table__.c.id)
    )
    return db.session.execute(stmt).first() is not None


def _goal_counts(process_id: int) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(Goal.level, sa.func.count())
        .where(Goal.process_id == process_id)
        .group_by(Goal.level)
    ).all()
    by_level = {str(level): count for level, count in rows}
    return {"goals": sum(by_level.values()), "goals_by_level": by_level}


def compute_process_counts(process_id: int) -> dict[str, Any]:
    per_goal: dict[str, dict[str, Any]] = {}
    counters: tuple[GoalCounter, ...] = current_app.extensions[_GOAL_COUNTERS]
    for counter in counters:
        for goal_id, numbers in counter(process_id).items():
            per_goal.setdefault(str(goal_id), {}).update(numbers)
    return _goal_counts(process_id) | {"per_goal": per_goal}


def stale_scopes(limit: int = 100, older_than: datetime | None = None) -> list[tuple[str, int]]:
    """Scopes left dirty (since before ``older_than``), oldest first."""
    stmt = sa.select(Aggregate.scope, Aggregate.scope_id).where(Aggregate.dirty_since.is_not(None))
    if older_than is not None:
        stmt = stmt.where(Aggregate.dirty_since < older_than)
    rows = db.session.execute(stmt.order_by(Aggregate.dirty_since).limit(limit)).all()
    return [(scope, scope_id) for scope, scope_id in rows]


def process_counts(process_id: int) -> Aggregate | None:
    """The stored counts the process page shows (None until first computed)."""
    return db.session.scalar(
        sa.select(Aggregate).where(
            Aggregate.scope == PROCESS_SCOPE,
            Aggregate.scope_id == process_id,
            Aggregate.computed_at.is_not(None),
        )
    )
