"""Which contributions the assessment workspace lists, and its filters.

A contribution is a published or hidden comment (or reply, or offline input) or,
when the process assesses survey answers, a non-empty open answer of a submitted
response. :func:`contribution_keys` gives both as ``(source, id)`` rows in one
``UNION ALL``; the workspace table pages over them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa

from app.assessment.models import Assessment, Consideration, assessment_tag
from app.comments.models import Channel, Comment, CommentStatus
from app.goals.models import Goal
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from app.surveys.models import (
    Answer,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
)

# Contributions that are assessed: visible ones and those a moderator hid.
LISTED_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.HIDDEN)


TAKEN_UP = (Consideration.CONSIDERED, Consideration.PARTLY)


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


def listed_comments(process: Process) -> sa.Select[Comment]:
    return (
        sa.select(Comment)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(Assessment, Assessment.comment_id == Comment.id)
        .where(Goal.process_id == process.id, Comment.status.in_(LISTED_STATUSES))
    )


def open_answers(process: Process) -> sa.Select[Answer]:
    """Non-empty open answers of submitted responses to the process's surveys.

    Open answers are the text questions' answers and the texts written for an
    "other" option ("Sonstiges: …") of a choice question.
    """
    other_options = sa.select(Option.id).where(Option.is_other.is_(True))
    stmt = (
        sa.select(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Assessment, Assessment.answer_id == Answer.id)
        .where(
            Survey.process_id == process.id,
            Response.state == ResponseState.SUBMITTED,
            sa.or_(Question.kind.in_(TEXT_KINDS), Answer.option_id.in_(other_options)),
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
    return listed_comments(process).where(*_conditions(filters)).order_by(Comment.id)


def contribution_keys(
    process: Process, filters: Filters, *, unassessed: bool = False
) -> sa.Subquery:
    """(source, id) of every matching contribution: comments and survey answers."""
    extra = [Assessment.consideration.is_(None)] if unassessed else []
    comments = (
        listed_comments(process)
        .where(*_conditions(filters), *extra)
        .with_only_columns(sa.literal(int(Source.COMMENT)).label("source"), Comment.id.label("id"))
    )
    answers = (
        open_answers(process)
        .where(*_answer_conditions(filters), *extra)
        .with_only_columns(sa.literal(int(Source.ANSWER)).label("source"), Answer.id.label("id"))
    )
    return sa.union_all(comments, answers).subquery("contribution")


def ordered_keys(process: Process, filters: Filters, **kwargs: Any) -> tuple[sa.Select[Any], Any]:
    keys = contribution_keys(process, filters, **kwargs)
    return sa.select(keys.c.source, keys.c.id).order_by(keys.c.source, keys.c.id), keys
