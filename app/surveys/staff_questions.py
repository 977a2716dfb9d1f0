"""The survey builder: questions, their options, demographic presets, goal matrices.

Routes of the ``survey_staff`` blueprint (see :mod:`app.surveys.staff_views`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.extensions import db
from app.i18n import supported_languages
from app.staff.forms import translated_data
from app.surveys import builders, editing, staff_services
from app.surveys.editing import SurveyError
from app.surveys.models import CHOICE_KINDS, Option, Question, QuestionKind, Section, Survey
from app.surveys.staff_forms import (
    QuestionForm,
    lines,
    option_form,
    question_form,
)
from app.surveys.staff_views import (
    audit,
    bp,
    managed_survey,
    refused,
    section_of,
    step,
    to_survey,
)

OTHER_LABEL = {"de": "Sonstiges", "en": "Other"}
NUMBER_KEYS = ("min_choices", "max_choices", "top_n", "max_length")
FLOAT_KEYS = ("min", "max")


def _question_of(survey: Survey, question_id: int) -> Question:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _option_of(question: Question, option_id: int) -> Option:
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        abort(404)
    return option


def _anchor(question: Question) -> str:
    return f"question-{question.id}"


# --- settings from the form ----------------------------------------------------------


def _plain_number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _settings(form: QuestionForm, kind: QuestionKind, old: dict[str, Any]) -> dict[str, Any]:
    """The question's settings: the form's keys replaced, any others (preset) kept."""
    values: dict[str, Any] = {key: form[key].data for key in NUMBER_KEYS}
    values |= {key: _plain_number(form[key].data) for key in FLOAT_KEYS}
    values["unit"] = form.texts("unit") or None
    values["decimal"] = bool(form.decimal.data) or None
    values["min_date"] = form.min_date.data.isoformat() if form.min_date.data else None
    values["max_date"] = form.max_date.data.isoformat() if form.max_date.data else None
    values["display"] = form.display.data if kind == QuestionKind.SINGLE_CHOICE else None
    settings = dict(old)
    for key, value in values.items():
        if value is None or value == "":
            settings.pop(key, None)
        else:
            settings[key] = value
    if settings.get("display") == "radio" and "display" not in old:
        settings.pop("display")
    return settings


def _question_data(question: Question) -> dict[str, Any]:
    settings = question.settings or {}
    data: dict[str, Any] = {key: settings.get(key) for key in (*NUMBER_KEYS, *FLOAT_KEYS)}
    data |= {
        "kind": question.kind.value,
        "required": question.required,
        "is_demographic": question.is_demographic,
        "display": settings.get("display", "radio"),
        "decimal": bool(settings.get("decimal")),
    }
    for key in ("min_date", "max_date"):
        if settings.get(key):
            data[key] = date.fromisoformat(settings[key])
    for prefix in ("prompt", "help"):
        data |= translated_data(prefix, getattr(question, prefix))
    return data | translated_data("unit", settings.get("unit"))


def _chosen_options() -> list[int]:
    return [int(v) for v in request.form.getlist("show_if") if v.isdigit()]


def _condition_form_value(question: Question | None) -> list[int]:
    if request.method == "POST":
        return _chosen_options()
    show_if = question.show_if if question is not None else None
    return list((show_if or {}).get("option_ids", []))


# --- questions -----------------------------------------------------------------------


def _create(section: Section, form: QuestionForm, show_if: dict[str, Any] | None) -> Question:
    kind = QuestionKind(form.kind.data)
    languages = list(form.languages)
    items = lines(form, "options", languages)
    question = editing.create_question(
        section,
        kind=kind,
        prompt=form.texts("prompt"),
        help=form.texts("help"),
        required=bool(form.required.data),
        is_demographic=bool(form.is_demographic.data),
        settings=_settings(form, kind, {}),
        rows=[{"label": label} for label in lines(form, "rows", languages)],
    )
    if kind in (QuestionKind.SCALE, QuestionKind.MATRIX):
        points = [(str(n), label) for n, label in enumerate(items, start=1)] or None
        builders.add_scale(question, points, no_answer=bool(form.no_answer.data))
    elif kind in CHOICE_KINDS:
        for label in items:
            editing.add_option(question, label=label)
    if form.other_option.data and kind in CHOICE_KINDS:
        editing.add_option(question, label=dict(OTHER_LABEL), value="other", is_other=True)
    if kind == QuestionKind.MATRIX and not question.rows:
        raise SurveyError(_("A matrix needs at least one row."))
    if show_if:
        editing.update_question(question, show_if=show_if)
    return question


def _update(question: Question, form: QuestionForm, show_if: dict[str, Any] | None) -> None:
    changes: dict[str, Any] = {
        "prompt": form.texts("prompt"),
        "help": form.texts("help"),
        "required": bool(form.required.data),
        "is_demographic": bool(form.is_demographic.data),
        "settings": _settings(form, question.kind, question.settings or {}),
    }
    if not staff_services.same_condition(question.show_if, show_if):
        changes["show_if"] = show_if
    editing.update_question(question, **changes)


def _question_page(
    survey: Survey, section: Section, question: Question | None
) -> ResponseReturnValue:
    data = _question_data(question) if question else {"kind": request.args.get("kind")}
    form = question_form(supported_languages(), data)
    if question is not None:
        form.kind.data = question.kind.value
    targets = staff_services.condition_targets(question, section)
    error = None
    if form.validate_on_submit():
        try:
            show_if = staff_services.condition_from(_chosen_options(), targets)
            if question is None:
                question = _create(section, form, show_if)
            else:
                _update(question, form, show_if)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("question.save", question, survey)
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return to_survey(survey, _anchor(question))
    context = {
        "form": form,
        "survey": survey,
        "section": section,
        "question": question,
        "targets": targets,
        "chosen": _condition_form_value(question),
        "error": error,
        "locked": editing.has_responses(survey),
    }
    return render_template("surveys/staff/question_form.html", **context)


@bp.route("/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
def new_question(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _question_page(survey, section_of(survey, section_id), None)


@bp.route("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    return _question_page(survey, question.section, question)


@bp.route("/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
def move_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    try:
        questions = question.section.questions
        staff_services.move(questions, question, step(), editing.update_question)
    except SurveyError as exc:
        return refused(exc, survey, _anchor(question))
    audit("question.move", question, survey)
    db.session.commit()
    flash(_("The question has been moved."), "success")
    return to_survey(survey, _anchor(question))


@bp.route("/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
def delete_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    section_id = question.section_id
    audit("question.delete", question, survey)
    try:
        staff_services.delete_question(question)
    except SurveyError as exc:
        return refused(exc, survey, _anchor(question))
    db.session.commit()
    flash(_("The question has been deleted."), "success")
    return to_survey(survey, f"section-{section_id}")


# --- options -------------------------------------------------------------------------


def _option_page(survey: Survey, question: Question, option: Option | None) -> ResponseReturnValue:
    data = None
    if option is not None:
        data = translated_data("label", option.label) | {
            "value": option.value,
            "is_other": option.is_other,
            "is_no_answer": option.is_no_answer,
        }
    form = option_form(supported_languages(), data)
    error = None
    if form.validate_on_submit():
        fields = {
            "is_other": bool(form.is_other.data),
            "is_no_answer": bool(form.is_no_answer.data),
        }
        try:
            if option is None:
                option = editing.add_option(
                    question, label=form.texts("label"), value=form.value.data or None, **fields
                )
            else:
                value = form.value.data or option.value
                editing.update_option(option, label=form.texts("label"), value=value, **fields)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("option.save", option, survey)
            db.session.commit()
            flash(_("The option has been saved."), "success")
            return to_survey(survey, _anchor(question))
    context = {"form": form, "survey": survey, "question": question, "option": option}
    return render_template("surveys/staff/option_form.html", error=error, **context)


@bp.route("/<int:survey_id>/questions/<int:question_id>/options/new", methods=["GET", "POST"])
def new_option(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _option_page(survey, _question_of(survey, question_id), None)


OPTION_URL = "/<int:survey_id>/questions/<int:question_id>/options/<int:option_id>"


@bp.route(f"{OPTION_URL}/edit", methods=["GET", "POST"])
def edit_option(survey_id: int, question_id: int, option_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    return _option_page(survey, question, _option_of(question, option_id))


@bp.route(f"{OPTION_URL}/move", methods=["POST"])
def move_option(survey_id: int, question_id: int, option_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    option = _option_of(question, option_id)
    try:
        staff_services.move(question.options, option, step(), editing.update_option)
    except SurveyError as exc:
        return refused(exc, survey, _anchor(question))
    audit("option.move", option, survey)
    db.session.commit()
    flash(_("The option has been moved."), "success")
    return to_survey(survey, _anchor(question))


@bp.route(f"{OPTION_URL}/delete", methods=["POST"])
def delete_option(survey_id: int, question_id: int, option_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    option = _option_of(question, option_id)
    audit("option.delete", option, survey)
    try:
        staff_services.delete_option(option)
    except SurveyError as exc:
        return refused(exc, survey, _anchor(question))
    db.session.commit()
    flash(_("The option has been deleted."), "success")
    return to_survey(survey, _anchor(question))
