"""Reading the comments of a goal: one page of threads, sorted, with cursor pagination.

A page costs a fixed number of queries however many comments there are: the
top-level comments, their replies and the viewer's own votes.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus
from app.comments.reactions import own_votes
from app.comments.services import PUBLIC_STATUSES, WAITING_STATUSES
from app.extensions import db
from app.participation.models import Participant

PAGE_SIZE = 20


class Sort(enum.StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"


SORT_KEYS: dict[Sort, Any] = {
    Sort.NEWEST: Comment.created_at,
    Sort.SUPPORTED: Comment.score,
    Sort.DISCUSSED: Comment.reply_count,
}


def parse_sort(value: str) -> Sort:
    """The sort order named by ``value``; newest first for anything unknown."""
    try:
        return Sort(value)
    except ValueError:
        return Sort.NEWEST


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class Listing:
    """One page of top-level comments with their replies and the viewer's votes."""

    sort: Sort
    after: str | None
    threads: list[Thread]
    next_cursor: str | None
    votes: dict[int, int]
    viewer: Participant | None

    @property
    def count(self) -> int:
        return len(self.threads)


def encode_cursor(sort: Sort, comment: Comment) -> str:
    key: Any = getattr(comment, SORT_KEYS[sort].key)
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([key, comment.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str | None) -> tuple[Any, int] | None:
    """The (sort key, id) a page continues after; None for the first page or garbage."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, comment_id = json.loads(raw)
        if not isinstance(comment_id, int):
            return None
        if sort == Sort.NEWEST:
            moment = datetime.fromisoformat(key)
            return (moment, comment_id) if moment.tzinfo is not None else None
        return (key, comment_id) if isinstance(key, int) else None
    except (ValueError, TypeError, binascii.Error):
        return None


def _shown(viewer: Participant | None, *, top_level: bool) -> sa.ColumnElement[bool]:
    conditions: list[sa.ColumnElement[bool]] = [Comment.status.in_(PUBLIC_STATUSES)]
    if top_level:
        # A removed comment stays as a placeholder while it has replies.
        conditions.append(sa.and_(Comment.status == CommentStatus.REMOVED, Comment.reply_count > 0))
    if viewer is not None:
        conditions.append(
            sa.and_(Comment.participant_id == viewer.id, Comment.status.in_(WAITING_STATUSES))
        )
    return sa.or_(*conditions)


def _top_level(
    goal_id: int, sort: Sort, after: str | None, viewer: Participant | None
) -> list[Comment]:
    key = SORT_KEYS[sort]
    stmt = (
        sa.select(Comment)
        .where(
            Comment.goal_id == goal_id,
            Comment.parent_id.is_(None),
            _shown(viewer, top_level=True),
        )
        .order_by(key.desc(), Comment.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    position = decode_cursor(sort, after)
    if position is not None:
        last_key, last_id = position
        stmt = stmt.where(sa.or_(key < last_key, sa.and_(key == last_key, Comment.id < last_id)))
    return list(db.session.scalars(stmt))


def _replies(parent_ids: list[int], viewer: Participant | None) -> dict[int, list[Comment]]:
    """The replies of all shown comments, in one query, oldest first."""
    if not parent_ids:
        return {}
    stmt = (
        sa.select(Comment)
        .where(Comment.parent_id.in_(parent_ids), _shown(viewer, top_level=False))
        .order_by(Comment.created_at, Comment.id)
    )
    grouped: dict[int, list[Comment]] = {}
    for reply in db.session.scalars(stmt):
        grouped.setdefault(reply.parent_id or 0, []).append(reply)
    return grouped


def listing(goal_id: int, sort: Sort, after: str | None, viewer: Participant | None) -> Listing:
    """A page of comments in a fixed number of queries, however many there are."""
    rows = _top_level(goal_id, sort, after, viewer)
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    replies = _replies([c.id for c in page], viewer)
    threads = [Thread(c, replies.get(c.id, [])) for c in page]
    shown_ids = [c.id for t in threads for c in (t.comment, *t.replies)]
    return Listing(
        sort=sort,
        after=after if decode_cursor(sort, after) else None,
        threads=threads,
        next_cursor=encode_cursor(sort, page[-1]) if more and page else None,
        votes=own_votes(viewer, shown_ids),
        viewer=viewer,
    )
