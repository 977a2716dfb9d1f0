"""Building an export file: the body of the ``build_export`` task.

Like a task it owns its transactions: it claims the job (queued → running, once),
commits the progress between chunks so the job page can show it, and commits the
finished file or the error. Nothing else in the exports package commits.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import force_locale

from app.db import utcnow
from app.exports import writers
from app.exports.auswertung import writers as auswertung
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.survey_table import SurveyTable
from app.exports.tables import Table
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Survey

logger = logging.getLogger(__name__)

PROGRESS_STEP = 5  # commit progress when it moved by at least this many percent


class ExportError(Exception):
    """A build that cannot go on; the message is shown to staff."""


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


def _build_auswertung(job: ExportJob) -> tuple[bytes, int, str, str, str]:
    """The Abwägung/Auswertung in any format, by the writers of ``exports.auswertung``."""
    process = db.session.get(Process, job.process_id)
    if process is None:
        raise ExportError("The process no longer exists.")
    writer = auswertung.WRITERS[job.format.value]
    base = f"auswertung-{_slug(process.slug)}"
    buffer = io.BytesIO()
    with force_locale(job.locale):
        total = auswertung.total(process, job.options)
        rows = writer.write(
            process, job.options, job.locale, buffer, _ProgressReporter(job.id, total)
        )
    return buffer.getvalue(), rows, base, writer.content_type, writer.extension


def _build(job: ExportJob) -> None:
    if job.kind == ExportKind.ASSESSMENT:
        content, rows, base, content_type, extension = _build_auswertung(job)
    else:
        write, content_type, extension = WRITERS[job.format]
        with force_locale(job.locale):
            table, base = _table(job)
            content = write(table, _ProgressReporter(job.id, table.total))
        rows = table.total
    job = db.session.get(ExportJob, job.id) or job  # re-read after the progress commits
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    job.filename = f"{base}-{job.locale}-{stamp}.{extension}"
    job.content_type = content_type
    job.content = content
    job.row_count = rows
    job.progress = 100
    job.status = ExportStatus.DONE
    job.finished_at = utcnow()


def _fail(job_id: int, exc: Exception) -> None:
    db.session.rollback()
    shown = (ExportError, auswertung.DocumentTooLargeError)
    message = str(exc) if isinstance(exc, shown) else f"{type(exc).__name__}: {exc}"
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
