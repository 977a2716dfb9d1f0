"""The survey builder for staff: surveys, their settings, state, pages, copy, preview.

Questions and options: :mod:`app.surveys.staff_questions`; paper entry:
:mod:`app.surveys.paper`. Every view: permission → validate → service → commit
once → redirect with a message. A refused change (for instance the lock once a
survey has responses) is shown next to the form or as a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.audit.services import record
from app.core import policy
from app.core.staff_area import staff_only
from app.extensions import db
from app.i18n import supported_languages, tr_text
from app.processes.services import all_processes
from app.staff.forms import local_timezone, translated_data
from app.surveys import builders, editing, staff_services
from app.surveys.answers import unit_label
from app.surveys.editing import SurveyError
from app.surveys.models import (
    CHOICE_KINDS,
    AccessMode,
    ResultsVisibility,
    Section,
    Survey,
    SurveyState,
)
from app.surveys.staff_forms import (
    KIND_CHOICES,
    NO_PROCESS,
    CopyForm,
    SurveyForm,
    section_form,
    survey_form,
)
from app.surveys.validation import max_length, top_n

bp = Blueprint("survey_staff", __name__, template_folder="templates")
bp.before_request(staff_only)
SURVEY_SETTINGS = ("slug", "default_locale", "access_mode", "anonymised", "results_visibility")
FOCUS_RE = re.compile(r"<(input|select|textarea)\b")


def autofocus_first(html: Markup) -> Markup:
    """The rendered question (escaped macro output) with ``autofocus`` on its first field."""
    return Markup(FOCUS_RE.sub(r"<\1 autofocus", str(html), count=1))  # noqa: S704


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "top_n": top_n,
        "max_length": max_length,
        "unit_label": unit_label,
        "autofocus_first": autofocus_first,
        "languages": supported_languages(),
        "kind_labels": {choice.value: choice.label for choice in KIND_CHOICES},
        "choice_kinds": {kind.value for kind in CHOICE_KINDS},
    }


# --- helpers (shared with staff_questions and paper) ---------------------------------


def managed_survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    policy.require(policy.can_manage_survey(current_user, survey))
    return survey


def section_of(survey: Survey, section_id: int) -> Section:
    section = next((s for s in survey.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


def audit(action: str, obj: Any, survey: Survey, **changes: dict[str, Any]) -> None:
    """An audit event ``survey.<action>``; ``changes`` may give ``before``/``after``."""
    record(f"survey.{action}", obj, actor=current_user, process_id=survey.process_id, **changes)


def to_survey(survey: Survey, anchor: str | None = None) -> Response:
    return redirect(url_for("survey_staff.survey", survey_id=survey.id, _anchor=anchor or None))


def refused(error: SurveyError, survey: Survey, anchor: str | None = None) -> Response:
    db.session.rollback()
    flash(str(error), "error")
    return to_survey(survey, anchor)


def step() -> int:
    return -1 if request.form.get("direction") == "up" else 1


def change_structure(
    survey: Survey,
    change: Callable[[], object],
    *,
    action: str,
    obj: Any,
    message: str,
    anchor: str | None,
    done_anchor: str | None = None,
) -> Response:
    """Move or delete a part of the survey: audited, committed and confirmed, or
    refused with the reason (and nothing changed)."""
    audit(action, obj, survey)
    try:
        change()
    except SurveyError as exc:
        return refused(exc, survey, anchor)
    db.session.commit()
    flash(message, "success")
    return to_survey(survey, anchor if done_anchor is None else done_anchor)


# --- surveys -------------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    return render_template(
        "surveys/staff/index.html",
        surveys=staff_services.managed_surveys(current_user),
        can_create=bool(_process_choices()),
    )


def _process_choices() -> list[tuple[int, str]]:
    choices = [(NO_PROCESS, _("No process"))] if policy.is_admin(current_user) else []
    return choices + [
        (p.id, tr_text(p.title, p.default_locale))
        for p in all_processes()
        if policy.can_manage_process(current_user, p)
    ]


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(local_timezone())


def _survey_data(survey: Survey) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(survey, name) for name in SURVEY_SETTINGS}
    data |= {"process_id": survey.process_id or NO_PROCESS}
    data |= {"opens_at": _local(survey.opens_at), "closes_at": _local(survey.closes_at)}
    for prefix in ("title", "intro", "thanks"):
        data |= translated_data(prefix, getattr(survey, prefix))
    return data


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _settings(form: SurveyForm) -> dict[str, Any]:
    return {
        "slug": form.slug.data,
        "title": form.texts("title"),
        "intro": form.texts("intro"),
        "thanks": form.texts("thanks"),
        "default_locale": form.default_locale.data,
        "access_mode": AccessMode(form.access_mode.data),
        "anonymised": bool(form.anonymised.data),
        "results_visibility": ResultsVisibility(form.results_visibility.data),
        "opens_at": _utc(form.opens_at.data),
        "closes_at": _utc(form.closes_at.data),
        "process_id": form.process_id.data or None,
    }


@bp.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    choices = _process_choices()
    policy.require(bool(choices))
    languages = supported_languages()
    data = {
        "default_locale": languages[0],
        "access_mode": AccessMode.OPEN.value,
        "results_visibility": ResultsVisibility.AFTER_CLOSE.value,
        "process_id": request.args.get("process", type=int),
    }
    form = survey_form(languages, choices, data)
    error = None
    if form.validate_on_submit():
        settings = _settings(form)
        try:
            survey = editing.create_survey(**settings)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("create", survey, survey)
            db.session.commit()
            flash(_("The survey has been created."), "success")
            return to_survey(survey)
    return render_template("surveys/staff/settings.html", form=form, survey=None, error=error)


@bp.route("/<int:survey_id>/")
def survey(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    return render_template(
        "surveys/staff/survey.html",
        survey=survey,
        locked=editing.has_responses(survey),
        copy_form=CopyForm(data={"slug": f"{survey.slug}-copy"[:80]}),
    )


@bp.route("/<int:survey_id>/settings", methods=["GET", "POST"])
def settings(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    choices = _process_choices()
    if survey.process_id and survey.process_id not in {pid for pid, _name in choices}:
        choices.append((survey.process_id, tr_text(survey.process.title)))
    form = survey_form(supported_languages(), choices, _survey_data(survey))
    error = None
    if form.validate_on_submit():
        try:
            editing.update_survey(survey, **_settings(form))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            policy.require(policy.can_manage_survey(current_user, survey))
            audit("update", survey, survey)
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return to_survey(survey)
    return render_template("surveys/staff/settings.html", form=form, survey=survey, error=error)


@bp.route("/<int:survey_id>/state", methods=["POST"])
def change_state(survey_id: int) -> Response:
    survey = managed_survey(survey_id)
    try:
        state = SurveyState(request.form.get("state", ""))
        editing.set_state(survey, state)
    except ValueError as exc:  # SurveyError is a ValueError
        return refused(SurveyError(str(exc)), survey)
    audit(f"state.{state.value}", survey, survey)
    db.session.commit()
    flash(_("The state of the survey has been changed."), "success")
    return to_survey(survey)


@bp.route("/<int:survey_id>/copy", methods=["POST"])
def copy(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    form = CopyForm()
    if not form.validate_on_submit():
        flash(_("Please enter a web address for the copy."), "error")
        return to_survey(survey, "copy")
    try:
        new = builders.copy_survey(survey, slug=form.slug.data or "")
    except SurveyError as exc:
        return refused(exc, survey, "copy")
    audit("copy", new, new)
    db.session.commit()
    flash(_("The survey has been copied; the copy is a draft."), "success")
    return to_survey(new)


@bp.route("/<int:survey_id>/preview")
def preview(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    return render_template(
        "surveys/staff/preview.html", survey=survey, values=MultiDict(), errors={}
    )


# --- sections ------------------------------------------------------------------------


def _section_page(survey: Survey, section: Section | None) -> ResponseReturnValue:
    data = None
    if section is not None:
        data = translated_data("title", section.title) | translated_data("intro", section.intro)
    form = section_form(supported_languages(), data)
    error = None
    if form.validate_on_submit():
        texts = {"title": form.texts("title"), "intro": form.texts("intro")}
        try:
            if section is None:
                section = editing.create_section(survey, **texts)
            else:
                editing.update_section(section, **texts)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            audit("section.save", section, survey)
            db.session.commit()
            flash(_("The page has been saved."), "success")
            return to_survey(survey, f"section-{section.id}")
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/staff/section_form.html", **context)


@bp.route("/<int:survey_id>/sections/new", methods=["GET", "POST"])
def new_section(survey_id: int) -> ResponseReturnValue:
    return _section_page(managed_survey(survey_id), None)


@bp.route("/<int:survey_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
def edit_section(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _section_page(survey, section_of(survey, section_id))


@bp.route("/<int:survey_id>/sections/<int:section_id>/move", methods=["POST"])
def move_section(survey_id: int, section_id: int) -> Response:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)

    def move() -> None:
        staff_services.move(survey.sections, section, step(), editing.update_section)
        staff_services.check_conditions(survey)

    return change_structure(
        survey,
        move,
        action="section.move",
        obj=section,
        message=_("The page has been moved."),
        anchor=f"section-{section_id}",
    )


@bp.route("/<int:survey_id>/sections/<int:section_id>/delete", methods=["POST"])
def delete_section(survey_id: int, section_id: int) -> Response:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    return change_structure(
        survey,
        lambda: staff_services.delete_section(section),
        action="section.delete",
        obj=section,
        message=_("The page has been deleted."),
        anchor=f"section-{section_id}",
        done_anchor="",
    )
