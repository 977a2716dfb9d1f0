"""Which contributions the Auswertung holds: the one set of rules for rows and counts.

Published comments, replies and offline input of the process (hidden ones on request),
and the open answers the Abwägung workspace lists (text answers and "other" texts of
submitted responses, when the process assesses survey answers). Pending, unconfirmed
and removed comments are never in it. ``only_assessed`` keeps contributions with a
consideration status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.assessment.models import Assessment
from app.assessment.services.queries import open_answers
from app.comments.models import Comment, CommentStatus
from app.goals.models import Goal
from app.processes.models import Process
from app.surveys.models import Answer


@dataclass(frozen=True)
class Options:
    include_hidden: bool = False
    only_assessed: bool = False

    @classmethod
    def of(cls, options: dict[str, Any] | None) -> Options:
        options = options or {}
        return cls(bool(options.get("include_hidden")), bool(options.get("only_assessed")))

    @property
    def statuses(self) -> tuple[CommentStatus, ...]:
        if self.include_hidden:
            return (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
        return (CommentStatus.PUBLISHED,)


def comments(process: Process, options: Options) -> sa.Select[Any]:
    """Comments in the table; joined with their goal and (outer) assessment."""
    stmt = (
        sa.select(Comment.id)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(Goal.process_id == process.id, Comment.status.in_(options.statuses))
    )
    if options.only_assessed:
        stmt = stmt.where(Assessment.consideration.is_not(None))
    return stmt


def answers(process: Process, options: Options) -> sa.Select[Any]:
    """Survey open answers in the table; joined with response, question and assessment."""
    stmt = open_answers(process).with_only_columns(Answer.id)
    if options.only_assessed:
        stmt = stmt.where(Assessment.consideration.is_not(None))
    return stmt
