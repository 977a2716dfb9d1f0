"""Public pages: the start page and a process with its phases and goal tree."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.core import first_visit, policy
from app.db import utcnow
from app.goals.services import goal_tree
from app.processes.services import get_process_or_404, published_processes
from app.ratings import services as ratings
from app.results.services import process_counts

bp = Blueprint("processes", __name__, template_folder="templates")


@bp.route("/")
@first_visit.cached()
def home() -> str:
    return render_template("processes/home.html", processes=published_processes())


@bp.route("/p/<slug>/")
@first_visit.cached()
def detail(slug: str) -> str:
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    counts = process_counts(process.id)
    results_visible = policy.can_see_rating_results(current_user, process)
    per_goal = (counts.data or {}).get("per_goal", {}) if counts and results_visible else {}
    return render_template(
        "processes/detail.html",
        process=process,
        tree=goal_tree(process.id),
        counts=counts.data if counts else None,
        now=utcnow(),
        can_manage=policy.can_manage_process(current_user, process),
        means=ratings.public_means(process, per_goal),
    )
