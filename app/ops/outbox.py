"""The task outbox: a task asked for in a transaction runs once, whatever Redis does.

With a broker configured, :func:`app.queue.enqueue_on_commit` writes an
:class:`OutboxTask` row in the caller's transaction for every *durable* task (all
tasks but those declared ``durable=False`` because a sweep of their own catches up,
like the aggregate recount). After the commit the task is published with the row's
id in the message header ``outbox_id``.

- **Broker down at commit**: publishing fails, the row stays unpublished, and the beat
  task :func:`sweep` publishes it once Redis answers again.
- **A message delivered twice** (broker redelivery, or the sweep publishing a row
  whose message Redis lost): the worker first claims the row (owner = Celery task
  id, with a lease). A copy that finds the row gone (done) or held by a live owner
  is acknowledged without running.
- **A worker killed during a task**: the broker gives the message back
  (``acks_late``, ``task_reject_on_worker_lost``); it carries the same task id, so
  the claim is its own. If the message is gone too, the sweep publishes the row
  again once the lease has run out.
- The row is deleted when the task has run. Mail is therefore sent *at least* once:
  only a worker killed between handing a mail to SMTP and deleting its row sends it
  again, after the lease.

Rows that failed ``MAX_ATTEMPTS`` times stay in the table for the operator
(docs/operations.md) and are no longer published.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from celery import Celery, shared_task
from flask import current_app
from kombu.exceptions import OperationalError

from app.db import utcnow
from app.extensions import db
from app.ops.models import OutboxTask

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than any task runs
UNPUBLISHED_GRACE = timedelta(seconds=30)  # the committing request publishes it itself
REPUBLISH_AFTER = timedelta(minutes=15)  # published but never started: lost by the broker
MAX_ATTEMPTS = 8
SWEEP_BATCH = 200
HEADER = "outbox_id"


def add(task_name: str, args: tuple[Any, ...]) -> str:
    """Write the row in the current transaction; returns its id for the message."""
    outbox_id = str(uuid.uuid4())
    db.session.execute(
        sa.insert(OutboxTask).values(
            id=outbox_id, task=task_name, args=list(args), created_at=utcnow(), attempts=0
        )
    )
    return outbox_id


def publish(celery_app: Celery, task_name: str, args: Iterable[Any], outbox_id: str) -> None:
    """Hand the task to the broker; raises kombu's OperationalError when it is down."""
    celery_app.send_task(
        task_name, args=list(args), headers={HEADER: outbox_id}, ignore_result=True
    )


def mark_published(outbox_ids: list[str]) -> None:
    """Record the hand-over (after the commit, so in a transaction of its own)."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(OutboxTask)
                .where(OutboxTask.id.in_(outbox_ids))
                .values(published_at=utcnow())
            )
    except sa.exc.SQLAlchemyError:
        # Harmless: the sweep publishes the rows again and the claim runs them once.
        logger.warning("could not mark %d outbox rows published", len(outbox_ids))


def claim(outbox_id: str, owner: str) -> bool:
    """Take the row for this run; False when it is done or another run holds it."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxTask)
        .where(
            OutboxTask.id == outbox_id,
            sa.or_(
                OutboxTask.owner.is_(None),
                OutboxTask.owner == owner,
                OutboxTask.lease_until < now,
            ),
        )
        .values(owner=owner, lease_until=now + LEASE, attempts=OutboxTask.attempts + 1)
    )
    db.session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def finish(outbox_id: str) -> None:
    db.session.execute(sa.delete(OutboxTask).where(OutboxTask.id == outbox_id))
    db.session.commit()


def outbox_id_of(request: Any) -> str | None:
    """The header of a task's message: an attribute on a worker, in ``headers`` eagerly."""
    found = request.get(HEADER) or (getattr(request, "headers", None) or {}).get(HEADER)
    return str(found) if found else None


def run_claimed(outbox_id: str, owner: str, run: Callable[[], Any]) -> Any:
    """Run a task from the outbox once: claim, run, delete the row."""
    if not claim(outbox_id, owner):
        logger.info("outbox task %s is done or running elsewhere; this copy is skipped", outbox_id)
        return None
    result = run()
    finish(outbox_id)
    return result


def _due() -> sa.Select[Any]:
    now = utcnow()
    never_published = sa.and_(
        OutboxTask.published_at.is_(None), OutboxTask.created_at < now - UNPUBLISHED_GRACE
    )
    lost = sa.and_(
        OutboxTask.published_at < now - REPUBLISH_AFTER,
        sa.or_(OutboxTask.lease_until.is_(None), OutboxTask.lease_until < now),
    )
    return (
        sa.select(OutboxTask)
        .where(sa.or_(never_published, lost), OutboxTask.attempts < MAX_ATTEMPTS)
        .order_by(OutboxTask.created_at)
        .limit(SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )


def sweep() -> int:
    """Publish what was never handed over or got lost; returns how many rows."""
    celery_app = current_app.extensions["celery"]
    rows: list[OutboxTask] = list(db.session.scalars(_due()))
    published = 0
    for row in rows:
        try:
            publish(celery_app, row.task, row.args, row.id)
        except OperationalError:
            logger.warning("broker unavailable; %d outbox tasks wait", len(rows) - published)
            break
        row.published_at = utcnow()
        published += 1
    db.session.commit()
    given_up = db.session.scalar(
        sa.select(sa.func.count()).where(OutboxTask.attempts >= MAX_ATTEMPTS)
    )
    if given_up:
        logger.error(
            "%d outbox tasks failed %d times and wait for an operator", given_up, MAX_ATTEMPTS
        )
    return published


@shared_task(ignore_result=True, durable=False)
def sweep_outbox() -> int:
    """Beat task (every minute): see :func:`sweep`."""
    return sweep()
