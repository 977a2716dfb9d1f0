"""A scratch bench database for the tests that run the bench on the real stack
(PostgreSQL pass): the smoke test of the harness and the small ground-truth run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa

from tests.conftest import DB_KIND, IN_CI, PG_ADMIN_URL, REDIS_TEST_URL


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is missing; CI=true requires it", pytrace=False)
    pytest.skip(f"{what} is missing")


def _admin(statement: str) -> None:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def bench_database() -> Iterator[str]:
    """The URL of an empty bench database of this run (dropped afterwards), once
    PostgreSQL, Redis and wrk are there: missing ones fail under CI=true."""
    if DB_KIND != "postgresql":
        pytest.skip("runs in the PostgreSQL pass")
    name = f"mitwirken_bench_test_{os.getpid()}"
    try:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except sa.exc.OperationalError:
        _missing("PostgreSQL")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        _missing("Redis")
    if shutil.which("wrk") is None:
        _missing("wrk (apt-get install wrk; make bench installs it)")
    yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
