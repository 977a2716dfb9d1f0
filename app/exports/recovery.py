"""Jobs that always finish once, and files that do not outlive their use.

The beat runs :func:`recover` every minute:

- a **queued** job that no worker took within ``EXPORT_QUEUE_TIMEOUT`` seconds (its
  broker message was lost, or Redis was down when it was requested) is queued again;
- a **running** job whose heartbeat is older than ``EXPORT_STALE_SECONDS`` (its
  worker died: killed, out of memory, the machine gone) goes back to ``queued``
  without its claim token and is queued again; after ``EXPORT_MAX_ATTEMPTS``
  attempts it fails with a message instead.

Each change is one conditional UPDATE, so a job that finished or beat in between is
left alone; and since the old attempt's token is gone, that attempt can no longer
report progress or finish (see :mod:`app.exports.build`). A second task for the same
job is harmless: only one claim succeeds.

And every hour :func:`clean_up`: files of finished jobs expire after
``EXPORT_EXPIRY_DAYS`` (the job stays, as "expired"); files that no job refers to
(pruned or deleted jobs, attempts that were given up) and partial files of dead
workers are removed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.db import utcnow
from app.exports.models import ExportJob, ExportStatus
from app.exports.storage import get_storage
from app.extensions import db
from app.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

BUILD_TASK = "app.exports.tasks.build_export"
ORPHAN_GRACE = timedelta(hours=1)  # a file younger than this may be about to be recorded
PARTIAL_GRACE = timedelta(days=1)  # no attempt writes one file for longer than this


@dataclass
class Recovered:
    requeued: list[int]
    failed: list[int]


def _settings() -> tuple[timedelta, timedelta, int]:
    config = current_app.config
    return (
        timedelta(seconds=int(config["EXPORT_QUEUE_TIMEOUT"])),
        timedelta(seconds=int(config["EXPORT_STALE_SECONDS"])),
        int(config["EXPORT_MAX_ATTEMPTS"]),
    )


def _stale_running(now: datetime, stale: timedelta) -> sa.ColumnElement[bool]:
    return sa.and_(
        ExportJob.status == ExportStatus.RUNNING,
        sa.or_(ExportJob.heartbeat_at.is_(None), ExportJob.heartbeat_at < now - stale),
    )


def is_dead(job: ExportJob, now: datetime | None = None) -> bool:
    """Whether ``job`` waits or runs without anyone working on it (see the module)."""
    now = now or utcnow()
    waited, stale, _ = _settings()
    if job.status == ExportStatus.QUEUED:
        return job.queued_at < now - waited
    if job.status == ExportStatus.RUNNING:
        return job.heartbeat_at is None or job.heartbeat_at < now - stale
    return False


def _requeue(condition: sa.ColumnElement[bool], now: datetime) -> list[int]:
    result = db.session.execute(
        sa.update(ExportJob)
        .where(condition)
        .values(status=ExportStatus.QUEUED, claim_token=None, queued_at=now, progress=0)
        .returning(ExportJob.id)
        .execution_options(synchronize_session=False)
    )
    ids = [row[0] for row in result]
    for job_id in ids:
        enqueue_on_commit(BUILD_TASK, job_id)  # by name: the task module imports this one
    return ids


def requeue_job(job_id: int) -> bool:
    """Queue a dead job again now (an identical request found it); caller commits."""
    now = utcnow()
    waited, stale, _ = _settings()
    dead = sa.or_(
        sa.and_(ExportJob.status == ExportStatus.QUEUED, ExportJob.queued_at < now - waited),
        _stale_running(now, stale),
    )
    return bool(_requeue(sa.and_(ExportJob.id == job_id, dead), now))


def recover(now: datetime | None = None) -> Recovered:
    """Re-queue lost and stale jobs, fail those out of attempts. Flushes; caller commits."""
    now = now or utcnow()
    waited, stale, max_attempts = _settings()
    failed = db.session.execute(
        sa.update(ExportJob)
        .where(_stale_running(now, stale), ExportJob.attempts >= max_attempts)
        .values(
            status=ExportStatus.FAILED,
            claim_token=None,
            finished_at=now,
            error=f"The export was interrupted {max_attempts} times and has been given up.",
        )
        .returning(ExportJob.id)
        .execution_options(synchronize_session=False)
    )
    failed_ids = [row[0] for row in failed]
    lost = sa.and_(ExportJob.status == ExportStatus.QUEUED, ExportJob.queued_at < now - waited)
    requeued = _requeue(sa.or_(lost, _stale_running(now, stale)), now)
    for job_id in requeued:
        logger.warning("export %s re-queued by the sweep", job_id)
    for job_id in failed_ids:
        logger.error("export %s failed after %s attempts", job_id, max_attempts)
    return Recovered(requeued, failed_ids)


def expire(now: datetime | None = None) -> list[str]:
    """Mark finished jobs past ``expires_at`` expired; returns their storage keys.
    Flushes; the caller commits, then deletes the files (:func:`clean_up`)."""
    now = now or utcnow()
    keys = db.session.execute(
        sa.select(ExportJob.id, ExportJob.storage_key).where(
            ExportJob.status == ExportStatus.DONE, ExportJob.expires_at < now
        )
    ).all()
    if not keys:
        return []
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id.in_([row.id for row in keys]), ExportJob.status == ExportStatus.DONE)
        .values(status=ExportStatus.EXPIRED, storage_key=None)
        .execution_options(synchronize_session=False)
    )
    return [row.storage_key for row in keys if row.storage_key]


def clean_up(now: datetime | None = None) -> int:
    """Expire old files, remove orphans and partial files. Commits (a task body)."""
    now = now or utcnow()
    storage = get_storage()
    keys = expire(now)
    db.session.commit()
    for key in keys:
        storage.delete(key)
    referenced = set(
        db.session.scalars(
            sa.select(ExportJob.storage_key).where(ExportJob.storage_key.is_not(None))
        )
    )
    orphans = [
        key
        for key, modified in storage.entries()
        if key not in referenced and modified < now - ORPHAN_GRACE
    ]
    for key in orphans:
        storage.delete(key)
    partials = storage.sweep_partials(PARTIAL_GRACE.total_seconds())
    removed = len(keys) + len(orphans) + partials
    if removed:
        logger.info(
            "exports: %s expired, %s orphaned, %s partial files removed",
            len(keys),
            len(orphans),
            partials,
        )
    return removed
