"""Each API answer runs a fixed number of queries, however many rows it returns."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api.conditional import BODIES
from app.comments import services as comment_services
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal, revise_goal
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from tests.api.conftest import OpenData
from tests.conftest import counting_queries
from tests.factories import make_process, unaudited

URLS = [
    "/api/v1/processes",
    "/api/v1/processes/hf12",
    "/api/v1/processes/hf12/revisions",
    "/api/v1/processes/hf12/goals/12.1/revisions",
    "/api/v1/processes/hf12/contributions",
    "/api/v1/processes/hf12/results",
    "/api/v1/surveys",
]


def _queries(client: FlaskClient, url: str) -> int:
    BODIES.clear()
    client.get(url)  # warm-up: the app's first request loads what it keeps
    BODIES.clear()
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def _grow(data: OpenData, times: int) -> None:
    """More of everything: goals with revisions, participants with comments, processes."""
    process, parent = data.process, data.goals["12"]
    with unaudited():
        for n in range(times):
            goal = create_goal(
                process,
                code=f"12.{n + 3}",
                texts=GoalTexts({"de": f"Ziel {n}"}, {}, {}),
                parent=parent,
                author=None,
            )
            revise_goal(goal, texts=GoalTexts({"de": f"Ziel {n}!"}, {}, {}), author=None)
            person = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym=f"P{n}")
            db.session.add(person)
            db.session.flush()
            draft = comment_services.Draft(f"Beitrag {n}", "question", StakeholderGroup.CITIZEN)
            comment_services.create_comment(process, data.goals["12.1"], person, draft)
    db.session.commit()
    for n in range(times):
        make_process(f"weitere-{n}")


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_rows(
    client: FlaskClient, app: Flask, opendata: OpenData, url: str
) -> None:
    small = _queries(client, url)
    _grow(opendata, 12)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for few rows, {large} for many"
    assert small <= 9, f"{url}: {small} queries"


@pytest.mark.parametrize("url", URLS)
def test_a_304_needs_no_more_queries_than_the_answer(
    client: FlaskClient, opendata: OpenData, url: str
) -> None:
    full = _queries(client, url)
    etag = client.get(url).headers["ETag"]
    with counting_queries() as statements:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert len(statements) < full or len(statements) <= 4, url
