"""A real Celery worker on Redis builds an export (PostgreSQL pass, marker `worker`)."""

from __future__ import annotations

import csv
import io
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.comments.models import Comment, CommentStatus
from app.exports import services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.extensions import db
from app.participation.models import StakeholderGroup
from tests.factories import make_goal, make_process
from tests.worker import worker_app_config

pytestmark = pytest.mark.worker


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    return worker_app_config(database_url, redis_url)


def _wait_for(job_id: int, timeout: float = 45.0) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see the worker's commits
        job = db.session.get(ExportJob, job_id)
        if job is not None and job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return job
        time.sleep(0.2)
    raise AssertionError("the worker did not build the export; see instance/test-worker.log")


def test_worker_builds_an_abwaegung_export(
    app: Flask, celery_worker_process: subprocess.Popen[bytes]
) -> None:
    assert app.extensions["celery"].conf.task_always_eager is not True
    process = make_process()
    goal = make_goal(process, "1", "Ziel")
    for number in range(3):
        db.session.add(
            Comment(
                goal_id=goal.id,
                author_name="Geheimer Name",
                kind="suggestion",
                stakeholder_group=StakeholderGroup.CITIZEN,
                body=f"Beitrag {number}",
                status=CommentStatus.PUBLISHED,
            )
        )
    job, created = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    assert created and job.status == ExportStatus.QUEUED  # before the worker can take it
    db.session.commit()

    done = _wait_for(job.id)

    assert done.status == ExportStatus.DONE, done.error
    assert done.row_count == 3 and done.progress == 100
    path = Path(app.config["EXPORT_STORAGE"]) / str(done.storage_key)
    content = path.read_bytes()  # the worker wrote it into the shared storage
    assert len(content) == done.size
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "No." and len(rows) == 4
    assert "Geheimer Name" not in content.decode("utf-8-sig")
