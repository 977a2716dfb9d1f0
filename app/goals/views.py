"""The public goal page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.comments.views import goal_context as comment_context
from app.core import policy
from app.goals import easy_language, services
from app.processes.services import get_process_or_404
from app.ratings.views import goal_context as rating_context

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
def detail(slug: str, code: str) -> str:
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    goal = services.get_goal_or_404(process.id, code)
    trail = services.ancestors(goal)
    subgoals = services.children(goal)
    revisions = services.current_revisions([goal.id, *(g.id for g in trail + subgoals)])
    return render_template(
        "goals/detail.html",
        process=process,
        goal=goal,
        revision=revisions[goal.id],
        trail=trail,
        subgoals=subgoals,
        revisions=revisions,
        revision_count=services.revision_count(goal),
        **rating_context(process, goal),
        **comment_context(process, goal),
    )
