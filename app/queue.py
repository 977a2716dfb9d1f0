"""Celery wired the Flask-docs way: tasks run inside the app context.

Without REDIS_URL the app runs tasks eagerly in-process (the embedded default);
with it, tasks go to Redis and a separate worker runs them, through the task outbox
(app/ops/outbox.py) so that a Redis outage loses nothing.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
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
    "app.privacy.tasks",
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
    for module in TASK_MODULES:  # registered here, so a task can be queued by name
        importlib.import_module(module)
    celery_app.conf.beat_schedule = _beat_schedule()
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _beat_schedule() -> dict[str, Any]:
    from worker.schedule import BEAT_SCHEDULE

    return BEAT_SCHEDULE


@dataclass(frozen=True)
class _Queued:
    task: Task | str  # or its name: a caller may name a task whose module imports its own
    args: tuple[Any, ...]
    countdown: float | None
    outbox_id: str | None

    @property
    def name(self) -> str:
        return self.task if isinstance(self.task, str) else str(self.task.name)


def _task(task: Task | str) -> Task:
    if not isinstance(task, str):
        return task
    return current_app.extensions["celery"].tasks[task]


def _durable(task: Task | str) -> bool:
    """Through the outbox: with a broker, unless the task has a sweep of its own."""
    celery_app = current_app.extensions["celery"]
    return not celery_app.conf.task_always_eager and getattr(_task(task), "durable", True)


def enqueue_on_commit(task: Task | str, *args: Any, countdown: float | None = None) -> None:
    """Queue ``task`` (a task or its name) once the current transaction commits, never
    before; ``countdown`` seconds after the commit if given.

    Durable tasks are also written to the outbox in this transaction, so a broker
    that is down delays them until the outbox sweep, and loses none. A broker that is
    down is logged, not raised.
    """
    queued = _Queued(task, args, countdown, None)
    session = db.session()
    session.connection()  # begin the transaction now, so a rollback drops the task
    pending: list[_Queued] = session.info.setdefault("on_commit", [])
    if any(other.name == queued.name and other.args == args for other in pending):
        return
    outbox_id = outbox.add(queued.name, args) if _durable(task) else None
    pending.append(_Queued(task, args, countdown, outbox_id))


def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit is still to come
    pending: list[_Queued] = session.info.pop("on_commit", [])
    published: list[str] = []
    for queued in pending:
        headers = {outbox.HEADER: queued.outbox_id} if queued.outbox_id else None
        try:
            _task(queued.task).apply_async(queued.args, countdown=queued.countdown, headers=headers)
        except OperationalError:
            # Only the name: arguments can hold e-mail addresses and links.
            later = "the outbox sweep" if queued.outbox_id else "the beat sweep"
            logger.warning("broker unavailable; %s left to %s", queued.name, later)
            continue
        if queued.outbox_id:
            published.append(queued.outbox_id)
    if published:
        outbox.mark_published(published)


def _drop_pending(session: Session) -> None:
    session.info.pop("on_commit", None)


def install_session_hooks() -> None:
    event.listen(Session, "after_commit", _run_pending)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_pending(s))
