"""Export jobs: request, list and fetch. Building the file is :mod:`app.exports.build`.

``request_export`` adds and flushes, records the audit event, and queues the build
task (:func:`app.exports.tasks.build_export`) to run after the caller's commit.
Functions here flush, never commit.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record
from app.exports import formats, recovery
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.tasks import build_export
from app.extensions import db
from app.processes.models import Process
from app.queue import enqueue_on_commit
from app.surveys.models import AccessMode, Survey

logger = logging.getLogger(__name__)

KEEP_JOBS = 20  # finished files kept per process
ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
OPTION_NAMES = ("include_hidden", "only_assessed")
SURVEY_KINDS = (ExportKind.SURVEY_RESPONSES, ExportKind.SURVEY_REPORT)


def clean_options(kind: ExportKind, options: dict[str, Any]) -> dict[str, Any]:
    """The options that matter for ``kind``, normalised so equal requests compare equal:
    booleans for the Abwägung, the group's option id (or None) for the results report."""
    if kind == ExportKind.SURVEY_REPORT:
        group = options.get("group")
        return {"group": int(group) if group not in (None, "") else None}
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
    """Delete the finished jobs beyond the newest ``keep`` of the process; their files
    go with the hourly clean-up (:func:`app.exports.recovery.clean_up`), after the commit."""
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
    reason: str = "",
) -> tuple[ExportJob, bool]:
    """A queued job for this export; (job, False) if an identical one is still pending.

    The process row is locked (PostgreSQL) so two simultaneous clicks see each other.
    An export with identities (:func:`with_identities`) needs a ``reason``; it is
    audited with the request. Who may ask for one is ``policy.can_export_identities``.
    """
    if kind in SURVEY_KINDS and (survey is None or survey.process_id != process.id):
        raise ValueError("a survey of this process is required")
    identities = kind == ExportKind.SURVEY_RESPONSES and with_identities(survey)
    if identities and not reason.strip():
        raise ValueError("an export with identities needs a reason")
    if formats.writer_for(kind, fmt) is None:
        raise ValueError(f"there is no {fmt} export of {kind}")
    survey_id = survey.id if kind in SURVEY_KINDS and survey else None
    db.session.execute(sa.select(Process.id).where(Process.id == process.id).with_for_update())
    cleaned = clean_options(kind, options or {})
    existing = _identical_active(process, kind, fmt, locale, cleaned, survey_id)
    if existing is not None:
        if recovery.is_dead(existing) and recovery.requeue_job(existing.id):
            logger.warning("export %s was dead; queued again for a repeated request", existing.id)
            db.session.refresh(existing)
        _audit_request("export.request_repeated", existing, requested_by, reason, identities)
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
    enqueue_on_commit(build_export, job.id)
    _audit_request("export.request", job, requested_by, reason, identities)
    logger.info("export %s (%s, %s) requested for process %s", job.id, kind, fmt, process.id)
    return job, True


def with_identities(survey: Survey | None) -> bool:
    """Survey data that keeps each response's invitation code: the code leads back to
    the letter, and so to a person. Every other export names nobody ("Bürger:in N",
    response numbers)."""
    return survey is not None and survey.access_mode == AccessMode.CODE and not survey.anonymised


def _audit_request(
    action: str, job: ExportJob, actor: User | None, reason: str = "", identities: bool = False
) -> None:
    after: dict[str, Any] = {
        "kind": job.kind,
        "format": job.format,
        "locale": job.locale,
        "options": job.options,
    }
    if identities:
        after |= {"with_identities": True, "reason": reason.strip()}
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
    """Size in bytes of each finished file."""
    return {job.id: job.size for job in jobs if job.status == ExportStatus.DONE}


def surveys_of(process: Process) -> list[Survey]:
    return list(
        db.session.scalars(
            sa.select(Survey).where(Survey.process_id == process.id).order_by(Survey.id)
        )
    )
