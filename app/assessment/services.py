"""Abwägung: reading and writing assessments of contributions, and their topic tags.

Functions add and flush; the caller (a view) records the audit event and commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import attributes
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.assessment.models import Assessment, Consideration, ProcessTag, assessment_tag
from app.audit.services import snapshot
from app.comments.models import Channel, Comment, CommentStatus
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.participation.models import StakeholderGroup
from app.processes.models import PhaseKind, Process

PAGE_SIZE = 25
# Contributions that are assessed: visible ones and those a moderator hid.
LISTED_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
TAKEN_UP = (Consideration.CONSIDERED, Consideration.PARTLY)
AUDIT_FIELDS = ("stakeholder_group", "consideration", "rationale", "goal_revision_id", "version")


class AssessmentConflictError(Exception):
    """Somebody else saved the assessment since the form was loaded."""


class TagError(ValueError):
    """A tag name that is empty or already used in the process."""


# --- filters and the workspace table ------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The workspace filters; empty values mean "all"."""

    goal: int | None = None
    kind: str = ""
    group: StakeholderGroup | None = None
    channel: Channel | None = None
    state: str = ""  # "assessed" | "unassessed" | ""
    consideration: Consideration | None = None
    tag: int | None = None

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for links that keep them)."""
        values = {
            "goal": self.goal,
            "kind": self.kind,
            "group": self.group.value if self.group else None,
            "channel": self.channel.value if self.channel else None,
            "state": self.state,
            "consideration": self.consideration.value if self.consideration else None,
            "tag": self.tag,
        }
        return {name: value for name, value in values.items() if value}


def _enum_or_none(enum_cls: Any, value: str | None) -> Any:
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def parse_filters(args: Any) -> Filters:
    """Filters from request arguments; unknown values are ignored."""
    state = args.get("state", "")
    return Filters(
        goal=_int_or_none(args.get("goal")),
        kind=args.get("kind", "")[:32],
        group=_enum_or_none(StakeholderGroup, args.get("group")),
        channel=_enum_or_none(Channel, args.get("channel")),
        state=state if state in ("assessed", "unassessed") else "",
        consideration=_enum_or_none(Consideration, args.get("consideration")),
        tag=_int_or_none(args.get("tag")),
    )


def _base(process: Process) -> sa.Select[Comment]:
    return (
        sa.select(Comment)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(Goal.process_id == process.id, Comment.status.in_(LISTED_STATUSES))
    )


def _group_condition(group: StakeholderGroup) -> sa.ColumnElement[bool]:
    """The confirmed group of the assessment, else the group the author chose."""
    return sa.or_(
        Assessment.stakeholder_group == group,
        sa.and_(Assessment.id.is_(None), Comment.stakeholder_group == group),
    )


def _conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.goal:
        conditions.append(Comment.goal_id == filters.goal)
    if filters.kind:
        conditions.append(Comment.kind == filters.kind)
    if filters.group:
        conditions.append(_group_condition(filters.group))
    if filters.channel:
        conditions.append(Comment.channel == filters.channel)
    if filters.state == "assessed":
        conditions.append(Assessment.consideration.is_not(None))
    elif filters.state == "unassessed":
        conditions.append(Assessment.consideration.is_(None))
    if filters.consideration:
        conditions.append(Assessment.consideration == filters.consideration)
    if filters.tag:
        tagged = sa.select(assessment_tag.c.assessment_id).where(
            assessment_tag.c.tag_id == filters.tag
        )
        conditions.append(Assessment.id.in_(tagged))
    return conditions


def filtered(process: Process, filters: Filters) -> sa.Select[Comment]:
    """All matching contributions in the workspace order (oldest first)."""
    return _base(process).where(*_conditions(filters)).order_by(Comment.id)


@dataclass
class Workspace:
    pagination: Pagination
    assessments: dict[int, Assessment]
    goals: dict[int, Goal]
    assessed: int
    total: int


def assessments_for(comment_ids: Iterable[int]) -> dict[int, Assessment]:
    """The assessments of the given comments, by comment id, in one query."""
    ids = list(comment_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.comment_id.in_(ids)))
    return {a.comment_id: a for a in rows}


def progress(process: Process) -> tuple[int, int]:
    """(assessed, total) contributions of the process, in one query."""
    assessed = sa.func.count(Assessment.consideration)
    stmt = _base(process).with_only_columns(assessed, sa.func.count(Comment.id))
    row = db.session.execute(stmt).one()
    return int(row[0]), int(row[1])


def workspace(process: Process, filters: Filters, page: int) -> Workspace:
    pagination = db.paginate(filtered(process, filters), page=page, per_page=PAGE_SIZE)
    items: list[Comment] = list(pagination.items)
    goal_ids = {c.goal_id for c in items}
    goals: list[Goal] = (
        list(db.session.scalars(sa.select(Goal).where(Goal.id.in_(goal_ids)))) if goal_ids else []
    )
    assessed, total = progress(process)
    return Workspace(
        pagination=pagination,
        assessments=assessments_for(c.id for c in items),
        goals={goal.id: goal for goal in goals},
        assessed=assessed,
        total=total,
    )


def next_unassessed(process: Process, filters: Filters, after_id: int) -> Comment | None:
    """The next unassessed contribution after ``after_id`` in the filter order, wrapping."""
    stmt = filtered(process, filters).where(
        Assessment.consideration.is_(None), Comment.id != after_id
    )
    following = db.session.scalar(stmt.where(Comment.id > after_id).limit(1))
    return following or db.session.scalar(stmt.limit(1))


def contribution_or_none(process: Process, comment_id: int) -> Comment | None:
    return db.session.scalar(_base(process).where(Comment.id == comment_id))


# --- one assessment -----------------------------------------------------------------


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


def new_assessment(comment: Comment, process: Process) -> Assessment:
    """An unsaved assessment with the comment's own group (not added to the session)."""
    return Assessment(
        comment_id=comment.id,
        process_id=process.id,
        stakeholder_group=comment.stakeholder_group,
        rationale="",
        version=0,
        tags=[],
    )


