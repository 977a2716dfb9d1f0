"""Celery wired the Flask-docs way: tasks run inside the app context.

Without REDIS_URL the app runs tasks eagerly in-process (the embedded default);
with it, tasks go to Redis and a separate worker runs them.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from flask import Flask
from kombu.exceptions import OperationalError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

logger = logging.getLogger(__name__)

# Every module that defines tasks; a worker imports them when it starts (Celery's
# ``include``), so no module has to be imported elsewhere just to register its tasks.
TASK_MODULES = (
    "app.mail",
    "app.api.tasks",
    "app.comments.tasks",
    "app.exports.tasks",
    "app.results.tasks",
    "app.surveys.tasks",
)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

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


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue ``task`` once the current transaction commits, never before.

    A broker that is down is logged, not raised: the beat sweep catches up
    whatever was marked dirty in the database.
    """
    session = db.session()
    session.connection()  # begin the transaction now, so a rollback drops the task
    pending: list[tuple[Task, tuple[Any, ...]]] = session.info.setdefault("on_commit", [])
    if (task, args) not in pending:
        pending.append((task, args))


def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit is still to come
    pending = session.info.pop("on_commit", [])
    for task, args in pending:
        try:
            task.delay(*args)
        except OperationalError:
            logger.warning("broker unavailable; %s%r left to the sweep", task.name, args)


def _drop_pending(session: Session) -> None:
    session.info.pop("on_commit", None)


def install_session_hooks() -> None:
    event.listen(Session, "after_commit", _run_pending)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_pending(s))
