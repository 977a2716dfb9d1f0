"""Assessing one contribution, and tagging many at once.

``Assessment.version`` guards against lost updates: a save names the version its
form showed, and a different stored one (or a concurrent first insert) raises
:class:`AssessmentConflictError`. Each change is audited (``assessment.save``,
``assessment.tag``) by the given user. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import attributes
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.assessment.models import Assessment, Consideration, ProcessTag
from app.assessment.services.queries import ANSWER_GROUP, listed_comments
from app.assessment.services.tag_list import tags_by_id
from app.assessment.services.workspace import (
    AnswerItem,
    Item,
    answer_assessments_for,
    answers_by_id,
    assessment_of,
    assessments_for,
)
from app.audit.services import record, snapshot
from app.comments.models import Comment
from app.db import utcnow
from app.extensions import db
from app.goals.models import GoalRevision
from app.participation.models import StakeholderGroup
from app.processes.models import Process

AUDIT_FIELDS = ("stakeholder_group", "consideration", "rationale", "goal_revision_id", "version")


class AssessmentConflictError(Exception):
    """Somebody else saved the assessment since the form was loaded."""


@dataclass
class AssessmentInput:
    stakeholder_group: StakeholderGroup
    consideration: Consideration | None
    rationale: str
    goal_revision_id: int | None
    tag_ids: list[int] = field(default_factory=list)


def audit_snapshot(assessment: Assessment | None) -> dict[str, Any]:
    if assessment is None:
        return {}
    return snapshot(assessment, *AUDIT_FIELDS) | {"tags": sorted(t.name for t in assessment.tags)}


def new_assessment(item: Item, process: Process) -> Assessment:
    """An unsaved assessment with the author's own group (not added to the session)."""
    assessment = Assessment(process_id=process.id, rationale="", version=0, tags=[])
    if isinstance(item, AnswerItem):
        assessment.answer_id = item.id
        assessment.stakeholder_group = ANSWER_GROUP
    else:
        assessment.comment_id = item.id
        assessment.stakeholder_group = item.stakeholder_group
    return assessment


def goal_revisions(goal_id: int | None) -> list[GoalRevision]:
    if goal_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(GoalRevision)
            .where(GoalRevision.goal_id == goal_id)
            .order_by(GoalRevision.number)
        )
    )


def flush_guarded() -> None:
    """Flush; a concurrent save (stale UPDATE, or a second first INSERT) is a conflict."""
    try:
        db.session.flush()
    except (StaleDataError, sa.exc.IntegrityError) as exc:
        raise AssessmentConflictError from exc


def save_assessment(
    item: Item,
    process: Process,
    data: AssessmentInput,
    *,
    expected_version: int,
    assessor: User | None,
) -> Assessment:
    """Create or change the assessment of ``item`` (a comment or a survey answer).

    ``expected_version`` is the version the form showed (0: there was none yet);
    if the stored one differs, :class:`AssessmentConflictError` is raised.
    """
    assessment = assessment_of(item)
    stored_version = assessment.version if assessment is not None else 0
    if stored_version != expected_version:
        raise AssessmentConflictError
    before = audit_snapshot(assessment)
    if data.goal_revision_id is not None:
        revision = db.session.get(GoalRevision, data.goal_revision_id)
        # Linked from the goal editor to a version of a parent goal: may stay so.
        linked = assessment is not None and assessment.goal_revision_id == data.goal_revision_id
        if revision is None or (revision.goal_id != item.goal_id and not linked):
            raise ValueError("revision of another goal")
    tags = tags_by_id(process, data.tag_ids)  # queried before any change: one UPDATE
    if assessment is None:
        assessment = new_assessment(item, process)
        db.session.add(assessment)
    assessment.stakeholder_group = data.stakeholder_group
    assessment.consideration = data.consideration
    assessment.rationale = data.rationale.strip()
    assessment.goal_revision_id = data.goal_revision_id
    assessment.tags = tags
    assessment.assessor_id = assessor.id if assessor else None
    assessment.assessed_at = utcnow()
    flush_guarded()
    audit_change("assessment.save", assessment, assessor, before)
    return assessment


def audit_change(
    action: str, assessment: Assessment, actor: User | None, before: dict[str, Any]
) -> None:
    after = audit_snapshot(assessment)
    record(
        action,
        assessment,
        actor=actor,
        process_id=assessment.process_id,
        before=before,
        after=after,
    )


def _bump_version(assessment: Assessment) -> None:
    """Tag-only changes bump the version too, so an open edit form sees them."""
    attributes.flag_modified(assessment, "rationale")


def _tag_one(
    item: Item, assessment: Assessment | None, process: Process, tag: ProcessTag
) -> tuple[Assessment, dict[str, Any]] | None:
    before = audit_snapshot(assessment)
    if assessment is None:
        assessment = new_assessment(item, process)
        db.session.add(assessment)
    elif tag in assessment.tags:
        return None
    else:
        _bump_version(assessment)
    assessment.tags.append(tag)
    return assessment, before


def add_tag(
    process: Process,
    comment_ids: Iterable[int],
    tag: ProcessTag,
    answer_ids: Iterable[int] = (),
    *,
    actor: User | None,
) -> list[Assessment]:
    """Add ``tag`` to the contributions; returns those changed (each audited)."""
    ids = list(comment_ids)
    comments = (
        list(db.session.scalars(listed_comments(process).where(Comment.id.in_(ids)))) if ids else []
    )
    answers = list(answers_by_id(process, answer_ids).values())
    existing = assessments_for(c.id for c in comments)
    existing_answers = answer_assessments_for(a.id for a in answers)
    pairs: list[tuple[Item, Assessment | None]] = [(c, existing.get(c.id)) for c in comments]
    pairs += [(a, existing_answers.get(a.id)) for a in answers]
    changed = [
        result
        for item, assessment in pairs
        if (result := _tag_one(item, assessment, process, tag)) is not None
    ]
    flush_guarded()
    for assessment, before in changed:
        audit_change("assessment.tag", assessment, actor, before)
    return [assessment for assessment, _before in changed]
