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

from tests.api.conftest import OpenData, get_json

OPENAPI = "/api/v1/openapi.json"
EXAMPLES = 30  # per operation


def test_the_document_is_valid_openapi_3_1(client: FlaskClient, opendata: OpenData) -> None:
    document = get_json(client, OPENAPI)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error
    operations = {path["get"]["operationId"] for path in document["paths"].values()}
    assert operations == {
        "getOpenApi", "listProcesses", "getProcess", "listProcessRevisions",
        "getGoalRevisions", "listContributions", "getProcessResults", "listSurveys",
        "getDataPackage",
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
            case.call_and_validate()

        keeps_contract()
        tested.append(operation.label)
    # schemathesis leaves out the document's own URL; the test above checks it.
    assert len(tested) == 8, "\n".join(tested)
