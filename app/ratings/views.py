"""Rating a goal: the form and results on the goal page, and the POST that saves.

The goal page (``app.goals.views.detail``) merges :func:`goal_context` into its
template context and includes ``ratings/_section.html``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.core import policy
from app.extensions import db, limiter
from app.goals.models import Goal
from app.goals.services import get_goal_or_404
from app.participation.models import Participant
from app.participation.services import (
    ParticipationRefusedError,
    gate,
    identity,
    participant_for,
    request_guest_confirmation,
)
from app.processes.editing import ensure_rating_questions
from app.processes.models import Process, ResultsVisibility
from app.processes.services import get_process_or_404
from app.ratings import forms, services
from app.ratings.models import RatingQuestion

bp = Blueprint("ratings", __name__, template_folder="templates")

# Anonymous and guest raters only; signed-in users are limited by their account.
RATE_LIMIT = "20 per minute;300 per day"


def _signed_in() -> bool:
    return bool(current_user.is_authenticated)


def _hidden_note(process: Process) -> str:
    if process.results_visibility == ResultsVisibility.AFTER_PHASE:
        return _("Results are shown after the participation phase.")
    return _("Results are only visible to staff.")


def _display_form(
    process: Process, goal: Goal, questions: list[RatingQuestion]
) -> forms.RatingForm:
    who = identity(process)
    answers = services.current_answers(goal, who.participant)
    return forms.rating_form(process, questions, who, answers=answers)


def goal_context(process: Process, goal: Goal) -> dict[str, Any]:
    """The rating form (or why there is none) and the results, for the goal page."""
    if ensure_rating_questions(process):  # an older process got the default questions
        db.session.commit()
    questions = services.rating_questions(process)
    refusal = gate(process)
    form = None
    if refusal is None:
        form = g.pop("rating_form", None) or _display_form(process, goal, questions)
    visible = policy.can_see_rating_results(current_user, process)
    return {
        "rating_form": form,
        "rating_refusal": refusal,
        "rating_results": services.goal_results(process, goal, questions) if visible else None,
        "rating_hidden_note": None if visible else _hidden_note(process),
        "rating_phase_end": _phase_end(process),
    }


def _phase_end(process: Process) -> Any:
    phase = process.participation_phase()
    return phase.ends_at if phase is not None else None


def _thanks(participant: Participant) -> str:
    if participant.is_confirmed:
        return _("Thank you, your rating has been saved.")
    return _(
        "Thank you. We have sent you an e-mail: your rating counts once you have "
        "opened the link in it."
    )


def _refuse(form: forms.RatingForm, message: str) -> None:
    if form.identity.needs_pseudonym:
        forms.add_error(form.rating_pseudonym, message)
    else:
        form.form_errors.append(message)


def _save(process: Process, goal: Goal, form: forms.RatingForm) -> bool:
    try:
        participant = participant_for(
            process, form.rating_pseudonym.data or "", form.rating_email.data or ""
        )
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
@limiter.limit(RATE_LIMIT, methods=["POST"], exempt_when=_signed_in)
def rate(slug: str, code: str) -> ResponseReturnValue:
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    goal = get_goal_or_404(process.id, code)
    goal_url = url_for("goals.detail", slug=slug, code=code, _anchor="rating")
    refusal = gate(process)
    if refusal is not None:
        flash(refusal, "error")
        return redirect(goal_url)
    questions = services.rating_questions(process)
    form = forms.rating_form(process, questions, identity(process), formdata=request.form)
    if form.validate_on_submit() and _save(process, goal, form):
        return redirect(goal_url)
    return _goal_page_with(form, slug, code)


def _goal_page_with(form: forms.RatingForm, slug: str, code: str) -> ResponseReturnValue:
    """Show the goal page again, with the posted form and its errors."""
    from app.goals.views import detail  # imported late: the goal page imports this module

    g.rating_form = form
    return detail(slug, code)
