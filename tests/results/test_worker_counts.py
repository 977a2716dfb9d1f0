"""A real Celery worker on Redis rebuilds the counts the process page shows.

Runs in the PostgreSQL pass of `make test` (marker `worker`): the web app queues
to Redis, a separate `celery worker` process picks the task up, and the page
reads what the worker stored.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.ops import heartbeat
from app.results.models import Aggregate
from app.results.services import PROCESS_SCOPE
from tests.factories import make_goal, make_process
from tests.worker import worker_app_config

pytestmark = pytest.mark.worker


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    return worker_app_config(database_url, redis_url)


def _wait_for_counts(process_id: int, goals: int, timeout: float = 45.0) -> Aggregate:
    """The stored counts once the worker has counted ``goals`` goals.

    Each goal commit queues a recount, and a warm worker may finish the first
    one before the second goal exists, so wait for the expected number.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see the worker's commits
        aggregate = db.session.scalar(
            sa.select(Aggregate).where(
                Aggregate.scope == PROCESS_SCOPE,
                Aggregate.scope_id == process_id,
                Aggregate.dirty_since.is_(None),
            )
        )
        if aggregate is not None and aggregate.data.get("goals") == goals:
            return aggregate
        time.sleep(0.2)
    raise AssertionError(
        "the worker did not rebuild the counts in time; see instance/test-worker.log"
    )


def test_worker_rebuilds_counts_that_the_page_shows(
    app: Flask, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    assert app.extensions["celery"].conf.task_always_eager is not True
    process = make_process()
    parent = make_goal(process, "1", "Erstes Ziel")
    make_goal(process, "1.1", "Unterziel", parent=parent)

    aggregate = _wait_for_counts(process.id, goals=2)

    assert aggregate.computed_at is not None
    assert celery_worker_process.poll() is None
    page = app.test_client().get("/en/p/hf12/").get_data(as_text=True)
    assert "2 goals" in page


def test_readiness_needs_database_redis_and_a_worker_heartbeat(
    app: Flask, redis_url: str, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    redis.Redis.from_url(redis_url).delete(heartbeat.KEY)
    client = app.test_client()
    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.get_json()["reasons"] == {"worker": "no heartbeat within 150 s"}

    heartbeat.beat.delay()  # what beat sends every 30 s; the worker answers it
    deadline = time.monotonic() + 30
    while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "worker": "ok"},
    }
