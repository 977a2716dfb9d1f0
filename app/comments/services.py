"""Comments on goals: writing, supporting, reporting and listing them.

Services flush, never commit. Counters on ``Comment`` (supports, score, replies,
reports) change by SQL arithmetic in the same transaction as the rows they count,
and the unique constraints decide races (a second vote or report, a retried form).
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from app.comments import tasks
from app.comments.models import Comment, CommentStatus, CommentVote, Report, ReportReason
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, StakeholderGroup
from app.participation.services import on_guest_confirmed, request_guest_confirmation
from app.processes.models import ModerationMode, Process
from app.queue import enqueue_on_commit
from app.results.services import register_goal_counter
from app.results.tasks import schedule_process_recount

PAGE_SIZE = 20
EDIT_WINDOW = timedelta(minutes=15)
# Shown to everybody (hidden and removed ones as a placeholder).
PUBLIC_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
# Shown only to their author, marked as waiting.
WAITING_STATUSES = (CommentStatus.PENDING, CommentStatus.UNCONFIRMED)


class Sort(enum.StrEnum):
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"


SORT_KEYS: dict[Sort, Any] = {
    Sort.NEWEST: Comment.created_at,
    Sort.SUPPORTED: Comment.score,
    Sort.DISCUSSED: Comment.reply_count,
}


class DuplicateSubmissionError(Exception):
    """The form was sent before (same idempotency key); ``comment`` is the result."""

    def __init__(self, comment: Comment) -> None:
        super().__init__(comment.id)
        self.comment = comment


@dataclass(frozen=True)
class Draft:
    body: str
    kind: str
    stakeholder_group: StakeholderGroup
    idempotency_key: str | None = None


# --- writing --------------------------------------------------------------------


def find_by_key(key: str) -> Comment | None:
    return db.session.scalar(sa.select(Comment).where(Comment.idempotency_key == key))


def initial_status(process: Process, participant: Participant) -> CommentStatus:
    if not participant.is_confirmed:
        return CommentStatus.UNCONFIRMED
    if process.moderation_mode == ModerationMode.PRE:
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def create_comment(
    process: Process,
    goal: Goal,
    participant: Participant,
    draft: Draft,
    parent: Comment | None = None,
) -> Comment:
    """A new comment, or a reply to ``parent`` (always a top-level comment).

    Raises DuplicateSubmissionError when the idempotency key was used already.
    """
    comment = Comment(
        goal_id=goal.id,
        parent_id=parent.id if parent is not None else None,
        participant_id=participant.id,
        author_name=participant.pseudonym,
        kind=draft.kind,
        stakeholder_group=draft.stakeholder_group,
        body=draft.body,
        status=initial_status(process, participant),
        idempotency_key=draft.idempotency_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(comment)
    except IntegrityError:
        existing = find_by_key(draft.idempotency_key) if draft.idempotency_key else None
        if existing is None:
            raise
        raise DuplicateSubmissionError(existing) from None
    if comment.status == CommentStatus.UNCONFIRMED:
        request_guest_confirmation(participant)
    elif comment.status == CommentStatus.PUBLISHED:
        _became_visible(comment, process.id, notify=True)
    return comment


def _bump(comment_id: int, **deltas: int) -> None:
    """Add to counters in SQL (``x = x + n``), never read-modify-write."""
    values = {name: getattr(Comment, name) + delta for name, delta in deltas.items() if delta}
    if not values:
        return
    db.session.execute(
        sa.update(Comment)
        .where(Comment.id == comment_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # A loaded copy would add to its possibly stale value; reload it when read.
    loaded = db.session.identity_map.get(identity_key(Comment, comment_id))
    if loaded is not None:
        db.session.expire(loaded, list(values))


def _became_visible(comment: Comment, process_id: int, *, notify: bool) -> None:
    if comment.parent_id is not None:
        _bump(comment.parent_id, reply_count=1)
        if notify:
            enqueue_on_commit(tasks.notify_reply, comment.id)
    schedule_process_recount(process_id)


def _became_invisible(comment: Comment, process_id: int) -> None:
    if comment.parent_id is not None:
        _bump(comment.parent_id, reply_count=-1)
    schedule_process_recount(process_id)


def change_status(comment: Comment, new: CommentStatus, process_id: int) -> bool:
    """Move ``comment`` to ``new`` if nobody changed it meanwhile; keeps counts in step.

    Also the entry point for moderation (publish, hide, restore).
    """
    old = comment.status
    if old == new:
        return False
    values: dict[str, Any] = {"status": new}
    if new == CommentStatus.REMOVED:
        values["removed_at"] = utcnow()
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.id == comment.id, Comment.status == old)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) != 1:
        db.session.refresh(comment)
        return False
    if new == CommentStatus.PUBLISHED:
        # A reply's author hears of it once: when it first appears, not on restore.
        _became_visible(comment, process_id, notify=old in WAITING_STATUSES)
    elif old == CommentStatus.PUBLISHED:
        _became_invisible(comment, process_id)
    return True


@on_guest_confirmed
def publish_confirmed(participant: Participant) -> None:
    """The guest opened the mailed link: their comments go to moderation or online."""
    rows = db.session.execute(
        sa.select(Comment, Process.moderation_mode, Process.id)
        .join(Goal, Goal.id == Comment.goal_id)
        .join(Process, Process.id == Goal.process_id)
        .where(
            Comment.participant_id == participant.id,
            Comment.status == CommentStatus.UNCONFIRMED,
        )
        .order_by(Comment.id)
    ).all()
    for comment, mode, process_id in rows:
        target = CommentStatus.PENDING if mode == ModerationMode.PRE else CommentStatus.PUBLISHED
        change_status(comment, target, process_id)


def is_author(comment: Comment, participant: Participant | None) -> bool:
    return participant is not None and comment.participant_id == participant.id


def can_edit(
    comment: Comment, participant: Participant | None, now: datetime | None = None
) -> bool:
    """Authors may correct their text for 15 minutes, unless it was removed or hidden."""
    if not is_author(comment, participant) or comment.is_offline:
        return False
    if comment.status in (CommentStatus.REMOVED, CommentStatus.HIDDEN):
        return False
    return (now or utcnow()) - comment.created_at <= EDIT_WINDOW


def can_remove(comment: Comment, participant: Participant | None) -> bool:
    return is_author(comment, participant) and comment.status != CommentStatus.REMOVED


def edit_comment(comment: Comment, body: str, process: Process) -> None:
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()
    if process.moderation_mode == ModerationMode.PRE and comment.status == CommentStatus.PUBLISHED:
        change_status(comment, CommentStatus.PENDING, process.id)  # changed text: review again


def remove_comment(comment: Comment, process_id: int) -> None:
    """The author deletes it: the text leaves the page, its replies stay."""
    change_status(comment, CommentStatus.REMOVED, process_id)


# --- supports -------------------------------------------------------------------


def _vote_deltas(value: int, sign: int) -> dict[str, int]:
    return {
        "support_up": sign if value == 1 else 0,
        "support_down": sign if value == -1 else 0,
        "score": sign * value,
    }


def _add_vote(comment_id: int, participant_id: int, value: int) -> bool:
    """Insert the vote; False if one exists already (a double click or a race)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                CommentVote(comment_id=comment_id, participant_id=participant_id, value=value)
            )
    except IntegrityError:
        return False
    _bump(comment_id, **_vote_deltas(value, 1))
    return True


