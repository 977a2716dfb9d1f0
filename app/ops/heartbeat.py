"""The worker heartbeat: proof that beat, the broker and a worker all work.

Beat schedules :func:`beat` every ``INTERVAL`` seconds (worker/schedule.py); a worker
runs it and stores the time in Redis under ``KEY``, expiring after ``MAX_AGE``.
``/readyz`` reports the worker as failing when the key is missing.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from celery import shared_task
from flask import current_app

KEY = "mitwirken:worker-heartbeat"
INTERVAL = 30
MAX_AGE = 150  # five intervals: a busy worker is late, not dead


def redis_client(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(
        url or current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1
    )


@shared_task(ignore_result=True, durable=False)
def beat() -> None:
    redis_client().set(KEY, f"{time.time():.3f}", ex=MAX_AGE)


def age(client: redis.Redis) -> float | None:
    """Seconds since the last heartbeat, or None when there was none within MAX_AGE."""
    raw: Any = client.get(KEY)  # redis-py types sync and async clients as one
    if raw is None:
        return None
    return max(0.0, time.time() - float(raw))
