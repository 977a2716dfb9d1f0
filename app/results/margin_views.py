"""Staff pages of a survey's weighting: population margins (typed or uploaded as
CSV), the raking report once the weights are computed, and the representativeness
view. Blueprint ``results_staff`` under ``/<lang>/staff/surveys/``:

==============================================  =======================  =========
URL                                             endpoint                 methods
==============================================  =======================  =========
``/<survey_id>/weighting``                      ``weighting``            GET
``/<survey_id>/weighting/shares``               ``save_shares``          POST
``/<survey_id>/weighting/upload``               ``upload_margins``       POST
``/<survey_id>/weighting/clear``                ``clear_margins``        POST
``/<survey_id>/representativeness``             ``representativeness``   GET
==============================================  =======================  =========

The public representativeness view is in ``representativeness_views``.

Saving margins marks the survey's results dirty; the rebuild task rakes, writes
``Response.weight`` and stores the report (``app.results.weighting_status``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import policy
from app.core.staff_area import acting_user, staff_only
from app.extensions import db
from app.results import margins, representativeness, weighting_status
from app.results.margin_forms import (
    UPLOAD_PREFIX,
    MarginsTypedForm,
    MarginsUploadForm,
    share_field_name,
    typed_form,
)
from app.results.margins import MarginEntry, MarginProblem, MarginProblemCode
from app.surveys.models import Question, Survey

bp = Blueprint("results_weighting", __name__, template_folder="templates")
bp.before_request(staff_only)

QuestionErrors = dict[int, list[str]]


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    policy.require(policy.can_manage_survey(current_user, survey))
    return survey


def _prefill(status: weighting_status.WeightingStatus) -> dict[str, Any]:
    data: dict[str, Any] = {"trim_cap": _number(status.trim_cap), "source": status.source}
    for option_id, share in status.shares.items():
        data[share_field_name(option_id)] = _number(share)
    return data


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _page(
    survey: Survey,
    *,
    typed: MarginsTypedForm | None = None,
    upload: MarginsUploadForm | None = None,
    question_errors: QuestionErrors | None = None,
) -> str:
    status = weighting_status.weighting_status(survey)
    questions = weighting_status.weight_questions(survey)
    locale = survey.default_locale
    return render_template(
        "results/weighting.html",
        survey=survey,
        status=status,
        questions=questions,
        typed=typed if typed is not None else typed_form(questions, locale, _prefill(status)),
        upload=upload if upload is not None else _fresh_upload_form(status),
        question_errors=question_errors or {},
        share_field_name=share_field_name,
        representativeness_url=url_for("results_weighting.representativeness", survey_id=survey.id),
    )


def _fresh_upload_form(status: weighting_status.WeightingStatus) -> MarginsUploadForm:
    data = {"trim_cap": _number(status.trim_cap), "source": status.source}
    return MarginsUploadForm(prefix=UPLOAD_PREFIX, data=data, formdata=None)


def weighting(survey_id: int) -> ResponseReturnValue:
    return _page(_survey(survey_id))


def _cap(form: MarginsTypedForm | MarginsUploadForm) -> float | None:
    raw = (form.trim_cap.data or "").strip()
    cap = margins.parse_share(raw) if raw else 5.0
    if cap is None or not margins.CAP_RANGE[0] <= cap <= margins.CAP_RANGE[1]:
        form.trim_cap.errors = [MarginProblem(MarginProblemCode.CAP_RANGE, "trim_cap").message()]
        return None
    return cap


def _typed_entries(form: MarginsTypedForm, questions: list[Question]) -> list[MarginEntry] | None:
    """The typed shares of each question with at least one; None if a field is invalid."""
    entries: list[MarginEntry] = []
    valid = True
    for question in questions:
        fields = [(o, form[share_field_name(o.id)]) for o in question.options if not o.is_no_answer]
        for option, field in fields:
            raw = (field.data or "").strip()
            if not raw:
                continue  # a question with some shares: validation names the missing ones
            share = margins.parse_share(raw)
            if share is None:
                params = {"share": raw}
                code = MarginProblemCode.SHARE_NOT_NUMBER
                field.errors = [MarginProblem(code, "share", None, params).message()]
                valid = False
            elif not 0 < share <= 100:
                field.errors = [MarginProblem(MarginProblemCode.SHARE_RANGE, "share").message()]
                valid = False
            else:
                entries.append(MarginEntry(question.id, option.id, share))
    return entries if valid else None


def _place(problems: list[MarginProblem], form: MarginsTypedForm, errors: QuestionErrors) -> None:
    """Each problem next to its share field, or at its question."""
    for problem in problems:
        option_id = problem.params.get("option_id")
        question_id = problem.params.get("question_id")
        if option_id is not None:
            form[share_field_name(int(option_id))].errors = [problem.message()]
        elif question_id is not None:
            errors.setdefault(int(question_id), []).append(problem.message())
        elif problem.field == "trim_cap":
            form.trim_cap.errors = [problem.message()]
        else:
            errors.setdefault(0, []).append(problem.message())


def _save(
    survey: Survey, entries: list[MarginEntry], cap: float, source: str | None
) -> list[MarginProblem]:
    """Save the margins (the caller commits); the problems if they are invalid."""
    try:
        actor = acting_user()
        margins.save_margins(survey, entries, trim_cap=cap, source=source or "", actor=actor)
    except margins.MarginsInvalidError as invalid:
        db.session.rollback()
        return invalid.problems
    return []


def save_shares(survey_id: int) -> ResponseReturnValue:
    survey = _survey(survey_id)
    questions = weighting_status.weight_questions(survey)
    form = typed_form(questions, survey.default_locale)
    errors: QuestionErrors = {}
    if form.validate_on_submit():
        cap = _cap(form)
        entries = _typed_entries(form, questions)
        if entries is not None and not entries:
            errors[0] = [_("Enter the population shares of at least one question.")]
        elif entries is not None and cap is not None:
            problems = _save(survey, entries, cap, form.source.data)
            if not problems:
                return _saved(survey)
            _place(problems, form, errors)
    return _page(survey, typed=form, question_errors=errors)


def upload_margins(survey_id: int) -> ResponseReturnValue:
    survey = _survey(survey_id)
    form = MarginsUploadForm(prefix=UPLOAD_PREFIX)
    if form.validate_on_submit():
        cap = _cap(form)
        text = _decode(form.file.data.read())
        entries, problems = margins.parse_margins_csv(survey, text)
        if problems:
            form.file.errors = [problem.message() for problem in problems]
        elif cap is not None:
            problems = _save(survey, entries, cap, form.source.data)
            if not problems:
                return _saved(survey)
            form.file.errors = [problem.message() for problem in problems]
    return _page(survey, upload=form)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's "CSV" on German Windows


def _saved(survey: Survey) -> Response:
    db.session.commit()
    flash(_("The population margins have been saved. The weights are being computed."), "success")
    return redirect(url_for("results_weighting.weighting", survey_id=survey.id))


def clear_margins(survey_id: int) -> Response:
    survey = _survey(survey_id)
    margins.clear_margins(survey, actor=acting_user())
    db.session.commit()
    flash(_("The margins have been removed; every response counts once again."), "success")
    return redirect(url_for("results_weighting.weighting", survey_id=survey.id))


def staff_representativeness(survey_id: int) -> ResponseReturnValue:
    survey = _survey(survey_id)
    view = representativeness.staff_view(survey)
    return render_template("results/representativeness.html", survey=survey, view=view, staff=True)


bp.add_url_rule("/<int:survey_id>/weighting", view_func=weighting)
bp.add_url_rule("/<int:survey_id>/weighting/shares", view_func=save_shares, methods=["POST"])
bp.add_url_rule("/<int:survey_id>/weighting/upload", view_func=upload_margins, methods=["POST"])
bp.add_url_rule("/<int:survey_id>/weighting/clear", view_func=clear_margins, methods=["POST"])
bp.add_url_rule(
    "/<int:survey_id>/representativeness", "representativeness", staff_representativeness
)
