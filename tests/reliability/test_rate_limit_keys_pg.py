"""Rate-limit keys in a real Redis: keyed hashes, never the address, all expiring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.security import keyed_hash
from tests.conftest import DB_KIND, csrf_token
from tests.reliability.services import RedisServer

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="runs in the PostgreSQL pass"),
    pytest.mark.usefixtures("memory_limiter_afterwards"),
]

ADDRESS = "203.0.113.77"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], own_redis: RedisServer) -> dict[str, Any]:
    return app_config | {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": own_redis.url}


def test_keys_in_redis_are_hashes_that_expire(
    app: Flask, client: FlaskClient, own_redis: RedisServer
) -> None:
    url = "/en/account/login"
    data = {"csrf_token": csrf_token(client, url), "email": "a@example.org", "password": "x"}
    assert client.post(url, data=data, environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 200
    redis = own_redis.client()
    keys = [key.decode() for key in redis.scan_iter("*")]
    assert any(keyed_hash(ADDRESS) in key for key in keys)
    assert [key for key in keys if ADDRESS in key] == []
    assert all(0 < redis.ttl(key) <= 24 * 3600 for key in keys)  # none is kept for ever
