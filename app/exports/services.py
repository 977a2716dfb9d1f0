"""Export jobs: request (web), build (Celery task), list and fetch.

``request_export`` adds and flushes, and queues the build after the caller's commit.
``run_job`` is the task's body: it owns its transactions and commits progress
between chunks so the job page can show it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale

from app.accounts.models import User
from app.audit.services import record
from app.db import utcnow
from app.exports import writers
from app.exports.assessment_table import AssessmentTable
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.survey_table import SurveyTable
from app.exports.tables import Table
from app.extensions import db
from app.processes.models import Process
from app.queue import enqueue_on_commit
from app.surveys.models import Survey

logger = logging.getLogger(__name__)

KEEP_JOBS = 20  # finished files kept per process
ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
PROGRESS_STEP = 5  # commit progress when it moved by at least this many percent
OPTION_NAMES = ("include_hidden", "only_assessed")


class ExportError(Exception):
    """A build that cannot go on; the message is shown to staff."""


def clean_options(kind: ExportKind, options: dict[str, Any]) -> dict[str, Any]:
    """The options that matter for ``kind``, as booleans (so equal requests compare equal)."""
    if kind != ExportKind.ASSESSMENT:
        return {}
    return {name: bool(options.get(name)) for name in OPTION_NAMES}


def _identical_active(
    process: Process,
    kind: ExportKind,
    fmt: ExportFormat,
    locale: str,
    options: dict[str, Any],
    survey_id: int | None,
) -> ExportJob | None:
    candidates = db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.process_id == process.id,
            ExportJob.kind == kind,
            ExportJob.format == fmt,
            ExportJob.locale == locale,
            ExportJob.survey_id.is_(None)
            if survey_id is None
            else ExportJob.survey_id == survey_id,
            ExportJob.status.in_(ACTIVE),
        )
    )
    return next((job for job in candidates if (job.options or {}) == options), None)


def prune_jobs(process: Process, keep: int = KEEP_JOBS) -> int:
    """Delete the finished jobs (and files) beyond the newest ``keep`` of the process."""
    newest = (
        sa.select(ExportJob.id)
        .where(ExportJob.process_id == process.id)
        .order_by(ExportJob.id.desc())
        .limit(keep)
    )
    result = db.session.execute(
        sa.delete(ExportJob)
        .where(
            ExportJob.process_id == process.id,
            ExportJob.status.not_in(ACTIVE),
            ExportJob.id.not_in(newest.scalar_subquery()),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def request_export(
    process: Process,
    *,
    kind: ExportKind,
    fmt: ExportFormat,
    locale: str,
    options: dict[str, Any] | None = None,
    survey: Survey | None = None,
    requested_by: User | None = None,
) -> tuple[ExportJob, bool]:
    """A queued job for this export; (job, False) if an identical one is still pending.

    The process row is locked (PostgreSQL) so two simultaneous clicks see each other.
    """
    if kind == ExportKind.SURVEY_RESPONSES and (survey is None or survey.process_id != process.id):
        raise ValueError("a survey of this process is required")
    survey_id = survey.id if kind == ExportKind.SURVEY_RESPONSES and survey else None
    db.session.execute(sa.select(Process.id).where(Process.id == process.id).with_for_update())
    cleaned = clean_options(kind, options or {})
    existing = _identical_active(process, kind, fmt, locale, cleaned, survey_id)
    if existing is not None:
        _audit_request("export.request_repeated", existing, requested_by)
        return existing, False
    job = ExportJob(
        process_id=process.id,
        survey_id=survey_id,
        kind=kind,
        format=fmt,
        locale=locale,
        options=cleaned,
        requested_by_id=requested_by.id if requested_by else None,
    )
    db.session.add(job)
    db.session.flush()
    prune_jobs(process)
    from app.exports.tasks import build_export

    enqueue_on_commit(build_export, job.id)
    _audit_request("export.request", job, requested_by)
    logger.info("export %s (%s, %s) requested for process %s", job.id, kind, fmt, process.id)
    return job, True


def _audit_request(action: str, job: ExportJob, actor: User | None) -> None:
    after = {"kind": job.kind, "format": job.format, "locale": job.locale, "options": job.options}
    record(action, job, actor=actor, process_id=job.process_id, after=after)


def record_download(job: ExportJob, actor: User | None) -> None:
    """Audit that ``actor`` fetched the file (``export.download``)."""
    after = {"kind": job.kind, "filename": job.filename}
    record("export.download", job, actor=actor, process_id=job.process_id, after=after)


# --- reading --------------------------------------------------------------------------


def jobs_of(process: Process, limit: int = KEEP_JOBS) -> list[ExportJob]:
    return list(
        db.session.scalars(
            sa.select(ExportJob)
            .where(ExportJob.process_id == process.id)
            .order_by(ExportJob.id.desc())
            .limit(limit)
        )
    )


def job_or_none(process: Process, job_id: int) -> ExportJob | None:
    job = db.session.get(ExportJob, job_id)
    return job if job is not None and job.process_id == process.id else None


def file_sizes(jobs: list[ExportJob]) -> dict[int, int]:
    """Size in bytes of each finished file, without loading the files."""
    ids = [job.id for job in jobs if job.status == ExportStatus.DONE]
    if not ids:
        return {}
    stmt = sa.select(ExportJob.id, sa.func.length(ExportJob.content)).where(ExportJob.id.in_(ids))
    return {row[0]: int(row[1] or 0) for row in db.session.execute(stmt)}


def surveys_of(process: Process) -> list[Survey]:
    return list(
        db.session.scalars(
            sa.select(Survey).where(Survey.process_id == process.id).order_by(Survey.id)
        )
    )


# --- building (the task) ----------------------------------------------------------------


def _claim(job_id: int) -> bool:
    """Queued → running, once: a redelivered or duplicate task finds nothing to do."""
    result = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, started_at=utcnow(), progress=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "export"


def _table(job: ExportJob) -> tuple[Table, str]:
    """The table to write and the file's base name."""
    process = db.session.get(Process, job.process_id)
    if process is None:
        raise ExportError("The process no longer exists.")
    if job.kind == ExportKind.ASSESSMENT:
        return AssessmentTable(process, job.options or {}).table(job.locale), (
            f"abwaegung-{_slug(process.slug)}"
        )
    survey = db.session.get(Survey, job.survey_id) if job.survey_id else None
    if survey is None:
        raise ExportError("The survey no longer exists.")
    return SurveyTable(survey).table(job.locale), f"survey-{_slug(survey.slug)}"


