"""Fixtures for tests with a real Celery worker on Redis (PostgreSQL pass, marker `worker`).

Loaded once as a plugin from tests/conftest.py, so the session-scoped worker starts
once per run however many modules use it. A module opts in with
``pytestmark = pytest.mark.worker`` and an ``app_config`` fixture that returns
``worker_app_config(database_url, redis_url)``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from app.config import _celery_settings
from tests.conftest import DB_KIND, EXPORT_STORAGE, IN_CI, REDIS_TEST_URL

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


def start_worker(
    database_url: str,
    redis_url: str,
    log_name: str = "test-worker.log",
    queue: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """A real ``celery worker`` (solo pool) on ``redis_url``; output goes to instance/."""
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key",
        "EXPORT_STORAGE": EXPORT_STORAGE,
    }
    command = [
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
    ]
    if queue:
        command.append(f"--queues={queue}")
    with open(ROOT / "instance" / log_name, "ab") as log:
        return subprocess.Popen(  # noqa: S603 (a fixed command line)
            command,
            cwd=ROOT,
            env=environment | (env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="session")
def celery_worker_process(
    template_database: str, redis_url: str
) -> Iterator[subprocess.Popen[bytes]]:
    (ROOT / "instance" / "test-worker.log").unlink(missing_ok=True)
    worker = start_worker(template_database, redis_url)
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


def worker_app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    from tests.conftest import BASE_CONFIG

    return BASE_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "CELERY": _celery_settings(redis_url),
    }
