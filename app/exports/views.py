"""Staff pages to start an export, follow its progress and download the file."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core import policy
from app.core.staff_area import acting_user, managed_process, staff_only
from app.exports import services
from app.exports.forms import FORMAT_LABELS, KIND_LABELS, ExportForm
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.report import groups as report_groups
from app.exports.storage import StorageError, get_storage
from app.extensions import db
from app.i18n import current_lang, localize, supported_languages
from app.processes.models import Process
from app.results import presenting
from app.results.triggers import SURVEY_SCOPE
from app.surveys.models import Survey

logger = logging.getLogger(__name__)
bp = Blueprint("exports", __name__, template_folder="templates")
bp.before_request(staff_only)


def _job_or_404(process: Process, job_id: int) -> ExportJob:
    job = services.job_or_none(process, job_id)
    if job is None:
        abort(404)
    return job


def _report_groups(surveys: list[Survey]) -> dict[int, list[tuple[str, int, str]]]:
    """Per survey with stored results, the groups its results report may be filtered by."""
    out = {}
    for survey in surveys:
        groups = report_groups.public_groups(survey)
        if groups is not None:
            out[survey.id] = [(g.prompt, g.option_id, g.label) for g in groups]
    return out


def _form(process: Process, surveys: list[Survey]) -> ExportForm:
    form = ExportForm()
    titles = [(s.id, localize(s.title, current_lang(), s.default_locale).text) for s in surveys]
    form.set_choices(supported_languages(), titles, _report_groups(surveys))
    if not form.is_submitted():
        form.language.data = current_lang()
        survey_id = request.args.get("survey", type=int)
        if survey_id in {s.id for s in surveys}:
            report = request.args.get("kind") == ExportKind.SURVEY_REPORT.value
            form.kind.data = (
                ExportKind.SURVEY_REPORT if report else ExportKind.SURVEY_RESPONSES
            ).value
            form.survey.data = str(survey_id)
            form.format.data = ExportFormat.PDF.value if report else form.format.data
    return form


def _index(process: Process, form: ExportForm, surveys: list[Survey]) -> str:
    jobs = services.jobs_of(process)
    return render_template(
        "exports/index.html",
        process=process,
        form=form,
        jobs=jobs,
        sizes=services.file_sizes(jobs),
        kind_labels=KIND_LABELS,
        format_labels=FORMAT_LABELS,
        survey_titles={s.id: localize(s.title, current_lang(), s.default_locale) for s in surveys},
    )


@bp.route("/p/<slug>/")
def index(slug: str) -> str:
    process = managed_process(slug)
    surveys = services.surveys_of(process)
    return _index(process, _form(process, surveys), surveys)


@bp.route("/p/<slug>/", methods=["POST"])
def start(slug: str) -> ResponseReturnValue:
    process = managed_process(slug)
    surveys = services.surveys_of(process)
    form = _form(process, surveys)
    if not form.validate_on_submit():
        if form.results_pending is not None:  # a report asked before the first results
            presenting.queue_missing(SURVEY_SCOPE, form.results_pending)
            db.session.commit()  # the rebuild goes out after the commit
        return _index(process, form, surveys), 400
    kind = ExportKind(form.kind.data)
    survey = next((s for s in surveys if str(s.id) == form.survey.data), None)
    if kind == ExportKind.SURVEY_RESPONSES and services.with_identities(survey):
        refusal = _identity_refusal(process, form, surveys)
        if refusal is not None:
            return refusal
    job, created = services.request_export(
        process,
        kind=kind,
        fmt=ExportFormat(form.format.data),
        locale=str(form.language.data),
        options=form.options(),
        survey=survey if kind in services.SURVEY_KINDS else None,
        requested_by=acting_user(),
        reason=form.reason.data or "",
    )
    db.session.commit()
    db.session.refresh(job)  # a small export may be built by now
    if created and job.status == ExportStatus.DONE:
        flash(_("The export is ready."), "success")
    elif created:
        flash(_("The export has been started."), "success")
    else:
        flash(_("This export is already being built; here is its progress."), "info")
    return redirect(url_for(".job", slug=slug, job_id=job.id))


def _identity_refusal(
    process: Process, form: ExportForm, surveys: list[Survey]
) -> ResponseReturnValue | None:
    """Survey data with invitation codes: admins only, and only with a reason."""
    if not policy.can_export_identities(current_user):
        form.survey.errors = [
            _("Responses linked to invitation codes are exported by administrators only.")
        ]
    elif not (form.reason.data or "").strip():
        form.reason.errors = [_("Please give the reason for exporting invitation codes.")]
    else:
        return None
    return _index(process, form, surveys), 400


@bp.route("/p/<slug>/<int:job_id>")
def job(slug: str, job_id: int) -> str:
    process = managed_process(slug)
    export = _job_or_404(process, job_id)
    return render_template(
        "exports/job.html",
        process=process,
        job=export,
        size=services.file_sizes([export]).get(export.id),
        group=report_groups.group_name((export.options or {}).get("group")),
        kind_labels=KIND_LABELS,
        format_labels=FORMAT_LABELS,
    )


@bp.route("/p/<slug>/<int:job_id>/status")
def status(slug: str, job_id: int) -> str:
    """The progress fragment that htmx polls while the job is queued or running."""
    process = managed_process(slug)
    export = _job_or_404(process, job_id)
    return render_template("exports/_status.html", process=process, job=export, oob=True)


@bp.route("/p/<slug>/<int:job_id>/download")
def download(slug: str, job_id: int) -> Response:
    """The file, streamed from the export storage (ranges and conditional requests)."""
    process = managed_process(slug)
    export = _job_or_404(process, job_id)
    if export.status != ExportStatus.DONE or not export.storage_key:
        abort(404)
    try:
        response = get_storage().response(export.storage_key, export.filename, export.content_type)
    except StorageError:
        logger.error("export %s: file %s is missing", export.id, export.storage_key)
        abort(404)
    if response.status_code == 200:  # not for ranges and revalidations of the same file
        services.record_download(export, acting_user())
        db.session.commit()
    response.headers["Cache-Control"] = "no-store"
    return response
