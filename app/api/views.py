"""The API's view functions: parse, look up what is public, answer conditionally.

Each view computes the version of its answer first (``app.api.versions``) and
builds the body only when the client does not hold it and the cache has not got it.
The URLs are in ``app.api.routes``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, send_file
from kombu.exceptions import OperationalError
from webargs.flaskparser import abort as reject
from werkzeug.exceptions import ServiceUnavailable

from app.api import dump, tasks, versions
from app.api.blueprint import bp
from app.api.conditional import answer, encode
from app.api.params import (
    ContributionParams,
    LangParams,
    NoParams,
    PageParams,
    SinceParams,
    SurveyResultsParams,
)
from app.api.reading import contributions as contribution_reading
from app.api.reading import processes as process_reading
from app.api.reading import results as result_reading
from app.api.reading import revisions as revision_reading
from app.api.reading import survey_results as survey_result_reading
from app.api.reading import surveys as survey_reading
from app.api.reading.common import decode_cursor
from app.api.schemas.contributions import (
    ContributionPageSchema,
    GoalRevisionsSchema,
    RevisionPageSchema,
)
from app.api.schemas.processes import ProcessDetailSchema, ProcessListSchema
from app.api.schemas.results import ProcessResultsSchema, SurveyListSchema
from app.api.schemas.survey_results import ResultsPendingSchema, SurveyResultsSchema
from app.api.spec import api
from app.assessment.services.visibility import assessments_visible
from app.core import policy
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import get_goal_or_404
from app.i18n import N_
from app.processes.models import Process
from app.results import triggers
from app.results.services import process_counts
from app.surveys.models import Survey

logger = logging.getLogger(__name__)
View = Callable[..., Response]
NOT_MODIFIED = N_("Not modified: the copy you hold (its ETag) is current.")


def documented(schema: Any, *errors: int) -> Callable[[View], View]:
    """The 200 schema, 304, and the problem responses ``errors`` (plus 406 and 429)."""

    def decorate(func: View) -> View:
        for status in (*errors, 406, 429):
            func = bp.alt_response(status, HTTPStatus(status).name)(func)
        func = bp.alt_response(304, description=NOT_MODIFIED)(func)
        return bp.response(200, schema)(func)

    return decorate


def _public_process(slug: str) -> Process:
    process = process_reading.by_slug(slug)
    if process is None or not policy.is_open_data(process):
        abort(404)
    return process


def _process_version(process: Process, now: datetime, *parts: Any) -> tuple[Any, ...]:
    return (versions.process(process, now), versions.tree(process.id), *parts)


# --- processes -------------------------------------------------------------------------


@bp.doc(
    operationId="listProcesses",
    summary=N_("Published processes"),
    description=N_("Every published process with its phases and counts, newest first."),
)
@bp.arguments(PageParams, location="query", as_kwargs=True)
@documented(ProcessListSchema, 400)
def process_list(limit: int, cursor: str | None = None, lang: str | None = None) -> Response:
    now = utcnow()
    rows, next_cursor = process_reading.published_page(limit, decode_cursor(cursor))
    stored = process_reading.aggregates([p.id for p in rows])
    version = tuple((versions.process(p, now), versions.aggregate(stored.get(p.id))) for p in rows)

    def build() -> Any:
        items = [
            process_reading.summary(p, stored.get(p.id), lang or p.default_locale, now)
            for p in rows
        ]
        return ProcessListSchema().dump(
            {"items": items, "next_cursor": next_cursor, "limit": limit}
        )

    return answer(version, build)


@bp.doc(
    operationId="getProcess",
    summary=N_("A process with its goal tree"),
    description=N_(
        "The process, its phases and the whole goal tree: codes, levels, the current "
        "texts with their revision numbers, and the languages each goal is written in."
    ),
)
@bp.arguments(LangParams, location="query", as_kwargs=True)
@documented(ProcessDetailSchema, 400, 404)
def process(slug: str, lang: str | None = None) -> Response:
    proc, now = _public_process(slug), utcnow()
    version = _process_version(proc, now, versions.process_aggregate(proc.id))
    shown = lang or proc.default_locale

    def build() -> Any:
        stored = process_counts(proc.id)
        return ProcessDetailSchema().dump(process_reading.detail(proc, stored, shown, now))

    return answer(version, build)


# --- revisions -------------------------------------------------------------------------


@bp.doc(
    operationId="getGoalRevisions",
    summary=N_("Every revision of a goal"),
    description=N_(
        "Each version of the goal with its change note, the word diff to the version "
        "before, and the contributions it took up, as on the page “What has changed?”."
    ),
)
@bp.arguments(LangParams, location="query", as_kwargs=True)
@documented(GoalRevisionsSchema, 400, 404)
def goal_revisions(slug: str, code: str, lang: str | None = None) -> Response:
    proc, now = _public_process(slug), utcnow()
    goal = get_goal_or_404(proc.id, code)
    public = assessments_visible(proc)
    contributed = versions.contributions(proc.id) if public else None
    shown = lang or proc.default_locale

    def build() -> Any:
        revisions = revision_reading.goal_revisions(proc, goal, shown, public)
        data = {"process": proc.slug, "goal": goal.code, "contributions_public": public}
        return GoalRevisionsSchema().dump(data | {"revisions": revisions})

    return answer(_process_version(proc, now, contributed, public), build)


@bp.doc(
    operationId="listProcessRevisions",
    summary=N_("Every revision of every goal"),
    description=N_(
        "All revisions of the process's goals, oldest first, each with its diff and the "
        "contributions it took up."
    ),
)
@bp.arguments(SinceParams, location="query", as_kwargs=True)
@documented(RevisionPageSchema, 400, 404)
def process_revisions(
    slug: str,
    limit: int,
    cursor: str | None = None,
    since: datetime | None = None,
    lang: str | None = None,
) -> Response:
    proc, now = _public_process(slug), utcnow()
    after, public = decode_cursor(cursor), assessments_visible(proc)
    contributed = versions.contributions(proc.id) if public else None
    shown = lang or proc.default_locale

    def build() -> Any:
        items, next_cursor = revision_reading.process_revisions(
            proc, shown, public, limit=limit, after=after, since=since
        )
        data = {"items": items, "next_cursor": next_cursor, "limit": limit}
        return RevisionPageSchema().dump(data | {"contributions_public": public})

    return answer(_process_version(proc, now, contributed, public), build)


# --- contributions ---------------------------------------------------------------------


def _goal_id(process_id: int, code: str | None) -> int | None:
    if code is None:
        return None
    goal_id = db.session.scalar(
        sa.select(Goal.id).where(Goal.process_id == process_id, Goal.code == code)
    )
    if goal_id is None:
        abort(404, "No goal with this code in the process (parameter `goal`).")
    return int(goal_id)


@bp.doc(
    operationId="listContributions",
    summary=N_("Published contributions"),
    description=N_(
        "Comments, replies and offline input, oldest first, with pseudonymous authors. "
        "In the results phase, where the process publishes it, also how each was "
        "considered and why."
    ),
)
@bp.arguments(ContributionParams, location="query", as_kwargs=True)
@documented(ContributionPageSchema, 400, 404)
def contributions(
    slug: str,
    limit: int,
    cursor: str | None = None,
    since: datetime | None = None,
    goal: str | None = None,
    lang: str | None = None,
) -> Response:
    proc, now = _public_process(slug), utcnow()
    filters = contribution_reading.Filters(_goal_id(proc.id, goal), since, decode_cursor(cursor))
    public = assessments_visible(proc)
    shown = lang or proc.default_locale

    def build() -> Any:
        items, next_cursor = contribution_reading.contributions(proc, filters, shown, limit)
        data = {"items": items, "next_cursor": next_cursor, "limit": limit}
        return ContributionPageSchema().dump(data | {"assessments_public": public})

    return answer(_process_version(proc, now, versions.contributions(proc.id), public), build)


# --- results and surveys ---------------------------------------------------------------


@bp.doc(
    operationId="getProcessResults",
    summary=N_("Rating results per goal"),
    description=N_(
        "The answers to the rating questions of each goal, from the stored counts. "
        "Empty while the process does not publish its results."
    ),
)
@bp.arguments(LangParams, location="query", as_kwargs=True)
@documented(ProcessResultsSchema, 400, 404)
def process_results(slug: str, lang: str | None = None) -> Response:
    proc, now = _public_process(slug), utcnow()
    visible = policy.can_see_rating_results(None, proc)
    version = _process_version(
        proc, now, versions.process_aggregate(proc.id), versions.rating_questions(proc.id), visible
    )
    shown = lang or proc.default_locale

    def build() -> Any:
        stored = process_counts(proc.id)
        return ProcessResultsSchema().dump(result_reading.process_results(proc, stored, shown))

    return answer(version, build)


@bp.doc(
    operationId="listSurveys",
    summary=N_("Public surveys"),
    description=N_("Open and closed surveys, newest first, and whether their results are public."),
)
@bp.arguments(PageParams, location="query", as_kwargs=True)
@documented(SurveyListSchema, 400)
def survey_list(limit: int, cursor: str | None = None, lang: str | None = None) -> Response:
    now = utcnow()
    rows, next_cursor = survey_reading.public_page(limit, decode_cursor(cursor))

    def build() -> Any:
        items = [survey_reading.summary(s, lang, now) for s in rows]
        return SurveyListSchema().dump({"items": items, "next_cursor": next_cursor, "limit": limit})

    return answer(survey_reading.version(rows, now), build)


def _public_survey(slug: str) -> Survey:
    survey = survey_result_reading.by_slug(slug)
    if survey is None:
        abort(404)
    return survey


def _bad_query(**errors: str) -> None:
    reject(400, messages={"query": {name: [text] for name, text in errors.items()}})


def _selection(
    survey: Survey, filter_: str | None, crosstab: str | None
) -> survey_result_reading.Selection:
    """The group or cross-tab asked for; a 400 naming the parameter if there is none."""
    if filter_ is not None and crosstab is not None:
        both = "Use either `filter` or `crosstab`, not both."
        _bad_query(filter=both, crosstab=both)
    if crosstab is not None:
        if not survey_result_reading.is_grouping_question(survey.id, int(crosstab)):
            _bad_query(crosstab=f"Question {crosstab} is no demographic question of this survey.")
        return survey_result_reading.Selection(crosstab=int(crosstab))
    if filter_ is not None:
        question, value = filter_.split(":", 1)
        option = survey_result_reading.grouping_option(survey.id, int(question), value)
        if option is None:
            _bad_query(
                filter=f"No option `{value}` of a demographic question {question} in this survey."
            )
        return survey_result_reading.Selection(int(question), option, value)
    return survey_result_reading.Selection()


PENDING_RETRY = 10  # seconds: the rebuild is queued 3 s after the request and takes a few


def _pending(survey: Survey) -> Response:
    """202: the snapshot is being counted (off the request); ask again later."""
    body = {
        "status": "pending",
        "retry_after": PENDING_RETRY,
        "detail": "The results are being counted; please ask again shortly.",
    }
    response = current_app.response_class(encode(body), status=202, mimetype="application/json")
    response.headers["Retry-After"] = str(PENDING_RETRY)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.doc(
    operationId="getSurveyResults",
    summary=N_("Results of a survey"),
    description=N_(
        "The survey's results from the stored snapshot, with small counts hidden: every "
        "question overall, for one group of respondents (`filter`, e.g. one "
        "municipality), or split by the groups of a demographic question (`crosstab`), "
        "weighted figures next to the unweighted ones where the survey is weighted. "
        "Empty while the survey does not publish its results. Nothing is counted on "
        "request: while the results are being counted the answer is 202 with "
        "Retry-After."
    ),
)
@bp.arguments(SurveyResultsParams, location="query", as_kwargs=True)
@bp.alt_response(
    202,
    schema=ResultsPendingSchema,
    description=N_("Being counted: ask again after `Retry-After` seconds."),
    success=True,
)
@documented(SurveyResultsSchema, 400, 404, 503)
def survey_results(
    slug: str,
    lang: str | None = None,
    filter: str | None = None,  # the documented parameter's name
    crosstab: str | None = None,
) -> Response:
    survey, now = _public_survey(slug), utcnow()
    selection = _selection(survey, filter, crosstab)
    version = survey_result_reading.version(survey, selection, now)
    if version is None:
        # Not stored yet: queue the count (once; eager without Redis, so it is there now).
        if triggers.survey_changed(survey.id):
            db.session.commit()
            version = survey_result_reading.version(survey, selection, now)
        if version is None:
            return _pending(survey)
    shown = lang or survey.default_locale

    def build() -> Any:
        data = survey_result_reading.survey_results(survey, selection, shown, now)
        if data is None:  # removed between the version and now
            raise ServiceUnavailable(retry_after=PENDING_RETRY)
        return SurveyResultsSchema().dump(data)

    return answer(version, build)


# --- the contract ----------------------------------------------------------------------


@bp.doc(
    operationId="getOpenApi",
    summary=N_("This API's OpenAPI document"),
    description=N_("The OpenAPI 3.1 description of every operation, generated from the code."),
)
@bp.arguments(NoParams, location="query", as_kwargs=True)
@documented({"type": "object"}, 400)
def openapi_document() -> Response:
    return answer(("openapi",), api.spec.to_dict, max_age=3600)


# --- the data package ------------------------------------------------------------------

PACKAGE_RETRY = 30  # seconds a client waits before asking again while it is built


@bp.doc(
    operationId="getDataPackage",
    summary=N_("Everything as a data package"),
    description=N_(
        "A ZIP with the process's goals, revisions, contributions and results as CSV "
        "files and a datapackage.json (Frictionless Data Package) describing them. "
        "Built in the background when the data changed: a 503 with Retry-After "
        "means it is being prepared."
    ),
)
@bp.arguments(NoParams, location="query", as_kwargs=True)
@bp.response(
    200,
    {"type": "string", "contentMediaType": "application/zip"},
    content_type="application/zip",
    description=N_("The ZIP file."),
)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.alt_response(400, "BAD_REQUEST")
@bp.alt_response(404, "NOT_FOUND")
@bp.alt_response(406, "NOT_ACCEPTABLE")
@bp.alt_response(429, "TOO_MANY_REQUESTS")
@bp.alt_response(503, "SERVICE_UNAVAILABLE")
def datapackage(slug: str) -> Response:
    proc = _public_process(slug)
    version = dump.data_version(proc)
    path = dump.path_for(proc, version)
    if not path.exists() and dump.ask_once(proc):
        try:
            tasks.build_datapackage.delay(proc.id)  # eager without Redis: built now
        except OperationalError:
            logger.warning("broker unreachable; data package of %s not queued", proc.slug)
            dump.clear_request(proc)
    if not path.exists():
        raise ServiceUnavailable(
            "The data package is being prepared; please try again shortly.",
            retry_after=PACKAGE_RETRY,
        )
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{proc.slug}-opendata.zip",
        etag=version,
        conditional=True,
        max_age=300,
    )
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
