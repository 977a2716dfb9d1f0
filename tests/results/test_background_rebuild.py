"""Embedded mode (no Redis): a submission's request does not count the results; a
background thread rebuilds them after the response (app.results.background)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_request_context
from flask.testing import FlaskClient

from app.extensions import db
from app.processes.models import Process
from app.results import background, build
from app.results.models import Aggregate
from tests.surveys.conftest import Sink, answer_all, final_submit, kitchen_sink


@pytest.fixture
def background_mode(app: Flask) -> Iterator[None]:
    app.config["RESULTS_EAGER_REBUILD"] = background.BACKGROUND
    app.config["RESULTS_REBUILD_DELAY"] = 0.0
    yield
    rebuilder = background.running(app)
    if rebuilder is not None:  # nothing may still write when the database goes
        assert rebuilder.wait_idle(timeout=60)
        rebuilder.stop()
        app.extensions.pop("mitwirken.results_rebuilder")


class ComputeSpy:
    """Wraps build.compute: records whether each call ran inside a request."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []
        self.original = build.compute

    def __call__(self, scope: str, scope_id: int, progress: Any = None) -> build.Built:
        self.calls.append((scope, scope_id, has_request_context()))
        return self.original(scope, scope_id, progress)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> ComputeSpy:
    recorder = ComputeSpy()
    monkeypatch.setattr(build, "compute", recorder)
    return recorder


def _survey_row(survey_id: int) -> Aggregate | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Aggregate).where(Aggregate.scope == "survey", Aggregate.scope_id == survey_id)
    )


def _submit(client: FlaskClient, sink: Sink) -> None:
    answer_all(client, sink)
    assert final_submit(client, sink).status_code == 302


def test_submission_request_does_not_count_and_the_thread_does_after(
    app: Flask, client: FlaskClient, process: Process, background_mode: None, spy: ComputeSpy
) -> None:
    sink = kitchen_sink(process_id=process.id)
    rebuilder = background.running(app)
    assert rebuilder is None  # nothing started before the first submission

    _submit(client, sink)

    assert not [call for call in spy.calls if call[2]], "the request counted the results"
    rebuilder = background.running(app)
    assert rebuilder is not None and rebuilder.wait_idle(timeout=60)
    assert ("survey", sink.survey.id, False) in spy.calls
    row = _survey_row(sink.survey.id)
    assert row is not None and row.dirty_since is None and row.computed_at is not None
    assert row.data["respondents"]["n"] == 1


def test_a_waiting_scope_is_queued_once(
    app: Flask, process: Process, background_mode: None
) -> None:
    ran: list[tuple[str, int]] = []
    app.config["RESULTS_REBUILD_DELAY"] = 0.5
    rebuilder = background.rebuilder(lambda s, i: ran.append((s, i)), lambda: 0, app)
    assert rebuilder.submit("survey", 7) is True
    assert rebuilder.submit("survey", 7) is False  # still waiting: coalesced
    assert rebuilder.submit("process", 7) is True
    assert rebuilder.wait_idle(timeout=30)
    assert ran == [("survey", 7), ("process", 7)]
    assert rebuilder.submit("survey", 7) is True  # done: the next change queues again
    assert rebuilder.wait_idle(timeout=30)
    assert ran.count(("survey", 7)) == 2


def test_inline_mode_rebuilds_in_the_request(
    app: Flask, client: FlaskClient, process: Process, spy: ComputeSpy
) -> None:
    assert app.config["RESULTS_EAGER_REBUILD"] == background.INLINE
    sink = kitchen_sink(process_id=process.id)
    _submit(client, sink)
    assert ("survey", sink.survey.id, True) in spy.calls
    assert background.running(app) is None


def test_commands_rebuild_where_they_run(app: Flask, background_mode: None) -> None:
    with app.app_context():
        assert background.in_background() is False
    with app.test_request_context("/"):
        assert background.in_background() is True


def test_a_failed_rebuild_is_tried_again(app: Flask, background_mode: None) -> None:
    calls: list[int] = []

    def flaky(scope: str, scope_id: int) -> None:
        calls.append(scope_id)
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    app.config["RESULTS_REBUILD_DELAY"] = 0.0
    rebuilder = background.rebuilder(flaky, lambda: 0, app)
    assert rebuilder.submit("survey", 3)
    assert rebuilder.wait_idle(timeout=30)
    assert calls == [3, 3]  # failed, then rebuilt a second later
