"""The survey builder: demographic presets, matrices from the goals of a process, and
the rows of matrices.

Routes of the ``survey_staff`` blueprint (see :mod:`app.surveys.staff_views`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import policy
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import flatten, goal_tree
from app.i18n import supported_languages, tr_text
from app.processes.models import Process
from app.processes.services import all_processes
from app.staff.forms import translated_data
from app.surveys import builders, editing, staff_services
from app.surveys.editing import SurveyError
from app.surveys.models import MatrixRow, Question, QuestionKind, Survey
from app.surveys.staff_forms import GoalMatrixForm, PresetForm, row_form
from app.surveys.staff_views import (
    audit,
    bp,
    change_structure,
    managed_survey,
    section_of,
    step,
    to_survey,
)


def _anchor(question_id: int) -> str:
    return f"question-{question_id}"


# --- presets and goal matrices -------------------------------------------------------


def _municipalities(text: str) -> list[tuple[str, dict[str, str]]]:
    names = [line.strip() for line in text.splitlines() if line.strip()]
    return [(f"m{n}", {"de": name, "en": name}) for n, name in enumerate(names, start=1)]


@bp.route("/<int:survey_id>/sections/<int:section_id>/preset", methods=["GET", "POST"])
def add_preset(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    form = PresetForm()
    error = None
    if form.validate_on_submit():
        preset = form.preset.data or ""
        choices = _municipalities(form.choices.data or "") if preset == "municipality" else None
        try:
            question = builders.add_demographic_question(
                section, preset, choices=choices, required=bool(form.required.data)
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("question.preset", question, survey)
            db.session.commit()
            flash(_("The question has been added."), "success")
            return to_survey(survey, _anchor(question.id))
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/staff/preset_form.html", **context)


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


@bp.route("/<int:survey_id>/sections/<int:section_id>/goal-matrix", methods=["GET", "POST"])
def goal_matrix(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    form = _goal_form(survey)
    error = None
    if form.validate_on_submit():
        process = db.session.get(Process, form.process_id.data)
        if process is None:
            abort(404)
        root = db.session.scalar(
            sa.select(Goal).where(Goal.id == form.root_id.data, Goal.process_id == process.id)
        )
        try:
            if form.root_id.data and root is None:
                raise SurveyError(_("Choose a goal of the chosen process."))
            question = builders.matrix_from_goals(
                section, process, root, required=bool(form.required.data)
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("question.goal_matrix", question, survey)
            db.session.commit()
            flash(_("The matrix has been added."), "success")
            return to_survey(survey, _anchor(question.id))
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/staff/goal_matrix.html", **context)


# --- matrix rows ---------------------------------------------------------------------

ROW_URL = "/<int:survey_id>/questions/<int:matrix_id>/rows"


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
            if row is None:
                row = editing.add_row(question, label=form.texts("label"))
            else:
                editing.update_row(row, label=form.texts("label"))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("row.save", row, survey)
            db.session.commit()
            flash(_("The row has been saved."), "success")
            return to_survey(survey, _anchor(question.id))
    context = {"form": form, "survey": survey, "question": question, "row": row, "error": error}
    context["locked"] = editing.has_responses(survey)
    return render_template("surveys/staff/row_form.html", **context)


@bp.route(f"{ROW_URL}/new", methods=["GET", "POST"])
def new_row(survey_id: int, matrix_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _row_page(survey, _matrix_of(survey, matrix_id), None)


@bp.route(f"{ROW_URL}/<int:row_id>/edit", methods=["GET", "POST"])
def edit_row(survey_id: int, matrix_id: int, row_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    return _row_page(survey, question, _row_of(question, row_id))


@bp.route(f"{ROW_URL}/<int:row_id>/move", methods=["POST"])
def move_row(survey_id: int, matrix_id: int, row_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    row = _row_of(question, row_id)
    return change_structure(
        survey,
        lambda: staff_services.move(question.rows, row, step(), editing.update_row),
        action="row.move",
        obj=row,
        message=_("The row has been moved."),
        anchor=_anchor(question.id),
    )


@bp.route(f"{ROW_URL}/<int:row_id>/delete", methods=["POST"])
def delete_row(survey_id: int, matrix_id: int, row_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _matrix_of(survey, matrix_id)
    row = _row_of(question, row_id)
    return change_structure(
        survey,
        lambda: staff_services.delete_row(row),
        action="row.delete",
        obj=row,
        message=_("The row has been deleted."),
        anchor=_anchor(question.id),
    )
