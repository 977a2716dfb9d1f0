"""Background rebuilding of aggregates (coalesced, see app.results.triggers)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from celery import shared_task

from app.db import utcnow
from app.extensions import db
from app.results import background, build, planner, services, triggers

logger = logging.getLogger(__name__)
MAIN_SCOPES = (triggers.SURVEY_SCOPE, triggers.PROCESS_SCOPE)


def run_rebuild(scope: str, scope_id: int, progress: build.Progress | None = None) -> None:
    """The task body: claim, count in one snapshot, store; commits after each step.

    On failure the scope is marked dirty again, so the sweep retries it.
    """
    started = time.perf_counter()
    build.claim(scope, scope_id)
    db.session.commit()
    planner.refresh(scope, scope_id)  # statistics after bulk inserts; commits
    try:
        build.begin_snapshot()
        as_of = utcnow()
        built = build.compute(scope, scope_id, progress)
        db.session.commit()  # the weights written for this snapshot
        build.store(scope, scope_id, built, as_of)
        db.session.commit()
    except Exception:
        db.session.rollback()
        services.mark_dirty(scope, scope_id)
        db.session.commit()
        raise
    if progress:
        progress("stored")
    logger.info("%s %s rebuilt in %.2f s", scope, scope_id, time.perf_counter() - started)


# durable=False: not through the task outbox; the dirty flag and the beat sweep
# already make sure a lost rebuild is done later.
@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    durable=False,
)
def rebuild_scope(self: Any, scope: str, scope_id: int) -> None:
    if self.request.is_eager and background.in_background():
        # Embedded mode: not in the request that queued it (app.results.background).
        background.rebuilder(run_rebuild, refresh_stale_aggregates).submit(scope, scope_id)
        return
    try:
        run_rebuild(scope, scope_id)
    except Exception:
        if not self.request.is_eager:
            raise  # retried with backoff; the scope stays dirty meanwhile
        # In-process (no broker): never fail the request whose commit queued this.
        logger.exception("rebuilding %s %s failed; left dirty for the sweep", scope, scope_id)


# durable=False: not through the task outbox; the dirty flag and the beat sweep below
# already make sure a lost recount is done later.
@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    durable=False,
)
def recompute_process_counts(self: object, process_id: int) -> None:
    """Kept for tasks queued before the coalesced rebuild existed."""
    run_rebuild(triggers.PROCESS_SCOPE, process_id)


@shared_task(ignore_result=True)
def refresh_stale_aggregates(grace_seconds: float | None = None) -> int:
    """Beat sweep: rebuild every scope left dirty for longer than the grace period
    (a queued rebuild normally runs within it)."""
    grace = triggers.SWEEP_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    scopes = [
        (scope, scope_id)
        for scope, scope_id in services.stale_scopes(older_than=utcnow() - grace)
        if scope in MAIN_SCOPES
    ]
    for scope, scope_id in scopes:
        try:
            run_rebuild(scope, scope_id)
        except Exception:
            logger.exception("rebuilding %s %s failed; left dirty for the sweep", scope, scope_id)
    return len(scopes)


def schedule_process_recount(process_id: int) -> None:
    """Call from a service that changed what the process results show; commit follows."""
    triggers.process_changed(process_id)
