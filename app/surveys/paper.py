"""Paper entry: staff type in returned questionnaires, one form per questionnaire.

All questions of the survey on one page, in order; the same validation as online
(page by page, conditions honoured); a hidden key makes a double submit store one
response. Routes of the ``survey_staff`` blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.surveys import staff_services
from app.surveys.models import Survey, SurveyState
from app.surveys.responses import SurveyRefusedError, new_idempotency_key, record_paper_response
from app.surveys.staff_forms import BatchForm
from app.surveys.staff_views import audit, bp, managed_survey, to_survey

BATCH_MAX = 80


def _entry_url(survey: Survey, batch: str) -> str:
    return url_for("survey_staff.paper_entry", survey_id=survey.id, batch=batch)


def _not_enterable(survey: Survey) -> ResponseReturnValue | None:
    if survey.state == SurveyState.DRAFT:
        flash(_("Open the survey before you enter paper questionnaires."), "error")
        return to_survey(survey)
    return None


@bp.route("/<int:survey_id>/paper", methods=["GET", "POST"])
def paper_start(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    bounce = _not_enterable(survey)
    if bounce is not None:
        return bounce
    form = BatchForm()
    if form.validate_on_submit():
        return redirect(_entry_url(survey, form.batch.data or ""))
    return render_template("surveys/staff/paper_start.html", survey=survey, form=form)


def _store(survey: Survey, batch: str) -> tuple[bool, dict[str, str]]:
    """Validate and store the posted questionnaire: (stored, errors)."""
    answers, errors = staff_services.validate_survey(survey, request.form)
    if errors:
        return False, errors
    key = (request.form.get("key") or "")[:64] or new_idempotency_key()
    response, created = record_paper_response(
        survey,
        answers,
        entered_by_id=int(current_user.id),
        idempotency_key=key,
        batch_label=batch,
    )
    if created:
        audit("paper_response", response, survey)
    db.session.commit()
    if created:
        flash(_("The questionnaire has been saved."), "success")
    else:
        flash(_("This questionnaire had already been saved."), "info")
    return True, {}


@bp.route("/<int:survey_id>/paper/entry", methods=["GET", "POST"])
def paper_entry(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    bounce = _not_enterable(survey)
    if bounce is not None:
        return bounce
    batch = (request.values.get("batch") or "").strip()[:BATCH_MAX]
    if not batch:
        return redirect(url_for("survey_staff.paper_start", survey_id=survey.id))
    errors: dict[str, str] = {}
    values: Any = MultiDict()
    key = new_idempotency_key()
    if request.method == "POST":
        try:
            stored, errors = _store(survey, batch)
        except SurveyRefusedError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return to_survey(survey)
        if stored:
            return redirect(_entry_url(survey, batch))
        values, key = request.form, (request.form.get("key") or key)[:64]
    context = {
        "survey": survey,
        "batch": batch,
        "key": key,
        "values": values,
        "errors": errors,
        "count": staff_services.paper_count(survey, batch),
    }
    return render_template("surveys/staff/paper.html", **context)
