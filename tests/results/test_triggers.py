"""Coalesced rebuilding: a change marks its scope dirty in its transaction; a rebuild
is queued only when the scope goes from clean to dirty; nothing is lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.comments.models import Comment, CommentStatus
from app.db import utcnow
from app.extensions import db
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.results import build, services, snapshots, tasks, triggers
from app.results.models import Aggregate
from app.surveys.answering.responses import new_idempotency_key
from app.surveys.paper.services import record_paper_response
from tests.factories import make_goal, make_process
from tests.results.conftest import ResultsSurvey, build_results_survey


@dataclass
class Queued:
    task: Any
    args: tuple[Any, ...]
    countdown: float | None


class Queue:
    """Stands in for enqueue_on_commit: records what would be queued."""

    def __init__(self) -> None:
        self.queued: list[Queued] = []

    def __call__(self, task: Any, *args: Any, countdown: float | None = None) -> None:
        self.queued.append(Queued(task, args, countdown))


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Queue:
    recorder = Queue()
    monkeypatch.setattr(triggers, "enqueue_on_commit", recorder)
    return recorder


def _row(scope: str, scope_id: int) -> Aggregate | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Aggregate).where(Aggregate.scope == scope, Aggregate.scope_id == scope_id)
    )


def _paper(made: ResultsSurvey) -> None:
    scale = made.q["scale"]
    answers = {scale.id: [_row_answer(scale.id, scale.options[0].id)]}
    record_paper_response(
        made.survey, answers, entered_by_id=None, idempotency_key=new_idempotency_key()
    )


def _row_answer(question_id: int, option_id: int) -> Any:
    from app.surveys.answering.validation import AnswerRow

    return AnswerRow(question_id, option_id=option_id, value_number=1.0)


def test_many_submissions_queue_one_rebuild(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    for _ in range(5):
        _paper(made)
        db.session.commit()  # five transactions, as five requests
    assert len(queue.queued) == 1
    queued = queue.queued[0]
    assert queued.task == triggers.REBUILD_TASK
    assert queued.args == ("survey", made.survey.id)
    assert queued.countdown == triggers.COALESCE_SECONDS
    row = _row("survey", made.survey.id)
    assert row is not None and row.dirty_since is not None


def test_after_a_rebuild_the_next_change_queues_again(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()
    tasks.run_rebuild("survey", made.survey.id)
    assert _row("survey", made.survey.id).dirty_since is None  # type: ignore[union-attr]
    _paper(made)
    db.session.commit()
    assert len(queue.queued) == 2
    data = snapshots.stored("survey", made.survey.id)
    assert data is not None and data["respondents"]["n"] == 1  # as of the rebuild


def test_a_change_while_counting_is_not_lost(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()

    def change_meanwhile(step: str) -> None:
        if step == "weights":  # after the claim, before the snapshot is stored
            services.mark_dirty("survey", made.survey.id)

    tasks.run_rebuild("survey", made.survey.id, change_meanwhile)
    row = _row("survey", made.survey.id)
    assert row is not None and row.computed_at is not None
    assert row.dirty_since is not None  # the sweep (or a queued task) counts again


def test_the_sweep_rebuilds_what_was_left_dirty(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()
    assert snapshots.stored("survey", made.survey.id) is None
    db.session.rollback()  # the task runs in its own app context (and session)
    assert tasks.refresh_stale_aggregates() == 0  # younger than the grace period
    assert tasks.refresh_stale_aggregates(grace_seconds=0) == 1
    data = snapshots.stored("survey", made.survey.id)
    assert data is not None and data["respondents"]["n"] == 1
    assert _row("survey", made.survey.id).dirty_since is None  # type: ignore[union-attr]


def test_an_older_snapshot_never_replaces_a_newer_one(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()
    tasks.run_rebuild("survey", made.survey.id)
    row = _row("survey", made.survey.id)
    assert row is not None
    version = row.version
    stale = build.Built({"respondents": {"n": 0}})
    build.store("survey", made.survey.id, stale, utcnow() - timedelta(minutes=5))
    db.session.commit()
    row = _row("survey", made.survey.id)
    assert row is not None and row.version == version and row.data["respondents"]["n"] == 1


def test_a_failed_rebuild_leaves_the_scope_dirty(
    app: Flask, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(build, "compute", broken)
    with pytest.raises(RuntimeError):
        tasks.run_rebuild("survey", made.survey.id)
    assert _row("survey", made.survey.id).dirty_since is not None  # type: ignore[union-attr]


def test_supporting_a_comment_marks_the_process_dirty(app: Flask, queue: Queue) -> None:
    from app.comments.reactions import vote

    process = make_process("hf12")
    goal = make_goal(process, "1")
    author = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="A")
    voter = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="B")
    db.session.add_all([author, voter])
    db.session.flush()
    comment = Comment(
        goal_id=goal.id,
        participant_id=author.id,
        author_name="A",
        kind="suggestion",
        stakeholder_group=StakeholderGroup.CITIZEN,
        body="Gut",
        status=CommentStatus.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    tasks.run_rebuild("process", process.id)
    queue.queued.clear()
    vote(comment, voter, 1)
    db.session.commit()
    assert [s.args for s in queue.queued] == [("process", process.id)]
    assert _row("process", process.id).dirty_since is not None  # type: ignore[union-attr]


def test_mark_dirty_says_whether_it_made_the_scope_dirty(app: Flask) -> None:
    assert services.mark_dirty("survey", 4242) is True  # created
    assert services.mark_dirty("survey", 4242) is False  # dirty already
    db.session.execute(sa.update(Aggregate).values(dirty_since=None))
    assert services.mark_dirty("survey", 4242) is True  # clean → dirty


def test_the_snapshots_of_a_deleted_survey_go_with_it(app: Flask, queue: Queue) -> None:
    made = build_results_survey()
    _paper(made)
    db.session.commit()
    tasks.run_rebuild("survey", made.survey.id)
    survey_id = made.survey.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Aggregate)) == 4
    db.session.delete(made.survey)
    db.session.commit()
    tasks.run_rebuild("survey", survey_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Aggregate)) == 0
