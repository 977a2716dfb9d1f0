"""The survey builder: questions, their kind, their options.

Views of the ``survey_staff`` blueprint (its URLs: :mod:`app.surveys.routes`). The
form is read here; what a question gets and what a change may do is decided in
:mod:`app.surveys.builder.questions` and :mod:`app.surveys.builder.services`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db
from app.i18n import supported_languages, tr_text
from app.staff.forms import translated_data
from app.surveys.builder import conditions, questions, services, structure
from app.surveys.builder.conditions import ConditionValueError, ValueChoice
from app.surveys.builder.forms import lines, option_form
from app.surveys.builder.helpers import (
    change_structure,
    managed_survey,
    option_of,
    question_anchor,
    question_of,
    section_of,
    step,
    to_survey,
)
from app.surveys.builder.question_form import (
    SETTING_FIELDS,
    KindForm,
    QuestionForm,
    kind_choice_form,
    kind_form,
    question_data,
    question_form,
    settings_values,
)
from app.surveys.builder.questions import QuestionInput
from app.surveys.builder.structure import SurveyError
from app.surveys.models import Option, Question, QuestionKind, Section, Survey

QUESTION_TEMPLATE = "surveys/builder/question_form.html"


# --- reading the form ----------------------------------------------------------------


def _items(form: QuestionForm, prefix: str) -> list[dict[str, str]]:
    """The lines of ``<prefix>_<lang>``, if the form of this kind has them."""
    languages = list(form.languages)
    return lines(form, prefix, languages) if f"{prefix}_{languages[0]}" in form else []


def _ticked(form: QuestionForm, name: str) -> bool:
    return name in form and bool(form[name].data)


def _input(form: QuestionForm, kind: QuestionKind) -> QuestionInput:
    return QuestionInput(
        prompt=form.texts("prompt"),
        help=form.texts("help"),
        required=bool(form.required.data),
        is_demographic=bool(form.is_demographic.data),
        settings=settings_values(form, kind),
        options=_items(form, "options"),
        rows=_items(form, "rows"),
        other_option=_ticked(form, "other_option"),
        no_answer=_ticked(form, "no_answer"),
    )


def _chosen_options() -> list[int]:
    return [int(v) for v in request.form.getlist("show_if") if v.isdigit()]


def _condition_form_value(question: Question | None) -> list[int]:
    if request.method == "POST":
        return _chosen_options()
    show_if = question.show_if if question is not None else None
    return list((show_if or {}).get("option_ids", []))


def _value_choice(form: QuestionForm) -> ValueChoice | None:
    if not form.condition_question.data:
        return None
    compare = form.condition_compare.data or ""
    return ValueChoice(form.condition_question.data, compare, form.condition_value.data or "")


# --- questions -----------------------------------------------------------------------


def _question_form(
    survey: Survey, section: Section, question: Question | None, kind: QuestionKind, **kw: Any
) -> QuestionForm:
    data = None
    if question is not None:
        data = question_data(question) | conditions.value_condition_fields(question)
    targets = conditions.value_targets(question, section)
    choices = [(t.id, tr_text(t.prompt, survey.default_locale)) for t in targets]
    languages = supported_languages()
    return question_form(languages, kind, data, choices, new=question is None, **kw)


def _save(section: Section, question: Question | None, form: QuestionForm) -> Question:
    kind = question.kind if question else QuestionKind(form.kind.data)
    show_if = conditions.chosen_condition(question, section, _chosen_options(), _value_choice(form))
    data = _input(form, kind)
    if question is None:
        return questions.add_question(section, kind, data, show_if=show_if, actor=current_user)
    questions.update_question(question, data, show_if=show_if, actor=current_user)
    return question


def _question_page(
    survey: Survey, section: Section, question: Question | None, kind: QuestionKind
) -> ResponseReturnValue:
    form = _question_form(survey, section, question, kind)
    error = None
    if form.validate_on_submit():
        try:
            saved = _save(section, question, form)
        except ConditionValueError as exc:
            db.session.rollback()
            form.condition_value.errors.append(str(exc))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return to_survey(survey, question_anchor(saved.id))
    return _render_question(survey, section, question, form, error)


def _render_question(
    survey: Survey,
    section: Section,
    question: Question | None,
    form: QuestionForm,
    error: str | None = None,
    change: KindForm | None = None,
) -> str:
    locked = structure.has_responses(survey)
    if change is None and question is not None and not locked:
        change = kind_form(question)
    context = {
        "form": form,
        "survey": survey,
        "section": section,
        "question": question,
        "targets": conditions.condition_targets(question, section),
        "chosen": _condition_form_value(question),
        "error": error,
        "locked": locked,
        "change": change,
        "settings": SETTING_FIELDS.get(QuestionKind(form.kind.data), ()),
    }
    return render_template(QUESTION_TEMPLATE, **context)


def new_question(survey_id: int, section_id: int) -> ResponseReturnValue:
    """Two steps: the kind (``?kind=…``), then the form for a question of that kind."""
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    source = request.form if request.method == "POST" else request.args
    chooser = kind_choice_form(source)
    if "kind" not in source or chooser.errors:
        context = {"survey": survey, "section": section, "question": None}
        return render_template(QUESTION_TEMPLATE, chooser=chooser, **context)
    return _question_page(survey, section, None, QuestionKind(chooser.kind.data))


def edit_question(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    return _question_page(survey, question.section, question, question.kind)


def _confirmed(question: Question, change: KindForm) -> bool:
    """Removing options or rows needs the tick; a missing one is shown next to it."""
    if questions.drops_items(question, change.kind.data or "") and not change.confirm.data:
        change.confirm.errors.append(_l("Please confirm that they will be removed."))
        return False
    return True


def change_kind(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    edit_url = url_for("survey_staff.edit_question", survey_id=survey.id, question_id=question.id)
    if structure.has_responses(survey):
        flash(_("This survey has responses; the kind of question cannot change now."), "error")
        return redirect(edit_url)
    change = kind_form(question)
    error = None
    if change.validate_on_submit() and _confirmed(question, change):
        drop = bool(change.confirm.data)
        try:
            questions.change_kind(
                question, change.kind.data or "", drop_items=drop, actor=current_user
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The kind of question has been changed."), "success")
            return redirect(edit_url)
    form = _question_form(survey, question.section, question, question.kind, formdata=None)
    return _render_question(survey, question.section, question, form, error, change)


def move_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    return change_structure(
        survey,
        lambda: questions.move_question(question, step(), actor=current_user),
        message=_("The question has been moved."),
        anchor=question_anchor(question.id),
    )


def delete_question(survey_id: int, question_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    return change_structure(
        survey,
        lambda: questions.delete_question(question, actor=current_user),
        message=_("The question has been deleted."),
        anchor=question_anchor(question.id),
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
        try:
            option = services.save_option(
                question,
                option,
                label=form.texts("label"),
                value=form.value.data or None,
                is_other=bool(form.is_other.data),
                is_no_answer=bool(form.is_no_answer.data),
                actor=current_user,
            )
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The option has been saved."), "success")
            return to_survey(survey, question_anchor(question.id))
    context = {"form": form, "survey": survey, "question": question, "option": option}
    return render_template("surveys/builder/option_form.html", error=error, **context)


def new_option(survey_id: int, question_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _option_page(survey, question_of(survey, question_id), None)


def edit_option(survey_id: int, question_id: int, option_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    return _option_page(survey, question, option_of(question, option_id))


def move_option(survey_id: int, question_id: int, option_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    option = option_of(question, option_id)
    return change_structure(
        survey,
        lambda: services.move_option(option, step(), actor=current_user),
        message=_("The option has been moved."),
        anchor=question_anchor(question.id),
    )


def delete_option(survey_id: int, question_id: int, option_id: int) -> Response:
    survey = managed_survey(survey_id)
    question = question_of(survey, question_id)
    option = option_of(question, option_id)
    return change_structure(
        survey,
        lambda: services.delete_option(option, actor=current_user),
        message=_("The option has been deleted."),
        anchor=question_anchor(question.id),
    )
