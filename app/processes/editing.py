"""Creating and changing processes and phases; functions flush, callers commit."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.processes.models import Phase, PhaseKind, Process

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_LEVEL_NAMES: list[dict[str, str]] = [
    {"de": "Handlungsfeld", "en": "Field of action"},
    {"de": "Strategisches Ziel", "en": "Strategic goal"},
    {"de": "Operatives Ziel", "en": "Operative goal"},
]


class ProcessError(ValueError):
    """A change that would leave a process inconsistent; the message is user-facing."""


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    stmt = sa.select(Process.id).where(Process.slug == slug)
    if except_id is not None:
        stmt = stmt.where(Process.id != except_id)
    return db.session.scalar(stmt) is not None


def create_process(*, slug: str, title: dict[str, str], **settings: Any) -> Process:
    if not SLUG_RE.match(slug):
        raise ProcessError("invalid slug")
    if slug_taken(slug):
        raise ProcessError("slug already used")
    settings.setdefault("level_names", [dict(name) for name in DEFAULT_LEVEL_NAMES])
    process = Process(slug=slug, title=title, **settings)
    db.session.add(process)
    db.session.flush()
    logger.info("process %s created", slug)
    return process


def update_process(process: Process, **changes: Any) -> None:
    slug = changes.get("slug", process.slug)
    if not SLUG_RE.match(slug):
        raise ProcessError("invalid slug")
    if slug_taken(slug, except_id=process.id):
        raise ProcessError("slug already used")
    for name, value in changes.items():
        setattr(process, name, value)
    db.session.flush()
    logger.info("process %s updated", process.slug)


def overlapping_phase(
    process: Process, starts_at: datetime, ends_at: datetime, except_id: int | None = None
) -> Phase | None:
    for phase in process.phases:
        if phase.id != except_id and phase.starts_at < ends_at and starts_at < phase.ends_at:
            return phase
    return None


def save_phase(
    process: Process,
    *,
    kind: PhaseKind,
    starts_at: datetime,
    ends_at: datetime,
    title: dict[str, str] | None = None,
    phase: Phase | None = None,
) -> Phase:
    """Add a phase, or change ``phase``; phases of one process never overlap."""
    if ends_at <= starts_at:
        raise ProcessError("the phase must end after it starts")
    if overlapping_phase(process, starts_at, ends_at, phase.id if phase else None):
        raise ProcessError("the phase overlaps another phase")
    if phase is None:
        phase = Phase(process=process)
        db.session.add(phase)
    phase.kind, phase.starts_at, phase.ends_at = kind, starts_at, ends_at
    phase.title = title or {}
    db.session.flush()
    return phase


def delete_phase(phase: Phase) -> None:
    db.session.delete(phase)
    db.session.flush()
