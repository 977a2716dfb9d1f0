"""Moderation: the queue, approve/hide/restore, blocks, notes and official replies.

Reading the audit log is :mod:`app.audit.log`.

Services flush, never commit, and record the audit event of each change they make
(``comment.*``, ``participant.*``, ``moderation_note.create``, ``official_reply.*``)
by the moderator given as ``actor``/``author``; the views commit once.
Status changes go through :func:`app.comments.services.change_status`, which keeps
the counters, the aggregates and the reply mails in step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from app.accounts.models import User
from app.audit.services import record, snapshot
from app.comments.models import Channel, Comment, CommentStatus, Report, ReportReason
from app.comments.services import change_status
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.mail import external_url, queue_mail
from app.moderation.models import ModerationNote, OfficialReply
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.participation.services import mail_language
from app.processes.models import Process

PER_PAGE = 25
COMMENT_FIELDS = ("status", "hidden_reason", "moderated_at", "moderated_by_id")
BLOCK_FIELDS = ("blocked_at", "blocked_until", "block_reason")
DEFAULT_REPLY_LABEL = "Verwaltung"


class Tab(enum.StrEnum):
    PENDING = "pending"
    REPORTED = "reported"
    PUBLISHED = "published"
    HIDDEN = "hidden"


class BlockDuration(enum.StrEnum):
    DAY = "1"
    WEEK = "7"
    MONTH = "30"
    INDEFINITE = "indefinite"


@dataclass(frozen=True)
class QueueFilter:
    goal_id: int | None = None
    kind: str = ""
    stakeholder_group: StakeholderGroup | None = None
    channel: Channel | None = None


# --- the queue --------------------------------------------------------------------


def _open_reports() -> sa.Exists:
    return (
        sa.select(Report.id)
        .where(Report.comment_id == Comment.id, Report.resolved_at.is_(None))
        .exists()
    )


def _tab_query(stmt: sa.Select[Any], tab: Tab) -> sa.Select[Any]:
    if tab == Tab.PENDING:
        return stmt.where(Comment.status == CommentStatus.PENDING).order_by(
            Comment.created_at, Comment.id
        )
    if tab == Tab.REPORTED:
        return stmt.where(
            Comment.status.in_((CommentStatus.PUBLISHED, CommentStatus.HIDDEN)), _open_reports()
        ).order_by(Comment.report_count.desc(), Comment.id.desc())
    status = CommentStatus.PUBLISHED if tab == Tab.PUBLISHED else CommentStatus.HIDDEN
    return stmt.where(Comment.status == status).order_by(
        Comment.created_at.desc(), Comment.id.desc()
    )


def _filtered(stmt: sa.Select[Any], filters: QueueFilter) -> sa.Select[Any]:
    if filters.goal_id is not None:
        stmt = stmt.where(Comment.goal_id == filters.goal_id)
    if filters.kind:
        stmt = stmt.where(Comment.kind == filters.kind)
    if filters.stakeholder_group is not None:
        stmt = stmt.where(Comment.stakeholder_group == filters.stakeholder_group)
    if filters.channel is not None:
        stmt = stmt.where(Comment.channel == filters.channel)
    return stmt


def queue(process_ids: set[int] | None, tab: Tab, filters: QueueFilter, page: int) -> Pagination:
    """One page (25) of the tab's comments in the given processes (None: all)."""
    stmt = sa.select(Comment).join(Goal, Goal.id == Comment.goal_id)
    if process_ids is not None:
        stmt = stmt.where(Goal.process_id.in_(process_ids or {-1}))
    stmt = _filtered(_tab_query(stmt, tab), filters)
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def goals_of(comment_ids: list[int]) -> dict[int, tuple[Goal, Process]]:
    """{comment_id: (goal, process)} in one query."""
    if not comment_ids:
        return {}
    rows = db.session.execute(
        sa.select(Comment.id, Goal, Process)
        .join(Goal, Goal.id == Comment.goal_id)
        .join(Process, Process.id == Goal.process_id)
        .where(Comment.id.in_(comment_ids))
    )
    return {comment_id: (goal, process) for comment_id, goal, process in rows}


