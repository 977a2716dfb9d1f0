"""The public goal page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.comments.views import goal_context as comment_context
from app.core import policy
from app.goals import services
from app.processes.services import get_process_or_404
from app.ratings.views import goal_context as rating_context

bp = Blueprint("goals", __name__, template_folder="templates")


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
