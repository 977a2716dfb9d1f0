"""Building an export file: the body of the ``build_export`` task.

Like a task it owns its transactions. One attempt:

1. **claims** the job with a conditional UPDATE (``queued → running``, a new
   ``claim_token``, ``attempts + 1``); a redelivered or duplicate task finds nothing
   to do;
2. writes the file into the export storage under a key of its own
   (``<job>-<token>.<ext>``), committing ``progress`` and ``heartbeat_at`` between
   chunks; a heartbeat thread keeps ``heartbeat_at`` fresh while a writer works
   without reporting (on SQLite the progress commits do it);
3. **finishes** with an UPDATE that matches its token: only the attempt that still
   owns the job marks it done, so a job completes exactly once. An attempt that the
   sweep (:mod:`app.exports.recovery`) gave up on notices at its next progress
   update or at the end, stops, and deletes its file.

Any error sets ``failed`` with the message in ``error``, logged with the traceback.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.db import utcnow
from app.exports import formats
from app.exports.auswertung.document import DocumentTooLargeError
from app.exports.models import ExportJob, ExportKind, ExportStatus
from app.exports.source import ExportError, Source
from app.exports.storage import get_storage
from app.extensions import db
from app.i18n import local_zone
from app.surveys.models import Option

logger = logging.getLogger(__name__)

PROGRESS_STEP = 5  # commit progress when it moved by at least this many percent


class LostClaimError(Exception):
    """The job was taken from this attempt (the sweep re-queued it)."""


def _claim(job_id: int, token: str) -> bool:
    """Queued → running, once: a redelivered or duplicate task finds nothing to do."""
    now = utcnow()
    result = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
        .values(
            status=ExportStatus.RUNNING,
            claim_token=token,
            attempts=ExportJob.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            row_count=0,
            error="",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _owned(job_id: int, token: str) -> sa.Update:
    return (
        sa.update(ExportJob)
        .where(
            ExportJob.id == job_id,
            ExportJob.claim_token == token,
            ExportJob.status == ExportStatus.RUNNING,
        )
        .execution_options(synchronize_session=False)
    )


class ProgressReporter:
    """Commits ``progress`` (and the heartbeat) whenever it moved by ``PROGRESS_STEP``
    percent or the heartbeat is due; raises :class:`LostClaimError` if the job is gone."""

    def __init__(self, job_id: int, token: str, beat: Heartbeat) -> None:
        self.job_id, self.token, self.beat = job_id, token, beat
        self.shown = 0
        self.last = time.monotonic()
        self.interval = float(current_app.config["EXPORT_HEARTBEAT_SECONDS"])
        self.delay = float(current_app.config.get("EXPORT_CHUNK_DELAY") or 0)

    def __call__(self, done: int, total: int) -> None:
        if self.beat.lost.is_set():
            raise LostClaimError
        if self.delay:
            time.sleep(self.delay)  # tests and benchmarks only (EXPORT_CHUNK_DELAY)
        percent = min(99, done * 100 // max(total, 1))
        due = time.monotonic() - self.last >= self.interval
        if percent - self.shown < PROGRESS_STEP and not due:
            return
        self.shown, self.last = max(self.shown, percent), time.monotonic()
        result = db.session.execute(
            _owned(self.job_id, self.token).values(
                progress=self.shown, row_count=done, heartbeat_at=utcnow()
            )
        )
        db.session.commit()
        if not result.rowcount:  # type: ignore[attr-defined]
            raise LostClaimError


class Heartbeat:
    """A thread that writes ``heartbeat_at`` every ``EXPORT_HEARTBEAT_SECONDS`` on a
    connection of its own, so a writer busy for minutes without a progress call (a
    big SAV at the end) still shows it is alive. Not on SQLite, where a second
    writer would wait for the lock; there the progress commits are the heartbeat."""

    def __init__(self, job_id: int, token: str) -> None:
        self.job_id, self.token = job_id, token
        self.lost = threading.Event()
        self.stopped = threading.Event()
        self.engine = db.engine
        self.interval = float(current_app.config["EXPORT_HEARTBEAT_SECONDS"])
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.engine.dialect.name != "sqlite":
            self.thread = threading.Thread(target=self._run, daemon=True, name="export-beat")
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as conn:
                    result = conn.execute(
                        _owned(self.job_id, self.token).values(heartbeat_at=utcnow())
                    )
                if not result.rowcount:
                    self.lost.set()
                    return
            except sa.exc.SQLAlchemyError:
                logger.warning("export %s: heartbeat failed", self.job_id, exc_info=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "export"


def file_name(source: Source, extension: str) -> str:
    if source.kind == ExportKind.ASSESSMENT:
        base = f"abwaegung-{_slug(source.process().slug)}"
    elif source.kind == ExportKind.SURVEY_REPORT:
        base = f"ergebnisbericht-{_slug(source.survey().slug)}"
        if source.options.get("group") is not None:
            option = db.session.get(Option, int(source.options["group"]))
            base += f"-{_slug(option.value)}" if option is not None else ""
    else:
        base = f"survey-{_slug(source.survey().slug)}"
    stamp = utcnow().astimezone(local_zone()).strftime("%Y%m%d-%H%M")  # as staff read clocks
    return f"{base}-{source.locale}-{stamp}.{extension}"


def _build(job_id: int, token: str, beat: Heartbeat) -> None:
    job = db.session.get(ExportJob, job_id)
    if job is None:
        raise LostClaimError
    source = Source.of(job)
    writer = formats.writer_for(source.kind, source.format)
    if writer is None:
        raise ExportError(f"There is no {source.format} export of this kind.")
    filename = file_name(source, writer.extension)
    storage = get_storage()
    key = f"{job_id}-{token}.{writer.extension}"
    with storage.writer(key) as out:
        rows = formats.write(source, out, ProgressReporter(job_id, token, beat))
    now = utcnow()
    days = float(current_app.config["EXPORT_EXPIRY_DAYS"])
    result = db.session.execute(
        _owned(job_id, token).values(
            status=ExportStatus.DONE,
            progress=100,
            row_count=rows,
            filename=filename,
            content_type=writer.content_type,
            storage_key=key,
            size=storage.size(key) or 0,
            finished_at=now,
            expires_at=now + timedelta(days=days),
            claim_token=None,
        )
    )
    db.session.commit()
    if not result.rowcount:  # type: ignore[attr-defined]
        storage.delete(key)
        raise LostClaimError


def _fail(job_id: int, token: str, exc: Exception) -> None:
    db.session.rollback()
    shown = (ExportError, DocumentTooLargeError)  # messages written for staff
    message = str(exc) if isinstance(exc, shown) else f"{type(exc).__name__}: {exc}"
    db.session.execute(
        _owned(job_id, token).values(
            status=ExportStatus.FAILED, error=message[:1000], finished_at=utcnow(), claim_token=None
        )
    )
    db.session.commit()


def run_job(job_id: int) -> ExportStatus | None:
    """Build the file of a queued job; returns its final status (None: nothing to do)."""
    token = uuid.uuid4().hex
    if not _claim(job_id, token):
        logger.info("export %s is not queued; skipped", job_id)
        return None
    with Heartbeat(job_id, token) as beat:
        try:
            _build(job_id, token, beat)
        except LostClaimError:
            db.session.rollback()
            logger.warning("export %s: attempt %s no longer owns the job; stopped", job_id, token)
            return None
        except Exception as exc:
            logger.exception("export %s failed", job_id)
            _fail(job_id, token, exc)
            return ExportStatus.FAILED
    logger.info("export %s done", job_id)
    return ExportStatus.DONE
