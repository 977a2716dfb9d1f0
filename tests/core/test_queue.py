"""Tasks leave only after the real commit: never at a SAVEPOINT, never after rollback."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.queue import enqueue_on_commit


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def apply_async(self, args: tuple[Any, ...], **options: Any) -> None:
        self.calls.append(args)


def test_task_waits_for_the_outer_commit_not_a_savepoint(app: Flask) -> None:
    task = _Recorder()
    enqueue_on_commit(task, 1)  # type: ignore[arg-type]
    with db.session.begin_nested():
        pass
    assert task.calls == []
    db.session.commit()
    assert task.calls == [(1,)]


def test_task_is_dropped_on_rollback_and_queued_once(app: Flask) -> None:
    task = _Recorder()
    enqueue_on_commit(task, 1)  # type: ignore[arg-type]
    db.session.rollback()
    db.session.commit()
    assert task.calls == []
    enqueue_on_commit(task, 2)  # type: ignore[arg-type]
    enqueue_on_commit(task, 2)  # type: ignore[arg-type]
    db.session.commit()
    assert task.calls == [(2,)]


def test_a_savepoint_as_first_write_is_undone_by_rollback(app: Flask) -> None:
    from app.results.models import Aggregate

    with db.session.begin_nested():  # the first write of the transaction, in a SAVEPOINT
        db.session.add(Aggregate(scope="process", scope_id=999))
    db.session.rollback()
    assert db.session.query(Aggregate).filter_by(scope_id=999).count() == 0
