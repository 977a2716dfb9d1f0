"""Answering online: pages, back and forth, errors, save and resume, submit once."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.db import utcnow
from app.extensions import db
from app.surveys.lookups import submitted_count
from app.surveys.models import Answer, ResponseState, SurveyState
from tests.surveys.conftest import (
    Sink,
    answer_all,
    any_token,
    error_text,
    final_submit,
    kitchen_sink,
    page_one_data,
    page_two_data,
    page_url,
    post_page,
    start,
    stored_responses,
    url,
)


def _submitted() -> int:
    return sum(1 for r in stored_responses() if r.state == ResponseState.SUBMITTED)


def test_intro_shows_the_survey_and_a_start_button(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    page = client.get(url(sink)).get_data(as_text=True)
    assert "Test survey" in page and "Start the survey" in page


def test_start_leads_to_page_one_with_progress(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    response = start(client, sink)
    assert response.headers["Location"].endswith(page_url(sink, 1))
    page = client.get(page_url(sink, 1)).get_data(as_text=True)
    assert "Page 1 of 3" in page
    assert '<progress max="3" value="1"' in page
    assert "<fieldset" in page and "<legend" in page


def test_every_kind_is_rendered_accessibly(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink))
    page = client.get(page_url(sink, 2)).get_data(as_text=True)
    matrix = sink.q["matrix"]
    assert f'name="{matrix.field_name}_r{matrix.rows[0].id}"' in page
    assert f'name="{sink.name("rank")}_o{sink.oid("rank", "r1")}"' in page
    assert f'<label class="kern-label" for="{sink.name("number")}">' in page
    assert "years" in page  # the unit


def test_invalid_page_shows_error_next_to_field_and_keeps_other_answers(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink))
    data = page_two_data(sink, **{sink.name("number"): "500", sink.name("decimal"): "2,5"})
    response = post_page(client, sink, 2, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_text(page, sink.name("number")) == "Please enter a number from 0 to 120."
    assert re.search(rf'aria-describedby="[^"]*{sink.name("number")}-error"', page)
    assert 'value="500"' in page and 'value="2,5"' in page
    four = sink.oid("matrix", "4")
    assert re.search(rf'value="{four}" checked', page)
    assert "Please correct the following:" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1  # page 1 only


def test_back_and_forward_keep_answers(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink, **{sink.name("drop"): sink.oid("drop", "d2")}))
    response = post_page(client, sink, 2, {sink.name("number"): "33"}, action="back")
    assert response.headers["Location"].endswith(page_url(sink, 1))
    page_one = client.get(page_url(sink, 1)).get_data(as_text=True)
    assert re.search(rf'value="{sink.oid("drop", "d2")}" selected', page_one)
    assert 'value="33"' in client.get(page_url(sink, 2)).get_data(as_text=True)


def test_back_with_an_invalid_value_shows_the_error(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink))
    response = post_page(client, sink, 2, {sink.name("number"): "abc"}, action="back")
    assert response.status_code == 200
    assert error_text(response.get_data(as_text=True), sink.name("number"))


def test_required_missing_on_next(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    response = post_page(client, sink, 1, {sink.name("scale"): sink.oid("scale", "2")})
    page = response.get_data(as_text=True)
    assert error_text(page, sink.name("single")) == "Please answer this question."
    assert re.search(rf'value="{sink.oid("scale", "2")}" checked', page)


def test_review_lists_answers_and_final_submit_confirms(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    review = client.get(url(sink, "review")).get_data(as_text=True)
    assert "Check your answers" in review and "Option a" in review and "because" in review
    response = final_submit(client, sink)
    assert response.headers["Location"].endswith(url(sink, "thanks"))
    thanks = client.get(url(sink, "thanks")).get_data(as_text=True)
    assert "Your answers have been submitted" in thanks
    assert _submitted() == 1


def test_submitted_count_counts_only_submitted_responses(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    assert len(stored_responses()) == 1 and submitted_count(sink.survey.id) == 0
    assert final_submit(client, sink).status_code == 302
    assert submitted_count(sink.survey.id) == 1


def test_final_submit_twice_is_one_response(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    token_page = client.get(url(sink, "review")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token
    first = client.post(url(sink, "submit"), data={"csrf_token": token.group(1)})
    second = client.post(url(sink, "submit"), data={"csrf_token": token.group(1)})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith(url(sink, "thanks"))
    assert len(stored_responses()) == 1 and _submitted() == 1
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
    assert answers == 4  # single choice, two matrix rows, the conditional text
    page = client.get(url(sink, "thanks")).get_data(as_text=True)
    assert "already been submitted" in page


def test_submit_with_a_missing_required_answer_goes_to_that_page(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink))
    response = final_submit(client, sink)  # pages 2 and 3 skipped by a crafted request
    assert response.headers["Location"].endswith(page_url(sink, 2))
    assert _submitted() == 0


def test_changed_earlier_answer_drops_answers_to_now_hidden_questions(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)  # "a" shows the conditional question, answered "because"
    post_page(client, sink, 1, {sink.name("single"): sink.oid("single", "b")})
    final_submit(client, sink)
    stored = db.session.scalars(sa.select(Answer.question_id)).all()
    assert sink.q["cond"].id not in stored
    assert _submitted() == 1


def test_page_without_visible_questions_is_skipped(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    # Page 3 only has visible questions; hide all but the conditional one to check skipping.
    for key in ("short", "long", "date"):
        sink.q[key].show_if = {"question_id": sink.q["single"].id, "option_ids": [0]}
    db.session.commit()
    post_page(client, sink, 1, {sink.name("single"): sink.oid("single", "b")})
    response = post_page(client, sink, 2, page_two_data(sink))
    assert response.headers["Location"].endswith(url(sink, "review"))


def test_closed_survey_refuses_answers_with_a_message(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    sink.survey.state = SurveyState.CLOSED
    db.session.commit()
    assert "This survey is closed" in client.get(url(sink)).get_data(as_text=True)
    response = client.post(url(sink, "submit"), data={"csrf_token": any_token(client, sink)})
    assert response.headers["Location"].endswith(url(sink))
    assert "This survey is closed" in client.get(url(sink)).get_data(as_text=True)
    assert _submitted() == 0


def test_survey_past_its_closing_time_refuses_a_start(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    sink.survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(url(sink)).get_data(as_text=True)
    assert "This survey is closed" in page and "Start the survey" not in page
    response = client.post(url(sink, "start"), data={"csrf_token": any_token(client, sink)})
    assert response.headers["Location"].endswith(url(sink))
    assert stored_responses() == []


def test_draft_survey_is_not_public(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    sink.survey.state = SurveyState.DRAFT
    db.session.commit()
    assert client.get(url(sink)).status_code == 404


def test_page_without_a_started_response_redirects_to_intro(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink()
    response = client.get(page_url(sink, 1))
    assert response.headers["Location"].endswith(url(sink))


# --- save and resume -----------------------------------------------------------------


def _save(client: FlaskClient, sink: Sink) -> tuple[str, str]:
    start(client, sink)
    response = post_page(client, sink, 1, page_one_data(sink), action="save")
    assert response.headers["Location"].endswith(url(sink, "saved"))
    page = client.get(url(sink, "saved")).get_data(as_text=True)
    code = re.search(r'<strong class="survey-code">([A-Z0-9-]+)</strong>', page)
    link = re.search(r'href="http://localhost(/en/surveys/[^"]+/resume/[A-Z0-9]+)"', page)
    assert code and link, page
    return code.group(1), link.group(1)


def test_resume_with_the_code_in_another_browser(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    code, _link = _save(client, sink)
    other = app.test_client()
    token_page = other.get(url(sink, "resume")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token
    response = other.post(
        url(sink, "resume"), data={"csrf_token": token.group(1), "resume_code": code.lower()}
    )
    assert response.headers["Location"].endswith(page_url(sink, 2))
    page = other.get(page_url(sink, 1)).get_data(as_text=True)
    assert re.search(rf'value="{sink.oid("single", "a")}" checked', page)


def test_resume_with_the_link(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    _code, link = _save(client, sink)
    other = app.test_client()
    response = other.get(link)
    assert response.headers["Location"].endswith(page_url(sink, 2))
    assert "Page 2 of 3" in other.get(page_url(sink, 2)).get_data(as_text=True)


def test_resume_with_an_unknown_code(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    token_page = client.get(url(sink, "resume")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
    assert token
    response = client.post(
        url(sink, "resume"), data={"csrf_token": token.group(1), "resume_code": "AAAA-BBBB-CCCC"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We do not know this resume code" in error_text(page, "resume_code")
    assert 'value="AAAA-BBBB-CCCC"' in page


def test_resume_code_stops_working_after_submit(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    _code, link = _save(client, sink)
    post_page(client, sink, 1, page_one_data(sink))
    post_page(client, sink, 2, page_two_data(sink))
    post_page(client, sink, 3, {sink.name("cond"): "x"})
    final_submit(client, sink)
    other = app.test_client()
    response = other.get(link)
    assert response.headers["Location"].endswith(url(sink, "resume"))


# --- one response per browser / user -------------------------------------------------


def test_open_mode_one_response_per_browser(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    final_submit(client, sink)
    page = client.get(url(sink)).get_data(as_text=True)
    assert "already taken part" in page and "Start the survey" not in page
    with client.session_transaction() as session:
        session.clear()  # a new session, but the same browser cookie
    response = start(client, sink)
    assert response.headers["Location"].endswith(url(sink))
    assert "from this browser" in client.get(url(sink)).get_data(as_text=True)
    assert len(stored_responses()) == 1


def test_open_mode_another_browser_may_answer(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    final_submit(client, sink)
    other = app.test_client()
    answer_all(other, sink)
    final_submit(other, sink)
    assert _submitted() == 2


def test_open_mode_start_twice_resumes_the_same_response(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    start(client, sink)
    assert len(stored_responses()) == 1


def test_crafted_post_to_a_hidden_question_is_discarded(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    start(client, sink)
    post_page(client, sink, 1, {sink.name("single"): sink.oid("single", "b")})
    post_page(client, sink, 2, page_two_data(sink))
    page = client.get(page_url(sink, 3)).get_data(as_text=True)
    assert f'name="{sink.name("cond")}"' not in page  # hidden, so not shown
    response = post_page(client, sink, 3, {sink.name("cond"): "smuggled"})
    assert response.headers["Location"].endswith(url(sink, "review"))
    assert "smuggled" not in db.session.scalars(sa.select(Answer.value_text)).all()


def test_crafted_post_with_an_unknown_option_keeps_other_answers(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink()
    start(client, sink)
    data = page_one_data(sink, **{sink.name("drop"): "987654", sink.name("scale"): "oops"})
    page = post_page(client, sink, 1, data).get_data(as_text=True)
    assert error_text(page, sink.name("drop")) == "Please choose one of the options offered."
    assert error_text(page, sink.name("scale")) == "Please choose one of the options offered."
    assert re.search(rf'value="{sink.oid("single", "a")}" checked', page)
