"""Celery wired the Flask-docs way: tasks run inside the app context.

Without REDIS_URL the app runs tasks eagerly in-process (the embedded default);
with it, tasks go to Redis and a separate worker runs them, through the task outbox
(app/ops/outbox.py) so that a Redis outage loses nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app
from kombu.exceptions import OperationalError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.ops import outbox

logger = logging.getLogger(__name__)

# Every module that defines tasks; a worker imports them when it starts (Celery's
# ``include``), so no module has to be imported elsewhere just to register its tasks.
TASK_MODULES = (
    "app.mail",
    "app.api.tasks",
    "app.comments.tasks",
    "app.exports.tasks",
    "app.ops.heartbeat",
    "app.ops.outbox",
    "app.results.tasks",
    "app.surveys.tasks",
)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                outbox_id = outbox.outbox_id_of(self.request)
                if outbox_id is None:
                    return self.run(*args, **kwargs)
                return outbox.run_claimed(
                    outbox_id, str(self.request.id), lambda: self.run(*args, **kwargs)
                )

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.include = list(TASK_MODULES)
    celery_app.conf.beat_schedule = _beat_schedule()
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _beat_schedule() -> dict[str, Any]:
    from worker.schedule import BEAT_SCHEDULE

    return BEAT_SCHEDULE


Pending = list[tuple[Task, tuple[Any, ...], str | None]]


def _durable(task: Task) -> bool:
    """Through the outbox: with a broker, unless the task has a sweep of its own."""
    celery_app = current_app.extensions["celery"]
    return not celery_app.conf.task_always_eager and getattr(task, "durable", True)


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue ``task`` once the current transaction commits, never before.

    Durable tasks are also written to the outbox in this transaction, so a broker
    that is down delays them until the outbox sweep, and loses none. A broker that is
    down is logged, not raised.
    """
    session = db.session()
    session.connection()  # begin the transaction now, so a rollback drops the task
    pending: Pending = session.info.setdefault("on_commit", [])
    if any(queued is task and queued_args == args for queued, queued_args, _ in pending):
        return
    outbox_id = outbox.add(task.name, args) if _durable(task) else None
    pending.append((task, args, outbox_id))


def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit is still to come
    pending: Pending = session.info.pop("on_commit", [])
    published: list[str] = []
    for task, args, outbox_id in pending:
        try:
            if outbox_id is None:
                task.delay(*args)
            else:
                task.apply_async(args, headers={outbox.HEADER: outbox_id})
                published.append(outbox_id)
        except OperationalError:
            # Only the name: arguments can hold e-mail addresses and links.
            later = "the outbox sweep" if outbox_id else "the beat sweep"
            logger.warning("broker unavailable; %s left to %s", task.name, later)
    if published:
        outbox.mark_published(published)


def _drop_pending(session: Session) -> None:
    session.info.pop("on_commit", None)


def install_session_hooks() -> None:
    event.listen(Session, "after_commit", _run_pending)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_pending(s))
