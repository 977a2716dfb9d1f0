"""What every staff page of a survey needs (builder and paper entry): the survey and
its parts by id with the permission check, the way back to the survey page, and the
template helpers of the ``survey_staff`` blueprint."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.core import policy
from app.extensions import db
from app.i18n import supported_languages
from app.surveys.answering.answers import unit_label
from app.surveys.answering.validation import max_length, top_n
from app.surveys.builder.question_form import KIND_CHOICES
from app.surveys.builder.structure import SurveyError
from app.surveys.models import CHOICE_KINDS, Option, Question, Section, Survey

FOCUS_RE = re.compile(r"<(input|select|textarea)\b")


def autofocus_first(html: Markup) -> Markup:
    """The rendered question (escaped macro output) with ``autofocus`` on its first field."""
    return Markup(FOCUS_RE.sub(r"<\1 autofocus", str(html), count=1))  # noqa: S704


def template_helpers() -> dict[str, Any]:
    """The ``survey_staff`` blueprint's context: the question macros' helpers and more."""
    return {
        "top_n": top_n,
        "max_length": max_length,
        "unit_label": unit_label,
        "autofocus_first": autofocus_first,
        "languages": supported_languages(),
        "kind_labels": {choice.value: choice.label for choice in KIND_CHOICES},
        "choice_kinds": {kind.value for kind in CHOICE_KINDS},
    }


# --- finding what the URL names ------------------------------------------------------


def managed_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    policy.require(policy.can_manage_survey(current_user, survey))
    return survey


def section_of(survey: Survey, section_id: int) -> Section:
    section = next((s for s in survey.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


def question_of(survey: Survey, question_id: int) -> Question:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def option_of(question: Question, option_id: int) -> Option:
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        abort(404)
    return option


def question_anchor(question_id: int) -> str:
    return f"question-{question_id}"


# --- answers -------------------------------------------------------------------------


def to_survey(survey: Survey, anchor: str | None = None) -> Response:
    return redirect(url_for("survey_staff.survey", survey_id=survey.id, _anchor=anchor or None))


def refused(error: SurveyError, survey: Survey, anchor: str | None = None) -> Response:
    db.session.rollback()
    flash(str(error), "error")
    return to_survey(survey, anchor)


def step() -> int:
    """The direction of a move button: -1 up, 1 down."""
    return -1 if request.form.get("direction") == "up" else 1


def change_structure(
    survey: Survey,
    change: Callable[[], object],
    *,
    message: str,
    anchor: str | None,
    done_anchor: str | None = None,
) -> Response:
    """Move or delete a part of the survey (``change`` calls the service, which
    audits): committed and confirmed, or refused with the reason (nothing changed)."""
    try:
        change()
    except SurveyError as exc:
        return refused(exc, survey, anchor)
    db.session.commit()
    flash(message, "success")
    return to_survey(survey, anchor if done_anchor is None else done_anchor)
