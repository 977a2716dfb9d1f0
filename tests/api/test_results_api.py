"""/results and /surveys, and suppression: no API answer shows a result that the
public pages hide."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.processes.models import ResultsVisibility
from app.surveys.models import ResultsVisibility as SurveyVisibility
from app.surveys.models import SurveyState
from tests.api.conftest import OpenData, get_json
from tests.factories import make_process, make_survey

RESULTS = "/api/v1/processes/hf12/results"


def _goal(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(g for g in body["goals"] if g["goal"] == code)


def test_results_per_goal_from_the_aggregate(client: FlaskClient, opendata: OpenData) -> None:
    body = get_json(client, RESULTS + "?lang=en")
    assert body["visible"] is True and body["as_of"]
    assert [g["goal"] for g in body["goals"]] == ["12", "12.1", "12.2"]
    culture = _goal(body, "12.1")
    assert (culture["ratings"], culture["mean_agreement"]) == (3, 3.67)
    direction = next(q for q in culture["questions"] if q["key"] == "direction")
    counts = {row["value"]: row["count"] for row in direction["counts"]}
    assert counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1, 0: 0}
    assert direction["total"] == 3
    labels = body["questions"][0]["answers"]
    assert labels[0] == {"value": 1, "label": "Strongly disagree"}


def _page_shows_results(client: FlaskClient) -> bool:
    page = client.get("/en/p/hf12/goals/12.1").get_data(as_text=True)
    return "Results of the rating" in page and "<caption" in page


@pytest.mark.parametrize(
    "visibility", [ResultsVisibility.LIVE, ResultsVisibility.AFTER_PHASE, ResultsVisibility.STAFF]
)
def test_no_answer_shows_results_the_goal_page_hides(
    client: FlaskClient, opendata: OpenData, visibility: ResultsVisibility
) -> None:
    opendata.process.results_visibility = visibility
    db.session.commit()
    shown_on_page = _page_shows_results(client)
    body = get_json(client, RESULTS)
    assert body["visible"] is shown_on_page
    if not shown_on_page:
        assert body["goals"] == [] and body["as_of"] is None
        urls = ["/api/v1/processes", "/api/v1/processes/hf12", RESULTS]
        answers = json.dumps([get_json(client, url) for url in urls])
        assert "mean_agreement" not in answers and '"count"' not in answers
    if visibility == ResultsVisibility.AFTER_PHASE:
        assert body["visible_from"] == opendata.process.phases[0].ends_at.isoformat()


def test_public_surveys_only(client: FlaskClient, app: Flask) -> None:
    make_survey("offen", results_visibility=SurveyVisibility.LIVE)
    make_survey("entwurf", state=SurveyState.DRAFT)
    hidden = make_process("intern", published=False)
    make_survey("intern-umfrage", process=hidden)
    body = get_json(client, "/api/v1/surveys")
    assert [s["slug"] for s in body["items"]] == ["offen"]
    survey = body["items"][0]
    assert survey["state"] == "open" and survey["results_public"] is True
    assert survey["links"]["page"] == "/de/surveys/offen/"
