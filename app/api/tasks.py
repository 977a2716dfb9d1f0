"""Building the open-data package off the request path."""

from __future__ import annotations

from celery import shared_task

from app.api import dump
from app.extensions import db
from app.processes.models import Process


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, acks_late=True)
def build_datapackage(self: object, process_id: int) -> None:
    """Idempotent: a package that exists for the current data version is kept."""
    proc = db.session.get(Process, process_id)
    if proc is None:
        return
    try:
        dump.build_file(proc)
    finally:
        dump.clear_request(proc)
        db.session.rollback()  # read only; end the transaction
