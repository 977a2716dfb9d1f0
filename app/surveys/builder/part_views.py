"""The survey builder: demographic presets, matrices from the goals of a process, and
the rows of matrices.

Views of the ``survey_staff`` blueprint (its URLs: :mod:`app.surveys.routes`).
"""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import policy
from app.extensions import db
from app.goals.services import flatten, goal_tree
from app.i18n import supported_languages, tr_text
from app.processes.models import Process
from app.processes.services import all_processes
from app.staff.forms import translated_data
from app.surveys.builder import services, structure
from app.surveys.builder.forms import GoalMatrixForm, PresetForm, row_form
from app.surveys.builder.helpers import (
    change_structure,
    managed_survey,
    question_anchor,
    section_of,
    step,
    to_survey,
)
from app.surveys.builder.structure import SurveyError
from app.surveys.models import MatrixRow, Question, QuestionKind, Survey

# --- presets and goal matrices -------------------------------------------------------


def add_preset(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    form = PresetForm()
    error = None
    if form.validate_on_submit():
        preset = form.preset.data or ""
        names = (form.choices.data or "").splitlines() if preset == "municipality" else None
        try:
            question = services.add_preset(
                section, preset, names=names, required=bool(form.required.data), actor=current_user
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The question has been added."), "success")
            return to_survey(survey, question_anchor(question.id))
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/builder/preset_form.html", **context)


def _goal_processes() -> list[Process]:
    return [p for p in all_processes() if policy.can_manage_process(current_user, p)]


def _goal_form(survey: Survey) -> GoalMatrixForm:
    form = GoalMatrixForm()
    processes = _goal_processes()
    form.process_id.choices = [(p.id, tr_text(p.title, p.default_locale)) for p in processes]
    if request.method == "GET" and survey.process_id:
        form.process_id.data = survey.process_id
    roots = [(0, _("Top level of the process"))]
    for process in processes:
        for node in flatten(goal_tree(process.id)):
            title = tr_text(node.revision.title, process.default_locale)
            roots.append((node.goal.id, f"{tr_text(process.title)}: {node.goal.code} {title}"))
    form.root_id.choices = roots
    return form


def goal_matrix(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    form = _goal_form(survey)
    error = None
    if form.validate_on_submit():
        process = db.session.get(Process, form.process_id.data)
        if process is None:
            abort(404)
        required = bool(form.required.data)
        try:
            question = services.add_goal_matrix(
                section, process, form.root_id.data or 0, required=required, actor=current_user
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The matrix has been added."), "success")
            return to_survey(survey, question_anchor(question.id))
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/builder/goal_matrix.html", **context)


# --- matrix rows ---------------------------------------------------------------------


def _matrix_of(survey: Survey, matrix_id: int) -> Question:
    question = next((q for q in survey.questions if q.id == matrix_id), None)
    if question is None or question.kind != QuestionKind.MATRIX:
        abort(404)
    return question


def _row_of(question: Question, row_id: int) -> MatrixRow:
    row = next((r for r in question.rows if r.id == row_id), None)
    if row is None:
        abort(404)
    return row


def _row_page(survey: Survey, question: Question, row: MatrixRow | None) -> ResponseReturnValue:
    form = row_form(supported_languages(), translated_data("label", row.label) if row else None)
    error = None
    if form.validate_on_submit():
        try:
            row = services.save_row(question, row, label=form.texts("label"), actor=current_user)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The row has been saved."), "success")
            return to_survey(survey, question_anchor(question.id))
    context = {"form": form, "survey": survey, "question": question, "row": row, "error": error}
    context["locked"] = structure.has_responses(survey)
    return render_template("surveys/builder/row_form.html", **context)


def new_row(survey_id: int, matrix_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _row_page(survey, _matrix_of(survey, matrix_id), None)


def edit_row(survey_id: int, matrix_id: int, row_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    return _row_page(survey, question, _row_of(question, row_id))


def move_row(survey_id: int, matrix_id: int, row_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    row = _row_of(question, row_id)
    return change_structure(
        survey,
        lambda: services.move_row(row, step(), actor=current_user),
        message=_("The row has been moved."),
        anchor=question_anchor(question.id),
    )


def delete_row(survey_id: int, matrix_id: int, row_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    row = _row_of(question, row_id)
    return change_structure(
        survey,
        lambda: services.delete_row(row, actor=current_user),
        message=_("The row has been deleted."),
        anchor=question_anchor(question.id),
    )
