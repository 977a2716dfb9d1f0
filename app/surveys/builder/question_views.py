"""The survey builder: questions, their options, demographic presets, goal matrices.

Routes of the ``survey_staff`` blueprint (see :mod:`app.surveys.staff_views`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.extensions import db
from app.i18n import supported_languages, tr_text
from app.staff.forms import translated_data
from app.surveys import builders, editing, staff_services
from app.surveys.editing import SurveyError
from app.surveys.models import CHOICE_KINDS, Option, Question, QuestionKind, Section, Survey
from app.surveys.staff_forms import (
    SETTING_FIELDS,
    KindForm,
    QuestionForm,
    kind_choice_form,
    kind_form,
    lines,
    option_form,
    question_form,
)
from app.surveys.staff_views import (
    audit,
    bp,
    change_structure,
    managed_survey,
    section_of,
    step,
    to_survey,
)

OTHER_LABEL = {"de": "Sonstiges", "en": "Other"}
NUMBER_KEYS = ("min_choices", "max_choices", "top_n", "max_length")
FLOAT_KEYS = ("min", "max")
SCALE_KINDS = (QuestionKind.SCALE, QuestionKind.MATRIX)


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


def _setting(form: QuestionForm, key: str) -> Any:
    """One setting as the form has it; None: not set."""
    if key == "unit":
        return form.texts("unit") or None
    data = form[key].data
    if key in FLOAT_KEYS:
        return _plain_number(data)
    return data.isoformat() if isinstance(data, date) else data or None


def _settings(form: QuestionForm, kind: QuestionKind, old: dict[str, Any]) -> dict[str, Any]:
    """The question's settings: those of ``kind`` from the form, any others (of other
    kinds, from a preset) kept as they are."""
    settings = dict(old)
    for key in SETTING_FIELDS.get(kind, ()):
        value = _setting(form, key)
        if value is None:
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


class ConditionValueError(SurveyError):
    """A value condition that cannot work; shown next to the value field."""


def _value_condition(form: QuestionForm, targets: list[Question]) -> dict[str, Any] | None:
    target = next((t for t in targets if t.id == form.condition_question.data), None)
    if target is None:
        return None
    try:
        value = staff_services.parse_value(form.condition_value.data)
        return staff_services.value_condition(target, form.condition_compare.data or "", value)
    except SurveyError as exc:
        raise ConditionValueError(str(exc)) from None


def _condition(form: QuestionForm, targets: list[Question], value_targets: list[Question]) -> Any:
    by_value = _value_condition(form, value_targets)
    by_option = staff_services.condition_from(_chosen_options(), targets)
    if by_value and by_option:
        raise SurveyError(_("Choose either answers to tick or a value, not both."))
    return by_value or by_option


# --- questions -----------------------------------------------------------------------


def _items(form: QuestionForm, prefix: str) -> list[dict[str, str]]:
    """The lines of ``<prefix>_<lang>``, if the form of this kind has them."""
    languages = list(form.languages)
    return lines(form, prefix, languages) if f"{prefix}_{languages[0]}" in form else []


def _ticked(form: QuestionForm, name: str) -> bool:
    return name in form and bool(form[name].data)


def _create(section: Section, form: QuestionForm, show_if: dict[str, Any] | None) -> Question:
    kind = QuestionKind(form.kind.data)
    items = _items(form, "options")
    question = editing.create_question(
        section,
        kind=kind,
        prompt=form.texts("prompt"),
        help=form.texts("help"),
        required=bool(form.required.data),
        is_demographic=bool(form.is_demographic.data),
        settings=_settings(form, kind, {}),
        rows=[{"label": label} for label in _items(form, "rows")],
    )
    if kind in SCALE_KINDS:
        points = [(str(n), label) for n, label in enumerate(items, start=1)] or None
        builders.add_scale(question, points, no_answer=_ticked(form, "no_answer"))
    elif kind in CHOICE_KINDS:
        for label in items:
            editing.add_option(question, label=label)
    if _ticked(form, "other_option"):
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
    if show_if is None and not staff_services.condition_in_form(question):
        show_if = question.show_if
    if not staff_services.same_condition(question.show_if, show_if):
        changes["show_if"] = show_if
    editing.update_question(question, **changes)


def _question_form(
    survey: Survey, section: Section, question: Question | None, kind: QuestionKind, **kw: Any
) -> QuestionForm:
    data = None
    if question is not None:
        data = _question_data(question) | staff_services.value_condition_fields(question)
    targets = staff_services.value_targets(question, section)
    choices = [(t.id, tr_text(t.prompt, survey.default_locale)) for t in targets]
    languages = supported_languages()
    return question_form(languages, kind, data, choices, new=question is None, **kw)


def _question_page(
    survey: Survey, section: Section, question: Question | None, kind: QuestionKind
) -> ResponseReturnValue:
    form = _question_form(survey, section, question, kind)
    targets = staff_services.condition_targets(question, section)
    error = None
    if form.validate_on_submit():
        try:
            show_if = _condition(form, targets, staff_services.value_targets(question, section))
            if question is None:
                question = _create(section, form, show_if)
            else:
                _update(question, form, show_if)
                staff_services.refresh_conditions(survey)
        except ConditionValueError as exc:
            db.session.rollback()
            form.condition_value.errors.append(str(exc))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("question.save", question, survey)
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return to_survey(survey, _anchor(question))
    return _render_question(survey, section, question, form, error)


def _render_question(
    survey: Survey,
    section: Section,
    question: Question | None,
    form: QuestionForm,
    error: str | None = None,
    change: KindForm | None = None,
) -> str:
    locked = editing.has_responses(survey)
    if change is None and question is not None and not locked:
        change = kind_form(question)
    context = {
        "form": form,
        "survey": survey,
        "section": section,
        "question": question,
        "targets": staff_services.condition_targets(question, section),
        "chosen": _condition_form_value(question),
        "error": error,
        "locked": locked,
        "change": change,
        "settings": SETTING_FIELDS.get(QuestionKind(form.kind.data), ()),
    }
    return render_template("surveys/staff/question_form.html", **context)


@bp.route("/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
def new_question(survey_id: int, section_id: int) -> ResponseReturnValue:
    """Two steps: the kind (``?kind=…``), then the form for a question of that kind."""
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    source = request.form if request.method == "POST" else request.args
    chooser = kind_choice_form(source)
    if "kind" not in source or chooser.errors:
        context = {"survey": survey, "section": section, "question": None}
        return render_template("surveys/staff/question_form.html", chooser=chooser, **context)
    return _question_page(survey, section, None, QuestionKind(chooser.kind.data))


@bp.route("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    return _question_page(survey, question.section, question, question.kind)


def _confirmed(question: Question, change: KindForm) -> bool:
    """Removing options or rows needs the tick; a missing one is shown next to it."""
    if staff_services.drops_items(question, change.kind.data or "") and not change.confirm.data:
        change.confirm.errors.append(_l("Please confirm that they will be removed."))
        return False
    return True


@bp.route("/<int:survey_id>/questions/<int:question_id>/kind", methods=["POST"])
def change_kind(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    edit_url = url_for("survey_staff.edit_question", survey_id=survey.id, question_id=question.id)
    if editing.has_responses(survey):
        flash(_("This survey has responses; the kind of question cannot change now."), "error")
        return redirect(edit_url)
    change = kind_form(question)
    error = None
    if change.validate_on_submit() and _confirmed(question, change):
        choice, old = change.kind.data or "", staff_services.kind_choice(question)
        try:
            staff_services.change_kind(question, choice, drop_items=bool(change.confirm.data))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("question.kind", question, survey, before={"kind": old}, after={"kind": choice})
            db.session.commit()
            flash(_("The kind of question has been changed."), "success")
            return redirect(edit_url)
    form = _question_form(survey, question.section, question, question.kind, formdata=None)
    return _render_question(survey, question.section, question, form, error, change)


@bp.route("/<int:survey_id>/questions/<int:question_id>/move", methods=["POST"])
def move_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    questions = question.section.questions
    return change_structure(
        survey,
        lambda: staff_services.move(questions, question, step(), editing.update_question),
        action="question.move",
        obj=question,
        message=_("The question has been moved."),
        anchor=_anchor(question),
    )


@bp.route("/<int:survey_id>/questions/<int:question_id>/delete", methods=["POST"])
def delete_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    return change_structure(
        survey,
        lambda: staff_services.delete_question(question),
        action="question.delete",
        obj=question,
        message=_("The question has been deleted."),
        anchor=_anchor(question),
        done_anchor=f"section-{question.section_id}",
    )


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
            staff_services.refresh_conditions(survey)
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
    return change_structure(
        survey,
        lambda: staff_services.move(question.options, option, step(), editing.update_option),
        action="option.move",
        obj=option,
        message=_("The option has been moved."),
        anchor=_anchor(question),
    )


@bp.route(f"{OPTION_URL}/delete", methods=["POST"])
def delete_option(survey_id: int, question_id: int, option_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = _question_of(survey, question_id)
    option = _option_of(question, option_id)
    return change_structure(
        survey,
        lambda: staff_services.delete_option(option),
        action="option.delete",
        obj=option,
        message=_("The option has been deleted."),
        anchor=_anchor(question),
    )
