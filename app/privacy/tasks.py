"""Beat task: the daily retention run (app.privacy.retention)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from app.extensions import db
from app.privacy import retention


@shared_task(ignore_result=True)
def apply_retention() -> dict[str, Any]:
    """Idempotent: a second run finds nothing left to delete."""
    counts = retention.apply(retention.plan())
    db.session.commit()
    return counts
