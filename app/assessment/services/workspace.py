"""The workspace table: one page of contributions with their assessments and goals.

A page loads comments, answers (with question, response and survey), assessments
and goals in one query each, so the query count does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import orm as so

from app.assessment.models import Assessment
from app.assessment.services.queries import (
    Filters,
    Key,
    Source,
    listed_comments,
    open_answers,
    ordered_keys,
)
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.surveys.models import Answer, Question, Response, Survey

PAGE_SIZE = 25


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
    comments = _count(listed_comments(process), Comment.id)
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
    select, _ = ordered_keys(process, filters)
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
    select, keys = ordered_keys(process, filters, unassessed=True)
    select = select.where(sa.or_(keys.c.source != int(after.source), keys.c.id != after.id))
    later = sa.or_(
        keys.c.source > int(after.source),
        sa.and_(keys.c.source == int(after.source), keys.c.id > after.id),
    )
    row = db.session.execute(select.where(later).limit(1)).first()
    row = row or db.session.execute(select.limit(1)).first()
    return Key(Source(row[0]), int(row[1])) if row else None


def contribution_or_none(process: Process, comment_id: int) -> Comment | None:
    return db.session.scalar(listed_comments(process).where(Comment.id == comment_id))


def answer_or_none(process: Process, answer_id: int) -> AnswerItem | None:
    return answers_by_id(process, [answer_id]).get(answer_id)
