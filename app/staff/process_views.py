"""Staff views of processes and their phases.

Every view: check permission → validate → call a service (which records the audit
event) → commit → redirect with a flash message. Services flush; only these views
commit. The URLs are declared in :mod:`app.staff.routes`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.core import policy
from app.core.staff_area import acting_user, managed_process
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import goal_tree
from app.i18n import day_end, day_start, last_day, start_day, supported_languages
from app.processes import editing as process_editing
from app.processes.editing import ProcessError, ProcessErrorCode
from app.processes.models import Phase, PhaseKind, Process
from app.processes.services import all_processes
from app.staff import forms

# ProcessError codes of app.processes.editing → translated message, shown next to
# the form field the error names (``exc.field``)
PROCESS_ERRORS = {
    ProcessErrorCode.INVALID_SLUG: _l("Use lower-case letters, digits and single hyphens only."),
    ProcessErrorCode.SLUG_TAKEN: _l("This web address is already used by another process."),
    ProcessErrorCode.PHASE_ENDS_BEFORE_START: _l("The phase must end after it starts."),
    ProcessErrorCode.PHASE_OVERLAPS: _l("The phase overlaps another phase of this process."),
}


def to_overview(process: Process, goal: Goal | None = None) -> Response:
    """Back to the process overview, at ``goal`` if given."""
    anchor = f"goal-{goal.id}" if goal is not None else None
    return redirect(url_for(".process", slug=process.slug, _anchor=anchor))


def process_error(form: FlaskForm, exc: ProcessError) -> None:
    forms.field_error(form[exc.field], str(PROCESS_ERRORS[exc.code]))


# --- processes -------------------------------------------------------------------


def index() -> str:
    processes = [p for p in all_processes() if policy.can_manage_process(current_user, p)]
    return render_template(
        "staff/index.html",
        processes=processes,
        can_create=policy.can_create_process(current_user),
    )


def create_process() -> ResponseReturnValue:
    policy.require(policy.can_create_process(current_user))
    languages = supported_languages()
    form = forms.process_form(languages, forms.new_process_data(languages))
    if form.validate_on_submit():
        try:
            process = process_editing.create_process(actor=acting_user(), **form.settings())
        except ProcessError as exc:
            process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The process has been created."), "success")
            return to_overview(process)
    return render_template("staff/process_form.html", form=form, process=None, languages=languages)


def process(slug: str) -> str:
    process = managed_process(slug)
    return render_template(
        "staff/process.html",
        process=process,
        tree=goal_tree(process.id),
        languages=supported_languages(),
    )


def edit_process(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    languages = supported_languages()
    form = forms.process_form(languages, forms.process_data(process))
    if form.validate_on_submit():
        try:
            process_editing.update_process(process, actor=acting_user(), **form.settings())
        except ProcessError as exc:
            process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return to_overview(process)
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
        "starts_at": start_day(phase.starts_at),
        "ends_at": last_day(phase.ends_at),
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
                starts_at=day_start(form.starts_at.data),
                ends_at=day_end(form.ends_at.data),
                title=forms.translated(form, "title", languages),
                phase=phase,
                actor=acting_user(),
            )
        except ProcessError as exc:
            process_error(form, exc)
        else:
            db.session.commit()
            flash(_("The phase has been saved."), "success")
            return to_overview(process)
    return render_template(
        "staff/phase_form.html", form=form, process=process, phase=phase, languages=languages
    )


def add_phase(slug: str) -> ResponseReturnValue:
    return _phase_page(managed_process(slug), None)


def edit_phase(slug: str, phase_id: int) -> ResponseReturnValue:
    process = managed_process(slug)
    return _phase_page(process, _phase_or_404(process, phase_id))


def delete_phase(slug: str, phase_id: int) -> Response:
    process = managed_process(slug)
    phase = _phase_or_404(process, phase_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    process_editing.delete_phase(phase, actor=acting_user())
    db.session.commit()
    flash(_("The phase has been deleted."), "success")
    return to_overview(process)
