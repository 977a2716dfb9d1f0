"""The export pipeline: storage and downloads, expiry, recovery of dead jobs, the CLI."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus
from app.db import utcnow
from app.exports import build, recovery, services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.storage import DirectoryStorage, StorageError, get_storage
from app.exports.survey_data.stream import read_ahead
from app.extensions import db
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from tests.conftest import submit
from tests.factories import make_goal

BASE = "/en/staff/exports/p/hf12/"


@pytest.fixture
def comments(process: Process) -> int:
    goal = make_goal(process, "1", "Ziel")
    for number in range(12):
        db.session.add(
            Comment(
                goal_id=goal.id,
                author_name="Name",
                kind="suggestion",
                stakeholder_group=StakeholderGroup.CITIZEN,
                body=f"Beitrag {number}",
                status=CommentStatus.PUBLISHED,
            )
        )
    db.session.commit()
    return 12


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs stay queued: what would go to Celery is recorded instead."""
    queued: list[int] = []

    def record(task: Any, job_id: int) -> None:
        queued.append(job_id)

    monkeypatch.setattr(services, "enqueue_on_commit", record)
    monkeypatch.setattr(recovery, "enqueue_on_commit", record)
    return queued


def _request(process: Process, fmt: ExportFormat = ExportFormat.CSV) -> ExportJob:
    job, _created = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=fmt, locale="en"
    )
    db.session.commit()
    return job


def _fresh(job_id: int) -> ExportJob:
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


# --- storage and downloads -------------------------------------------------------------


def test_the_file_lives_in_the_storage_not_in_the_database(
    app: Flask, process: Process, comments: int
) -> None:
    job = _fresh(_request(process).id)
    assert job.status == ExportStatus.DONE and job.row_count == comments
    assert "content" not in sa.inspect(ExportJob).columns
    path = Path(app.config["EXPORT_STORAGE"]) / str(job.storage_key)
    assert path.is_file() and path.stat().st_size == job.size > 0
    assert job.storage_key == f"{job.id}-{job.storage_key.split('-')[1]}"
    assert job.expires_at is not None
    assert job.expires_at - job.finished_at == timedelta(days=7)  # type: ignore[operator]


def test_downloads_stream_from_the_storage_and_answer_ranges(
    staff_client: FlaskClient, process: Process, comments: int
) -> None:
    job = _request(process)
    url = f"{BASE}{job.id}/download"
    whole = staff_client.get(url)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Cache-Control"] == "no-store"
    assert int(whole.headers["Content-Length"]) == len(whole.data) == _fresh(job.id).size
    part = staff_client.get(url, headers={"Range": "bytes=3-12"})
    assert part.status_code == 206
    assert part.data == whole.data[3:13]
    assert part.headers["Content-Range"] == f"bytes 3-12/{len(whole.data)}"
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "export.download")
    ).all()
    assert len(actions) == 1  # the range request continues that download


def test_a_missing_file_is_not_found(
    staff_client: FlaskClient, process: Process, comments: int
) -> None:
    job = _fresh(_request(process).id)
    get_storage().delete(str(job.storage_key))
    assert staff_client.get(f"{BASE}{job.id}/download").status_code == 404


def test_the_storage_publishes_a_file_only_when_it_is_complete(tmp_path: Path) -> None:
    storage = DirectoryStorage(tmp_path)
    with pytest.raises(RuntimeError), storage.writer("1-abc.csv") as out:
        out.write(b"half a file")
        raise RuntimeError("the writer broke")
    assert storage.size("1-abc.csv") is None
    assert list(storage.entries()) == []
    assert not any((tmp_path / ".partial").iterdir())
    with storage.writer("1-abc.csv") as out:
        out.write(b"whole")
    assert storage.size("1-abc.csv") == 5
    with pytest.raises(StorageError):
        storage.delete("../etc/passwd")


# --- expiry and clean-up -----------------------------------------------------------------


