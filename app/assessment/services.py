"""Abwägung: reading and writing assessments of contributions, and their topic tags.

Functions add and flush and record the audit event of each change (``assessment.*``,
``tag.*``) by ``actor``/``assessor``; the caller (a view) commits.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import orm as so
from sqlalchemy.orm import attributes
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.assessment.models import Assessment, Consideration, ProcessTag, assessment_tag
from app.audit.services import record, snapshot
from app.comments.models import Channel, Comment, CommentStatus
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import process_goals
from app.participation.models import StakeholderGroup
from app.processes.models import PhaseKind, Process
from app.surveys.models import Answer, Question, QuestionKind, Response, ResponseState, Survey

PAGE_SIZE = 25
# Contributions that are assessed: visible ones and those a moderator hid.
LISTED_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)
TAKEN_UP = (Consideration.CONSIDERED, Consideration.PARTLY)
AUDIT_FIELDS = ("stakeholder_group", "consideration", "rationale", "goal_revision_id", "version")
# Survey questions whose answers are open text, assessed like comments.
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
SURVEY_CHANNEL = "survey"  # the channel filter value for survey open answers
# Survey answers have no author-chosen group; the assessment starts with this one.
ANSWER_GROUP = StakeholderGroup.CITIZEN


class Source(enum.IntEnum):
    """Where a contribution comes from; also the table order (comments first)."""

    COMMENT = 0
    ANSWER = 1


class Key(NamedTuple):
    """One row of the workspace table: a comment or a survey answer, by id."""

    source: Source
    id: int


class AssessmentConflictError(Exception):
    """Somebody else saved the assessment since the form was loaded."""


class TagError(ValueError):
    """A tag name that is empty or already used in the process."""


# --- filters and the workspace table ------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The workspace filters; empty values mean "all".

    ``survey`` is the channel filter value "survey": survey open answers only.
    """

    goal: int | None = None
    kind: str = ""
    group: StakeholderGroup | None = None
    channel: Channel | None = None
    state: str = ""  # "assessed" | "unassessed" | ""
    consideration: Consideration | None = None
    tag: int | None = None
    survey: bool = False

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for links that keep them)."""
        channel = SURVEY_CHANNEL if self.survey else self.channel.value if self.channel else None
        values = {
            "goal": self.goal,
            "kind": self.kind,
            "group": self.group.value if self.group else None,
            "channel": channel,
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
        survey=args.get("channel") == SURVEY_CHANNEL,
    )


def _base(process: Process) -> sa.Select[Comment]:
    return (
        sa.select(Comment)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(Goal.process_id == process.id, Comment.status.in_(LISTED_STATUSES))
    )


def open_answers(process: Process) -> sa.Select[Answer]:
    """Non-empty open answers of submitted responses to the process's surveys."""
    stmt = (
        sa.select(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Assessment, Assessment.answer_id == Answer.id)
        .where(
            Survey.process_id == process.id,
            Response.state == ResponseState.SUBMITTED,
            Question.kind.in_(TEXT_KINDS),
            sa.func.trim(sa.func.coalesce(Answer.value_text, "")) != "",
        )
    )
    return stmt if process.assess_survey_answers else stmt.where(sa.false())


def _group_condition(group: StakeholderGroup) -> sa.ColumnElement[bool]:
    """The confirmed group of the assessment, else the group the author chose."""
    return sa.or_(
        Assessment.stakeholder_group == group,
        sa.and_(Assessment.id.is_(None), Comment.stakeholder_group == group),
    )


def _answer_group_condition(group: StakeholderGroup) -> sa.ColumnElement[bool]:
    if group == ANSWER_GROUP:
        return sa.or_(Assessment.stakeholder_group == group, Assessment.id.is_(None))
    return Assessment.stakeholder_group == group


def _assessment_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """Conditions on the assessment, the same for comments and survey answers."""
    conditions: list[sa.ColumnElement[bool]] = []
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


