"""The write path of answering: few queries per step, and a cached questionnaire that
is never stale (app.surveys.answering.structure)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.privacy.consent import version_for_contribution
from app.results.services import mark_dirty
from app.surveys.builder.structure import add_option, update_question
from app.surveys.models import Answer, MatrixRow, Option, ResponseState, Survey
from tests.conftest import counting_queries
from tests.factories import make_survey
from tests.surveys.conftest import (
    Sink,
    any_token,
    page_one_data,
    page_three_data,
    page_two_data,
    page_url,
    start,
    stored_responses,
    url,
)


def _count(client: FlaskClient, path: str, data: dict[str, Any]) -> int:
    with counting_queries() as statements:
        response = client.post(path, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return len(statements)


def test_a_submission_reads_and_writes_in_few_queries(
    app: Flask, client: FlaskClient, sink: Sink
) -> None:
    mark_dirty("survey", sink.survey.id)  # a rebuild is pending, as under load: none queued
    version_for_contribution()  # the consent text in force exists, as in production
    db.session.commit()
    token = any_token(client, sink)  # also loads the questionnaire into the cache
    counts = [_count(client, url(sink, "start"), {"csrf_token": token, "key": "k" * 20})]
    pages = (page_one_data(sink), page_two_data(sink), page_three_data(sink))
    for number, data in enumerate(pages, start=1):
        payload = {"csrf_token": token, "action": "next", **data}
        counts.append(_count(client, page_url(sink, number), payload))
    counts.append(_count(client, url(sink, "submit"), {"csrf_token": token}))
    print(f"\nqueries: start, pages, submit: {counts}")
    # start: survey, taken part?, response in progress?, INSERT … RETURNING
    assert counts[0] <= 4
    # a page: survey with this browser's response, answers, DELETE, one INSERT, seen pages
    assert max(counts[1:4]) <= 5
    # submit: survey with response, answers, UPDATE (reads the consent version),
    # participation, aggregate
    assert counts[4] <= 5
    (response,) = stored_responses()
    assert response.state == ResponseState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) >= 4


def test_the_questionnaire_is_read_once_for_many_requests(
    app: Flask, client: FlaskClient, sink: Sink
) -> None:
    client.get(url(sink))
    with counting_queries() as statements:
        assert client.get(url(sink)).status_code == 200
    structure = [s for s in statements if "FROM survey_question" in s or "FROM survey_option" in s]
    assert structure == []


def test_an_edited_question_is_shown_at_once(app: Flask, client: FlaskClient, sink: Sink) -> None:
    start(client, sink)
    assert "Single" in client.get(page_url(sink, 1)).get_data(as_text=True)
    update_question(sink.q["single"], prompt={"de": "Geändert", "en": "Changed wording"})
    db.session.commit()
    page = client.get(page_url(sink, 1)).get_data(as_text=True)
    assert "Changed wording" in page


def test_a_new_option_is_offered_at_once(app: Flask, client: FlaskClient, sink: Sink) -> None:
    client.get(url(sink))  # the questionnaire is cached now
    add_option(sink.q["drop"], label={"de": "Neu", "en": "Brand new choice"}, value="d3")
    db.session.commit()
    start(client, sink)
    assert "Brand new choice" in client.get(page_url(sink, 1)).get_data(as_text=True)


def _updated_at(survey_id: int) -> Any:
    db.session.expire_all()
    return db.session.scalar(sa.select(Survey.updated_at).where(Survey.id == survey_id))


def test_editing_an_option_or_a_row_moves_the_surveys_version(app: Flask, sink: Sink) -> None:
    survey_id = sink.survey.id
    before = _updated_at(survey_id)
    option = db.session.scalars(sa.select(Option).where(Option.value == "d1")).one()
    option.label = {"de": "Anders", "en": "Different"}
    db.session.commit()
    after_option = _updated_at(survey_id)
    assert after_option > before
    row = db.session.scalars(sa.select(MatrixRow)).first()
    assert row is not None
    db.session.delete(row)
    db.session.commit()
    assert _updated_at(survey_id) > after_option


def test_after_a_request_the_survey_holds_its_own_sections(
    app: Flask, client: FlaskClient, sink: Sink
) -> None:
    """The shared, detached questionnaire stays out of the session: what the request
    attached to the survey is expired again, so an edit here is stored."""
    client.get(url(sink))
    section = sink.survey.sections[0]
    assert sa.inspect(section).session is db.session()
    section.title = {"de": "Neu", "en": "Renamed page"}
    db.session.commit()
    start(client, sink)
    assert "Renamed page" in client.get(page_url(sink, 1)).get_data(as_text=True)


def test_each_survey_gets_its_own_response_from_the_joined_read(
    app: Flask, client: FlaskClient, sink: Sink
) -> None:
    """The survey row brings this browser's responses of *that* survey only: with
    responses to two surveys in one session, a page of the second stores its answers
    on the second's response."""
    other = make_survey("zweite", process=sink.survey.process)
    db.session.commit()
    assert start(client, sink).status_code == 302
    token = any_token(client, sink)
    intro = client.get(url("zweite")).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', intro)
    assert key is not None
    started = client.post(url("zweite", "start"), data={"csrf_token": token, "key": key[1]})
    assert started.headers["Location"].endswith(url("zweite", "page/1"))
    question = other.sections[0].questions[0]
    saved = client.post(
        url("zweite", "page/1"),
        data={"csrf_token": token, "action": "next", question.field_name: "Nur hier"},
    )
    assert saved.status_code == 302
    first, second = sorted(stored_responses(), key=lambda r: r.id)
    assert (first.survey_id, second.survey_id) == (sink.survey.id, other.id)
    texts = db.session.scalars(
        sa.select(Answer.value_text).where(Answer.response_id == second.id)
    ).all()
    assert texts == ["Nur hier"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Answer).where(Answer.response_id == first.id)
        )
        == 0
    )
