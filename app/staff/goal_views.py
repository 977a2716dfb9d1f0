"""Staff views of the goal tree: add, edit (linking contributions), move, shift, import.

Every view: check permission → validate → call a service (which records the audit
event) → commit → redirect with a flash message. Services flush; only these views
commit. The URLs are declared in :mod:`app.staff.routes`.
"""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from app.assessment.services.linking import (
    Candidate,
    link_candidates,
    link_to_revision,
    ticked,
)
from app.core.staff_area import acting_user, managed_process
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
from app.processes.models import Process
from app.staff import forms, goal_forms
from app.staff.process_views import to_overview

# GoalError codes of app.goals.editing → translated message (CODE_TAKEN names the code)
GOAL_ERRORS = {
    GoalErrorCode.MOVED_BELOW_ITSELF: _l(
        "A goal cannot be moved below itself or one of its sub-goals."
    ),
    GoalErrorCode.PARENT_IN_OTHER_PROCESS: _l("The parent goal belongs to another process."),
}


def _goal_error(form: FlaskForm, exc: GoalError) -> None:
    if exc.code == GoalErrorCode.CODE_TAKEN:
        message = _("The code %(code)s is already used in this process.", code=exc.goal_code)
    else:
        message = str(GOAL_ERRORS[exc.code])
    forms.field_error(form[exc.field], message)


# --- goals -----------------------------------------------------------------------


def _parent_choices(process: Process, moving: Goal | None = None) -> list[SelectChoice]:
    """Top level plus every goal in tree order; a moving goal's subtree is left out."""
    choices = [SelectChoice(str(goal_forms.TOP_LEVEL), _("Top level (no parent goal)"))]
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
    if goal_id == goal_forms.TOP_LEVEL:
        return None
    parent = db.session.get(Goal, goal_id)
    if parent is None or parent.process_id != process.id:
        abort(400)
    return parent


def _code_is_free(form: goal_forms.GoalForm, process: Process, goal: Goal | None = None) -> bool:
    code = form.code.data
    if not goal_editing.code_taken(process.id, code, goal.id if goal else None):
        return True
    forms.field_error(form.code, _("The code %(code)s is already used in this process.", code=code))
    return False


def _goal_texts(form: goal_forms.GoalForm) -> GoalTexts:
    return GoalTexts(**form.texts())


def add_goal(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    preselected = request.args.get("parent", "")
    parent_goal = get_goal_or_404(process.id, preselected) if preselected else None
    form = goal_forms.goal_form(
        supported_languages(),
        process.default_locale,
        new=True,
        data={"parent": parent_goal.id if parent_goal else goal_forms.TOP_LEVEL},
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
            return to_overview(process, goal)
    return render_template(
        "staff/goal_form.html",
        form=form,
        process=process,
        goal=None,
        languages=supported_languages(),
    )


def _save_goal(goal: Goal, form: goal_forms.GoalForm) -> bool:
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


def edit_goal(slug: str, code: str) -> ResponseReturnValue:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    revision = current_revision(goal)
    form = goal_forms.goal_form(
        supported_languages(),
        process.default_locale,
        data=goal_forms.goal_data(goal.code, revision),
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
            return to_overview(process, goal)
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


def move_goal(slug: str, code: str) -> ResponseReturnValue:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    form = goal_forms.MoveGoalForm(data={"parent": goal.parent_id or goal_forms.TOP_LEVEL})
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
            return to_overview(process, goal)
    return render_template("staff/goal_move.html", form=form, process=process, goal=goal)


def shift_goal(slug: str, code: str) -> Response:
    process = managed_process(slug)
    goal = get_goal_or_404(process.id, code)
    form = goal_forms.ShiftGoalForm()
    if not form.validate_on_submit():
        abort(400)
    if goal_editing.shift_goal(goal, -1 if form.direction.data == "up" else 1, actor=acting_user()):
        db.session.commit()
        flash(_("The order has been changed."), "success")
    else:
        flash(_("Goal %(code)s cannot be moved further.", code=goal.code), "info")
    return to_overview(process, goal)


# --- import ----------------------------------------------------------------------


def import_goals(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    form = goal_forms.ImportForm()
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
            return to_overview(process)
        db.session.rollback()
    return render_template(
        "staff/import.html",
        form=form,
        process=process,
        errors=errors,
        columns=importer.csv_columns(supported_languages()),
    )
