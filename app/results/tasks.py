"""Background rebuilding of aggregates."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db
from app.queue import enqueue_on_commit
from app.results import services


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
    services.recompute_process(process_id)
    db.session.commit()


@shared_task(ignore_result=True)
def refresh_stale_aggregates() -> int:
    """Beat sweep: rebuild every aggregate a request marked dirty."""
    scopes = services.stale_scopes()
    for scope, scope_id in scopes:
        if scope == services.PROCESS_SCOPE:
            services.recompute_process(scope_id)
            db.session.commit()
    return len(scopes)


def schedule_process_recount(process_id: int) -> None:
    """Call from a service that changed what the counts show; commit follows."""
    services.mark_dirty(services.PROCESS_SCOPE, process_id)
    enqueue_on_commit(recompute_process_counts, process_id)
