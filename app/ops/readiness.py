"""What ``/readyz`` checks: the database, and with a broker Redis and the worker."""

from __future__ import annotations

import redis
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.ops import heartbeat

OK = "ok"


def checks() -> dict[str, str]:
    """Each part with "ok" or what is wrong with it."""
    results = {"database": _database()}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        results |= _redis_and_worker(redis_url)
    return results


def _database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return type(exc).__name__
    return OK


def _redis_and_worker(redis_url: str) -> dict[str, str]:
    client = heartbeat.redis_client(redis_url)
    try:
        client.ping()
        age = heartbeat.age(client)
    except redis.RedisError as exc:
        return {"redis": type(exc).__name__, "worker": "unknown: Redis does not answer"}
    if age is None:
        return {"redis": OK, "worker": f"no heartbeat within {heartbeat.MAX_AGE} s"}
    return {"redis": OK, "worker": OK}
