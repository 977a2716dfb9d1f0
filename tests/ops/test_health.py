"""The probes: /healthz while the process lives, /readyz while its services answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from app import create_app
from tests.conftest import BASE_CONFIG


def test_healthz_answers_while_the_process_lives(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_answers(client: FlaskClient) -> None:
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_an_unreachable_database(tmp_path: Path) -> None:
    config = BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"}
    response = create_app(config).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "database" in response.get_json()["reasons"]


def test_readyz_reports_an_unreachable_redis(app_config: dict[str, Any]) -> None:
    config = app_config | {"REDIS_URL": "redis://127.0.0.1:1/0"}
    response = create_app(config).test_client().get("/readyz")
    assert response.status_code == 503
    assert "redis" in response.get_json()["reasons"]