def _withdraw_vote(vote: CommentVote) -> None:
    result = db.session.execute(
        sa.delete(CommentVote)
        .where(CommentVote.id == vote.id, CommentVote.value == vote.value)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) == 1:
        _bump(vote.comment_id, **_vote_deltas(vote.value, -1))


def _change_vote(vote: CommentVote, value: int) -> None:
    old = vote.value
    result = db.session.execute(
        sa.update(CommentVote)
        .where(CommentVote.id == vote.id, CommentVote.value == old)
        .values(value=value)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) == 1:
        deltas = _vote_deltas(old, -1)
        for name, delta in _vote_deltas(value, 1).items():
            deltas[name] += delta
        _bump(vote.comment_id, **deltas)


def vote(comment: Comment, participant: Participant, value: int) -> int:
    """+1 or -1; the same value again withdraws it. Returns the participant's vote now."""
    result = _vote(comment, participant, value)
    process_id = db.session.scalar(sa.select(Goal.process_id).where(Goal.id == comment.goal_id))
    if process_id is not None:
        schedule_process_recount(process_id)  # the consensus counts votes (coalesced)
    return result


def _vote(comment: Comment, participant: Participant, value: int) -> int:
    if value not in (1, -1):
        raise ValueError("a vote is +1 or -1")
    existing = db.session.scalar(
        sa.select(CommentVote).where(
            CommentVote.comment_id == comment.id, CommentVote.participant_id == participant.id
        )
    )
    if existing is None:
        if _add_vote(comment.id, participant.id, value):
            return value
        return own_votes(participant, [comment.id]).get(comment.id, 0)  # counted already
    if existing.value == value:
        _withdraw_vote(existing)
        return 0
    _change_vote(existing, value)
    return value


def own_votes(participant: Participant | None, comment_ids: list[int]) -> dict[int, int]:
    """{comment_id: +1/-1} of this participant, in one query."""
    if participant is None or not comment_ids:
        return {}
    rows = db.session.execute(
        sa.select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.participant_id == participant.id,
            CommentVote.comment_id.in_(comment_ids),
        )
    )
    return {comment_id: value for comment_id, value in rows}


# --- reports --------------------------------------------------------------------


def has_reported(comment: Comment, participant: Participant | None) -> bool:
    if participant is None:
        return False
    found = db.session.scalar(
        sa.select(Report.id).where(
            Report.comment_id == comment.id, Report.participant_id == participant.id
        )
    )
    return found is not None


def report_comment(
    comment: Comment,
    participant: Participant,
    reason: ReportReason,
    text: str,
    process: Process,
) -> bool:
    """Record a report; False if this participant reported the comment before.

    At ``process.report_threshold`` reports the comment is hidden until reviewed.
    """
    try:
        with db.session.begin_nested():
            db.session.add(
                Report(
                    comment_id=comment.id, participant_id=participant.id, reason=reason, text=text
                )
            )
    except IntegrityError:
        return False
    _bump(comment.id, report_count=1)
    if comment.status == CommentStatus.PUBLISHED and comment.report_count >= max(
        process.report_threshold, 1
    ):
        change_status(comment, CommentStatus.HIDDEN, process.id)
    return True


# --- reading --------------------------------------------------------------------


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


@register_goal_counter
def count_comments(process_id: int) -> dict[int, dict[str, Any]]:
    """Published comments and replies per goal of a process, in one grouped query."""
    rows = db.session.execute(
        sa.select(Comment.goal_id, sa.func.count(Comment.id))
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Goal.process_id == process_id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.goal_id)
    )
    return {goal_id: {"comments": count} for goal_id, count in rows}
