"""/results and /surveys, and suppression: no API answer shows a result that the
public pages hide."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.participation.models import ParticipantKind, StakeholderGroup
from app.processes.models import ResultsVisibility
from app.ratings.services import rating_questions, save_ratings
from app.results import snapshots
from app.surveys.models import ResultsVisibility as SurveyVisibility
from app.surveys.models import SurveyState
from tests.api.conftest import OpenData, _participant, _say, get_json
from tests.factories import make_process, make_survey, unaudited

RESULTS = "/api/v1/processes/hf12/results"


def _goal(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(g for g in body["goals"] if g["goal"] == code)


def _alike(data: OpenData, values: dict[int, int]) -> None:
    """Further raters of goal 12.1's direction: ``values`` maps a value to how many."""
    question = next(q.id for q in rating_questions(data.process) if q.key == "direction")
    with unaudited():
        for value, count in values.items():
            for n in range(count):
                person = _participant(ParticipantKind.ANONYMOUS, f"alike-{value}-{n}")
                save_ratings(data.process, data.goals["12.1"], person, {question: value})
    db.session.commit()


# With these, each answer of the fixture's three raters (4, 5, 2) is given five times.
ENOUGH_ALIKE = {4: 4, 5: 4, 2: 4}


def test_results_per_goal_from_the_aggregate(client: FlaskClient, opendata: OpenData) -> None:
    _alike(opendata, ENOUGH_ALIKE)
    body = get_json(client, RESULTS + "?lang=en")
    assert body["visible"] is True and body["as_of"]
    assert [g["goal"] for g in body["goals"]] == ["12", "12.1", "12.2"]
    culture = _goal(body, "12.1")
    assert (culture["ratings"], culture["mean_agreement"]) == (15, 3.67)
    direction = next(q for q in culture["questions"] if q["key"] == "direction")
    counts = {row["value"]: row["count"] for row in direction["counts"]}
    assert counts == {1: 0, 2: 5, 3: 0, 4: 5, 5: 5, 0: 0}
    assert not any(row["suppressed"] for row in direction["counts"])
    assert direction["total"] == 15 and direction["hidden"] is False
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
    _alike(opendata, ENOUGH_ALIKE)
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


def _raters(data: OpenData, group: StakeholderGroup, count: int, value: int) -> None:
    """``count`` participants of ``group`` (confirmed, as a grant would make them) who
    said so in a comment and rated goal 12.1."""
    questions = {q.key: q.id for q in rating_questions(data.process)}
    goal = data.goals["12.1"]
    with unaudited():
        for n in range(count):
            person = _participant(ParticipantKind.ANONYMOUS, f"{group.value}-{n}")
            comment = _say(data.process, goal, person, f"Als {group.value}: {n}", group=group)
            comment.stakeholder_confirmed = True
            save_ratings(data.process, goal, person, {questions["direction"]: value + n % 2})
    db.session.commit()


def test_trialog_split_per_stakeholder_group_is_suppressed(
    client: FlaskClient, opendata: OpenData
) -> None:
    _raters(opendata, StakeholderGroup.COUNCIL, 8, 4)
    _raters(opendata, StakeholderGroup.CITIZEN, 6, 2)
    _raters(opendata, StakeholderGroup.ADMINISTRATION, 2, 3)
    _raters(opendata, StakeholderGroup.ORGANISATION, 3, 1)
    body = get_json(client, RESULTS)
    culture = _goal(body, "12.1")["trialog"]
    public = snapshots.public_process(opendata.process.id)
    assert public is not None
    stored = public["ratings"][str(opendata.goals["12.1"].id)]
    assert culture["raters"] == stored["raters"] == 3 + 8 + 6 + 2 + 3
    groups = {g["group"]: g for g in culture["groups"]}
    assert groups["council"] == {"group": "council", "raters": 8, "hidden": False}
    assert groups["citizen"]["raters"] == 9  # the three of the fixture are citizens too
    # Two and three raters are too few, and hidden together (5 ≥ k): no figures.
    assert groups["administration"]["hidden"] and groups["administration"]["raters"] is None
    assert groups["organisation"]["hidden"] and groups["organisation"]["raters"] is None
    direction = next(q for q in culture["questions"] if q["key"] == "direction")
    columns = {c["group"]: c for c in direction["groups"]}
    assert columns["administration"]["hidden"] and columns["administration"]["counts"] == []
    council = {c["value"]: c for c in columns["council"]["counts"]}
    assert council[4]["suppressed"] and council[4]["count"] is None  # four of eight
    assert columns["council"]["n"] == 8
    # Every number equals the public view's; hidden ones are null; none is below 5.
    for key, question in stored["questions"].items():
        shown = next(q for q in culture["questions"] if q["key"] == key)
        for group, dist in question["groups"].items():
            column = next(c for c in shown["groups"] if c["group"] == group)
            if dist.get("hidden"):
                assert column["hidden"] and column["n"] is None
                continue
            counts = [o["count"] for o in dist["options"]]
            assert [c["count"] for c in column["counts"]] == counts
    small = [
        n
        for q in culture["questions"]
        for d in [q["overall"], *q["groups"]]
        for n in [d["n"], d["valid"], *(c["count"] for c in d["counts"])]
        if n is not None and 0 < n < 5
    ]
    assert not small, small


def test_no_trialog_before_the_first_count(client: FlaskClient, opendata: OpenData) -> None:
    body = get_json(client, RESULTS)
    assert _goal(body, "12.2")["trialog"] is None  # no ratings on it
