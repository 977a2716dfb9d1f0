"""Paper entry: staff type in returned questionnaires, one form per questionnaire.

All questions of the survey on one page, in order; the same validation as online
(page by page, conditions honoured); a hidden key makes a double submit store one
response. Routes of the ``survey_staff`` blueprint.

Invitation codes: when the survey has access mode ``code``, or invitation codes
were printed for it anyway, the form starts with "Code on the questionnaire". It
is required in access mode ``code`` (every letter carried one; a questionnaire
without a code is not entered) and optional otherwise. A typed code is checked as
online: unknown, or already used online or on paper, puts a message next to the
field and saves nothing. The code is used up in the same transaction as the
response, by the conditional UPDATE of :func:`responses._use_code`, so of two
entries of one code at once exactly one is saved.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.audit.services import record
from app.extensions import db
from app.surveys import staff_services
from app.surveys.models import (
    AccessMode,
    InvitationCode,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
    SurveyState,
)
from app.surveys.responses import (
    SurveyRefusedError,
    find_code,
    new_idempotency_key,
    record_paper_response,
)
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
        batch = form.batch.data or ""
        audit("paper.batch", survey, survey, after={"batch": batch})
        db.session.commit()
        return redirect(_entry_url(survey, batch))
    return render_template("surveys/staff/paper_start.html", survey=survey, form=form)


# --- invitation codes ----------------------------------------------------------------


def asks_for_code(survey: Survey) -> bool:
    """Whether the entry form has the code field (see the module docstring)."""
    if survey.access_mode == AccessMode.CODE:
        return True
    found = db.session.scalar(
        sa.select(InvitationCode.id).where(InvitationCode.survey_id == survey.id).limit(1)
    )
    return found is not None


def _used_message(code: InvitationCode) -> str:
    """Where the code went: online, on paper (which batch) or, anonymised, unknown."""
    used_by = db.session.scalar(
        sa.select(Response)
        .where(Response.code_id == code.id, Response.state == ResponseState.SUBMITTED)
        .limit(1)
    )
    if used_by is None:  # an anonymised survey drops the link
        return _("This code has already been used. The questionnaire was not saved.")
    if used_by.channel == ResponseChannel.PAPER:
        return _(
            "This code has already been used for a paper questionnaire (batch %(batch)s). "
            "The questionnaire was not saved.",
            batch=used_by.batch_label,
        )
    return _("This code has already been used online. The questionnaire was not saved.")


def _posted_code(survey: Survey) -> tuple[InvitationCode | None, str | None]:
    """The code typed on the form and what is wrong with it, if anything."""
    if not asks_for_code(survey):
        return None, None
    raw = request.form.get("code", "")
    if not raw.strip():
        if survey.access_mode == AccessMode.CODE:
            return None, _("Please enter the code printed on the questionnaire.")
        return None, None
    code = find_code(survey, raw)
    if code is None:
        return None, _("We do not know this code. Please check it and try again.")
    if code.used_at is not None:
        return None, _used_message(code)
    return code, None


def _key_stored(key: str) -> bool:
    found = db.session.scalar(sa.select(Response.id).where(Response.idempotency_key == key))
    return found is not None


def _code_taken_meanwhile(code_id: int) -> dict[str, str]:
    """The code was used by a parallel entry or submission after the check."""
    db.session.rollback()
    code = db.session.get(InvitationCode, code_id)
    if code is None or code.used_at is None:
        raise SurveyRefusedError(_("This code has already been used."))
    return {"code": _used_message(code)}


# --- entry ---------------------------------------------------------------------------


def _store(survey: Survey, batch: str) -> tuple[bool, dict[str, str]]:
    """Validate and store the posted questionnaire: (stored, errors)."""
    answers, errors = staff_services.validate_survey(survey, request.form)
    key = (request.form.get("key") or "")[:64] or new_idempotency_key()
    code: InvitationCode | None = None
    if not _key_stored(key):  # a repeat of a saved form is not checked again
        code, code_error = _posted_code(survey)
        if code_error:
            errors = {"code": code_error, **errors}
    if errors:
        return False, errors
    try:
        response, created = record_paper_response(
            survey,
            answers,
            entered_by_id=int(current_user.id),
            idempotency_key=key,
            batch_label=batch,
            code=code,
        )
    except SurveyRefusedError:
        if code is None:
            raise
        return False, _code_taken_meanwhile(code.id)
    if created:
        after = {"batch": batch, "with_code": code is not None}
        record(
            "survey.paper_response",
            response,
            actor=current_user,
            process_id=survey.process_id,
            after=after,
        )
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
        "asks_for_code": asks_for_code(survey),
        "code_required": survey.access_mode == AccessMode.CODE,
    }
    return render_template("surveys/staff/paper.html", **context)
