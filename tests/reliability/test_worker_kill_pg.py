"""A worker killed with SIGKILL during a task: the task runs again and completes once.

The task is the aggregate recount of a process (``recompute_process_counts``); each
completed run bumps ``Aggregate.version`` by one. The test holds a row lock on the
aggregate, so the worker's run is stuck inside the task, provably mid-way, when it is
killed. Two cases:

- the pool process running the task dies (OOM killer): with ``acks_late`` and
  ``task_reject_on_worker_lost`` the worker gives the message back at once;
- the whole worker dies (container killed): the message stays unacknowledged in
  Redis and a new worker takes it once the visibility timeout has passed.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.results.models import Aggregate
from app.results.services import PROCESS_SCOPE
from app.results.tasks import recompute_process_counts
from tests.conftest import DB_KIND
from tests.factories import make_goal, make_process
from tests.reliability.services import RedisServer, Worker, wait_until
from tests.worker import worker_app_config

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="runs in the PostgreSQL pass"),
]

VISIBILITY_TIMEOUT = 2  # seconds, for the test's workers only (production: 1800)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(database_url: str, own_redis: RedisServer) -> dict[str, Any]:
    return worker_app_config(database_url, own_redis.url)


@pytest.fixture
def workers(database_url: str, own_redis: RedisServer, tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def _worker(
    workers: list[Worker], database_url: str, redis_url: str, tmp: Path, pool: str
) -> Worker:
    worker = Worker(
        database_url,
        redis_url,
        tmp / f"worker-{len(workers)}.log",
        env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)},
        pool=pool,
    )
    workers.append(worker)
    worker.start()
    return worker


def _version(process_id: int) -> tuple[int, bool]:
    db.session.rollback()
    aggregate = db.session.scalars(
        sa.select(Aggregate).where(
            Aggregate.scope == PROCESS_SCOPE, Aggregate.scope_id == process_id
        )
    ).one()
    return aggregate.version, aggregate.dirty_since is None


def _counted_process(own_redis: RedisServer) -> tuple[int, int]:
    """A process whose counts the worker has built; returns its id and version."""
    process = make_process()
    make_goal(process, "1")
    wait_until(lambda: _version(process.id)[1] and own_redis.queued() == 0, 60, "the first count")
    return process.id, _version(process.id)[0]


def _lock_holder(database_url: str) -> tuple[sa.Engine, sa.Connection]:
    engine = sa.create_engine(database_url)
    return engine, engine.connect()


def _blocked_backends(connection: sa.Connection) -> list[int]:
    rows = connection.execute(
        sa.text(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )
    return [int(pid) for (pid,) in rows]


def _kill_mid_task(database_url: str, process_id: int, kill: Any) -> None:
    """Start a recount, hold it on the aggregate's row lock, kill, then let go."""
    engine, holder = _lock_holder(database_url)
    observer = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        holder.execute(
            sa.select(Aggregate.id)
            .where(Aggregate.scope == PROCESS_SCOPE, Aggregate.scope_id == process_id)
            .with_for_update()
        )
        recompute_process_counts.delay(process_id)
        stuck = wait_until(lambda: _blocked_backends(observer), 30, "the task to reach the lock")
        kill()
        # The killed run's database session waits on the lock with no client left.
        for pid in stuck:
            observer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        holder.rollback()
    finally:
        holder.close()
        observer.close()
        engine.dispose()


def test_a_pool_process_killed_mid_task_is_run_again_once(
    app: Flask, database_url: str, own_redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    worker = _worker(workers, database_url, own_redis.url, tmp_path, pool="prefork")
    process_id, version = _counted_process(own_redis)

    def kill_the_pool_process() -> None:
        [child] = worker.children()
        os.kill(child, signal.SIGKILL)

    _kill_mid_task(database_url, process_id, kill_the_pool_process)

    wait_until(lambda: _version(process_id) == (version + 1, True), 60, "the task to run again")
    wait_until(lambda: own_redis.queued() == 0, 30, "the message to be acknowledged")
    assert _version(process_id) == (version + 1, True)  # completed once, not twice
    log = worker.log()
    assert "WorkerLostError" in log  # the first run really died
    assert log.count("recompute_process_counts") >= 2


def test_a_worker_killed_mid_task_leaves_the_task_to_the_next_worker(
    app: Flask, database_url: str, own_redis: RedisServer, workers: list[Worker], tmp_path: Path
) -> None:
    first = _worker(workers, database_url, own_redis.url, tmp_path, pool="solo")
    process_id, version = _counted_process(own_redis)

    _kill_mid_task(database_url, process_id, first.kill)

    assert own_redis.client().hlen("unacked") == 1  # taken, never acknowledged
    assert _version(process_id)[0] == version  # the killed run changed nothing
    time.sleep(VISIBILITY_TIMEOUT + 0.5)  # until the broker may hand the message out again
    second = _worker(workers, database_url, own_redis.url, tmp_path, pool="solo")

    wait_until(lambda: _version(process_id) == (version + 1, True), 60, "the next worker's run")
    wait_until(lambda: own_redis.queued() == 0, 30, "the message to be acknowledged")
    assert _version(process_id) == (version + 1, True)
    assert "recompute_process_counts" in second.log()
