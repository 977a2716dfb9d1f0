"""Every URL of the surveys package, in one place.

``surveys`` (``/<lang>/surveys/``): answering, for everyone. ``survey_staff``
(``/<lang>/staff/surveys/``): the builder and paper entry, for staff. An endpoint
is named after its view function (``surveys.intro``, ``survey_staff.paper_entry``).
A new view is added here, or it has no URL.
"""

from __future__ import annotations

from flask import Blueprint
from flask.typing import RouteCallable

from app.core.staff_area import staff_only
from app.surveys import lookups
from app.surveys.answering import browser, structure
from app.surveys.answering import views as answering
from app.surveys.builder import helpers, part_views, question_views, survey_views
from app.surveys.paper import views as paper

GET_POST = ["GET", "POST"]
POST = ["POST"]

# --- answering: /<lang>/surveys/ -----------------------------------------------------

surveys_bp = Blueprint("surveys", __name__, template_folder="templates")
surveys_bp.after_request(browser.set_browser_cookie)
surveys_bp.teardown_request(structure.release)
surveys_bp.register_error_handler(answering.Bounce, answering.bounce)
surveys_bp.context_processor(answering.template_helpers)
surveys_bp.add_app_template_global(lookups.surveys_for_process)
surveys_bp.add_app_template_global(lookups.surveys_for_goal)

surveys_bp.add_url_rule("/", view_func=answering.index)
surveys_bp.add_url_rule("/<slug>/", view_func=answering.intro)
surveys_bp.add_url_rule("/<slug>/start", view_func=answering.start, methods=POST)
surveys_bp.add_url_rule("/<slug>/page/<int:number>", view_func=answering.page, methods=GET_POST)
surveys_bp.add_url_rule("/<slug>/review", view_func=answering.review)
surveys_bp.add_url_rule("/<slug>/submit", view_func=answering.submit, methods=POST)
surveys_bp.add_url_rule("/<slug>/thanks", view_func=answering.thanks)
surveys_bp.add_url_rule("/<slug>/saved", view_func=answering.saved)
surveys_bp.add_url_rule("/<slug>/resume", view_func=answering.resume, methods=GET_POST)
surveys_bp.add_url_rule("/<slug>/resume/<token>", view_func=answering.resume_link)
surveys_bp.add_url_rule("/<slug>/continue", view_func=answering.resume_here)

# --- builder and paper entry: /<lang>/staff/surveys/ ---------------------------------

survey_staff_bp = Blueprint("survey_staff", __name__, template_folder="templates")
survey_staff_bp.before_request(staff_only)
survey_staff_bp.context_processor(helpers.template_helpers)

SURVEY = "/<int:survey_id>"
SECTION = f"{SURVEY}/sections/<int:section_id>"
QUESTION = f"{SURVEY}/questions/<int:question_id>"
OPTION = f"{QUESTION}/options/<int:option_id>"
ROWS = f"{SURVEY}/questions/<int:matrix_id>/rows"


def _staff(rule: str, view: RouteCallable, methods: list[str] | None = None) -> None:
    survey_staff_bp.add_url_rule(rule, view_func=view, methods=methods)


# surveys and their pages (sections)
_staff("/", survey_views.index)
_staff("/new", survey_views.create, GET_POST)
_staff(f"{SURVEY}/", survey_views.survey)
_staff(f"{SURVEY}/settings", survey_views.settings, GET_POST)
_staff(f"{SURVEY}/state", survey_views.change_state, POST)
_staff(f"{SURVEY}/copy", survey_views.copy, POST)
_staff(f"{SURVEY}/preview", survey_views.preview)
_staff(f"{SURVEY}/sections/new", survey_views.new_section, GET_POST)
_staff(f"{SECTION}/edit", survey_views.edit_section, GET_POST)
_staff(f"{SECTION}/move", survey_views.move_section, POST)
_staff(f"{SECTION}/delete", survey_views.delete_section, POST)
# ready-made parts
_staff(f"{SECTION}/preset", part_views.add_preset, GET_POST)
_staff(f"{SECTION}/goal-matrix", part_views.goal_matrix, GET_POST)
# questions and their options
_staff(f"{SECTION}/questions/new", question_views.new_question, GET_POST)
_staff(f"{QUESTION}/edit", question_views.edit_question, GET_POST)
_staff(f"{QUESTION}/kind", question_views.change_kind, POST)
_staff(f"{QUESTION}/move", question_views.move_question, POST)
_staff(f"{QUESTION}/delete", question_views.delete_question, POST)
_staff(f"{QUESTION}/options/new", question_views.new_option, GET_POST)
_staff(f"{OPTION}/edit", question_views.edit_option, GET_POST)
_staff(f"{OPTION}/move", question_views.move_option, POST)
_staff(f"{OPTION}/delete", question_views.delete_option, POST)
# matrix rows
_staff(f"{ROWS}/new", part_views.new_row, GET_POST)
_staff(f"{ROWS}/<int:row_id>/edit", part_views.edit_row, GET_POST)
_staff(f"{ROWS}/<int:row_id>/move", part_views.move_row, POST)
_staff(f"{ROWS}/<int:row_id>/delete", part_views.delete_row, POST)
# paper entry
_staff(f"{SURVEY}/paper", paper.paper_start, GET_POST)
_staff(f"{SURVEY}/paper/entry", paper.paper_entry, GET_POST)
