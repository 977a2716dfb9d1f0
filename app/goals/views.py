"""The public goal page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.core import first_visit, policy
from app.goals import easy_language, page, services
from app.processes.services import get_process_or_404

bp = Blueprint("goals", __name__, template_folder="templates")
bp.before_app_request(easy_language.apply_query_choice)
bp.add_app_template_global(easy_language.easy_language_enabled)


@bp.route("/p/<slug>/easy-language", methods=["POST"], endpoint="easy_language")
def easy_language_switch(slug: str) -> Response:
    """Switch Easy Language on or off, then show the goal (or process) page again."""
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    easy_language.set_easy_language(request.form.get("enabled") == "1")
    code = request.form.get("code", "")
    if code:
        goal = services.get_goal_or_404(process.id, code)
        return redirect(url_for(".detail", slug=slug, code=goal.code))
    return redirect(url_for("processes.detail", slug=slug))


@bp.route("/p/<slug>/goals/<code>")
@first_visit.cached(frozenset({"sort"}))
def detail(slug: str, code: str) -> str:
    process, place = page.visible_place_or_404(slug, code)
    return page.render(process, place.goal, place=place)
