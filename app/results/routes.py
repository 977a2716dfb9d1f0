"""Every URL of the results pages, in one place.

``results`` (``/<lang>/``): the public pages of a survey (``surveys/<slug>/results``,
its cross-tabs) and of a process (``p/<slug>/results``). ``results_staff``
(``/<lang>/staff/results/``): the unsuppressed dashboards. An endpoint is named after
its view function (``results.survey``, ``results_staff.crosstab``).
"""

from __future__ import annotations

from flask import Blueprint

from app.core import policy
from app.core.staff_area import staff_only
from app.results import public_views, staff_views

results_bp = Blueprint("results", __name__, template_folder="templates")
# Templates of other features ask whether to link to the results pages.
results_bp.add_app_template_global(policy.can_see_survey_results)
results_bp.add_app_template_global(policy.can_see_rating_results)
results_bp.add_url_rule("/surveys/<slug>/results", view_func=public_views.survey)
results_bp.add_url_rule("/surveys/<slug>/results/crosstab", view_func=public_views.crosstab)
results_bp.add_url_rule("/p/<slug>/results", view_func=public_views.process)

results_staff_bp = Blueprint("results_staff", __name__, template_folder="templates")
results_staff_bp.before_request(staff_only)
results_staff_bp.add_url_rule("/surveys/<int:survey_id>/", view_func=staff_views.survey)
results_staff_bp.add_url_rule("/surveys/<int:survey_id>/crosstab", view_func=staff_views.crosstab)
results_staff_bp.add_url_rule("/p/<slug>/", view_func=staff_views.process)
