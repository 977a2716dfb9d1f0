"""Helpers for the fault tests: free ports, and a limiter put back to memory."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from flask import Flask

from app.extensions import limiter


def free_port() -> int:
    """A TCP port nothing listens on (bound once by the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def memory_limiter_afterwards() -> Iterator[None]:
    """Flask-Limiter keeps one storage per process: the last app built sets it. Tests
    that build an app with Redis storage hand the next tests a memory storage again."""
    yield
    neutral = Flask("limiter-reset")
    neutral.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.init_app(neutral)
