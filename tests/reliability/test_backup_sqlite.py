"""On the embedded SQLite database, `flask backup` says what it needs instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import DB_KIND


@pytest.mark.skipif(DB_KIND != "sqlite", reason="the SQLite pass")
@pytest.mark.parametrize("command", ["create", "verify"])
def test_backup_names_its_requirement_on_sqlite(
    app: Flask, runner: Any, tmp_path: Path, command: str
) -> None:
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"")
    result = runner.invoke(args=["backup", command, str(dump)])
    assert result.exit_code == 1
    assert "backups are made of PostgreSQL databases (DATABASE_URL)" in result.output
