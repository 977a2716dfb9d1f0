"""'Meine Daten': everything stored about a person, as JSON files in a ZIP (Art. 15, 20).

Built in the request into a spooled temporary file (memory up to 1 MB, then disk):
one person's data is small and bounded by what they wrote themselves, so a Celery
job and a second download page would only add waiting (``docs/privacy.md`` gives the
measured size and time for a heavy contributor). Each file is built by one query.
Only the person's own rows are included: comments of others, the replies they got,
and who voted on their comments are not theirs to receive.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa

from app.accounts.models import ProcessRole
from app.comments.models import Comment, CommentVote, Report
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.privacy.models import ConsentVersion
from app.privacy.subjects import Subject
from app.processes.models import Process
from app.ratings.models import Rating, RatingQuestion
from app.surveys.models import Answer, Option, Question, Response, Survey

SPOOL_BYTES = 1024 * 1024


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value  # enums
    return value


def _rows(result: Any) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def _account(subject: Subject) -> dict[str, Any]:
    user = subject.user
    if user is None:
        return {"guest_email": subject.guest_email}
    roles = db.session.execute(
        sa.select(Process.slug.label("process"), ProcessRole.role)
        .join(Process, Process.id == ProcessRole.process_id)
        .where(ProcessRole.user_id == user.id)
    )
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "is_admin": user.is_admin,
        "created_at": _plain(user.created_at),
        "verified_at": _plain(user.verified_at),
        "blocked_at": _plain(user.blocked_at),
        "roles": _rows(roles),
    }


def _participants(subject: Subject) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "kind": p.kind.value,
            "pseudonym": p.pseudonym,
            "email": p.email,
            "locale": p.locale,
            "notify_replies": p.notify_replies,
            "created_at": _plain(p.created_at),
            "confirmed_at": _plain(p.confirmed_at),
            "blocked_at": _plain(p.blocked_at),
            "blocked_until": _plain(p.blocked_until),
            "block_reason": p.block_reason,
        }
        for p in subject.participants
    ]


def _comments(subject: Subject) -> list[dict[str, Any]]:
    return _rows(
        db.session.execute(
            sa.select(
                Comment.id,
                Process.slug.label("process"),
                Goal.code.label("goal"),
                Comment.parent_id.label("reply_to"),
                Comment.author_name,
                Comment.kind,
                Comment.stakeholder_group,
                Comment.body,
                Comment.status,
                Comment.created_at,
                Comment.edited_at,
                Comment.removed_at,
                Comment.hidden_reason,
                Comment.consent_version_id,
            )
            .join(Goal, Goal.id == Comment.goal_id)
            .join(Process, Process.id == Goal.process_id)
            .where(Comment.participant_id.in_(subject.participant_ids))
            .order_by(Comment.id)
        )
    )


def _votes(subject: Subject) -> list[dict[str, Any]]:
    return _rows(
        db.session.execute(
            sa.select(CommentVote.comment_id, CommentVote.value, CommentVote.created_at)
            .where(CommentVote.participant_id.in_(subject.participant_ids))
            .order_by(CommentVote.id)
        )
    )


def _reports(subject: Subject) -> list[dict[str, Any]]:
    return _rows(
        db.session.execute(
            sa.select(Report.comment_id, Report.reason, Report.text, Report.created_at)
            .where(Report.participant_id.in_(subject.participant_ids))
            .order_by(Report.id)
        )
    )


def _ratings(subject: Subject) -> list[dict[str, Any]]:
    return _rows(
        db.session.execute(
            sa.select(
                Process.slug.label("process"),
                Goal.code.label("goal"),
                RatingQuestion.key.label("question"),
                Rating.value,
                Rating.confirmed,
                Rating.created_at,
                Rating.updated_at,
                Rating.consent_version_id,
            )
            .join(Goal, Goal.id == Rating.goal_id)
            .join(Process, Process.id == Goal.process_id)
            .join(RatingQuestion, RatingQuestion.id == Rating.question_id)
            .where(Rating.participant_id.in_(subject.participant_ids))
            .order_by(Rating.id)
        )
    )


def _survey_responses(subject: Subject) -> list[dict[str, Any]]:
    """Responses still linked to the account; anonymised ones are linked to nobody."""
    if subject.user is None:
        return []
    responses = db.session.execute(
        sa.select(Response, Survey.slug)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.user_id == subject.user.id)
        .order_by(Response.id)
    ).all()
    answers = db.session.execute(
        sa.select(
            Answer.response_id,
            Question.prompt,
            Answer.item,
            Option.value.label("option"),
            Answer.value_text,
            Answer.value_number,
            Answer.value_date,
            Answer.rank,
        )
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Option, Option.id == Answer.option_id)
        .where(Answer.response_id.in_([r.id for r, _slug in responses]))
        .order_by(Answer.response_id, Answer.question_id, Answer.item)
    )
    by_response: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(answers):
        by_response.setdefault(row.pop("response_id"), []).append(row)
    return [
        {
            "id": response.id,
            "survey": slug,
            "state": response.state.value,
            "started_at": _plain(response.started_at),
            "submitted_at": _plain(response.submitted_at),
            "consent_version_id": response.consent_version_id,
            "answers": by_response.get(response.id, []),
        }
        for response, slug in responses
    ]


def _consent_versions(files: dict[str, Any]) -> list[dict[str, Any]]:
    used = {
        row["consent_version_id"]
        for name in ("comments", "ratings", "survey_responses")
        for row in files[name]
        if row.get("consent_version_id")
    }
    versions = db.session.scalars(
        sa.select(ConsentVersion).where(ConsentVersion.id.in_(used)).order_by(ConsentVersion.id)
    )
    return [
        {"id": v.id, "number": v.number, "text": v.text, "published_at": _plain(v.published_at)}
        for v in versions
    ]


PARTS: dict[str, Callable[[Subject], Any]] = {
    "account": _account,
    "participants": _participants,
    "comments": _comments,
    "votes": _votes,
    "reports": _reports,
    "ratings": _ratings,
    "survey_responses": _survey_responses,
}


def collect(subject: Subject) -> dict[str, Any]:
    """Every file of the download, by name (without ``.json``)."""
    files = {name: build(subject) for name, build in PARTS.items()}
    files["consent_versions"] = _consent_versions(files)
    return files


def write_zip(subject: Subject) -> IO[bytes]:
    """The ZIP, rewound, in a spooled temporary file the caller sends and closes."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (sent, then closed)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in collect(subject).items():
            text = json.dumps(content, ensure_ascii=False, indent=2, default=_plain)
            archive.writestr(f"{name}.json", text)
    out.seek(0)
    return out


def file_name() -> str:
    return f"meine-daten-{utcnow():%Y-%m-%d}.zip"
