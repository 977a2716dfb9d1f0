"""Reading and changing processes and their phases."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.processes.models import Process


def published_processes() -> list[Process]:
    return list(
        db.session.scalars(
            sa.select(Process).where(Process.is_published).order_by(Process.created_at.desc())
        )
    )


def all_processes() -> list[Process]:
    return list(db.session.scalars(sa.select(Process).order_by(Process.created_at.desc())))


def get_process_or_404(slug: str) -> Process:
    process = db.session.scalar(sa.select(Process).where(Process.slug == slug))
    if process is None:
        abort(404)
    return process
