"""The public representativeness view of a survey (blueprint ``results_public``
under ``/<lang>/surveys/``): ``/<slug>/representativeness`` (``representativeness``,
GET), shown when the survey's results are public (``policy.can_see_survey_results``),
with small cells suppressed. Staff see the unsuppressed view in the staff area
(``margin_views``)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.core import policy
from app.extensions import db
from app.results import representativeness
from app.surveys.models import Survey

bp = Blueprint("results_public", __name__, template_folder="templates")


def _visible_survey(slug: str) -> Survey:
    survey = db.session.scalar(db.select(Survey).where(Survey.slug == slug))
    if survey is None or not policy.can_view_survey(current_user, survey):
        abort(404)
    if not policy.can_see_survey_results(current_user, survey):
        abort(404)  # results not (yet) public: not admitted to exist
    return survey


def public_representativeness(slug: str) -> str:
    survey = _visible_survey(slug)
    view = representativeness.public_view(survey)
    return render_template("results/representativeness.html", survey=survey, view=view, staff=False)


bp.add_url_rule("/<slug>/representativeness", "representativeness", public_representativeness)