def process_of(comment: Comment) -> Process:
    process = db.session.scalar(
        sa.select(Process)
        .join(Goal, Goal.process_id == Process.id)
        .where(Goal.id == comment.goal_id)
    )
    assert process is not None  # a comment always belongs to a goal of a process
    return process


def open_report_reasons(comment_ids: list[int]) -> dict[int, list[tuple[ReportReason, int]]]:
    """{comment_id: [(reason, open reports for it), …]} for the list, most frequent
    first, in one query."""
    rows = db.session.execute(
        sa.select(Report.comment_id, Report.reason, sa.func.count())
        .where(Report.comment_id.in_(comment_ids or [-1]), Report.resolved_at.is_(None))
        .group_by(Report.comment_id, Report.reason)
        .order_by(Report.comment_id, sa.func.count().desc(), Report.reason)
    )
    reasons: dict[int, list[tuple[ReportReason, int]]] = {}
    for comment_id, reason, count in rows:
        reasons.setdefault(comment_id, []).append((ReportReason(reason), count))
    return reasons


def open_reports(comment: Comment) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report)
            .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
            .order_by(Report.created_at)
        )
    )


# --- transitions ------------------------------------------------------------------


def comment_snapshot(comment: Comment) -> dict[str, Any]:
    return snapshot(comment, *COMMENT_FIELDS)


