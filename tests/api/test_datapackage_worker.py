"""The data package built by a real Celery worker (PostgreSQL pass, marker ``worker``)."""

from __future__ import annotations

import subprocess
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.config import PROJECT_ROOT
from tests.api.conftest import OpenData
from tests.worker import worker_app_config

pytestmark = pytest.mark.worker
URL = "/api/v1/processes/hf12/datapackage.zip"


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    return worker_app_config(database_url, redis_url)


@pytest.fixture(autouse=True)
def _package_folder(app: Flask) -> None:
    """Where the worker (configured from the environment) writes the packages."""
    app.config["OPENDATA_PATH"] = str(PROJECT_ROOT / "instance" / "opendata")


def test_the_worker_builds_the_package_the_download_then_serves(
    client: FlaskClient, opendata: OpenData, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    first = client.get(URL)
    assert first.status_code == 503 and first.headers["Retry-After"] == "30"
    deadline = time.monotonic() + 45
    response = first
    while response.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.3)
        response = client.get(URL)
    assert response.status_code == 200, "see instance/test-worker.log"
    assert response.mimetype == "application/zip"
