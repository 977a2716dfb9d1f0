"""The survey builder for staff: surveys, their settings, state, pages, copy, preview.

Views of the ``survey_staff`` blueprint (its URLs: :mod:`app.surveys.routes`);
questions and options: :mod:`.question_views`, presets, goal matrices and matrix
rows: :mod:`.part_views`. Every view: permission → validate → service (which
audits) → commit once → redirect with a message. A refused change (for instance the
lock once a survey has responses) is shown next to the form or as a message.
"""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.core import policy
from app.extensions import db
from app.i18n import day_end, day_start, last_day, start_day, supported_languages, tr_text
from app.processes.services import all_processes
from app.staff.forms import translated_data
from app.surveys.builder import services, structure
from app.surveys.builder.forms import NO_PROCESS, CopyForm, SurveyForm, section_form, survey_form
from app.surveys.builder.helpers import (
    change_structure,
    managed_survey,
    refused,
    section_of,
    step,
    to_survey,
)
from app.surveys.builder.structure import SurveyError
from app.surveys.models import AccessMode, ResultsVisibility, Section, Survey, SurveyState

SURVEY_SETTINGS = (
    "slug",
    "default_locale",
    "access_mode",
    "anonymised",
    "review_before_submit",
    "results_visibility",
)


# --- surveys -------------------------------------------------------------------------


def index() -> str:
    return render_template(
        "surveys/builder/index.html",
        surveys=services.managed_surveys(current_user),
        can_create=bool(_process_choices()),
    )


def _process_choices() -> list[tuple[int, str]]:
    choices = [(NO_PROCESS, _("No process"))] if policy.is_admin(current_user) else []
    return choices + [
        (p.id, tr_text(p.title, p.default_locale))
        for p in all_processes()
        if policy.can_manage_process(current_user, p)
    ]


def _survey_data(survey: Survey) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(survey, name) for name in SURVEY_SETTINGS}
    data |= {"process_id": survey.process_id or NO_PROCESS}
    data |= {
        "opens_at": start_day(survey.opens_at) if survey.opens_at else None,
        "closes_at": last_day(survey.closes_at) if survey.closes_at else None,
    }
    for prefix in ("title", "intro", "thanks"):
        data |= translated_data(prefix, getattr(survey, prefix))
    return data


def _settings(form: SurveyForm) -> dict[str, Any]:
    return {
        "slug": form.slug.data,
        "title": form.texts("title"),
        "intro": form.texts("intro"),
        "thanks": form.texts("thanks"),
        "default_locale": form.default_locale.data,
        "access_mode": AccessMode(form.access_mode.data),
        "anonymised": bool(form.anonymised.data),
        "review_before_submit": bool(form.review_before_submit.data),
        "results_visibility": ResultsVisibility(form.results_visibility.data),
        "opens_at": day_start(form.opens_at.data) if form.opens_at.data else None,
        "closes_at": day_end(form.closes_at.data) if form.closes_at.data else None,
        "process_id": form.process_id.data or None,
    }


def create() -> ResponseReturnValue:
    choices = _process_choices()
    policy.require(bool(choices))
    languages = supported_languages()
    data = {
        "default_locale": languages[0],
        "access_mode": AccessMode.OPEN.value,
        "results_visibility": ResultsVisibility.AFTER_CLOSE.value,
        "review_before_submit": True,
        "process_id": request.args.get("process", type=int),
    }
    form = survey_form(languages, choices, data)
    error = None
    if form.validate_on_submit():
        settings = _settings(form)
        try:
            survey = services.create_survey(actor=current_user, **settings)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The survey has been created."), "success")
            return to_survey(survey)
    return render_template("surveys/builder/settings.html", form=form, survey=None, error=error)


def survey(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    return render_template(
        "surveys/builder/survey.html",
        survey=survey,
        locked=structure.has_responses(survey),
        copy_form=CopyForm(data={"slug": f"{survey.slug}-copy"[:80]}),
    )


def settings(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    choices = _process_choices()
    if survey.process_id and survey.process_id not in {pid for pid, _name in choices}:
        choices.append((survey.process_id, tr_text(survey.process.title)))
    form = survey_form(supported_languages(), choices, _survey_data(survey))
    error = None
    if form.validate_on_submit():
        try:
            services.update_survey(survey, actor=current_user, **_settings(form))
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            policy.require(policy.can_manage_survey(current_user, survey))
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return to_survey(survey)
    return render_template("surveys/builder/settings.html", form=form, survey=survey, error=error)


def change_state(survey_id: int) -> Response:
    survey = managed_survey(survey_id)
    try:
        state = SurveyState(request.form.get("state", ""))
        services.set_state(survey, state, actor=current_user)
    except ValueError as exc:  # SurveyError is a ValueError
        return refused(SurveyError(str(exc)), survey)
    db.session.commit()
    flash(_("The state of the survey has been changed."), "success")
    return to_survey(survey)


def copy(survey_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    form = CopyForm()
    if not form.validate_on_submit():
        flash(_("Please enter a web address for the copy."), "error")
        return to_survey(survey, "copy")
    try:
        new = services.copy_survey(survey, slug=form.slug.data or "", actor=current_user)
    except SurveyError as exc:
        return refused(exc, survey, "copy")
    db.session.commit()
    flash(_("The survey has been copied; the copy is a draft."), "success")
    return to_survey(new)


def preview(survey_id: int) -> str:
    survey = managed_survey(survey_id)
    return render_template(
        "surveys/builder/preview.html", survey=survey, values=MultiDict(), errors={}
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
            saved = services.save_section(survey, section, actor=current_user, **texts)
        except SurveyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The page has been saved."), "success")
            return to_survey(survey, f"section-{saved.id}")
    context = {"form": form, "survey": survey, "section": section, "error": error}
    return render_template("surveys/builder/section_form.html", **context)


def new_section(survey_id: int) -> ResponseReturnValue:
    return _section_page(managed_survey(survey_id), None)


def edit_section(survey_id: int, section_id: int) -> ResponseReturnValue:
    survey = managed_survey(survey_id)
    return _section_page(survey, section_of(survey, section_id))


def move_section(survey_id: int, section_id: int) -> Response:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    return change_structure(
        survey,
        lambda: services.move_section(section, step(), actor=current_user),
        message=_("The page has been moved."),
        anchor=f"section-{section_id}",
    )


def delete_section(survey_id: int, section_id: int) -> Response:
    survey = managed_survey(survey_id)
    section = section_of(survey, section_id)
    return change_structure(
        survey,
        lambda: services.delete_section(section, actor=current_user),
        message=_("The page has been deleted."),
        anchor=f"section-{section_id}",
        done_anchor="",
    )
