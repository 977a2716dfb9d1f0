"""Reading surveys: lookups shared by answering, the builder and paper entry: a survey
by its address, what the public may see, links from processes and goals, a typed
invitation code, the number of submitted responses."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy import orm as so

from app.extensions import db
from app.processes.models import Process
from app.surveys import codes
from app.surveys.models import (
    InvitationCode,
    MatrixRow,
    Question,
    Response,
    ResponseState,
    Section,
    Survey,
    SurveyState,
)

PUBLIC_STATES = (SurveyState.OPEN, SurveyState.CLOSED)


def get_survey_or_404(slug: str, *, questionnaire: bool = True) -> Survey:
    """The survey at ``slug``; with its questionnaire loaded at once (sections,
    questions, options, rows), or, without ``questionnaire``, on first access (a
    page that may be served from a cache never reads it), the process joined."""
    select = sa.select(Survey).where(Survey.slug == slug)
    if not questionnaire:  # nor the process's phases: one query for survey and process
        select = select.options(
            so.lazyload(Survey.sections),
            so.joinedload(Survey.process).lazyload(Process.phases),
        )
    survey = db.session.scalar(select)
    if survey is None:
        abort(404)
    return survey


def submitted_count(survey_id: int) -> int:
    """How many responses of the survey are submitted (what its results count)."""
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Response)
        .where(Response.survey_id == survey_id, Response.state == ResponseState.SUBMITTED)
    )
    return int(count or 0)


def public_by_id() -> sa.Select[tuple[Survey]]:
    """The surveys the public may see (open or closed, of a published process or
    none), unordered: callers page them by id (the open-data API)."""
    return (
        sa.select(Survey)
        .outerjoin(Process, Survey.process_id == Process.id)
        .where(
            Survey.state.in_(PUBLIC_STATES),
            sa.or_(Survey.process_id.is_(None), Process.is_published),
        )
    )


def _public() -> sa.Select[tuple[Survey]]:
    return public_by_id().order_by(Survey.state.desc(), Survey.opens_at.desc(), Survey.id.desc())


def public_surveys() -> list[Survey]:
    return list(db.session.scalars(_public()))


def surveys_for_process(process_id: int) -> list[Survey]:
    """Open and closed surveys of a process, open ones first."""
    return list(db.session.scalars(_public().where(Survey.process_id == process_id)))


def surveys_for_goal(goal_id: int) -> list[Survey]:
    """Public surveys with a question or a matrix row about this goal."""
    about_goal = sa.or_(
        Question.goal_id == goal_id,
        Question.id.in_(sa.select(MatrixRow.question_id).where(MatrixRow.goal_id == goal_id)),
    )
    ids = (
        sa.select(Section.survey_id)
        .join(Question, Question.section_id == Section.id)
        .where(about_goal)
    )
    return list(db.session.scalars(_public().where(Survey.id.in_(ids))))


def find_code(survey: Survey, raw: str) -> InvitationCode | None:
    code = codes.normalise(raw)
    if not code:
        return None
    return db.session.scalar(
        sa.select(InvitationCode).where(
            InvitationCode.code == code, InvitationCode.survey_id == survey.id
        )
    )
