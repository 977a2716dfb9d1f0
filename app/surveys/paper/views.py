"""Paper entry: staff type in returned questionnaires, one form per questionnaire.

All questions of the survey on one page, in order; a hidden key makes a double
submit store one response. Views of the ``survey_staff`` blueprint (its URLs:
:mod:`app.surveys.routes`); the rules, invitation codes included, are in
:mod:`app.surveys.paper.services`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.surveys.answering.gate import SurveyRefusedError
from app.surveys.answering.responses import new_idempotency_key
from app.surveys.builder.helpers import managed_survey, to_survey
from app.surveys.models import Survey
from app.surveys.paper import services
from app.surveys.paper.forms import BatchForm


def _entry_url(survey: Survey, batch: str) -> str:
    return url_for("survey_staff.paper_entry", survey_id=survey.id, batch=batch)


def _not_enterable(survey: Survey) -> ResponseReturnValue | None:
    reason = services.not_enterable(survey)
    if reason:
        flash(reason, "error")
        return to_survey(survey)
    return None


def paper_start(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    bounce = _not_enterable(survey)
    if bounce is not None:
        return bounce
    form = BatchForm()
    if form.validate_on_submit():
        batch = form.batch.data or ""
        services.start_batch(survey, batch, actor=current_user)
        db.session.commit()
        return redirect(_entry_url(survey, batch))
    return render_template("surveys/paper/start.html", survey=survey, form=form)


def _store(survey: Survey, batch: str) -> dict[str, str]:
    """Store the posted questionnaire, or the messages by field (nothing stored)."""
    entry = services.enter_questionnaire(
        survey,
        request.form,
        batch=batch,
        key=(request.form.get("key") or "")[:64] or new_idempotency_key(),
        code=request.form.get("code", ""),
        actor=current_user,
    )
    if entry.errors:
        return entry.errors
    db.session.commit()
    if entry.created:
        flash(_("The questionnaire has been saved."), "success")
    else:
        flash(_("This questionnaire had already been saved."), "info")
    return {}


def paper_entry(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    bounce = _not_enterable(survey)
    if bounce is not None:
        return bounce
    batch = (request.values.get("batch") or "").strip()[: services.BATCH_MAX]
    if not batch:
        return redirect(url_for("survey_staff.paper_start", survey_id=survey.id))
    errors: dict[str, str] = {}
    values: Any = MultiDict()
    key = new_idempotency_key()
    if request.method == "POST":
        try:
            errors = _store(survey, batch)
        except SurveyRefusedError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return to_survey(survey)
        if not errors:
            return redirect(_entry_url(survey, batch))
        values, key = request.form, (request.form.get("key") or key)[:64]
    context = {
        "survey": survey,
        "batch": batch,
        "key": key,
        "values": values,
        "errors": errors,
        "count": services.batch_count(survey, batch),
        "asks_for_code": services.asks_for_code(survey),
        "code_required": services.code_required(survey),
    }
    return render_template("surveys/paper/entry.html", **context)
