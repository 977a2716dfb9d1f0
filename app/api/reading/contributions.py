"""Published contributions (comments, replies, offline input) of a process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.api.reading.authors import Authors
from app.api.reading.common import localized, page
from app.assessment.models import Assessment
from app.assessment.services.queries import TAKEN_UP
from app.assessment.services.visibility import public_assessments
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.moderation.models import OfficialReply
from app.processes.models import Process


@dataclass(frozen=True)
class Filters:
    goal_id: int | None = None
    since: datetime | None = None
    after: int | None = None


def _rows(proc: Process, filters: Filters, limit: int) -> list[tuple[Comment, str]]:
    stmt = (
        sa.select(Comment, Goal.code)
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Goal.process_id == proc.id, Comment.status == CommentStatus.PUBLISHED)
        .order_by(Comment.id)
        .limit(limit + 1)
    )
    if filters.goal_id is not None:
        stmt = stmt.where(Comment.goal_id == filters.goal_id)
    if filters.since is not None:
        stmt = stmt.where(Comment.created_at >= filters.since)
    if filters.after is not None:
        stmt = stmt.where(Comment.id > filters.after)
    return [(comment, code) for comment, code in db.session.execute(stmt)]


def _official_replies(comment_ids: list[int]) -> dict[int, OfficialReply]:
    if not comment_ids:
        return {}
    rows = db.session.scalars(
        sa.select(OfficialReply).where(OfficialReply.comment_id.in_(comment_ids))
    )
    return {row.comment_id: row for row in rows}


def _revision_refs(assessments: list[Assessment]) -> dict[int, dict[str, Any]]:
    ids = {a.goal_revision_id for a in assessments if a.goal_revision_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(GoalRevision.id, Goal.code, GoalRevision.number)
        .join(Goal, Goal.id == GoalRevision.goal_id)
        .where(GoalRevision.id.in_(ids))
    )
    return {rid: {"goal": code, "revision": number} for rid, code, number in rows}


def _assessment(item: Assessment | None, refs: dict[int, Any]) -> dict[str, Any] | None:
    if item is None:
        return None
    # The assigned group is public only where the public pages show it: with the
    # feedback taken up (the report) and under a revision ("What has changed?").
    shown = item.consideration in TAKEN_UP or item.goal_revision_id is not None
    return {
        "consideration": item.consideration,
        "rationale": item.rationale,
        "group": item.stakeholder_group if shown else None,
        "taken_up_in": refs.get(item.goal_revision_id or 0),
    }


def _official(reply: OfficialReply | None) -> dict[str, Any] | None:
    if reply is None:
        return None
    return {
        "author": reply.author_label,
        "body": reply.body,
        "created_at": reply.created_at,
        "updated_at": reply.updated_at,
    }


class _Writer:
    def __init__(self, proc: Process, comments: list[Comment], lang: str) -> None:
        ids = [c.id for c in comments]
        self.proc, self.lang = proc, lang
        self.kinds = {k["key"]: dict(k["label"]) for k in proc.comment_kinds}
        self.authors = Authors(proc.id, comments)
        self.replies = _official_replies(ids)
        self.assessments = public_assessments(proc, ids)
        self.refs = _revision_refs(list(self.assessments.values()))

    def _kind(self, key: str) -> dict[str, Any]:
        return localized(self.kinds.get(key), self.lang, self.proc.default_locale)

    def write(self, comment: Comment, code: str) -> dict[str, Any]:
        return {
            "id": comment.id,
            "goal": code,
            "reply_to": comment.parent_id,
            "author": self.authors.of(comment),
            "declared_group": comment.stakeholder_group,
            "kind": {
                "key": comment.kind,
                "label": localized(
                    self.kinds.get(comment.kind), self.lang, self.proc.default_locale
                ),
            },
            "channel": comment.channel,
            "created_at": comment.created_at,
            "received_on": comment.received_on,
            "edited_at": comment.edited_at,
            "body": comment.body,
            "replies": comment.reply_count,
            "supports": {"up": comment.support_up, "down": comment.support_down},
            "official_reply": _official(self.replies.get(comment.id)),
            "assessment": _assessment(self.assessments.get(comment.id), self.refs),
        }


def contributions(
    proc: Process, filters: Filters, lang: str, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One page, oldest first, in at most seven queries however long the page is."""
    rows, cursor = page(_rows(proc, filters, limit), limit, lambda row: row[0].id)
    writer = _Writer(proc, [comment for comment, _code in rows], lang)
    return [writer.write(comment, code) for comment, code in rows], cursor