def test_files_expire_and_the_job_says_so(
    staff_client: FlaskClient, process: Process, comments: int
) -> None:
    job = _request(process)
    key = str(_fresh(job.id).storage_key)
    db.session.execute(sa.update(ExportJob).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert recovery.clean_up() == 1
    expired = _fresh(job.id)
    assert expired.status == ExportStatus.EXPIRED and expired.storage_key is None
    assert get_storage().size(key) is None
    assert staff_client.get(f"{BASE}{job.id}/download").status_code == 404
    page = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert "Expired" in page and "older than the retention period" in page


def test_orphans_and_partial_files_are_removed(app: Flask, process: Process, comments: int) -> None:
    kept = _fresh(_request(process).id)
    storage = get_storage()
    with storage.writer("999-gone.csv") as out:
        out.write(b"a pruned job's file")
    root = Path(app.config["EXPORT_STORAGE"])
    partial = root / ".partial" / "998-dead.sav.123"
    partial.write_bytes(b"a dead worker's half file")
    day_ago = time.time() - 2 * 86400
    for path in (root / "999-gone.csv", partial):
        os.utime(path, (day_ago, day_ago))
    assert recovery.clean_up() == 2
    assert storage.size("999-gone.csv") is None and not partial.exists()
    assert storage.size(str(kept.storage_key)) == kept.size


# --- recovery ------------------------------------------------------------------------------


def test_a_queued_job_no_worker_took_is_queued_again(
    process: Process, comments: int, sent: list[int]
) -> None:
    job = _request(process)
    assert sent == [job.id]
    assert recovery.recover().requeued == []  # not yet overdue
    later = utcnow() + timedelta(minutes=11)
    assert recovery.recover(later).requeued == [job.id]
    db.session.commit()
    assert sent == [job.id, job.id]
    assert _fresh(job.id).queued_at == later


def test_a_running_job_whose_heartbeat_stopped_is_built_again_once(
    process: Process, comments: int, sent: list[int]
) -> None:
    job = _request(process)
    assert build._claim(job.id, "dead-worker")
    assert recovery.recover(utcnow() + timedelta(seconds=60)).requeued == []  # still beating
    result = recovery.recover(utcnow() + timedelta(seconds=121))
    db.session.commit()
    assert result.requeued == [job.id]
    again = _fresh(job.id)
    assert again.status == ExportStatus.QUEUED and again.claim_token is None
    assert build.run_job(job.id) == ExportStatus.DONE
    assert build.run_job(job.id) is None  # a second delivery finds nothing to do
    done = _fresh(job.id)
    assert done.status == ExportStatus.DONE and done.attempts == 2
    assert done.row_count == comments


def test_a_job_is_given_up_after_the_last_attempt(
    process: Process, comments: int, sent: list[int]
) -> None:
    job = _request(process)
    db.session.execute(
        sa.update(ExportJob).values(
            status=ExportStatus.RUNNING, attempts=3, heartbeat_at=utcnow() - timedelta(hours=1)
        )
    )
    db.session.commit()
    result = recovery.recover()
    db.session.commit()
    assert result.failed == [job.id] and result.requeued == []
    failed = _fresh(job.id)
    assert failed.status == ExportStatus.FAILED
    assert "interrupted 3 times" in failed.error


def test_an_attempt_that_lost_its_job_stops_and_leaves_no_file(
    app: Flask, process: Process, comments: int, sent: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep gives up on a slow attempt; that attempt must not finish the job."""
    monkeypatch.setattr("app.exports.auswertung.entries.CHUNK", 4)
    job = _request(process)
    original = build.ProgressReporter.__call__

    def swept_midway(self: Any, done: int, total: int) -> None:
        if done == 4:  # the sweep runs as if the heartbeat had stopped
            recovery.recover(utcnow() + timedelta(hours=1))
            db.session.commit()
        original(self, done, total)

    monkeypatch.setattr(build.ProgressReporter, "__call__", swept_midway)
    assert build.run_job(job.id) is None
    stopped = _fresh(job.id)
    assert stopped.status == ExportStatus.QUEUED and stopped.storage_key is None
    assert list(get_storage().entries()) == []
    monkeypatch.setattr(build.ProgressReporter, "__call__", original)
    assert build.run_job(job.id) == ExportStatus.DONE
    assert _fresh(job.id).attempts == 2


def test_an_identical_request_revives_a_dead_job_instead_of_returning_it(
    process: Process, comments: int, sent: list[int]
) -> None:
    job = _request(process)
    db.session.execute(
        sa.update(ExportJob).values(
            status=ExportStatus.RUNNING,
            claim_token="gone",
            heartbeat_at=utcnow() - timedelta(hours=1),
        )
    )
    db.session.commit()
    again, created = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    db.session.commit()
    assert again.id == job.id and not created
    assert sent == [job.id, job.id]  # sent to the workers again
    revived = _fresh(job.id)
    assert revived.status == ExportStatus.QUEUED and revived.claim_token is None
    assert build.run_job(job.id) == ExportStatus.DONE


def test_the_beat_runs_both_sweeps(app: Flask) -> None:
    schedule = app.extensions["celery"].conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"app.exports.tasks.recover_exports", "app.exports.tasks.clean_up_exports"} <= tasks


# --- the form and the CLI ------------------------------------------------------------------


def test_the_form_offers_only_formats_that_exist(
    staff_client: FlaskClient, process: Process
) -> None:
    page = staff_client.get(BASE).get_data(as_text=True)
    for fmt in ("xlsx", "csv", "ods", "docx", "pdf", "sav"):
        assert f'value="{fmt}"' in page
    response = submit(staff_client, BASE, {"kind": "assessment", "format": "sav", "language": "en"})
    assert response.status_code == 400
    assert "This format is not available for what you chose to export." in response.get_data(
        as_text=True
    )


def test_cli_writes_the_auswertung_with_a_progress_bar(
    runner: Any, process: Process, comments: int, tmp_path: Path
) -> None:
    out = tmp_path / "auswertung.xlsx"
    result = runner.invoke(
        args=["export", "auswertung", "hf12", "--format", "xlsx", "--lang", "de", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"{comments} rows written to {out}" in result.output
    book = openpyxl.load_workbook(out)
    overview, *tables = book.worksheets
    assert overview.title == "Übersicht"
    assert sum(sheet.max_row - 1 for sheet in tables) == comments
    assert all(sheet.cell(1, 1).value == "Nr." for sheet in tables)
    assert [p.name for p in tmp_path.iterdir()] == ["auswertung.xlsx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["auswertung", "nope", "--format", "csv"], "no process with the address 'nope'"),
        (["auswertung", "hf12", "--format", "sav"], "'sav' is not one of 'xlsx', 'csv', 'ods'"),
        (["auswertung", "hf12", "--format", "csv", "--lang", "fr"], "'fr' is not one of"),
        (["responses", "nope", "--format", "sav"], "no survey with the address 'nope'"),
        (["responses", "nope", "--format", "pdf"], "'pdf' is not one of 'xlsx', 'csv', 'sav'"),
    ],
)
def test_cli_refuses_unknown_slugs_formats_and_languages_with_code_2(
    runner: Any, process: Process, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(args=["export", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x").exists()


def test_cli_refuses_an_output_folder_that_does_not_exist_with_code_2(
    runner: Any, process: Process, tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "auswertung.pdf"
    result = runner.invoke(
        args=["export", "auswertung", "hf12", "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert f"the folder {out.parent} does not exist" in result.output
    assert not out.parent.exists()


def test_read_ahead_stops_its_thread_and_passes_errors_on(
    app: Flask, process: Process, comments: int
) -> None:
    def readers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "export-read-ahead"]

    pages = read_ahead(db.engine, sa.select(Comment.id).order_by(Comment.id), page_size=5)
    assert [row[0] for row in next(pages)] == [1, 2, 3, 4, 5]
    pages.close()  # the consumer stops early (an error, a lost claim)
    assert readers() == []
    broken = read_ahead(db.engine, sa.select(sa.text("no_such_column FROM comment")), 5)
    with pytest.raises(sa.exc.DBAPIError):
        next(broken)
    assert readers() == []
