"""`flask backup create` and `flask backup verify` against PostgreSQL.

The dump is restored into a scratch database on the same server, which verify
creates and drops again; the shared databases are not touched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.participation.models import StakeholderGroup
from tests.conftest import DB_KIND, PG_ADMIN_URL
from tests.factories import make_goal, make_process, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="backups are of PostgreSQL databases"),
]


@pytest.fixture
def content(app: Flask) -> None:
    process = make_process()
    goal = make_goal(process, "1", "Erstes Ziel")
    make_goal(process, "1.1", "Unterziel", parent=goal)
    make_user("anna@example.org")
    for number in range(3):
        db.session.add(
            Comment(
                goal_id=goal.id,
                author_name=f"Person {number}",
                kind="suggestion",
                stakeholder_group=StakeholderGroup.CITIZEN,
                body=f"Kommentar {number}",
                status=CommentStatus.PUBLISHED,
            )
        )
    db.session.commit()


def _run(runner: Any, *args: str) -> Any:
    return runner.invoke(args=["backup", *args])


def _scratch_databases() -> list[str]:
    engine = sa.create_engine(PG_ADMIN_URL)
    with engine.connect() as connection:
        names = connection.scalars(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
            {"pattern": f"{db.engine.url.database}_verify_%"},
        ).all()
    engine.dispose()
    return list(names)


def test_a_backup_restores_with_the_counts_it_recorded(
    app: Flask, runner: Any, content: None, tmp_path: Path
) -> None:
    dump = tmp_path / "mitwirken.dump"
    created = _run(runner, "create", str(dump))
    assert created.exit_code == 0, created.output
    summary = json.loads((tmp_path / "mitwirken.dump.json").read_text())
    assert summary["tables"]["comment"] == 3
    assert summary["tables"]["goal"] == 2
    assert summary["tables"]["user"] == 1
    assert summary["alembic_revision"]

    db.session.execute(sa.delete(Comment))  # later changes do not matter: the file counts
    db.session.commit()
    verified = _run(runner, "verify", str(dump))
    assert verified.exit_code == 0, verified.output
    assert "comment: 3" in verified.output
    assert f"OK: {len(summary['tables'])} tables" in verified.output
    assert _scratch_databases() == []


def test_a_dump_that_does_not_hold_what_was_recorded_fails(
    app: Flask, runner: Any, content: None, tmp_path: Path
) -> None:
    dump = tmp_path / "mitwirken.dump"
    assert _run(runner, "create", str(dump)).exit_code == 0
    companion = tmp_path / "mitwirken.dump.json"
    summary = json.loads(companion.read_text())
    summary["tables"]["comment"] = 4
    companion.write_text(json.dumps(summary))

    verified = _run(runner, "verify", str(dump))
    assert verified.exit_code == 1
    assert "MISMATCH comment: expected 4 rows, restored 3" in verified.output
    assert _scratch_databases() == []


def test_a_damaged_dump_fails_its_checksum(
    app: Flask, runner: Any, content: None, tmp_path: Path
) -> None:
    dump = tmp_path / "mitwirken.dump"
    assert _run(runner, "create", str(dump)).exit_code == 0
    dump.write_bytes(dump.read_bytes()[:-100])
    verified = _run(runner, "verify", str(dump))
    assert verified.exit_code == 1
    assert "does not match the checksum" in verified.output


def test_without_a_companion_file_the_source_database_is_the_reference(
    app: Flask, runner: Any, content: None, tmp_path: Path
) -> None:
    dump = tmp_path / "mitwirken.dump"
    assert _run(runner, "create", str(dump)).exit_code == 0
    (tmp_path / "mitwirken.dump.json").unlink()
    assert _run(runner, "verify", str(dump)).exit_code == 0

    make_user("later@example.org")  # written after the dump
    verified = _run(runner, "verify", str(dump))
    assert verified.exit_code == 1
    assert "MISMATCH user: expected 2 rows, restored 1" in verified.output
