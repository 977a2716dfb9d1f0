"""Rating a goal: the POST that saves.

The goal page (:mod:`app.goals.page`) shows the form and the results
(``ratings/_section.html``); on invalid input this view shows it again with the form.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.core.security import account_key, not_signed_in, signed_in
from app.extensions import db, limiter
from app.goals import page as goal_page
from app.goals.models import Goal
from app.participation.models import Participant
from app.participation.services import (
    ParticipationRefusedError,
    gate,
    identity,
    participant_for,
    request_guest_confirmation,
)
from app.processes.models import Process
from app.ratings import forms, services

bp = Blueprint("ratings", __name__, template_folder="templates")

# Anonymous and guest raters by address; signed-in accounts by their id, more generously.
RATE_LIMIT = "20 per minute;300 per day"
ACCOUNT_RATE_LIMIT = "40 per minute;600 per day"


def _thanks(participant: Participant) -> str:
    if participant.is_confirmed:
        return _("Thank you, your rating has been saved.")
    return _(
        "Thank you. We have sent you an e-mail: your rating counts once you have "
        "opened the link in it."
    )


def _refuse(form: forms.RatingForm, message: str) -> None:
    if form.identity.needs_email:
        forms.add_error(form.rating_email, message)
    else:
        form.form_errors.append(message)


def _save(process: Process, goal: Goal, form: forms.RatingForm) -> bool:
    try:
        participant = participant_for(process, email=form.rating_email.data or "", named=False)
    except ParticipationRefusedError as exc:
        _refuse(form, str(exc))
        return False
    services.save_ratings(process, goal, participant, form.answers())
    if not participant.is_confirmed:
        request_guest_confirmation(participant)
    db.session.commit()
    flash(_thanks(participant), "success")
    return True


@bp.route("/p/<slug>/goals/<code>/rate", methods=["POST"])
@limiter.limit(RATE_LIMIT, methods=["POST"], exempt_when=signed_in)
@limiter.limit(
    ACCOUNT_RATE_LIMIT, methods=["POST"], key_func=account_key, exempt_when=not_signed_in
)
def rate(slug: str, code: str) -> ResponseReturnValue:
    process, goal = goal_page.visible_goal_or_404(slug, code)
    goal_url = url_for("goals.detail", slug=slug, code=code, _anchor="rating")
    refusal = gate(process)
    if refusal is not None:
        flash(refusal, "error")
        return redirect(goal_url)
    questions = services.rating_questions(process, goal)
    who = identity(process, named=False)
    form = forms.rating_form(process, questions, who, formdata=request.form)
    if form.validate_on_submit() and _save(process, goal, form):
        return redirect(goal_url)
    # The goal page again, with the errors next to the fields and the answers kept.
    return goal_page.render(process, goal, rating_form=form)
