"""Creating and changing processes and phases; functions flush, callers commit.

Each change records its audit event (``process.*``, ``phase.*``) in the same
transaction; ``actor`` is the user who made it, None for the command line.
"""

from __future__ import annotations

import enum
import logging
import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record, snapshot
from app.extensions import db
from app.processes.models import Phase, PhaseKind, Process
from app.ratings.models import RatingQuestion, ScaleKind

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_LEVEL_NAMES: list[dict[str, str]] = [
    {"de": "Handlungsfeld", "en": "Field of action"},
    {"de": "Strategisches Ziel", "en": "Strategic goal"},
    {"de": "Operatives Ziel", "en": "Operative goal"},
]
# What the audit events of processes and phases show before and after a change.
PROCESS_FIELDS = (
    "slug",
    "title",
    "is_published",
    "participation_mode",
    "moderation_mode",
    "report_threshold",
    "assessments_public",
    "assess_survey_answers",
)
PHASE_FIELDS = ("kind", "starts_at", "ends_at", "title")
# The questions every process asks about each goal unless told otherwise.
DEFAULT_RATING_QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "direction",
        "scale": ScaleKind.AGREEMENT,
        "prompt": {"de": "Stimmt die Richtung?", "en": "Is the direction right?"},
    },
    {
        "key": "importance",
        "scale": ScaleKind.IMPORTANCE,
        "prompt": {
            "de": "Wie wichtig ist Ihnen dieses Ziel?",
            "en": "How important is this goal to you?",
        },
    },
    {
        "key": "ambition",
        "scale": ScaleKind.YES_NO_UNDECIDED,
        "prompt": {
            "de": "Sollte das Ziel mutiger formuliert werden?",
            "en": "Should the goal be more ambitious?",
        },
    },
]


class ProcessErrorCode(enum.StrEnum):
    """Why a change was refused; views map these to a translated message."""

    INVALID_SLUG = "invalid_slug"
    SLUG_TAKEN = "slug_taken"
    PHASE_ENDS_BEFORE_START = "phase_ends_before_start"
    PHASE_OVERLAPS = "phase_overlaps"


class ProcessError(ValueError):
    """A change that would leave a process inconsistent.

    ``code`` says why (views map it, never the message); ``field`` names the
    argument at fault. The message is plain English for logs and the command line.
    """

    def __init__(self, code: ProcessErrorCode, message: str, *, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def _invalid_slug() -> ProcessError:
    return ProcessError(ProcessErrorCode.INVALID_SLUG, "invalid slug", field="slug")


def _slug_taken() -> ProcessError:
    return ProcessError(ProcessErrorCode.SLUG_TAKEN, "slug already used", field="slug")


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    stmt = sa.select(Process.id).where(Process.slug == slug)
    if except_id is not None:
        stmt = stmt.where(Process.id != except_id)
    return db.session.scalar(stmt) is not None


def create_process(
    *,
    slug: str,
    title: dict[str, str],
    actor: User | None,
    rating_questions: list[dict[str, Any]] | None = None,
    **settings: Any,
) -> Process:
    """A new process with its rating questions (the three defaults unless given).

    A process always has rating questions: an empty list also gives the defaults.
    """
    if not SLUG_RE.match(slug):
        raise _invalid_slug()
    if slug_taken(slug):
        raise _slug_taken()
    settings.setdefault("level_names", [dict(name) for name in DEFAULT_LEVEL_NAMES])
    process = Process(slug=slug, title=title, **settings)
    db.session.add(process)
    db.session.flush()
    add_rating_questions(process, rating_questions or DEFAULT_RATING_QUESTIONS)
    after = snapshot(process, *PROCESS_FIELDS)
    record("process.create", process, actor=actor, process_id=process.id, after=after)
    logger.info("process %s created", slug)
    return process


def add_rating_questions(process: Process, questions: list[dict[str, Any]]) -> list[RatingQuestion]:
    """Add questions ``{"key", "scale", "prompt"}`` in the given order."""
    added = [
        RatingQuestion(
            process_id=process.id,
            key=spec["key"],
            scale=ScaleKind(spec["scale"]),
            prompt=dict(spec["prompt"]),
            position=spec.get("position", index),
        )
        for index, spec in enumerate(questions)
    ]
    db.session.add_all(added)
    db.session.flush()
    return added


def update_process(process: Process, *, actor: User | None, **changes: Any) -> None:
    slug = changes.get("slug", process.slug)
    if not SLUG_RE.match(slug):
        raise _invalid_slug()
    if slug_taken(slug, except_id=process.id):
        raise _slug_taken()
    before = snapshot(process, *PROCESS_FIELDS)
    for name, value in changes.items():
        setattr(process, name, value)
    db.session.flush()
    after = snapshot(process, *PROCESS_FIELDS)
    record(
        "process.update", process, actor=actor, process_id=process.id, before=before, after=after
    )
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
    actor: User | None,
) -> Phase:
    """Add a phase, or change ``phase``; phases of one process never overlap."""
    if ends_at <= starts_at:
        raise ProcessError(
            ProcessErrorCode.PHASE_ENDS_BEFORE_START,
            "the phase must end after it starts",
            field="ends_at",
        )
    if overlapping_phase(process, starts_at, ends_at, phase.id if phase else None):
        raise ProcessError(
            ProcessErrorCode.PHASE_OVERLAPS, "the phase overlaps another phase", field="starts_at"
        )
    action = "phase.create" if phase is None else "phase.update"
    before = snapshot(phase, *PHASE_FIELDS) if phase is not None else {}
    if phase is None:
        phase = Phase(process=process)
        db.session.add(phase)
    phase.kind, phase.starts_at, phase.ends_at = kind, starts_at, ends_at
    phase.title = title or {}
    db.session.flush()
    after = snapshot(phase, *PHASE_FIELDS)
    record(action, phase, actor=actor, process_id=process.id, before=before, after=after)
    return phase


def delete_phase(phase: Phase, *, actor: User | None) -> None:
    before = snapshot(phase, *PHASE_FIELDS)
    record("phase.delete", phase, actor=actor, process_id=phase.process_id, before=before)
    db.session.delete(phase)
    db.session.flush()