def _resolve_reports(comment: Comment) -> None:
    db.session.execute(
        sa.update(Report)
        .where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _moderated(
    action: str, comment: Comment, process: Process, actor: User, before: dict[str, Any]
) -> None:
    """Stamp the moderator on the comment and audit the change as ``comment.<action>``."""
    comment.moderated_at = utcnow()
    comment.moderated_by_id = actor.id
    db.session.flush()
    after = comment_snapshot(comment)
    record(
        f"comment.{action}",
        comment,
        actor=actor,
        process_id=process.id,
        before=before,
        after=after,
    )


def approve(comment: Comment, process: Process, actor: User) -> bool:
    """Publish a pending comment or confirm a reported one; resolves its reports."""
    if comment.status not in (CommentStatus.PENDING, CommentStatus.PUBLISHED):
        return False
    before = comment_snapshot(comment)
    change_status(comment, CommentStatus.PUBLISHED, process.id)
    _resolve_reports(comment)
    _moderated("approve", comment, process, actor, before)
    return True


def hide(comment: Comment, process: Process, actor: User, reason: str) -> bool:
    """Hide with a public reason; resolves reports and tells the author by mail."""
    if comment.status == CommentStatus.REMOVED or not reason.strip():
        return False
    before = comment_snapshot(comment)
    change_status(comment, CommentStatus.HIDDEN, process.id)
    comment.hidden_reason = reason.strip()
    _resolve_reports(comment)
    _moderated("hide", comment, process, actor, before)
    _mail_author(comment, process, "comment_hidden", reason=comment.hidden_reason)
    return True


def restore(comment: Comment, process: Process, actor: User) -> bool:
    """Publish a hidden comment again; its reason is cleared."""
    if comment.status != CommentStatus.HIDDEN:
        return False
    before = comment_snapshot(comment)
    change_status(comment, CommentStatus.PUBLISHED, process.id)
    comment.hidden_reason = None
    _resolve_reports(comment)
    _moderated("restore", comment, process, actor, before)
    return True


# --- blocks -----------------------------------------------------------------------


def block_snapshot(participant: Participant) -> dict[str, Any]:
    data = snapshot(participant, *BLOCK_FIELDS)
    if participant.user is not None:
        data["user_blocked_at"] = snapshot(participant.user, "blocked_at")["blocked_at"]
    return data


def block(
    participant: Participant,
    duration: BlockDuration,
    reason: str,
    *,
    actor: User,
    process: Process,
) -> None:
    """Block the participant (from the comment in ``process``), audited."""
    before = block_snapshot(participant)
    now = utcnow()
    participant.blocked_at = now
    participant.blocked_until = (
        None if duration == BlockDuration.INDEFINITE else now + timedelta(days=int(duration))
    )
    participant.block_reason = reason.strip()
    if participant.user is not None and duration == BlockDuration.INDEFINITE:
        participant.user.blocked_at = now
    db.session.flush()
    _audit_block("participant.block", participant, actor, process, before)


def unblock(participant: Participant, *, actor: User, process: Process) -> None:
    before = block_snapshot(participant)
    participant.blocked_at = None
    participant.blocked_until = None
    participant.block_reason = ""
    if participant.user is not None:
        participant.user.blocked_at = None
    db.session.flush()
    _audit_block("participant.unblock", participant, actor, process, before)


def _audit_block(
    action: str, participant: Participant, actor: User, process: Process, before: dict[str, Any]
) -> None:
    after = block_snapshot(participant)
    record(action, participant, actor=actor, process_id=process.id, before=before, after=after)


# --- notes and official replies ---------------------------------------------------


def notes(comment: Comment) -> list[tuple[ModerationNote, str]]:
    """The internal notes, oldest first, with their authors' names."""
    rows = db.session.execute(
        sa.select(ModerationNote, User.display_name)
        .outerjoin(User, User.id == ModerationNote.author_id)
        .where(ModerationNote.comment_id == comment.id)
        .order_by(ModerationNote.created_at, ModerationNote.id)
    )
    return [(note, name or "-") for note, name in rows]


def add_note(comment: Comment, process: Process, author: User, text: str) -> ModerationNote:
    note = ModerationNote(comment_id=comment.id, author_id=author.id, text=text.strip())
    db.session.add(note)
    db.session.flush()
    after = {"comment_id": comment.id, "text": note.text}
    record("moderation_note.create", note, actor=author, process_id=process.id, after=after)
    return note


def official_reply(comment: Comment) -> OfficialReply | None:
    return db.session.scalar(sa.select(OfficialReply).where(OfficialReply.comment_id == comment.id))


def official_replies(comment_ids: list[int]) -> dict[int, OfficialReply]:
    """{comment_id: reply} for the shown comments, in one query."""
    if not comment_ids:
        return {}
    rows = db.session.scalars(
        sa.select(OfficialReply).where(OfficialReply.comment_id.in_(comment_ids))
    )
    return {reply.comment_id: reply for reply in rows}


def save_official_reply(
    comment: Comment, process: Process, author: User, label: str, body: str
) -> tuple[OfficialReply, bool]:
    """Create or edit the reply; the author hears of it when it is first published."""
    reply = official_reply(comment)
    created = reply is None
    before = snapshot(reply, "author_label", "body") if reply is not None else {}
    if reply is None:
        reply = OfficialReply(comment_id=comment.id)
        db.session.add(reply)
    reply.author_id = author.id
    reply.author_label = label.strip() or DEFAULT_REPLY_LABEL
    reply.body = body.strip()
    db.session.flush()
    record(
        "official_reply.create" if created else "official_reply.update",
        reply,
        actor=author,
        process_id=process.id,
        before=before,
        after=snapshot(reply, "comment_id", "author_label", "body"),
    )
    if created:
        _mail_author(comment, process, "official_reply", label=reply.author_label, reply=reply.body)
    return reply, created


# --- mail to the author -----------------------------------------------------------


def _address(participant: Participant) -> str | None:
    if participant.kind == ParticipantKind.GUEST:
        return participant.email
    if participant.kind == ParticipantKind.ACCOUNT and participant.user is not None:
        return str(participant.user.email)
    return None


def _mail_author(comment: Comment, process: Process, template: str, **context: Any) -> None:
    participant = db.session.get(Participant, comment.participant_id or 0)
    address = _address(participant) if participant is not None else None
    if participant is None or not address:
        return
    goal = db.session.get(Goal, comment.goal_id)
    lang = mail_language(participant)
    link = external_url(
        "goals.detail",
        lang_code=lang,
        slug=process.slug,
        code=goal.code if goal else "",
        _anchor=f"comment-{comment.id}",
    )
    queue_mail(
        address,
        template,
        lang,
        name=participant.pseudonym or comment.display_author,
        excerpt=comment.body[:300],
        link=link,
        **context,
    )
