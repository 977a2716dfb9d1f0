"""What participants do with somebody else's comment: support or oppose it, report it.

Functions flush, never commit. Counters change by SQL arithmetic in the same
transaction as the vote or report (:func:`app.comments.services.bump`); the unique
constraints decide races (a second vote or report, a double click).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.comments.models import Comment, CommentStatus, CommentVote, Report, ReportReason
from app.comments.services import bump, change_status
from app.extensions import db
from app.participation.models import Participant
from app.processes.models import Process

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
    bump(comment_id, **_vote_deltas(value, 1))
    return True


def _withdraw_vote(vote: CommentVote) -> None:
    result = db.session.execute(
        sa.delete(CommentVote)
        .where(CommentVote.id == vote.id, CommentVote.value == vote.value)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(result, "rowcount", 0) == 1:
        bump(vote.comment_id, **_vote_deltas(vote.value, -1))


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
        bump(vote.comment_id, **deltas)


def vote(comment: Comment, participant: Participant, value: int, shown: int | None = None) -> int:
    """+1 or -1; the same value again withdraws it. Returns the participant's vote now.

    ``shown`` is the vote the form showed when it was sent: pressing the pressed button
    means "withdraw", anything else "set". The same form sent twice (a double click) so
    sets the same state twice instead of voting and withdrawing. Without it, the stored
    vote decides.
    """
    if value not in (1, -1):
        raise ValueError("a vote is +1 or -1")
    existing = db.session.scalar(
        sa.select(CommentVote).where(
            CommentVote.comment_id == comment.id, CommentVote.participant_id == participant.id
        )
    )
    before = shown if shown is not None else (existing.value if existing else 0)
    wanted = 0 if before == value else value
    if existing is None:
        if wanted == 0 or _add_vote(comment.id, participant.id, wanted):
            return wanted
        return own_votes(participant, [comment.id]).get(comment.id, 0)  # counted already
    if wanted == 0:
        _withdraw_vote(existing)
    elif existing.value != wanted:
        _change_vote(existing, wanted)
    return wanted


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
    bump(comment.id, report_count=1)
    if comment.status == CommentStatus.PUBLISHED and comment.report_count >= max(
        process.report_threshold, 1
    ):
        change_status(comment, CommentStatus.HIDDEN, process.id)
    return True
