"""A real Celery worker on Redis rebuilds the counts the process page shows.

Runs in the PostgreSQL pass of `make test` (marker `worker`): the web app queues
to Redis, a separate `celery worker` process picks the task up, and the page
reads what the worker stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from app.config import _celery_settings
from app.extensions import db
from app.results.models import Aggregate
from tests.conftest import DB_KIND, IN_CI, REDIS_TEST_URL
from tests.factories import make_goal, make_process

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def redis_url() -> str:
    if DB_KIND != "postgresql":
        pytest.skip("the real-worker tests run in the PostgreSQL pass")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        if IN_CI:
            pytest.fail("Redis is not reachable; CI=true requires it", pytrace=False)
        pytest.skip("Redis is not reachable")
    return REDIS_TEST_URL


@pytest.fixture(scope="session")
def celery_worker_process(
    template_database: str, redis_url: str
) -> Iterator[subprocess.Popen[bytes]]:
    env = os.environ | {
        "DATABASE_URL": template_database,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key",
    }
    log = open(ROOT / "instance" / "test-worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    worker.wait(timeout=20)
    log.close()


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    from tests.conftest import BASE_CONFIG

    return BASE_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "CELERY": _celery_settings(redis_url),
    }


def _wait_for_counts(process_id: int, timeout: float = 45.0) -> Aggregate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see the worker's commits
        aggregate = db.session.scalar(
            sa.select(Aggregate).where(
                Aggregate.scope_id == process_id, Aggregate.dirty_since.is_(None)
            )
        )
        if aggregate is not None and aggregate.computed_at is not None:
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

    aggregate = _wait_for_counts(process.id)

    assert aggregate.data["goals"] == 2
    assert celery_worker_process.poll() is None
    page = app.test_client().get("/en/p/hf12/").get_data(as_text=True)
    assert "2 goals" in page


def test_readiness_checks_database_and_redis(app: Flask) -> None:
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}
