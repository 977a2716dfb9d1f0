"""Fingerprints of what an answer is built from: narrow aggregate queries, no rendering.

Each function returns a tuple that changes whenever the answer would: the ETag is a
hash of it (``app.api.conditional``). What each one covers:

- ``tree``: the goals (code, parent, position, level) and each goal's newest revision
  (revisions are append-only, so a new text is a new id);
- ``contributions``: the comments of the process (how many, which are published,
  supports, replies, text lengths, edits), their assessments (``version`` counts
  every change) and official replies (``updated_at``);
- ``aggregate``: the stored counts (``version``, ``computed_at``);
- ``process``: the row (``updated_at``), its phases and which of them is current,
  since what is public changes with the phase.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.assessment.models import Assessment
from app.comments.models import Comment, CommentStatus
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.moderation.models import OfficialReply
from app.processes.models import Process
from app.ratings.models import RatingQuestion
from app.results.models import Aggregate
from app.results.services import PROCESS_SCOPE


def process(proc: Process, now: datetime | None = None) -> tuple[Any, ...]:
    now = now or utcnow()
    phases = tuple((p.id, p.kind, p.starts_at, p.ends_at, repr(p.title)) for p in proc.phases)
    current = proc.current_phase(now)
    return (proc.id, proc.updated_at, phases, current.id if current else None)


def tree(process_id: int) -> tuple[Any, ...]:
    rows = db.session.execute(
        sa.select(
            Goal.id,
            Goal.parent_id,
            Goal.position,
            Goal.code,
            Goal.level,
            sa.func.max(GoalRevision.id),
        )
        .join(GoalRevision, GoalRevision.goal_id == Goal.id)
        .where(Goal.process_id == process_id)
        .group_by(Goal.id, Goal.parent_id, Goal.position, Goal.code, Goal.level)
        .order_by(Goal.id)
    ).all()
    return tuple(tuple(row) for row in rows)


def contributions(process_id: int) -> tuple[Any, ...]:
    published = sa.case((Comment.status == CommentStatus.PUBLISHED, Comment.id), else_=0)
    row = db.session.execute(
        sa.select(
            sa.func.count(Comment.id),
            sa.func.max(Comment.id),
            sa.func.sum(published),
            sa.func.sum(Comment.support_up),
            sa.func.sum(Comment.support_down),
            sa.func.sum(Comment.reply_count),
            sa.func.sum(sa.func.length(Comment.body)),
            sa.func.max(Comment.edited_at),
            sa.func.count(Assessment.id),
            sa.func.sum(Assessment.version),
            sa.func.max(Assessment.assessed_at),
            sa.func.count(OfficialReply.id),
            sa.func.max(OfficialReply.updated_at),
        )
        .select_from(Comment)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .outerjoin(OfficialReply, OfficialReply.comment_id == Comment.id)
        .where(Goal.process_id == process_id)
    ).one()
    return tuple(row)


def aggregate(stored: Aggregate | None) -> tuple[Any, ...]:
    return (None,) if stored is None else (stored.id, stored.version, stored.computed_at)


def process_aggregate(process_id: int) -> tuple[Any, ...]:
    """The stored counts' version without reading their data."""
    row = db.session.execute(
        sa.select(Aggregate.id, Aggregate.version, Aggregate.computed_at).where(
            Aggregate.scope == PROCESS_SCOPE,
            Aggregate.scope_id == process_id,
            Aggregate.computed_at.is_not(None),
        )
    ).first()
    return (None,) if row is None else tuple(row)


def rating_questions(process_id: int) -> tuple[Any, ...]:
    rows = db.session.execute(
        sa.select(
            RatingQuestion.id, RatingQuestion.key, RatingQuestion.scale, RatingQuestion.prompt
        )
        .where(RatingQuestion.process_id == process_id)
        .order_by(RatingQuestion.position, RatingQuestion.id)
    ).all()
    return tuple((row[0], row[1], row[2], repr(row[3])) for row in rows)
