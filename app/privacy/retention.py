"""Deleting what is no longer needed, ``PRIVACY_RETENTION_DAYS`` after the end.

- **guest e-mail addresses**: a guest's address is cleared (the pseudonym stays with
  the contributions) once every process the guest contributed to ended that many days
  ago; a process ends with its last phase, and one without phases never ends;
- **unconfirmed accounts**: accounts whose address was never confirmed, that many days
  after registration (they are deleted like a self-service deletion, contributions
  kept as "deleted user", shown in the reader's language); admins and accounts with
  a role are left alone;
- **resume drafts**: responses still in progress of surveys closed that many days ago;
- **code-to-response links**: the invitation code of a submitted response of such a
  survey (the code stays used; the answers are no longer tied to a letter).

A survey ends when it was closed (``closed_at``, set by hand or by the beat task at
``closes_at``); an edit of a closed survey's texts does not postpone it.
:func:`plan` only reads (the dry run); :func:`apply` flushes and audits one
``privacy.retention`` event with the numbers. The beat task runs daily.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import ProcessRole, User
from app.audit.services import record
from app.comments.models import Comment, CommentVote, Report
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind
from app.privacy import erasure, subjects
from app.privacy.rows import delete_rows
from app.processes.models import Phase, Process
from app.ratings.models import Rating
from app.surveys.models import Response, ResponseState, Survey, SurveyState

logger = logging.getLogger(__name__)


@dataclass
class Plan:
    cutoff: datetime
    guest_emails: list[int] = field(default_factory=list)  # participant ids
    unconfirmed_accounts: list[int] = field(default_factory=list)  # user ids
    resume_drafts: list[int] = field(default_factory=list)  # response ids
    code_links: list[int] = field(default_factory=list)  # response ids

    def counts(self) -> dict[str, int]:
        return {
            "guest_emails": len(self.guest_emails),
            "unconfirmed_accounts": len(self.unconfirmed_accounts),
            "resume_drafts": len(self.resume_drafts),
            "code_links": len(self.code_links),
        }


def cutoff(now: datetime | None = None) -> datetime:
    days = float(current_app.config["PRIVACY_RETENTION_DAYS"])
    return (now or utcnow()) - timedelta(days=days)


def _running_processes(limit: datetime) -> sa.Select[int]:
    """Processes that have not ended before ``limit`` (no phases: never ended)."""
    ended = sa.select(Phase.process_id).group_by(Phase.process_id)
    ended = ended.having(sa.func.max(Phase.ends_at) < limit)
    return sa.select(Process.id).where(Process.id.not_in(ended))


def _guests(limit: datetime) -> list[int]:
    running = _running_processes(limit)
    goal_running = sa.select(Goal.id).where(Goal.process_id.in_(running))
    comment_running = sa.select(Comment.id).where(Comment.goal_id.in_(goal_running))
    still_needed = sa.or_(
        sa.exists().where(
            Comment.participant_id == Participant.id, Comment.goal_id.in_(goal_running)
        ),
        sa.exists().where(
            Rating.participant_id == Participant.id, Rating.goal_id.in_(goal_running)
        ),
        sa.exists().where(
            CommentVote.participant_id == Participant.id,
            CommentVote.comment_id.in_(comment_running),
        ),
        sa.exists().where(
            Report.participant_id == Participant.id, Report.comment_id.in_(comment_running)
        ),
    )
    return list(
        db.session.scalars(
            sa.select(Participant.id).where(
                Participant.kind == ParticipantKind.GUEST,
                Participant.email.is_not(None),
                Participant.created_at < limit,
                sa.not_(still_needed),
            )
        )
    )


def _unconfirmed_accounts(limit: datetime) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(
                User.verified_at.is_(None),
                User.created_at < limit,
                User.is_admin.is_(False),
                ~sa.exists().where(ProcessRole.user_id == User.id),
            )
        )
    )


def _ended_surveys(limit: datetime) -> sa.Select[int]:
    return sa.select(Survey.id).where(
        Survey.state == SurveyState.CLOSED,
        sa.func.coalesce(Survey.closed_at, Survey.closes_at, Survey.updated_at) < limit,
    )


def plan(now: datetime | None = None) -> Plan:
    """What :func:`apply` would delete now; reads only."""
    limit = cutoff(now)
    ended = _ended_surveys(limit)
    responses = sa.select(Response.id).where(Response.survey_id.in_(ended))
    return Plan(
        cutoff=limit,
        guest_emails=_guests(limit),
        unconfirmed_accounts=_unconfirmed_accounts(limit),
        resume_drafts=list(
            db.session.scalars(responses.where(Response.state == ResponseState.IN_PROGRESS))
        ),
        code_links=list(
            db.session.scalars(
                responses.where(
                    Response.state == ResponseState.SUBMITTED, Response.code_id.is_not(None)
                )
            )
        ),
    )


def apply(todo: Plan) -> dict[str, int]:
    """Delete what ``todo`` lists; audited once with the numbers. Flushes."""
    if todo.guest_emails:
        db.session.execute(
            sa.update(Participant)
            .where(Participant.id.in_(todo.guest_emails))
            .values(email=None, notify_replies=False)
        )
    for user_id in todo.unconfirmed_accounts:
        user = db.session.get(User, user_id)
        if user is not None:
            erasure.erase(subjects.of_user(user), remove_contributions=False)
    delete_rows("survey_response", todo.resume_drafts)
    if todo.code_links:
        db.session.execute(
            sa.update(Response).where(Response.id.in_(todo.code_links)).values(code_id=None)
        )
    counts = todo.counts()
    if any(counts.values()):
        record("privacy.retention", "retention", actor=None, after=counts)
    db.session.flush()
    logger.info("retention applied: %s", counts)
    return counts
