"""Comments on goals: writing, editing, removing them and their status changes.

Supports and reports are in :mod:`app.comments.reactions`, reading a goal's comments
in :mod:`app.comments.listing`. Services flush, never commit. Counters on ``Comment``
(supports, score, replies, reports) change by SQL arithmetic in the same transaction
as the rows they count (:func:`bump`), and the unique constraints decide races (a
retried form).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from app.comments import tasks
from app.comments.models import Comment, CommentStatus
from app.core import upsert
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, StakeholderGroup
from app.participation.services import request_guest_confirmation
from app.privacy.consent import version_for_contribution, version_in_force
from app.processes.models import ModerationMode, Process
from app.queue import enqueue_on_commit
from app.results.tasks import schedule_process_recount

EDIT_WINDOW = timedelta(minutes=15)
# Shown to everybody (hidden and removed ones as a placeholder).
PUBLIC_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
# Shown only to their author, marked as waiting.
WAITING_STATUSES = (CommentStatus.PENDING, CommentStatus.UNCONFIRMED)


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
    organisation_name: str = ""  # a declared Verein/Organisation
    confirmed: bool = False  # the group is confirmed (an admin's grant for it)


# --- writing --------------------------------------------------------------------


def find_by_key(key: str) -> Comment | None:
    return db.session.scalar(sa.select(Comment).where(Comment.idempotency_key == key))


def initial_status(process: Process, participant: Participant) -> CommentStatus:
    if not participant.is_confirmed:
        return CommentStatus.UNCONFIRMED
    if process.moderation_mode == ModerationMode.PRE:
        return CommentStatus.PENDING
    return CommentStatus.PUBLISHED


def _declares_organisation(draft: Draft) -> bool:
    return draft.stakeholder_group == StakeholderGroup.ORGANISATION


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
    comment = _insert_once(
        goal_id=goal.id,
        parent_id=parent.id if parent is not None else None,
        participant_id=participant.id,
        author_name=participant.pseudonym,
        kind=draft.kind,
        stakeholder_group=draft.stakeholder_group,
        stakeholder_confirmed=draft.confirmed,
        organisation_name=draft.organisation_name if _declares_organisation(draft) else "",
        body=draft.body,
        status=initial_status(process, participant),
        idempotency_key=draft.idempotency_key,
        consent_version_id=version_in_force(),
    )
    if comment is None:  # the key's comment was committed meanwhile (a parallel retry)
        existing = find_by_key(draft.idempotency_key or "")
        if existing is None:
            raise LookupError("idempotency key in use, but no comment has it")
        raise DuplicateSubmissionError(existing)
    if comment.consent_version_id is None:  # the first contribution: no version stored yet
        comment.consent_version_id = version_for_contribution()
        db.session.flush()
    if comment.status == CommentStatus.UNCONFIRMED:
        request_guest_confirmation(participant)
    elif comment.status == CommentStatus.PUBLISHED:
        _became_visible(comment, process.id, notify=True)
    return comment


def _insert_once(**values: Any) -> Comment | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING: the new comment,
    or None if its key was used already. One statement, no SAVEPOINT."""
    stmt = (
        upsert.insert(Comment)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Comment)
    )
    return db.session.scalars(stmt).first()


def bump(comment_id: int, **deltas: int) -> None:
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
        bump(comment.parent_id, reply_count=1)
        if notify:
            enqueue_on_commit(tasks.notify_reply, comment.id)
    schedule_process_recount(process_id)


def _became_invisible(comment: Comment, process_id: int) -> None:
    if comment.parent_id is not None:
        bump(comment.parent_id, reply_count=-1)
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


def count_comments(process_id: int) -> dict[int, dict[str, Any]]:
    """Published comments and replies per goal of a process, in one grouped query."""
    rows = db.session.execute(
        sa.select(Comment.goal_id, sa.func.count(Comment.id))
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Goal.process_id == process_id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.goal_id)
    )
    return {goal_id: {"comments": count} for goal_id, count in rows}