def _conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.survey:
        conditions.append(sa.false())
    if filters.goal:
        conditions.append(Comment.goal_id == filters.goal)
    if filters.kind:
        conditions.append(Comment.kind == filters.kind)
    if filters.group:
        conditions.append(_group_condition(filters.group))
    if filters.channel:
        conditions.append(Comment.channel == filters.channel)
    return conditions + _assessment_conditions(filters)


def _answer_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.kind or filters.channel:  # comment kinds and channels only
        conditions.append(sa.false())
    if filters.goal:
        conditions.append(Question.goal_id == filters.goal)
    if filters.group:
        conditions.append(_answer_group_condition(filters.group))
    return conditions + _assessment_conditions(filters)


def filtered(process: Process, filters: Filters) -> sa.Select[Comment]:
    """All matching comments in the workspace order (oldest first)."""
    return _base(process).where(*_conditions(filters)).order_by(Comment.id)


def _keys(process: Process, filters: Filters, *, unassessed: bool = False) -> sa.Subquery:
    """(source, id) of every matching contribution: comments and survey answers."""
    extra = [Assessment.consideration.is_(None)] if unassessed else []
    comments = (
        _base(process)
        .where(*_conditions(filters), *extra)
        .with_only_columns(sa.literal(int(Source.COMMENT)).label("source"), Comment.id.label("id"))
    )
    answers = (
        open_answers(process)
        .where(*_answer_conditions(filters), *extra)
        .with_only_columns(sa.literal(int(Source.ANSWER)).label("source"), Answer.id.label("id"))
    )
    return sa.union_all(comments, answers).subquery("contribution")


def _ordered_keys(process: Process, filters: Filters, **kwargs: Any) -> tuple[sa.Select[Any], Any]:
    keys = _keys(process, filters, **kwargs)
    return sa.select(keys.c.source, keys.c.id).order_by(keys.c.source, keys.c.id), keys