def tags_of(process: Process) -> list[ProcessTag]:
    return list(
        db.session.scalars(
            sa.select(ProcessTag)
            .where(ProcessTag.process_id == process.id)
            .order_by(sa.func.lower(ProcessTag.name))
        )
    )


def _tags_by_id(process: Process, ids: Iterable[int]) -> list[ProcessTag]:
    wanted = set(ids)
    return [tag for tag in tags_of(process) if tag.id in wanted]


def goal_revisions(goal_id: int) -> list[GoalRevision]:
    return list(
        db.session.scalars(
            sa.select(GoalRevision)
            .where(GoalRevision.goal_id == goal_id)
            .order_by(GoalRevision.number)
        )
    )


def _flush_guarded() -> None:
    """Flush; a concurrent save (stale UPDATE, or a second first INSERT) is a conflict."""
    try:
        db.session.flush()
    except (StaleDataError, sa.exc.IntegrityError) as exc:
        raise AssessmentConflictError from exc


def save_assessment(
    comment: Comment,
    process: Process,
    data: AssessmentInput,
    *,
    expected_version: int,
    assessor: User | None,
) -> Assessment:
    """Create or change the assessment of ``comment``.

    ``expected_version`` is the version the form showed (0: there was none yet);
    if the stored one differs, :class:`AssessmentConflictError` is raised.
    """
    assessment = assessments_for([comment.id]).get(comment.id)
    stored_version = assessment.version if assessment is not None else 0
    if stored_version != expected_version:
        raise AssessmentConflictError
    if data.goal_revision_id is not None:
        revision = db.session.get(GoalRevision, data.goal_revision_id)
        if revision is None or revision.goal_id != comment.goal_id:
            raise ValueError("revision of another goal")
    tags = _tags_by_id(process, data.tag_ids)  # queried before any change: one UPDATE
    if assessment is None:
        assessment = new_assessment(comment, process)
        db.session.add(assessment)
    assessment.stakeholder_group = data.stakeholder_group
    assessment.consideration = data.consideration
    assessment.rationale = data.rationale.strip()
    assessment.goal_revision_id = data.goal_revision_id
    assessment.tags = tags
    assessment.assessor_id = assessor.id if assessor else None
    assessment.assessed_at = utcnow()
    _flush_guarded()
    return assessment


def _bump_version(assessment: Assessment) -> None:
    """Tag-only changes bump the version too, so an open edit form sees them."""
    attributes.flag_modified(assessment, "rationale")


def add_tag(
    process: Process, comment_ids: Iterable[int], tag: ProcessTag
) -> list[tuple[Assessment, dict[str, Any]]]:
    """Add ``tag`` to the contributions; returns (assessment, before) of those changed."""
    ids = list(comment_ids)
    comments = list(db.session.scalars(_base(process).where(Comment.id.in_(ids)))) if ids else []
    existing = assessments_for(c.id for c in comments)
    changed: list[tuple[Assessment, dict[str, Any]]] = []
    for comment in comments:
        assessment = existing.get(comment.id)
        before = audit_snapshot(assessment)
        if assessment is None:
            assessment = new_assessment(comment, process)
            db.session.add(assessment)
        elif tag in assessment.tags:
            continue
        else:
            _bump_version(assessment)
        assessment.tags.append(tag)
        changed.append((assessment, before))
    _flush_guarded()
    return changed


# --- the process's tag list ---------------------------------------------------------


def _check_name(process: Process, name: str, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise TagError("empty")
    lowered = name.lower()
    for tag in tags_of(process):
        if tag.name.lower() == lowered and tag.id != except_id:
            raise TagError("taken")
    return name


def create_tag(process: Process, name: str) -> ProcessTag:
    tag = ProcessTag(process_id=process.id, name=_check_name(process, name))
    db.session.add(tag)
    db.session.flush()
    return tag


def rename_tag(tag: ProcessTag, process: Process, name: str) -> None:
    tag.name = _check_name(process, name, except_id=tag.id)
    db.session.flush()


def delete_tag(tag: ProcessTag) -> None:
    db.session.execute(sa.delete(assessment_tag).where(assessment_tag.c.tag_id == tag.id))
    db.session.expire_all()
    db.session.delete(tag)
    db.session.flush()


def tag_or_none(process: Process, tag_id: int) -> ProcessTag | None:
    tag = db.session.get(ProcessTag, tag_id)
    return tag if tag is not None and tag.process_id == process.id else None


# --- public display -------------------------------------------------------------------


def assessments_visible(process: Process) -> bool:
    """Status and rationale are public in the results phase, if the process allows it."""
    phase = process.current_phase()
    return bool(process.assessments_public and phase and phase.kind == PhaseKind.RESULTS)


def public_assessments(process: Process, comment_ids: Iterable[int]) -> dict[int, Assessment]:
    """Assessed contributions among ``comment_ids`` (one query; none when not public)."""
    if not assessments_visible(process):
        return {}
    return {
        comment_id: assessment
        for comment_id, assessment in assessments_for(comment_ids).items()
        if assessment.consideration is not None
    }
