"""The container setup: migrations once per release, the proxy count set, no access log
with client addresses, Redis that keeps queued tasks over a restart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def test_only_the_migrate_job_runs_migrations_and_everything_waits_for_it() -> None:
    services = _compose()["services"]
    running_upgrade = [name for name, s in services.items() if "db upgrade" in _command(s)]
    assert running_upgrade == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "db upgrade" not in dockerfile.split("CMD", 1)[1]


def test_gunicorn_writes_no_access_log() -> None:
    """An access log would hold client addresses and links with tokens in their path."""
    commands = [_command(s) for s in _compose()["services"].values()]
    commands.append((ROOT / "Dockerfile").read_text().split("CMD", 1)[1])
    gunicorn = [c for c in commands if "gunicorn" in c]
    assert len(gunicorn) == 2
    assert [c for c in gunicorn if re.search(r"access-?log", c)] == []


def test_compose_sets_the_proxy_count_and_a_durable_redis() -> None:
    compose = _compose()
    assert compose["x-app"]["environment"]["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-1}"
    assert "--appendonly yes" in _command(compose["services"]["redis"])


def test_trusted_proxies_must_be_a_number(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be a whole number"):
        load_config(tmp_path)
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert load_config(tmp_path)["TRUSTED_PROXIES"] == 2
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert load_config(tmp_path)["TRUSTED_PROXIES"] == 0  # embedded mode: no proxy believed