class KeyPagination(SelectPagination):
    """Pagination over (source, id) rows instead of ORM objects."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        select = select.limit(self.per_page).offset(self._query_offset)
        session = self._query_args["session"]
        return [Key(Source(row[0]), int(row[1])) for row in session.execute(select)]


@dataclass
class AnswerItem:
    """A survey open answer with what the workspace shows about it."""

    answer: Answer
    question: Question
    response: Response
    survey: Survey

    @property
    def id(self) -> int:
        return self.answer.id

    @property
    def goal_id(self) -> int | None:
        return self.question.goal_id

    @property
    def text(self) -> str:
        return self.answer.value_text or ""

    @property
    def key(self) -> Key:
        return Key(Source.ANSWER, self.answer.id)


Item = Comment | AnswerItem


def key_of(item: Item) -> Key:
    if isinstance(item, AnswerItem):
        return item.key
    return Key(Source.COMMENT, item.id)


@dataclass
class Row:
    """One row of the workspace table."""

    key: Key
    comment: Comment | None
    answer: AnswerItem | None
    assessment: Assessment | None
    goal: Goal | None

    @property
    def is_answer(self) -> bool:
        return self.key.source == Source.ANSWER

    @property
    def dom_id(self) -> str:
        return f"{'a' if self.is_answer else 'c'}-{self.key.id}"


@dataclass
class Workspace:
    pagination: Pagination
    rows: list[Row]
    assessed: int
    total: int

    @property
    def goals(self) -> dict[int, Goal]:
        return {row.goal.id: row.goal for row in self.rows if row.goal is not None}


def assessments_for(comment_ids: Iterable[int]) -> dict[int, Assessment]:
    """The assessments of the given comments, by comment id, in one query."""
    ids = list(comment_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.comment_id.in_(ids)))
    return {a.comment_id: a for a in rows if a.comment_id is not None}


def answer_assessments_for(answer_ids: Iterable[int]) -> dict[int, Assessment]:
    """The assessments of the given survey answers, by answer id, in one query."""
    ids = list(answer_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.answer_id.in_(ids)))
    return {a.answer_id: a for a in rows if a.answer_id is not None}


def assessment_of(item: Item) -> Assessment | None:
    if isinstance(item, AnswerItem):
        return answer_assessments_for([item.id]).get(item.id)
    return assessments_for([item.id]).get(item.id)


def _answer_items(stmt: sa.Select[Any]) -> list[AnswerItem]:
    rows = db.session.execute(
        stmt.with_only_columns(Answer, Question, Response, Survey).options(
            so.lazyload(Question.options),
            so.lazyload(Question.rows),
            so.lazyload(Survey.sections),
        )
    )
    return [AnswerItem(*row) for row in rows]


def answers_by_id(process: Process, ids: Iterable[int]) -> dict[int, AnswerItem]:
    wanted = list(ids)
    if not wanted:
        return {}
    items = _answer_items(open_answers(process).where(Answer.id.in_(wanted)))
    return {item.id: item for item in items}


def _count(stmt: sa.Select[Any], column: Any) -> tuple[int, int]:
    row = db.session.execute(
        stmt.with_only_columns(sa.func.count(Assessment.consideration), sa.func.count(column))
    ).one()
    return int(row[0]), int(row[1])


def progress(process: Process) -> tuple[int, int]:
    """(assessed, total) contributions of the process: comments and survey answers."""
    comments = _count(_base(process), Comment.id)
    answers = _count(open_answers(process), Answer.id) if process.assess_survey_answers else (0, 0)
    return comments[0] + answers[0], comments[1] + answers[1]


def _rows(process: Process, keys: list[Key]) -> list[Row]:
    comment_ids = [k.id for k in keys if k.source == Source.COMMENT]
    answer_ids = [k.id for k in keys if k.source == Source.ANSWER]
    comments = (
        {c.id: c for c in db.session.scalars(sa.select(Comment).where(Comment.id.in_(comment_ids)))}
        if comment_ids
        else {}
    )
    answers = answers_by_id(process, answer_ids)
    goal_ids = {c.goal_id for c in comments.values()}
    goal_ids |= {a.goal_id for a in answers.values() if a.goal_id is not None}
    goals = (
        {g.id: g for g in db.session.scalars(sa.select(Goal).where(Goal.id.in_(goal_ids)))}
        if goal_ids
        else {}
    )
    by_comment, by_answer = assessments_for(comment_ids), answer_assessments_for(answer_ids)
    rows = []
    for key in keys:
        comment, answer = comments.get(key.id), answers.get(key.id)
        if key.source == Source.COMMENT and comment is not None:
            rows.append(Row(key, comment, None, by_comment.get(key.id), goals.get(comment.goal_id)))
        elif key.source == Source.ANSWER and answer is not None:
            goal = goals.get(answer.goal_id) if answer.goal_id else None
            rows.append(Row(key, None, answer, by_answer.get(key.id), goal))
    return rows


def workspace(process: Process, filters: Filters, page: int) -> Workspace:
    select, _ = _ordered_keys(process, filters)
    pagination = KeyPagination(
        select=select, session=db.session, page=page, per_page=PAGE_SIZE, error_out=False
    )
    assessed, total = progress(process)
    return Workspace(
        pagination=pagination,
        rows=_rows(process, list(pagination.items)),
        assessed=assessed,
        total=total,
    )


def next_unassessed(process: Process, filters: Filters, after: Key) -> Key | None:
    """The next unassessed contribution after ``after`` in the filter order, wrapping."""
    select, keys = _ordered_keys(process, filters, unassessed=True)
    select = select.where(sa.or_(keys.c.source != int(after.source), keys.c.id != after.id))
    later = sa.or_(
        keys.c.source > int(after.source),
        sa.and_(keys.c.source == int(after.source), keys.c.id > after.id),
    )
    row = db.session.execute(select.where(later).limit(1)).first()
    row = row or db.session.execute(select.limit(1)).first()
    return Key(Source(row[0]), int(row[1])) if row else None


def contribution_or_none(process: Process, comment_id: int) -> Comment | None:
    return db.session.scalar(_base(process).where(Comment.id == comment_id))


def answer_or_none(process: Process, answer_id: int) -> AnswerItem | None:
    return answers_by_id(process, [answer_id]).get(answer_id)


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


def _flush_guarded() -> None:
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
    tags = _tags_by_id(process, data.tag_ids)  # queried before any change: one UPDATE
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
    _flush_guarded()
    _audit("assessment.save", assessment, assessor, before)
    return assessment


def _audit(action: str, assessment: Assessment, actor: User | None, before: dict[str, Any]) -> None:
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
    comments = list(db.session.scalars(_base(process).where(Comment.id.in_(ids)))) if ids else []
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
    _flush_guarded()
    for assessment, before in changed:
        _audit("assessment.tag", assessment, actor, before)
    return [assessment for assessment, _before in changed]


# --- linking from the goal editor ---------------------------------------------------


@dataclass
class Candidate:
    """An assessed contribution the goal editor can link to the new version."""

    assessment: Assessment
    goal: Goal
    text: str
    is_answer: bool


def _subtree_ids(goal: Goal) -> dict[int, Goal]:
    children: dict[int | None, list[Goal]] = {}
    for other in process_goals(goal.process_id):
        children.setdefault(other.parent_id, []).append(other)
    found: dict[int, Goal] = {}
    todo = [goal]
    while todo:
        current = todo.pop()
        found[current.id] = current
        todo.extend(children.get(current.id, []))
    return found


def link_candidates(process: Process, goal: Goal) -> list[Candidate]:
    """Assessed contributions of ``goal`` and its sub-goals (comments, then answers)."""
    goals = _subtree_ids(goal)
    assessed = Assessment.consideration.is_not(None)
    comments = db.session.execute(
        _base(process)
        .where(Comment.goal_id.in_(goals), assessed)
        .with_only_columns(Comment, Assessment)
        .order_by(Comment.id)
    )
    result = [Candidate(a, goals[c.goal_id], c.body, False) for c, a in comments]
    answers = db.session.execute(
        open_answers(process)
        .where(Question.goal_id.in_(goals), assessed)
        .with_only_columns(Answer, Question, Assessment)
        .options(so.lazyload(Question.options), so.lazyload(Question.rows))
        .order_by(Answer.id)
    )
    for answer, question, assessment in answers:
        owner = goals[question.goal_id or goal.id]
        result.append(Candidate(assessment, owner, answer.value_text or "", True))
    return result


def ticked(candidates: list[Candidate], posted: Iterable[str]) -> set[int]:
    """The assessment ids ticked in the goal editor's "takes up" list (known ones only)."""
    known = {c.assessment.id for c in candidates}
    return {int(v) for v in posted if v.isdigit() and int(v) in known}


