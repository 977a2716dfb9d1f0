"""Every URL of the open-data API (``/api/v1/``) and its endpoint name. GET only."""

from __future__ import annotations

from app.api import views
from app.api.blueprint import bp
from app.i18n import N_

SLUG = {
    "name": "slug",
    "in": "path",
    "description": N_("The process's identifier, as in its web address (see /processes)."),
}
SURVEY = {
    "name": "slug",
    "in": "path",
    "description": N_("The survey's identifier, as in its web address (see /surveys)."),
}
CODE = {"name": "code", "in": "path", "description": N_("The goal's code, e.g. 12.1.")}

bp.add_url_rule("/openapi.json", endpoint="openapi", view_func=views.openapi_document)
bp.add_url_rule("/processes", endpoint="processes", view_func=views.process_list)
bp.add_url_rule("/processes/<slug>", endpoint="process", view_func=views.process, parameters=[SLUG])
bp.add_url_rule(
    "/processes/<slug>/revisions",
    endpoint="process_revisions",
    view_func=views.process_revisions,
    parameters=[SLUG],
)
bp.add_url_rule(
    "/processes/<slug>/goals/<code>/revisions",
    endpoint="goal_revisions",
    view_func=views.goal_revisions,
    parameters=[SLUG, CODE],
)
bp.add_url_rule(
    "/processes/<slug>/contributions",
    endpoint="contributions",
    view_func=views.contributions,
    parameters=[SLUG],
)
bp.add_url_rule(
    "/processes/<slug>/results",
    endpoint="process_results",
    view_func=views.process_results,
    parameters=[SLUG],
)
bp.add_url_rule("/surveys", endpoint="surveys", view_func=views.survey_list)
bp.add_url_rule(
    "/surveys/<slug>/results",
    endpoint="survey_results",
    view_func=views.survey_results,
    parameters=[SURVEY],
)
bp.add_url_rule(
    "/processes/<slug>/datapackage.zip",
    endpoint="datapackage",
    view_func=views.datapackage,
    parameters=[SLUG],
)
