"""The API against its own OpenAPI document: the document is valid OpenAPI 3.1, and
schemathesis (property-based) calls every operation through WSGI and checks each
answer's status, content type, headers and body against the document."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.surveys.models import ResultsVisibility
from tests.api.conftest import OpenData, get_json
from tests.results.conftest import add_responses, build_results_survey, rebuild
from tests.results.test_weighted_results import _margins

OPENAPI = "/api/v1/openapi.json"
EXAMPLES = 30  # per operation
SURVEY = "kreisumfrage"


def test_the_document_is_valid_openapi_3_1(client: FlaskClient, opendata: OpenData) -> None:
    document = get_json(client, OPENAPI)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error
    operations = {path["get"]["operationId"] for path in document["paths"].values()}
    assert operations == {
        "getOpenApi", "listProcesses", "getProcess", "listProcessRevisions",
        "getGoalRevisions", "listContributions", "getProcessResults", "listSurveys",
        "getSurveyResults", "getDataPackage",
    }  # fmt: skip


def test_every_error_is_documented_as_problem_json(client: FlaskClient, app: Flask) -> None:
    document = get_json(client, OPENAPI)
    for name, response in document["components"]["responses"].items():
        if "content" in response:
            assert list(response["content"]) == ["application/problem+json"], name


def test_every_operation_keeps_its_contract(app: Flask, opendata: OpenData) -> None:
    """Each operation in turn (schemathesis' lazy pytest loader needs pytest < 9.2)."""
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_contract(case: Any) -> None:
            case.call_and_validate(
                excluded_checks=[positive_data_acceptance],
                additional_checks=[schema_valid_is_accepted_unless_it_holds_nul],
            )

        keeps_contract()
        tested.append(operation.label)
    # schemathesis leaves out the document's own URL; the test above checks it.
    assert len(tested) == 9, "\n".join(tested)


NUL_REFUSED = "The request contains a NUL character or bytes that are not UTF-8."


def _refused_for_nul(response: Any) -> bool:
    """The input guard's 400 (app/core/input_guard.py): a string the schema allows may
    still hold a NUL, which no stored value can contain; every parameter it names is
    refused for that reason alone."""
    errors = response.json().get("errors") or {}
    return bool(errors) and all(texts == [NUL_REFUSED] for texts in errors.values())


def schema_valid_is_accepted_unless_it_holds_nul(ctx: Any, response: Any, case: Any) -> None:
    """Schemathesis' "schema-valid is accepted", except for the input guard's 400."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if response.status_code == 400:
        assert _refused_for_nul(response), response.text
    else:
        assert response.status_code in {200, 202, 304, 401, 403, 404, 409, 429} or (
            response.status_code >= 500
        ), response.status_code


def groups_are_the_only_data_dependent_400(ctx: Any, response: Any, case: Any) -> None:
    """Schemathesis' "schema-valid is accepted", except for `filter` and `crosstab`: which
    groups exist depends on the survey's questions, and an unknown one is a 400 (the
    issue asks for it), naming that parameter and nothing else."""
    meta = case.meta
    if response.status_code == 400 and meta is not None and meta.generation.mode.is_positive:
        if _refused_for_nul(response):
            return
        errors = set(response.json()["errors"])
        assert errors and errors <= {"filter", "crosstab"}, errors


def test_survey_results_keep_their_contract(app: Flask) -> None:
    """Schemathesis on a survey whose results are public (a random slug finds none):
    generated queries, and every kind of answer (overall, a group, a hidden group, a
    cross-tab, weighted) validated against the document."""
    made = build_results_survey(SURVEY)
    made.survey.results_visibility = ResultsVisibility.LIVE
    add_responses(made, 200)
    _margins(made)
    rebuild(made)
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app)
    operation = schema["/api/v1/surveys/{slug}/results"]["GET"]
    town = made.q["town"].id

    def on_the_survey(case: Any) -> Any:
        case.path_parameters = {"slug": SURVEY}
        return case

    @given(case=operation.as_strategy().map(on_the_survey))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: Any) -> None:
        case.call_and_validate(
            excluded_checks=[positive_data_acceptance],
            additional_checks=[groups_are_the_only_data_dependent_400],
        )

    keeps_contract()
    queries = [{}, {"lang": "en"}, {"crosstab": str(town)}, {"crosstab": str(made.q["age"].id)}]
    queries += [{"filter": f"{town}:{value}"} for value in ("lehre", "velpke", "nord")]
    queries += [{"filter": f"{made.q['gender'].id}:diverse"}]  # too small: hidden
    for query in queries:
        case = operation.Case(path_parameters={"slug": SURVEY}, query=query)
        response = case.call_and_validate()
        assert response.status_code == 200, query
