"""HTTP behaviour of the API: ETag/304, caching headers, CORS, problem+json errors,
rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api import views
from app.comments import reactions
from app.extensions import db
from tests.api.conftest import OpenData, get_json

TREE = "/api/v1/processes/hf12"
PROBLEM = "application/problem+json"


def test_etag_and_304(client: FlaskClient, opendata: OpenData) -> None:
    first = client.get(TREE)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(TREE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert again.get_data() == b""
    other_language = client.get(TREE + "?lang=en", headers={"If-None-Match": etag})
    assert other_language.status_code == 200


def test_a_new_support_changes_the_etag(client: FlaskClient, opendata: OpenData) -> None:
    url = "/api/v1/processes/hf12/contributions"
    etag = client.get(url).headers["ETag"]
    reactions.vote(opendata.comments["first"], opendata.people["account"], 1)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_new_revision_changes_the_tree_etag(client: FlaskClient, opendata: OpenData) -> None:
    from app.goals.editing import GoalTexts, revise_goal

    etag = client.get(TREE).headers["ETag"]
    revise_goal(opendata.goals["12.2"], texts=GoalTexts({"de": "Digital"}, {}, {}), author=None)
    db.session.commit()
    body = get_json(client, TREE, headers={"If-None-Match": etag})
    assert body["goals"][0]["children"][1]["title"]["text"] == "Digital"


def test_cors_for_any_origin_without_credentials(client: FlaskClient, opendata: OpenData) -> None:
    response = client.get(TREE, headers={"Origin": "https://zeitung.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers
    preflight = client.options(TREE, headers={"Access-Control-Request-Method": "GET"})
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_unknown_url_and_method_answer_problem_json(client: FlaskClient, app: Flask) -> None:
    missing = client.get("/api/v1/nichts")
    assert (missing.status_code, missing.mimetype) == (404, PROBLEM)
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    post = client.post("/api/v1/processes")
    assert (post.status_code, post.mimetype) == (405, PROBLEM)
    assert "GET" in post.headers["Allow"]


def test_406_for_a_client_that_wants_html(client: FlaskClient, opendata: OpenData) -> None:
    response = client.get(TREE, headers={"Accept": "text/html"})
    assert (response.status_code, response.mimetype) == (406, PROBLEM)
    assert client.get(TREE, headers={"Accept": "application/json"}).status_code == 200


def test_500_is_problem_json_without_details(
    client: FlaskClient, opendata: OpenData, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.process_reading, "detail", broken)
    response = client.get(TREE)
    assert (response.status_code, response.mimetype) == (500, PROBLEM)
    assert "secret" not in response.get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return app_config | {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}

    def test_too_many_requests_get_a_429_problem(self, client: FlaskClient) -> None:
        statuses = [client.get("/api/v1/processes").status_code for _ in range(4)]
        limited = client.get("/api/v1/surveys")  # the limit holds for the whole API
        assert statuses == [200, 200, 200, 429]
        assert (limited.status_code, limited.mimetype) == (429, PROBLEM)
        assert "Retry-After" in limited.headers


def test_the_web_pages_keep_their_html_errors(client: FlaskClient, app: Flask) -> None:
    page = client.get("/de/diese-seite-gibt-es-nicht")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_database_that_does_not_answer_is_a_503_problem(
    client: FlaskClient, opendata: OpenData, monkeypatch: Any
) -> None:
    import sqlalchemy as sa

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(views.versions, "tree", lost)
    response = client.get(TREE)
    assert (response.status_code, response.mimetype) == (503, PROBLEM)
    assert response.headers["Retry-After"] == "30"


def test_a_version_computed_moments_ago_answers_without_the_database(
    client: FlaskClient, app: Flask, opendata: OpenData
) -> None:
    from tests.conftest import counting_queries

    app.config["API_RECHECK_SECONDS"] = 60
    etag = client.get(TREE).headers["ETag"]
    reactions.vote(opendata.comments["first"], opendata.people["account"], 1)
    db.session.commit()
    with counting_queries() as statements:
        again = client.get(TREE, headers={"If-None-Match": etag})
        body = client.get(TREE)
    assert (again.status_code, statements) == (304, [])
    assert body.headers["ETag"] == etag and body.status_code == 200
