"""/contributions and the revisions: published only, pseudonymous, public assessments
only in the results phase, and never a name, e-mail address or id of a person."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.processes.models import PhaseKind
from tests.api.conftest import (
    ANONYMOUS_NAME,
    EMAIL,
    GUEST_EMAIL,
    OFFLINE_LABEL,
    REAL_NAME,
    STAFF_NAME,
    OpenData,
    build,
    get_json,
)

URL = "/api/v1/processes/hf12/contributions"
PEOPLE = (REAL_NAME, EMAIL, GUEST_EMAIL, ANONYMOUS_NAME, OFFLINE_LABEL, STAFF_NAME, "Gast")


def _by_id(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in body["items"]}


def test_only_published_contributions_are_listed(client: FlaskClient, opendata: OpenData) -> None:
    items = _by_id(get_json(client, URL))
    shown = {name for name, c in opendata.comments.items() if c.id in items}
    assert shown == {"first", "reply", "anonymous", "staff", "offline"}


def test_authors_are_pseudonyms_and_roles(client: FlaskClient, opendata: OpenData) -> None:
    items = _by_id(get_json(client, URL))
    first, reply = items[opendata.comments["first"].id], items[opendata.comments["reply"].id]
    assert first["author"]["role"] == "participant"
    assert len(first["author"]["pseudonym"]) == 12
    assert first["author"]["pseudonym"] != reply["author"]["pseudonym"]
    assert reply["reply_to"] == first["id"]
    assert items[opendata.comments["staff"].id]["author"] == {
        "pseudonym": None,
        "role": "administration",
    }
    offline = items[opendata.comments["offline"].id]
    assert offline["author"] == {"pseudonym": None, "role": "offline"}
    assert offline["channel"] == "letter" and offline["received_on"]


def test_no_name_or_address_in_any_answer(client: FlaskClient, app: Flask) -> None:
    with app.test_request_context():
        build(PhaseKind.RESULTS)
    urls = [
        URL,
        "/api/v1/processes",
        "/api/v1/processes/hf12",
        "/api/v1/processes/hf12/revisions",
        "/api/v1/processes/hf12/goals/12.1/revisions",
        "/api/v1/processes/hf12/results",
    ]
    for url in urls:
        text = json.dumps(get_json(client, url), ensure_ascii=False)
        assert not [p for p in PEOPLE if p in text], url


def test_same_participant_same_pseudonym(client: FlaskClient, opendata: OpenData) -> None:
    items = _by_id(get_json(client, URL))
    anonymous = items[opendata.comments["anonymous"].id]["author"]["pseudonym"]
    again = get_json(client, URL + "?goal=12.2")["items"][0]["author"]["pseudonym"]
    assert anonymous == again


def test_supports_kind_and_official_reply(client: FlaskClient, opendata: OpenData) -> None:
    first = _by_id(get_json(client, URL))[opendata.comments["first"].id]
    assert first["supports"] == {"up": 1, "down": 1}
    assert first["kind"]["key"] == "suggestion" and first["kind"]["label"]["text"] == "Anregung"
    assert first["official_reply"]["author"] == "Referat 12"
    assert first["assessment"] is None  # participation phase: not public


def test_assessment_is_public_in_the_results_phase(client: FlaskClient, app: Flask) -> None:
    with app.test_request_context():
        data = build(PhaseKind.RESULTS)
    body = get_json(client, URL)
    assert body["assessments_public"] is True
    first = _by_id(body)[data.comments["first"].id]
    assert first["assessment"] == {
        "consideration": "considered",
        "rationale": "Aufgenommen.",
        "group": "council",
        "taken_up_in": {"goal": "12.1", "revision": 2},
    }


def test_assessment_stays_private_when_the_process_says_so(client: FlaskClient, app: Flask) -> None:
    with app.test_request_context():
        data = build(PhaseKind.RESULTS, assessments_public=False)
    body = get_json(client, URL)
    assert body["assessments_public"] is False
    assert _by_id(body)[data.comments["first"].id]["assessment"] is None


def test_goal_since_and_cursor_filters(client: FlaskClient, opendata: OpenData) -> None:
    assert [i["goal"] for i in get_json(client, URL + "?goal=12.2")["items"]] == ["12.2"]
    later = opendata.comments["offline"].created_at.isoformat()
    since = get_json(client, URL, query_string={"since": later})["items"]
    assert [i["id"] for i in since] == [opendata.comments["offline"].id]
    first = get_json(client, URL + "?limit=2")
    rest = get_json(client, URL, query_string={"limit": 2, "cursor": first["next_cursor"]})
    assert [i["id"] for i in first["items"]] < [i["id"] for i in rest["items"]]


def test_bad_filters_are_a_clear_400(client: FlaskClient, opendata: OpenData) -> None:
    for query, name in (
        ({"since": "2026-05-01T00:00:00"}, "since"),  # no offset
        ({"cursor": "kaputt"}, "cursor"),
        ({"limit": "1000"}, "limit"),
        ({"sort": "newest"}, "sort"),  # unknown parameter
        ({"lang": "xx"}, "lang"),
    ):
        problem = get_json(client, URL, 400, query_string=query)
        assert list(problem["errors"]) == [name], query
        assert problem["status"] == 400 and problem["title"] == "Bad Request"


def test_unknown_goal_filter_is_a_404(client: FlaskClient, opendata: OpenData) -> None:
    problem = get_json(client, URL + "?goal=99", 404)
    assert "goal" in problem["detail"]


def test_goal_revisions_with_taken_up_contributions(client: FlaskClient, app: Flask) -> None:
    with app.test_request_context():
        data = build(PhaseKind.RESULTS)
    body = get_json(client, "/api/v1/processes/hf12/goals/12.1/revisions")
    assert body["contributions_public"] is True
    newest, first = body["revisions"]
    assert (newest["number"], first["number"]) == (2, 1)
    assert newest["change_note"] == "Nach der Beteiligung geschärft."
    assert {"kind": "insert", "text": "Motivierende "} in newest["diff"]["title"]
    [taken] = newest["contributions"]
    assert taken["id"] == data.comments["first"].id and taken["consideration"] == "considered"
    assert taken["group"] == "council" and taken["declared_group"] == "citizen"
    assert first["contributions"] == []


def test_revisions_of_a_process_page_oldest_first(client: FlaskClient, opendata: OpenData) -> None:
    body = get_json(client, "/api/v1/processes/hf12/revisions?limit=3")
    assert [(r["goal"], r["number"]) for r in body["items"]] == [
        ("12", 1),
        ("12.1", 1),
        ("12.2", 1),
    ]
    assert body["contributions_public"] is False
    rest = get_json(client, f"/api/v1/processes/hf12/revisions?cursor={body['next_cursor']}")
    [last] = rest["items"]
    assert (last["goal"], last["number"], last["contributions"]) == ("12.1", 2, None)
    assert {"kind": "delete", "text": "Text zu Kultur stärken."} in last["diff"]["body"]


def test_unknown_goal_revisions_is_a_problem_404(client: FlaskClient, opendata: OpenData) -> None:
    problem = get_json(client, "/api/v1/processes/hf12/goals/99/revisions", 404)
    assert problem["status"] == 404


def test_assigned_group_only_where_the_public_pages_show_it(
    client: FlaskClient, app: Flask
) -> None:
    from app.assessment.models import Consideration
    from app.assessment.services import assessing
    from app.extensions import db
    from app.participation.models import StakeholderGroup

    with app.test_request_context():
        data = build(PhaseKind.RESULTS)
    noted = assessing.AssessmentInput(
        StakeholderGroup.COUNCIL, Consideration.NOTED, "Gelesen.", None
    )
    assessing.save_assessment(
        data.comments["anonymous"], data.process, noted, expected_version=0, assessor=None
    )
    db.session.commit()
    items = _by_id(get_json(client, URL))
    assert items[data.comments["anonymous"].id]["assessment"]["group"] is None
    assert items[data.comments["first"].id]["assessment"]["group"] == "council"
