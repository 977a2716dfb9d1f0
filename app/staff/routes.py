"""The staff blueprint (``staff``, at ``/<lang>/staff``) and every one of its URLs.

Signed-in staff and admins only (:func:`app.core.staff_area.staff_only`); each view
then asks whether the user may manage the process in the URL. The views live in
:mod:`.process_views`, :mod:`.goal_views` and :mod:`.offline_views`.
"""

from __future__ import annotations

from flask import Blueprint

from app.core.staff_area import staff_only
from app.staff import goal_views, offline_views, process_views, stakeholder_views

bp = Blueprint("staff", __name__, template_folder="templates")
bp.before_request(staff_only)

GET = ["GET"]
POST = ["POST"]
FORM = ["GET", "POST"]  # a page with a form that posts to itself

# processes and phases
bp.add_url_rule("/", "index", process_views.index, methods=GET)
bp.add_url_rule("/new", "create_process", process_views.create_process, methods=FORM)
bp.add_url_rule("/p/<slug>/", "process", process_views.process, methods=GET)
bp.add_url_rule("/p/<slug>/settings", "edit_process", process_views.edit_process, methods=FORM)
bp.add_url_rule("/p/<slug>/phases/new", "add_phase", process_views.add_phase, methods=FORM)
bp.add_url_rule(
    "/p/<slug>/phases/<int:phase_id>/edit", "edit_phase", process_views.edit_phase, methods=FORM
)
bp.add_url_rule(
    "/p/<slug>/phases/<int:phase_id>/delete",
    "delete_phase",
    process_views.delete_phase,
    methods=POST,
)

# the goal tree and its import
bp.add_url_rule("/p/<slug>/goals/new", "add_goal", goal_views.add_goal, methods=FORM)
bp.add_url_rule("/p/<slug>/goals/<code>/edit", "edit_goal", goal_views.edit_goal, methods=FORM)
bp.add_url_rule("/p/<slug>/goals/<code>/move", "move_goal", goal_views.move_goal, methods=FORM)
bp.add_url_rule("/p/<slug>/goals/<code>/shift", "shift_goal", goal_views.shift_goal, methods=POST)
bp.add_url_rule("/p/<slug>/import", "import_goals", goal_views.import_goals, methods=FORM)

# offline input
bp.add_url_rule("/p/<slug>/offline/new", "offline_new", offline_views.offline_new, methods=FORM)
bp.add_url_rule("/p/<slug>/offline/", "offline_list", offline_views.offline_list, methods=GET)

# trusted stakeholder groups (site admins)
bp.add_url_rule(
    "/site/stakeholder-groups",
    "stakeholder_groups",
    stakeholder_views.stakeholder_groups,
    methods=FORM,
)
bp.add_url_rule(
    "/site/stakeholder-groups/<int:grant_id>/revoke",
    "stakeholder_revoke",
    stakeholder_views.stakeholder_revoke,
    methods=POST,
)
