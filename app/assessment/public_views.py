"""Public pages of the Abwägung: "What has changed?" per goal, and the process report."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.assessment import changes
from app.assessment.services.visibility import assessments_visible
from app.core import policy
from app.goals import services as goal_services
from app.i18n import current_lang
from app.processes.models import PhaseKind, Process
from app.processes.services import get_process_or_404

bp = Blueprint("assessment_public", __name__, template_folder="templates")


def _visible_process(slug: str) -> Process:
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    return process


def _in_results_phase(process: Process) -> bool:
    phase = process.current_phase()
    return phase is not None and phase.kind == PhaseKind.RESULTS


@bp.route("/p/<slug>/goals/<code>/changes")
def goal_changes(slug: str, code: str) -> str:
    process = _visible_process(slug)
    goal = goal_services.get_goal_or_404(process.id, code)
    staff = policy.can_manage_process(current_user, process)
    return render_template(
        "assessment/changes.html",
        process=process,
        goal=goal,
        revision=goal_services.current_revision(goal),
        trail=goal_services.ancestors(goal),
        changes=changes.goal_changes(
            goal,
            current_lang(),
            process.default_locale,
            with_linked=staff or assessments_visible(process),
        ),
    )


@bp.route("/p/<slug>/report")
def report(slug: str) -> str:
    process = _visible_process(slug)
    staff = policy.can_manage_process(current_user, process)
    if not (staff or _in_results_phase(process)):
        abort(404)
    return render_template(
        "assessment/report.html",
        process=process,
        fields=changes.process_report(
            process, with_feedback=staff or process.assessments_public, staff=staff
        ),
        staff_preview=not _in_results_phase(process),
    )
