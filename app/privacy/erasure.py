"""'Konto löschen': an account, or a guest's address, and what hangs on it (Art. 17).

By default comments and replies stay, with no author name (NULL: every page shows
"deleted user" in its own language, ``Comment.display_author``) and linked to
nobody (others' replies and the Abwägung refer to them); with ``remove_contributions``
they are removed like an author's own deletion and their text is erased. Votes,
reports and ratings are always deleted (they carry no meaning without their author
and would otherwise keep a person's opinion); survey responses are unlinked, or
deleted with ``remove_contributions``. Counters change in SQL in the same transaction
and every affected process and survey is marked dirty for its rebuild.

SQLite does not enforce ``ON DELETE``; ``rows.delete_rows`` applies the declared rules
itself, so both databases end in the same state. Functions flush, never commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import record
from app.comments.models import Comment, CommentStatus, CommentVote, Report
from app.comments.services import bump, change_status
from app.extensions import db
from app.goals.models import Goal
from app.privacy.rows import delete_rows
from app.privacy.subjects import Subject
from app.ratings.models import Rating
from app.results.tasks import schedule_process_recount
from app.results.triggers import process_changed, survey_changed
from app.surveys.models import Participation, Response, ResponseState

logger = logging.getLogger(__name__)


@dataclass
class Erased:
    comments_kept: int = 0
    comments_removed: int = 0
    votes: int = 0
    reports: int = 0
    ratings: int = 0
    responses_unlinked: int = 0
    responses_deleted: int = 0
    processes: set[int] = field(default_factory=set)
    surveys: set[int] = field(default_factory=set)


def _votes(participant_ids: list[int], erased: Erased) -> None:
    rows = db.session.execute(
        sa.select(CommentVote.comment_id, CommentVote.value, Goal.process_id)
        .join(Comment, Comment.id == CommentVote.comment_id)
        .join(Goal, Goal.id == Comment.goal_id)
        .where(CommentVote.participant_id.in_(participant_ids))
    ).all()
    deltas: dict[int, dict[str, int]] = defaultdict(
        lambda: {"support_up": 0, "support_down": 0, "score": 0}
    )
    for comment_id, value, process_id in rows:
        delta = deltas[comment_id]
        delta["support_up" if value == 1 else "support_down"] -= 1
        delta["score"] -= value
        erased.processes.add(process_id)
    for comment_id, delta in deltas.items():
        bump(comment_id, **delta)
    db.session.execute(
        sa.delete(CommentVote).where(CommentVote.participant_id.in_(participant_ids))
    )
    erased.votes = len(rows)


def _reports(participant_ids: list[int], erased: Erased) -> None:
    counts = db.session.execute(
        sa.select(Report.comment_id, sa.func.count())
        .where(Report.participant_id.in_(participant_ids))
        .group_by(Report.comment_id)
    ).all()
    for comment_id, count in counts:
        bump(comment_id, report_count=-count)
    db.session.execute(sa.delete(Report).where(Report.participant_id.in_(participant_ids)))
    erased.reports = sum(count for _id, count in counts)


def _ratings(participant_ids: list[int], erased: Erased) -> None:
    process_ids = db.session.scalars(
        sa.select(Goal.process_id)
        .join(Rating, Rating.goal_id == Goal.id)
        .where(Rating.participant_id.in_(participant_ids))
        .distinct()
    ).all()
    result = db.session.execute(sa.delete(Rating).where(Rating.participant_id.in_(participant_ids)))
    erased.ratings = getattr(result, "rowcount", 0) or 0
    erased.processes.update(process_ids)


def _comments(participant_ids: list[int], remove: bool, erased: Erased) -> None:
    rows = db.session.execute(
        sa.select(Comment, Goal.process_id)
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Comment.participant_id.in_(participant_ids))
        .order_by(Comment.id)
    ).all()
    for comment, process_id in rows:
        erased.processes.add(process_id)
        if remove:
            change_status(comment, CommentStatus.REMOVED, process_id)
            comment.body = ""
            comment.hidden_reason = None
            erased.comments_removed += 1
        else:
            erased.comments_kept += 1
        comment.author_name = None  # shown as "deleted user" in the reader's language
        comment.participant_id = None
        comment.idempotency_key = None
    db.session.flush()


def _responses(user_id: int, remove: bool, erased: Erased) -> None:
    rows = db.session.execute(
        sa.select(Response.id, Response.survey_id, Response.state).where(
            Response.user_id == user_id
        )
    ).all()
    drop = [r.id for r in rows if remove or r.state == ResponseState.IN_PROGRESS]
    keep = [r.id for r in rows if r.id not in drop]
    submitted = [r for r in rows if r.state == ResponseState.SUBMITTED]
    if remove:  # unlinking changes no count; deleting does
        erased.surveys.update(r.survey_id for r in submitted)
        erased.responses_deleted = len(submitted)
    delete_rows("survey_response", drop)
    if keep:
        db.session.execute(sa.update(Response).where(Response.id.in_(keep)).values(user_id=None))
    db.session.execute(sa.delete(Participation).where(Participation.subject == f"user:{user_id}"))
    erased.responses_unlinked = len(keep)


def _rebuild(erased: Erased) -> None:
    for process_id in sorted(erased.processes):
        schedule_process_recount(process_id)
        process_changed(process_id)
    for survey_id in sorted(erased.surveys):
        survey_changed(survey_id)


def erase(subject: Subject, *, remove_contributions: bool) -> Erased:
    """Delete ``subject``'s account or guest address and what hangs on it (audited).

    The audit event names no person: the actor is the system (the account is gone
    with this transaction) and the object is the account's or first guest's id.
    """
    erased = Erased()
    participant_ids = subject.participant_ids
    if participant_ids:
        _votes(participant_ids, erased)
        _reports(participant_ids, erased)
        _ratings(participant_ids, erased)
        _comments(participant_ids, remove_contributions, erased)
    if subject.user is not None:
        _responses(subject.user.id, remove_contributions, erased)
    audited: object = subject.user or (subject.participants[0] if subject.participants else "guest")
    action = "account.delete" if subject.user is not None else "guest.delete"
    record(action, audited, actor=None, after=_summary(erased, remove_contributions))
    for participant in subject.participants:
        db.session.expunge(participant)
    delete_rows("participant", participant_ids)
    if subject.user is not None:
        user = subject.user
        # Its audit events lose the actor (SET NULL): mark them, so the log shows a
        # deleted account there, not the system.
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.actor_id == user.id).values(actor_deleted=True)
        )
        db.session.expunge(user)
        delete_rows("user", [user.id])
    _rebuild(erased)
    db.session.flush()
    logger.info("%s: %s", action, _summary(erased, remove_contributions))
    return erased


def _summary(erased: Erased, removed: bool) -> dict[str, object]:
    return {
        "contributions_removed": removed,
        "comments_kept": erased.comments_kept,
        "comments_removed": erased.comments_removed,
        "votes": erased.votes,
        "reports": erased.reports,
        "ratings": erased.ratings,
        "responses_unlinked": erased.responses_unlinked,
        "responses_deleted": erased.responses_deleted,
    }
