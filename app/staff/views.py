"""The staff area: processes, phases, the goal tree and its import.

Every view: check permission → validate → call a service → commit → redirect
with a flash message. Services flush; only these views commit.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.assessment.services.linking import (
    Candidate,
    link_candidates,
    link_to_revision,
    ticked,
)
from app.core import policy
from app.core.staff_area import acting_user, managed_process, staff_only
from app.extensions import db
from app.goals import editing as goal_editing
from app.goals import importer
from app.goals.editing import GoalError, GoalErrorCode, GoalTexts
from app.goals.models import Goal, GoalRevision
from app.goals.services import (
    current_revision,
    flatten,
    get_goal_or_404,
    goal_tree,
)
from app.i18n import current_lang, localize, supported_languages
from app.processes import editing as process_editing
from app.processes.editing import ProcessError, ProcessErrorCode
from app.processes.models import Phase, PhaseKind, Process
from app.processes.services import all_processes
from app.staff import forms

bp = Blueprint("staff", __name__, template_folder="templates")
bp.before_request(staff_only)

# ProcessError codes of app.processes.editing → translated message, shown next to
# the form field the error names (``exc.field``)
PROCESS_ERRORS = {
    ProcessErrorCode.INVALID_SLUG: _l("Use lower-case letters, digits and single hyphens only."),
    ProcessErrorCode.SLUG_TAKEN: _l("This web address is already used by another process."),
    ProcessErrorCode.PHASE_ENDS_BEFORE_START: _l("The phase must end after it starts."),
    ProcessErrorCode.PHASE_OVERLAPS: _l("The phase overlaps another phase of this process."),
}
# GoalError codes of app.goals.editing → translated message (CODE_TAKEN names the code)
GOAL_ERRORS = {
    GoalErrorCode.MOVED_BELOW_ITSELF: _l(
        "A goal cannot be moved below itself or one of its sub-goals."
    ),
    GoalErrorCode.PARENT_IN_OTHER_PROCESS: _l("The parent goal belongs to another process."),
}


# --- helpers ---------------------------------------------------------------------


def _to_overview(process: Process, goal: Goal | None = None) -> Response:
    anchor = f"goal-{goal.id}" if goal is not None else None
    return redirect(url_for(".process", slug=process.slug, _anchor=anchor))


def _process_error(form: FlaskForm, exc: ProcessError) -> None:
    forms.field_error(form[exc.field], str(PROCESS_ERRORS[exc.code]))


def _goal_error(form: FlaskForm, exc: GoalError) -> None:
    if exc.code == GoalErrorCode.CODE_TAKEN:
        message = _("The code %(code)s is already used in this process.", code=exc.goal_code)
    else:
        message = str(GOAL_ERRORS[exc.code])
    forms.field_error(form[exc.field], message)


# --- processes -------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    processes = [p for p in all_processes() if policy.can_manage_process(current_user, p)]
    return render_template(
        "staff/index.html",
        processes=processes,
        can_create=policy.can_create_process(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def create_process() -> ResponseReturnValue:
    policy.require(policy.can_create_process(current_user))
    languages = supported_languages()
    form = forms.process_form(languages, forms.new_process_data(languages))
    if form.validate_on_submit():
        try:
            process = process_editing.create_process(actor=acting_user(), **form.settings())
        except ProcessError as exc:
            _process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The process has been created."), "success")
            return _to_overview(process)
    return render_template("staff/process_form.html", form=form, process=None, languages=languages)


@bp.route("/p/<slug>/")
def process(slug: str) -> str:
    process = managed_process(slug)
    return render_template(
        "staff/process.html",
        process=process,
        tree=goal_tree(process.id),
        languages=supported_languages(),
    )


@bp.route("/p/<slug>/settings", methods=["GET", "POST"])
def edit_process(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    languages = supported_languages()
    form = forms.process_form(languages, forms.process_data(process))
    if form.validate_on_submit():
        try:
            process_editing.update_process(process, actor=acting_user(), **form.settings())
        except ProcessError as exc:
            _process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return _to_overview(process)
    return render_template(
        "staff/process_form.html", form=form, process=process, languages=languages
    )


# --- phases ----------------------------------------------------------------------


def _phase_or_404(process: Process, phase_id: int) -> Phase:
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.process_id != process.id:
        abort(404)
    return phase


def _phase_data(phase: Phase) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": phase.kind.value,
        "starts_at": phase.starts_at,
        "ends_at": phase.ends_at,
    }
    return data | forms.translated_data("title", phase.title)


def _phase_page(process: Process, phase: Phase | None) -> ResponseReturnValue:
    languages = supported_languages()
    form = forms.phase_form(languages, _phase_data(phase) if phase else None)
    if form.validate_on_submit():
        try:
            process_editing.save_phase(
                process,
                kind=PhaseKind(form.kind.data),
                starts_at=form.starts_at.data.astimezone(UTC),
                ends_at=form.ends_at.data.astimezone(UTC),
                title=forms.translated(form, "title", languages),
                phase=phase,
                actor=acting_user(),
            )
        except ProcessError as exc:
            _process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The phase has been saved."), "success")
            return _to_overview(process)
    return render_template(
        "staff/phase_form.html", form=form, process=process, phase=phase, languages=languages
    )


@bp.route("/p/<slug>/phases/new", methods=["GET", "POST"])
def add_phase(slug: str) -> ResponseReturnValue:
    return _phase_page(managed_process(slug), None)


@bp.route("/p/<slug>/phases/<int:phase_id>/edit", methods=["GET", "POST"])
def edit_phase(slug: str, phase_id: int) -> ResponseReturnValue:
    process = managed_process(slug)
    return _phase_page(process, _phase_or_404(process, phase_id))


@bp.route("/p/<slug>/phases/<int:phase_id>/delete", methods=["POST"])
def delete_phase(slug: str, phase_id: int) -> Response:
    process = managed_process(slug)
    phase = _phase_or_404(process, phase_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    process_editing.delete_phase(phase, actor=acting_user())
    db.session.commit()
    flash(_("The phase has been deleted."), "success")
    return _to_overview(process)


# --- goals -----------------------------------------------------------------------


def _parent_choices(process: Process, moving: Goal | None = None) -> list[SelectChoice]:
    """Top level plus every goal in tree order; a moving goal's subtree is left out."""
    choices = [SelectChoice(str(forms.TOP_LEVEL), _("Top level (no parent goal)"))]
    subtree_level: int | None = None
    for node in flatten(goal_tree(process.id)):
        goal = node.goal
        if subtree_level is not None and goal.level > subtree_level:
            continue
        subtree_level = None
        if moving is not None and goal.id == moving.id:
            subtree_level = goal.level
            continue
        title = localize(node.revision.title, current_lang(), process.default_locale).text
        choices.append(SelectChoice(str(goal.id), f"{'— ' * goal.level}{goal.code} {title}"))
    return choices


