"""Staff edit the rating questions of a process (blueprint ``rating_staff`` under
``/<lang>/staff/p/<slug>/rating-questions``):

=====================================  ==================  =========
URL                                    endpoint            methods
=====================================  ==================  =========
``/``                                  ``questions``       GET
``/new``                               ``new_question``    GET, POST
``/<question_id>/edit``                ``edit_question``   GET, POST
``/<question_id>/move``                ``move_question``   POST
``/<question_id>/delete``              ``delete_question`` POST
=====================================  ==================  =========

Until the first rating every change is allowed; after it only the texts
(:mod:`app.ratings.editing`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.core.staff_area import acting_user, managed_process, staff_only
from app.extensions import db
from app.i18n import supported_languages
from app.processes.models import Process
from app.ratings import editing, services
from app.ratings.editing import RatingQuestionError, RatingQuestionErrorCode
from app.ratings.labels import SCALE_NAMES
from app.ratings.models import RatingQuestion, ScaleKind
from app.ratings.question_forms import MoveForm, RatingQuestionForm, question_form
from app.staff.forms import ActionForm

bp = Blueprint("rating_staff", __name__, template_folder="templates")
bp.before_request(staff_only)


def _message(error: RatingQuestionError, process: Process) -> str:
    if error.code == RatingQuestionErrorCode.LOCKED:
        return _(
            "Ratings have arrived for this process: the questions can no longer be added, "
            "removed, moved or given another scale or goal level. Their texts can still change."
        )
    if error.code == RatingQuestionErrorCode.LAST_QUESTION:
        return _("A process needs at least one rating question; this is the last one.")
    if error.code == RatingQuestionErrorCode.PROMPT_MISSING:
        return _("Please enter the question in the default language of the process.")
    return _("Please choose a level of the goal tree.")


def _to_list(process: Process) -> Response:
    return redirect(url_for("rating_staff.questions", slug=process.slug))


def _question(process: Process, question_id: int) -> RatingQuestion:
    question = db.session.get(RatingQuestion, question_id)
    if question is None or question.process_id != process.id:
        abort(404)
    return question


def questions(slug: str) -> str:
    process = managed_process(slug)
    return render_template(
        "ratings/staff/questions.html",
        process=process,
        questions=services.rating_questions(process),
        locked=editing.ratings_started(process),
        scale_names=SCALE_NAMES,
        button=ActionForm(),
    )


def _form_page(process: Process, form: RatingQuestionForm, question: RatingQuestion | None) -> str:
    return render_template(
        "ratings/staff/question_form.html",
        process=process,
        form=form,
        question=question,
        locked=editing.ratings_started(process),
        scale_names=SCALE_NAMES,
    )


def _place(error: RatingQuestionError, form: RatingQuestionForm, process: Process) -> None:
    field = form[error.field] if error.field in form else form.scale  # noqa: SIM401 (a form)
    field.errors = [*field.errors, _message(error, process)]


def new_question(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    if editing.ratings_started(process):
        flash(_message(editing.locked_error(), process), "error")
        return _to_list(process)
    form = question_form(process, supported_languages())
    if form.validate_on_submit():
        try:
            editing.add_question(
                process,
                scale=ScaleKind(form.scale.data),
                prompt=form.prompt(),
                goal_level=form.level(),
                actor=acting_user(),
            )
        except RatingQuestionError as error:
            db.session.rollback()
            _place(error, form, process)
        else:
            db.session.commit()
            flash(_("The rating question has been added."), "success")
            return _to_list(process)
    return _form_page(process, form, None)


def edit_question(slug: str, question_id: int) -> ResponseReturnValue:
    process = managed_process(slug)
    question = _question(process, question_id)
    form = question_form(process, supported_languages(), question)
    locked = editing.ratings_started(process)
    if form.validate_on_submit():
        # Once ratings exist the page offers the texts only; scale and level stay.
        scale = None if locked else ScaleKind(form.scale.data)
        level = question.goal_level if locked else form.level()
        try:
            editing.update_question(
                question, prompt=form.prompt(), scale=scale, goal_level=level, actor=acting_user()
            )
        except RatingQuestionError as error:
            db.session.rollback()
            _place(error, form, process)
        else:
            db.session.commit()
            flash(_("The rating question has been saved."), "success")
            return _to_list(process)
    return _form_page(process, form, question)


def move_question(slug: str, question_id: int) -> Response:
    process = managed_process(slug)
    question = _question(process, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        moved = editing.move_question(question, form.direction.data or "", actor=acting_user())
    except RatingQuestionError as error:
        db.session.rollback()
        flash(_message(error, process), "error")
        return _to_list(process)
    db.session.commit()
    if moved:
        flash(_("The order of the rating questions has been changed."), "success")
    return _to_list(process)


def delete_question(slug: str, question_id: int) -> Response:
    process = managed_process(slug)
    question = _question(process, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        editing.delete_question(question, actor=acting_user())
    except RatingQuestionError as error:
        db.session.rollback()
        flash(_message(error, process), "error")
        return _to_list(process)
    db.session.commit()
    flash(_("The rating question has been removed."), "success")
    return _to_list(process)


FORM = ["GET", "POST"]
QUESTION = "/<int:question_id>"
bp.add_url_rule("/", "questions", questions)
bp.add_url_rule("/new", "new_question", new_question, methods=FORM)
bp.add_url_rule(f"{QUESTION}/edit", "edit_question", edit_question, methods=FORM)
bp.add_url_rule(f"{QUESTION}/move", "move_question", move_question, methods=["POST"])
bp.add_url_rule(f"{QUESTION}/delete", "delete_question", delete_question, methods=["POST"])
