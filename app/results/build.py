"""One rebuild of a scope, in three steps (the task commits after each, see tasks.py).

1. :func:`claim` clears the scope's dirty mark, so changes committed from now on
   mark it again (and queue the next rebuild).
2. :func:`compute` counts in one snapshot transaction (REPEATABLE READ on
   PostgreSQL, so all queries see the same data); for a survey it first rakes and
   writes ``Response.weight``.
3. :func:`store` writes the snapshot rows, unless a rebuild that started later
   already stored newer ones. All rows of one rebuild share its version and as_of.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db
from app.results import services
from app.results.models import Aggregate
from app.results.triggers import PROCESS_SCOPE, SURVEY_SCOPE
from app.surveys.models import Survey

CROSSTAB_SCOPE = "survey_crosstab"
PROCESS_RESULTS_SCOPE = "process_results"
Progress = Callable[[str], None]


@dataclass
class Built:
    main: dict[str, Any] | None  # None: the survey or process no longer exists
    extra: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


def steps(scope: str, scope_id: int) -> int:
    """How many progress steps :func:`compute` reports (for a progress bar)."""
    if scope != SURVEY_SCOPE:
        return 2
    survey = db.session.get(Survey, scope_id)
    if survey is None:
        return 1
    from app.results.survey_snapshot import GROUPING_KINDS

    grouping = [q for q in survey.questions if q.is_demographic and q.kind in GROUPING_KINDS]
    return 4 + len(grouping)


def claim(scope: str, scope_id: int) -> None:
    services.mark_dirty(scope, scope_id)  # make sure the row exists
    db.session.execute(
        sa.update(Aggregate)
        .where(Aggregate.scope == scope, Aggregate.scope_id == scope_id)
        .values(dirty_since=None)
        .execution_options(synchronize_session=False)
    )


def begin_snapshot() -> None:
    """Start the counting transaction; REPEATABLE READ where the database has it."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # Room for the pivoted aggregates (hundreds of groups, but the planner expects
        # many more), and no JIT: compiling them costs more than it saves.
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(sa.text("SET LOCAL jit = off"))


def compute(scope: str, scope_id: int, progress: Progress | None = None) -> Built:
    step = progress or (lambda _name: None)
    if scope == SURVEY_SCOPE:
        from app.results.survey_snapshot import build_survey

        survey = db.session.get(Survey, scope_id)
        if survey is None:
            return Built(None)
        build = build_survey(survey, step)
        extra = {(CROSSTAB_SCOPE, by): data for by, data in build.crosstabs.items()}
        build.main["crosstabs"] = sorted(build.crosstabs)
        return Built(build.main, extra)
    if scope == PROCESS_SCOPE:
        from app.processes.models import Process
        from app.results.process_results import process_results

        if db.session.get(Process, scope_id) is None:
            return Built(None)
        counts = services.compute_process_counts(scope_id)
        step("counts")
        results = process_results(scope_id)
        step("results")
        return Built(counts, {(PROCESS_RESULTS_SCOPE, scope_id): results})
    raise ValueError(f"unknown aggregate scope {scope!r}")


def _row(scope: str, scope_id: int, *, old_data: bool = True) -> Aggregate:
    """The scope's row, locked; created clean if missing (its dirty mark is kept).

    Without ``old_data`` the stored JSON is not read (it is about to be replaced).
    """
    select = (
        sa.select(Aggregate)
        .where(Aggregate.scope == scope, Aggregate.scope_id == scope_id)
        .with_for_update()
    )
    if not old_data:
        select = select.options(so.defer(Aggregate.data))
    row = db.session.scalars(select).one_or_none()
    if row is None:
        services.mark_dirty(scope, scope_id)
        row = db.session.scalars(select).one()
        row.dirty_since = None
    return row


def _stale_extras(scope: str, old: dict[str, Any], new: Built) -> list[tuple[str, int]]:
    if scope != SURVEY_SCOPE:
        return []
    kept = {by for kind, by in new.extra if kind == CROSSTAB_SCOPE}
    return [(CROSSTAB_SCOPE, by) for by in old.get("crosstabs", []) if by not in kept]


def store(scope: str, scope_id: int, built: Built, as_of: datetime) -> Aggregate | None:
    """Write the snapshot rows; keeps a newer snapshot that is already stored."""
    aggregate = _row(scope, scope_id)
    if built.main is None:  # the survey or process is gone: so are its snapshots
        for extra_scope, extra_id in _stale_extras(scope, aggregate.data or {}, built):
            _delete(extra_scope, extra_id)
        if scope == PROCESS_SCOPE:
            _delete(PROCESS_RESULTS_SCOPE, scope_id)
        db.session.delete(aggregate)
        db.session.flush()
        return None
    stored_as_of = (aggregate.data or {}).get("as_of")
    if stored_as_of and stored_as_of > as_of.isoformat():
        return aggregate
    stale = _stale_extras(scope, aggregate.data or {}, built)
    aggregate.version += 1
    stamp = {"version": aggregate.version, "as_of": as_of.isoformat()}
    aggregate.data = built.main | stamp
    aggregate.computed_at = utcnow()
    for (extra_scope, extra_id), data in built.extra.items():
        row = _row(extra_scope, extra_id, old_data=False)
        row.data, row.version = data | stamp, aggregate.version
        row.computed_at, row.dirty_since = aggregate.computed_at, None
    for extra_scope, extra_id in stale:
        _delete(extra_scope, extra_id)
    db.session.flush()
    return aggregate


def _delete(scope: str, scope_id: int) -> None:
    db.session.execute(
        sa.delete(Aggregate).where(Aggregate.scope == scope, Aggregate.scope_id == scope_id)
    )
