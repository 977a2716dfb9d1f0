"""A real Celery worker on Redis rebuilds a survey's results after submissions,
coalesced: a burst of submissions is counted by far fewer rebuilds.

Runs in the PostgreSQL pass (marker ``worker``), like tests/test_worker.py.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.results.models import Aggregate
from tests.surveys.conftest import answer_all, final_submit, kitchen_sink
from tests.worker import worker_app_config

pytestmark = pytest.mark.worker
SUBMISSIONS = 8


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    return worker_app_config(database_url, redis_url)


def _wait_for(survey_id: int, respondents: int, timeout: float = 60.0) -> Aggregate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see the worker's commits
        row = db.session.scalar(
            sa.select(Aggregate).where(Aggregate.scope == "survey", Aggregate.scope_id == survey_id)
        )
        if (
            row is not None
            and row.dirty_since is None
            and (row.data or {}).get("respondents", {}).get("n") == respondents
        ):
            return row
        time.sleep(0.3)
    raise AssertionError("the worker did not rebuild the results; see instance/test-worker.log")


def test_worker_rebuilds_survey_results_coalesced(
    app: Flask, client: FlaskClient, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    assert app.extensions["celery"].conf.task_always_eager is not True
    sink = kitchen_sink()
    for _ in range(SUBMISSIONS):
        answer_all(client, sink)
        assert final_submit(client, sink).status_code == 302
        client.delete_cookie("mitwirken_survey")
    row = _wait_for(sink.survey.id, SUBMISSIONS)
    assert row.version < SUBMISSIONS  # one rebuild per burst, not one per submission
    single = next(e for e in row.data["questions"] if e["id"] == sink.q["single"].id)
    assert single["n"] == SUBMISSIONS
    crosstabs = db.session.scalars(
        sa.select(Aggregate.version).where(Aggregate.scope == "survey_crosstab")
    ).all()
    assert set(crosstabs) <= {row.version}
    assert celery_worker_process.poll() is None
