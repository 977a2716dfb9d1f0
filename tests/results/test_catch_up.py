"""With Redis (or the workers) down, submissions still succeed; the beat sweep
brings the results up to date afterwards."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.config import _celery_settings
from app.extensions import db
from app.results import snapshots, tasks
from app.results.models import Aggregate
from app.surveys.models import Response, ResponseState
from tests.conftest import BASE_CONFIG
from tests.surveys.conftest import answer_all, final_submit, kitchen_sink

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    return BASE_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": CLOSED_PORT,
        "CELERY": _celery_settings(CLOSED_PORT),
    }


def test_submissions_succeed_without_redis_and_the_sweep_catches_up(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert app.extensions["celery"].conf.task_always_eager is not True
    sink = kitchen_sink()
    for _ in range(2):
        answer_all(client, sink)
        assert final_submit(client, sink).status_code == 302
        client.delete_cookie("mitwirken_survey")  # a second browser
    db.session.expire_all()
    submitted = db.session.scalar(
        sa.select(sa.func.count()).where(Response.state == ResponseState.SUBMITTED)
    )
    assert submitted == 2
    assert "broker unavailable" in caplog.text
    row = db.session.scalar(sa.select(Aggregate).where(Aggregate.scope == "survey"))
    assert row is not None and row.dirty_since is not None and row.computed_at is None
    db.session.rollback()

    assert tasks.refresh_stale_aggregates(grace_seconds=0) == 1

    data = snapshots.stored("survey", sink.survey.id)
    assert data is not None and data["respondents"]["n"] == 2
    single = next(e for e in data["questions"] if e["id"] == sink.q["single"].id)
    assert single["n"] == 2