class _ProgressReporter:
    """Commits ``progress`` whenever it has moved by ``PROGRESS_STEP`` percent."""

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.total, self.shown = job_id, max(total, 1), 0

    def __call__(self, rows: int) -> None:
        percent = min(99, rows * 100 // self.total)
        if percent - self.shown < PROGRESS_STEP:
            return
        self.shown = percent
        db.session.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == self.job_id)
            .values(progress=percent, row_count=rows)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


WRITERS: dict[ExportFormat, tuple[Callable[..., bytes], str, str]] = {
    ExportFormat.CSV: (writers.write_csv, writers.CSV_TYPE, "csv"),
    ExportFormat.XLSX: (writers.write_xlsx, writers.XLSX_TYPE, "xlsx"),
}


def _build(job: ExportJob) -> None:
    write, content_type, extension = WRITERS[job.format]
    with force_locale(job.locale):
        table, base = _table(job)
        content = write(table, _ProgressReporter(job.id, table.total))
    job = db.session.get(ExportJob, job.id) or job  # re-read after the progress commits
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    job.filename = f"{base}-{job.locale}-{stamp}.{extension}"
    job.content_type = content_type
    job.content = content
    job.row_count = table.total
    job.progress = 100
    job.status = ExportStatus.DONE
    job.finished_at = utcnow()


def _fail(job_id: int, exc: Exception) -> None:
    db.session.rollback()
    message = str(exc) if isinstance(exc, ExportError) else f"{type(exc).__name__}: {exc}"
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(status=ExportStatus.FAILED, error=message[:1000], finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run_job(job_id: int) -> ExportStatus | None:
    """Build the file of a queued job; returns its final status (None: nothing to do)."""
    if not _claim(job_id):
        logger.info("export %s is not queued; skipped", job_id)
        return None
    job = db.session.get(ExportJob, job_id)
    if job is None:
        return None
    try:
        _build(job)
        db.session.commit()
    except Exception as exc:
        logger.exception("export %s failed", job_id)
        _fail(job_id, exc)
        return ExportStatus.FAILED
    logger.info("export %s done: %s rows", job_id, job.row_count)
    return ExportStatus.DONE
