"""Offline input: staff enter what reached the city by letter, at a workshop, by phone ...

Each contribution becomes a :class:`Comment` on a goal with its channel, the date it
was received, an author label instead of a participant, and the staff member who
entered it, audited as ``comment.offline_entry`` by that staff member. Functions
flush, never commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record, snapshot
from app.comments.models import Channel, Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import current_revisions
from app.participation.models import StakeholderGroup
from app.processes.models import ModerationMode, Process
from app.results.tasks import schedule_process_recount

logger = logging.getLogger(__name__)

AUTHOR_MAX_LENGTH = 120
PER_PAGE = 25


class OfflineInputError(ValueError):
    """Input that must not be stored; the message names the problem (not user-facing)."""


@dataclass(frozen=True)
class OfflineInput:
    goal: Goal
    channel: Channel
    received_on: date
    author_name: str
    stakeholder_group: StakeholderGroup
    kind: str
    body: str


def _check(process: Process, data: OfflineInput, today: date) -> None:
    if data.goal.process_id != process.id:
        raise OfflineInputError("goal of another process")
    if data.channel == Channel.ONLINE:
        raise OfflineInputError("offline input needs an offline channel")
    if data.received_on > today:
        raise OfflineInputError("received in the future")
    if not data.body.strip() or len(data.body) > process.comment_max_length:
        raise OfflineInputError("body empty or too long")
    if not data.author_name.strip() or len(data.author_name) > AUTHOR_MAX_LENGTH:
        raise OfflineInputError("author label empty or too long")
    if data.kind not in {k["key"] for k in process.comment_kinds}:
        raise OfflineInputError("unknown kind")


def _existing(idempotency_key: str | None) -> Comment | None:
    if not idempotency_key:
        return None
    return db.session.scalar(sa.select(Comment).where(Comment.idempotency_key == idempotency_key))


def enter_offline_comment(
    process: Process,
    data: OfflineInput,
    *,
    entered_by: User,
    today: date,
    idempotency_key: str | None = None,
) -> Comment:
    """Store one offline contribution; the same ``idempotency_key`` stores it only once.

    Pre-moderated processes keep it pending like online comments; otherwise it is
    published at once. ``today`` is the local date (received_on may not be later).
    """
    _check(process, data, today)
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    comment = Comment(
        goal_id=data.goal.id,
        participant_id=None,
        author_name=data.author_name.strip(),
        kind=data.kind,
        stakeholder_group=data.stakeholder_group,
        stakeholder_confirmed=True,  # staff set the group of what they enter
        channel=data.channel,
        body=data.body.strip(),
        received_on=data.received_on,
        entered_by_id=entered_by.id,
        idempotency_key=idempotency_key or None,
        status=(
            CommentStatus.PENDING
            if process.moderation_mode == ModerationMode.PRE
            else CommentStatus.PUBLISHED
        ),
    )
    try:
        with db.session.begin_nested():
            db.session.add(comment)
    except IntegrityError:  # the same form was submitted twice at once
        logger.info("offline input %s was already stored", idempotency_key)
        found = _existing(idempotency_key)
        if found is None:
            raise
        return found
    schedule_process_recount(process.id)
    after = snapshot(comment, "goal_id", "channel", "author_name", "status", "received_on")
    record("comment.offline_entry", comment, actor=entered_by, process_id=process.id, after=after)
    logger.info("offline input on goal %s entered by user %s", data.goal.id, entered_by.id)
    return comment


@dataclass(frozen=True)
class OfflinePage:
    """One page of offline contributions with what the list shows about them."""

    pagination: Pagination
    goals: dict[int, Goal]
    titles: dict[int, dict[str, str]]
    editors: dict[int, str]


def offline_comments(process: Process, page: int, per_page: int = PER_PAGE) -> OfflinePage:
    """The process's offline contributions, newest received first (four queries)."""
    stmt = (
        sa.select(Comment)
        .join(Goal, Comment.goal_id == Goal.id)
        .where(Goal.process_id == process.id, Comment.channel != Channel.ONLINE)
        .order_by(Comment.received_on.desc(), Comment.id.desc())
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    comments: list[Comment] = list(pagination.items)
    goal_ids = {c.goal_id for c in comments}
    goals = {g.id: g for g in db.session.scalars(sa.select(Goal).where(Goal.id.in_(goal_ids)))}
    editor_ids = {c.entered_by_id for c in comments if c.entered_by_id is not None}
    rows = db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(editor_ids)))
    editors = {user_id: name for user_id, name in rows}
    titles = {goal_id: rev.title for goal_id, rev in current_revisions(goal_ids).items()}
    return OfflinePage(pagination, goals, titles, editors)
