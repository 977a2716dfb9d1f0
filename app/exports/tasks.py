"""Celery tasks that build export files, and the beat sweeps that keep them honest."""

from __future__ import annotations

import importlib
from typing import Any

from celery import shared_task
from celery.signals import worker_init

from app.exports import build, recovery
from app.extensions import db

# Imported by the worker once, before it forks its processes (see _preload).
EXPORT_LIBRARIES = ("numpy", "polars", "pyreadstat", "app.exports.survey_data.copy_binary")


@worker_init.connect
def _preload(**_kwargs: Any) -> None:
    """The survey data export's libraries, imported when a worker starts: the first
    SAV does not wait half a second for them, and the worker's processes share them
    (the web app never imports them)."""
    for name in EXPORT_LIBRARIES:
        importlib.import_module(name)


@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> str | None:
    """Build the file of export job ``job_id``; a job that is not queued is left alone.

    No automatic retry of an error: a failed build is marked failed with its error,
    and staff start a new export. A worker that dies is another matter: the sweep
    (:func:`recover_exports`) queues its job again.
    """
    status = build.run_job(job_id)
    return status.value if status else None


@shared_task(ignore_result=True)
def recover_exports() -> int:
    """Beat sweep (every minute): re-queue lost and stale jobs."""
    recovered = recovery.recover()
    db.session.commit()
    return len(recovered.requeued) + len(recovered.failed)


@shared_task(ignore_result=True)
def clean_up_exports() -> int:
    """Beat sweep (hourly): expire old files, remove orphaned and partial ones."""
    return recovery.clean_up()
