"""Coalesced rebuilding: a change marks its scope dirty; one rebuild follows.

Call :func:`survey_changed` or :func:`process_changed` in the transaction that
changes what the results count (a submitted response, a rating, a comment, a vote).
The scope's ``Aggregate`` row is marked dirty in that transaction. A rebuild is
queued, ``COALESCE_SECONDS`` later and after the commit, only when this change
made the row dirty: while it is dirty a rebuild is pending already, so a burst of
submissions queues one rebuild, however many arrive.

The rebuild clears the mark *before* it reads (``app.results.tasks``), so anything
committed while it counts marks the scope dirty again and queues the next one; no
change is lost. If Redis or the workers are down the mark stays, and the beat sweep
(``refresh_stale_aggregates``) rebuilds every scope dirty for longer than
``SWEEP_GRACE``.
"""

from __future__ import annotations

from datetime import timedelta

from app.queue import enqueue_on_commit
from app.results import services

COALESCE_SECONDS = 3.0
SWEEP_GRACE = timedelta(seconds=30)
SURVEY_SCOPE = "survey"
PROCESS_SCOPE = services.PROCESS_SCOPE
REBUILD_TASK = "app.results.tasks.rebuild_scope"


def changed(scope: str, scope_id: int) -> bool:
    """Mark ``scope`` dirty; queue its rebuild if it was clean. True if queued."""
    if not services.mark_dirty(scope, scope_id):
        return False
    # By name: the task module imports this one (the tasks sit above the triggers).
    enqueue_on_commit(REBUILD_TASK, scope, scope_id, countdown=COALESCE_SECONDS)
    return True


def survey_changed(survey_id: int) -> bool:
    return changed(SURVEY_SCOPE, survey_id)


def process_changed(process_id: int) -> bool:
    return changed(PROCESS_SCOPE, process_id)
