"""A worker killed with SIGKILL in the middle of an export: the job still completes, once.

PostgreSQL pass (marker ``worker``). The test starts its own Celery workers on a
queue of their own, so the session's shared worker never takes these tasks, and
slows each chunk down (``EXPORT_CHUNK_DELAY``) so that the kill lands mid-file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
import sqlalchemy as sa
from flask import Flask

from app.config import _celery_settings
from app.exports import services, tasks
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.storage import get_storage
from app.extensions import db
from app.processes.models import Process
from app.surveys.builder.structure import add_option, create_question, create_section, create_survey
from app.surveys.models import Answer, QuestionKind, Response
from tests.worker import ROOT, start_worker, worker_app_config

pytestmark = pytest.mark.worker

QUEUE = "exports-recovery-test"
RESPONSES = 8000  # four pages of 2,000
WORKER_ENV = {
    "EXPORT_CHUNK_DELAY": "1.5",
    "EXPORT_HEARTBEAT_SECONDS": "1",
    "EXPORT_STALE_SECONDS": "4",
}


@pytest.fixture
def app_config(database_url: str, redis_url: str) -> dict[str, Any]:
    config = worker_app_config(database_url, redis_url)
    celery = _celery_settings(redis_url) | {"task_default_queue": QUEUE}
    return config | {"CELERY": celery, "EXPORT_STALE_SECONDS": 4}


@pytest.fixture
def workers(database_url: str, redis_url: str) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    log = ROOT / "instance" / "test-worker-recovery.log"
    log.unlink(missing_ok=True)

    def start() -> subprocess.Popen[bytes]:
        worker = start_worker(database_url, redis_url, log.name, QUEUE, WORKER_ENV)
        started.append(worker)
        _wait(lambda: log.read_text().count(" ready.") == len(started), 60, "worker start")
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; see instance/test-worker-recovery.log")


def _job(job_id: int) -> ExportJob:
    db.session.rollback()  # see the workers' commits
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


def _survey_with_responses(process: Process) -> Any:
    survey = create_survey(slug="gross", title={"de": "Groß"}, process_id=process.id)
    section = create_section(survey, title={"de": "S"})
    question = create_question(section, kind=QuestionKind.SINGLE_CHOICE, prompt={"de": "Wie?"})
    options = [add_option(question, label={"de": v}, value=v) for v in ("a", "b")]
    db.session.flush()
    ids = db.session.scalars(
        sa.insert(Response).returning(Response.id),
        [
            {"survey_id": survey.id, "state": "submitted", "submitted_on": date(2024, 5, 1)}
            for _ in range(RESPONSES)
        ],
    ).all()
    db.session.execute(
        sa.insert(Answer),
        [
            {"response_id": rid, "question_id": question.id, "option_id": options[rid % 2].id}
            for rid in ids
        ],
    )
    db.session.commit()
    return survey


def test_a_killed_worker_does_not_lose_the_export(
    app: Flask, process: Process, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    survey = _survey_with_responses(process)
    first = workers()
    job, _ = services.request_export(
        process, kind=ExportKind.SURVEY_RESPONSES, fmt=ExportFormat.SAV, locale="de", survey=survey
    )
    db.session.commit()

    running = _wait(
        lambda: (j := _job(job.id)).status == ExportStatus.RUNNING and j.progress > 0 and j,
        60,
        "the first attempt to report progress",
    )
    assert running.attempts == 1 and running.progress < 100
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert _job(job.id).status == ExportStatus.RUNNING  # nobody is working on it now

    workers()  # a new worker takes what the sweep queues again

    def swept_and_done() -> ExportJob | None:
        current = _job(job.id)
        if current.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return current
        tasks.recover_exports()  # the beat task's body, run here: its tasks go to QUEUE
        time.sleep(1)
        return None

    done = _wait(swept_and_done, 90, "the sweep and the second attempt")
    assert done.status == ExportStatus.DONE, done.error
    assert done.attempts == 2 and done.row_count == RESPONSES and done.progress == 100
    assert [key for key, _ in get_storage().entries()] == [done.storage_key]
    frame, meta = pyreadstat.read_sav(
        str(Path(app.config["EXPORT_STORAGE"]) / str(done.storage_key))
    )
    assert len(frame) == RESPONSES and meta.column_names[:3] == ["id", "channel", "day"]
    assert frame["id"].tolist() == list(range(1, RESPONSES + 1))