def link_to_revision(
    candidates: list[Candidate],
    assessment_ids: Iterable[int],
    revision: GoalRevision,
    *,
    actor: User | None,
) -> list[Assessment]:
    """Point the chosen assessments at ``revision``; returns those changed (audited).

    Only assessments among ``candidates`` can be linked, and only to a revision of
    the goal their contribution belongs to or of one of its ancestors.
    """
    wanted = set(assessment_ids)
    changed = []
    for candidate in candidates:
        assessment = candidate.assessment
        if assessment.id not in wanted or assessment.goal_revision_id == revision.id:
            continue
        before = audit_snapshot(assessment)
        assessment.goal_revision_id = revision.id
        changed.append((assessment, before))
    _flush_guarded()
    for assessment, before in changed:
        _audit("assessment.link", assessment, actor, before)
    return [assessment for assessment, _before in changed]


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


def create_tag(process: Process, name: str, *, actor: User | None) -> ProcessTag:
    tag = ProcessTag(process_id=process.id, name=_check_name(process, name))
    db.session.add(tag)
    db.session.flush()
    record("tag.create", tag, actor=actor, process_id=process.id, after={"name": tag.name})
    return tag


def rename_tag(tag: ProcessTag, process: Process, name: str, *, actor: User | None) -> None:
    before = {"name": tag.name}
    tag.name = _check_name(process, name, except_id=tag.id)
    db.session.flush()
    after = {"name": tag.name}
    record("tag.rename", tag, actor=actor, process_id=process.id, before=before, after=after)


def delete_tag(tag: ProcessTag, *, actor: User | None) -> None:
    before = {"name": tag.name}
    record("tag.delete", tag, actor=actor, process_id=tag.process_id, before=before)
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
