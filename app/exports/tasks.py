"""Celery tasks that build export files."""

from __future__ import annotations

from celery import shared_task

from app.exports import build


@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> str | None:
    """Build the file of export job ``job_id``; a job that is not queued is left alone.

    No automatic retry: a failed build is marked failed with its error, and staff
    start a new export from the page.
    """
    status = build.run_job(job_id)
    return status.value if status else None