def _selected_parent(process: Process, goal_id: int) -> Goal | None:
    if goal_id == forms.TOP_LEVEL:
        return None
    parent = db.session.get(Goal, goal_id)
    if parent is None or parent.process_id != process.id:
        abort(400)
    return parent


def _code_is_free(form: forms.GoalForm, process: Process, goal: Goal | None = None) -> bool:
    code = form.code.data
    if not goal_editing.code_taken(process.id, code, goal.id if goal else None):
        return True
    forms.field_error(form.code, _("The code %(code)s is already used in this process.", code=code))
    return False


def _goal_texts(form: forms.GoalForm) -> GoalTexts:
    return GoalTexts(**form.texts())


@bp.route("/p/<slug>/goals/new", methods=["GET", "POST"])
def add_goal(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    preselected = request.args.get("parent", "")
    parent_goal = get_goal_or_404(process.id, preselected) if preselected else None
    form = forms.goal_form(
        supported_languages(),
        process.default_locale,
        new=True,
        data={"parent": parent_goal.id if parent_goal else forms.TOP_LEVEL},
    )
    form["parent"].choices = _parent_choices(process)
    if form.validate_on_submit() and _code_is_free(form, process):
        try:
            goal = goal_editing.create_goal(
                process,
                code=form.code.data,
                texts=_goal_texts(form),
                parent=_selected_parent(process, form["parent"].data),
                author=acting_user(),
                change_note=form.change_note.data or "",
            )
        except GoalError as exc:  # the tree changed since the check above
            _goal_error(form, exc)
        else:
            db.session.commit()
            flash(_("Goal %(code)s has been created.", code=goal.code), "success")
            return _to_overview(process, goal)
    return render_template(
        "staff/goal_form.html",
        form=form,
        process=process,
        goal=None,
        languages=supported_languages(),
    )


def _save_goal(goal: Goal, form: forms.GoalForm) -> bool:
    """Change code and texts; True if anything changed."""
    return goal_editing.edit_goal(
        goal,
        code=form.code.data,
        texts=_goal_texts(form),
        author=acting_user(),
        change_note=form.change_note.data or "",
    )


def _link_taken_up(
    process: Process, goal: Goal, old: GoalRevision, candidates: list[Candidate], chosen: set[int]
) -> None:
    """Link the ticked assessments to the new version, if the save created one."""
    latest = current_revision(goal)
    if latest.id == old.id:
        if chosen:
            flash(_("The texts did not change, so there is no new version to link."), "info")
        return
    if chosen:
        count = len(link_to_revision(candidates, chosen, latest, actor=acting_user()))
        flash(
            ngettext(
                "%(num)d contribution linked to version %(number)d.",
                "%(num)d contributions linked to version %(number)d.",
                count,
                number=latest.number,
            ),
            "success",
        )


@bp.route("/p/<slug>/goals/<code>/edit", methods=["GET", "POST"])
def edit_goal(slug: str, code: str) -> ResponseReturnValue:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    revision = current_revision(goal)
    form = forms.goal_form(
        supported_languages(), process.default_locale, data=forms.goal_data(goal.code, revision)
    )
    candidates = link_candidates(process, goal)
    taken_up = ticked(candidates, request.form.getlist("take_up"))
    if form.validate_on_submit() and _code_is_free(form, process, goal):
        try:
            changed = _save_goal(goal, form)
        except GoalError as exc:  # the code was taken since the check above
            _goal_error(form, exc)
        else:
            if changed:
                _link_taken_up(process, goal, revision, candidates, taken_up)
                db.session.commit()
                flash(_("Goal %(code)s has been saved.", code=goal.code), "success")
            else:
                _link_taken_up(process, goal, revision, candidates, taken_up)
                flash(_("No changes"), "info")
            return _to_overview(process, goal)
    return render_template(
        "staff/goal_form.html",
        form=form,
        process=process,
        goal=goal,
        revision=revision,
        languages=supported_languages(),
        candidates=candidates,
        ticked=taken_up,
    )


@bp.route("/p/<slug>/goals/<code>/move", methods=["GET", "POST"])
def move_goal(slug: str, code: str) -> ResponseReturnValue:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    form = forms.MoveGoalForm(data={"parent": goal.parent_id or forms.TOP_LEVEL})
    form.parent.choices = _parent_choices(process, moving=goal)
    if form.validate_on_submit():
        try:
            goal_editing.move_goal(
                goal, _selected_parent(process, form.parent.data), actor=acting_user()
            )
        except GoalError as exc:
            _goal_error(form, exc)
        else:
            db.session.commit()
            flash(_("Goal %(code)s has been moved.", code=goal.code), "success")
            return _to_overview(process, goal)
    return render_template("staff/goal_move.html", form=form, process=process, goal=goal)


@bp.route("/p/<slug>/goals/<code>/shift", methods=["POST"])
def shift_goal(slug: str, code: str) -> Response:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    form = forms.ShiftGoalForm()
    if not form.validate_on_submit():
        abort(400)
    if goal_editing.shift_goal(goal, -1 if form.direction.data == "up" else 1, actor=acting_user()):
        db.session.commit()
        flash(_("The order has been changed."), "success")
    else:
        flash(_("Goal %(code)s cannot be moved further.", code=goal.code), "info")
    return _to_overview(process, goal)


# --- import ----------------------------------------------------------------------


@bp.route("/p/<slug>/import", methods=["GET", "POST"])
def import_goals(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    form = forms.ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        result = importer.import_file(
            process, upload.read(), upload.filename or "", author=acting_user()
        )
        errors = result.errors
        if result.ok:
            count = len(result.goals)
            db.session.commit()
            flash(ngettext("%(num)d goal imported.", "%(num)d goals imported.", count), "success")
            return _to_overview(process)
        db.session.rollback()
    return render_template(
        "staff/import.html",
        form=form,
        process=process,
        errors=errors,
        columns=importer.csv_columns(supported_languages()),
    )
