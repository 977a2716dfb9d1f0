"""Loading the rows of one chunk of the Abwägungstabelle: a few queries per chunk,
whatever its size (comments with their authors' accounts, survey answers with question,
response and "other" option, assessments with tags and revision, official replies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.assessment.models import Assessment, ProcessTag, assessment_tag
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import GoalRevision
from app.moderation.models import OfficialReply
from app.participation.models import Participant, StakeholderGroup
from app.surveys.models import Answer, Option, Question, Response

Key = tuple[str, int]  # ("comment" | "answer", id)


@dataclass(slots=True)
class Assessed:
    group: StakeholderGroup | None
    consideration: Any
    rationale: str
    revision: int | None
    tags: list[str]


@dataclass
class ChunkData:
    comments: dict[int, Any]
    answers: dict[int, Any]
    assessments: dict[Key, Assessed]
    replies: dict[int, Any]  # comment id -> official reply

    @classmethod
    def load(cls, keys: list[Key]) -> ChunkData:
        comment_ids = [k[1] for k in keys if k[0] == "comment"]
        answer_ids = [k[1] for k in keys if k[0] == "answer"]
        return cls(
            _comments(comment_ids),
            _answers(answer_ids),
            _assessments(comment_ids, answer_ids),
            _official_replies(comment_ids),
        )


def _among(column: Any, ids: list[int]) -> sa.ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL one array parameter instead of one per id."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


# The rows are read by position (unpacked in entries.py): a row's attribute is a
# lookup by name, and a chunk's rows are read 25 times each.
COMMENT_COLUMNS = (
    Comment.id,
    Comment.goal_id,
    Comment.parent_id,
    Comment.participant_id,
    Participant.user_id,
    Comment.author_name,
    Comment.kind,
    Comment.stakeholder_group,
    Comment.stakeholder_confirmed,
    Comment.organisation_name,
    Comment.channel,
    Comment.body,
    Comment.status,
    Comment.received_on,
    Comment.created_at,
)
ANSWER_COLUMNS = (
    Answer.id,
    Answer.value_text,
    Question.prompt,
    Question.goal_id,
    Response.id.label("response_id"),
    Response.user_id,
    Response.channel,
    Response.submitted_on,
    Response.submitted_at,
    Option.label.label("option_label"),
)


def _comments(ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    stmt = (
        sa.select(*COMMENT_COLUMNS)
        .outerjoin(Participant, Participant.id == Comment.participant_id)
        .where(_among(Comment.id, ids))
    )
    return {row[0]: row for row in db.session.execute(stmt)}


def _answers(ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    stmt = (
        sa.select(*ANSWER_COLUMNS)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(Option, sa.and_(Option.id == Answer.option_id, Option.is_other.is_(True)))
        .where(_among(Answer.id, ids))
    )
    return {row[0]: row for row in db.session.execute(stmt)}


def _assessments(comment_ids: list[int], answer_ids: list[int]) -> dict[Key, Assessed]:
    if not comment_ids and not answer_ids:
        return {}
    stmt = (
        sa.select(
            Assessment.id,
            Assessment.comment_id,
            Assessment.answer_id,
            Assessment.stakeholder_group,
            Assessment.consideration,
            Assessment.rationale,
            GoalRevision.number,
        )
        .outerjoin(GoalRevision, GoalRevision.id == Assessment.goal_revision_id)
        .where(
            sa.or_(
                _among(Assessment.comment_id, comment_ids),
                _among(Assessment.answer_id, answer_ids),
            )
        )
    )
    rows: list[Any] = list(db.session.execute(stmt))
    tags: dict[int, list[str]] = {}
    if rows:
        tag_rows = db.session.execute(
            sa.select(assessment_tag.c.assessment_id, ProcessTag.name)
            .join(ProcessTag, ProcessTag.id == assessment_tag.c.tag_id)
            .where(_among(assessment_tag.c.assessment_id, [row[0] for row in rows]))
        )
        for assessment_id, name in tag_rows:
            tags.setdefault(assessment_id, []).append(name)
    result: dict[Key, Assessed] = {}
    for assessment_id, comment_id, answer_id, group, consideration, rationale, number in rows:
        key: Key = ("comment", comment_id) if comment_id else ("answer", answer_id)
        found = Assessed(
            group, consideration, rationale, number, sorted(tags.get(assessment_id, []))
        )
        result[key] = found
    return result


def _official_replies(comment_ids: list[int]) -> dict[int, Any]:
    if not comment_ids:
        return {}
    stmt = sa.select(OfficialReply.comment_id, OfficialReply.author_label, OfficialReply.body)
    rows = db.session.execute(stmt.where(_among(OfficialReply.comment_id, comment_ids)))
    return {row.comment_id: row for row in rows}
