"""Paper entry: all questions on one page, the online validation, one response per key."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.extensions import db
from app.surveys.models import Answer, ResponseChannel, ResponseState
from tests.conftest import login_as
from tests.factories import make_process, make_user
from tests.surveys.conftest import (
    Sink,
    error_text,
    page_one_data,
    page_three_data,
    page_two_data,
    stored_responses,
)

BATCH = "Box 1"


def _entry_url(sink: Sink) -> str:
    return f"/en/staff/surveys/{sink.survey.id}/paper/entry?batch=Box+1"


def _form(client: FlaskClient, sink: Sink) -> tuple[str, dict[str, str]]:
    page = client.get(_entry_url(sink)).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return page, hidden


def _valid(sink: Sink) -> dict[str, Any]:
    return page_one_data(sink) | page_two_data(sink) | page_three_data(sink)


def test_the_start_page_asks_for_a_batch_and_leads_to_the_entry_form(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    start = f"/en/staff/surveys/{sink.survey.id}/paper"
    page = client.get(start).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    response = client.post(start, data={"csrf_token": token.group(1), "batch": BATCH})
    assert response.status_code == 302 and "batch=Box" in response.headers["Location"]


def test_all_questions_on_one_page_first_field_focused(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    page, hidden = _form(client, sink)
    positions = [page.index(f'name="{sink.name(key)}') for key in ("single", "matrix", "short")]
    assert positions == sorted(positions)
    assert " checked" not in page  # an empty questionnaire
    assert page.count("autofocus") == 1
    assert re.search(r'<input autofocus class="kern-form-check__radio"[^>]*name="q', page)
    assert "Save and next questionnaire" in page
    assert "Questionnaires entered in batch Box 1: 0" in page
    assert hidden["key"] and hidden["batch"] == BATCH


def test_a_valid_questionnaire_is_stored_as_paper_response(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    _page, hidden = _form(client, sink)
    response = client.post(_entry_url(sink), data=hidden | _valid(sink))
    assert response.status_code == 302
    [stored] = stored_responses()
    assert stored.channel == ResponseChannel.PAPER
    assert stored.state == ResponseState.SUBMITTED
    assert stored.batch_label == BATCH and stored.entered_by_id == staff.id
    cond = db.session.scalar(
        sa.select(Answer.value_text).where(Answer.question_id == sink.q["cond"].id)
    )
    assert cond == "because"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Questionnaires entered in batch Box 1: 1" in page
    assert "The questionnaire has been saved." in page


def test_invalid_answers_show_errors_and_keep_the_other_answers(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    _page, hidden = _form(client, sink)
    data = _valid(sink) | {
        sink.name("number"): "500",
        sink.name("multi"): [sink.oid("multi", v) for v in ("x", "y", "z")],
        sink.name("short"): "kept",
        sink.name("decimal"): "2,5",
    }
    del data[sink.name("single")]
    data[sink.name("cond")] = ""  # hidden now: "a" was not chosen, so no error about it
    response = client.post(_entry_url(sink), data=hidden | data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_text(page, sink.name("number")) == "Please enter a number from 0 to 120."
    assert error_text(page, sink.name("multi")) == "Please choose at most 2 options."
    assert error_text(page, sink.name("single")) == "Please answer this question."
    assert not error_text(page, sink.name("cond"))
    assert 'value="kept"' in page and 'value="2,5"' in page and 'value="500"' in page
    assert f'value="{hidden["key"]}"' in page  # the same key: a later save stores one
    assert stored_responses() == []


def test_a_condition_met_makes_the_question_required(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    _page, hidden = _form(client, sink)
    data = _valid(sink) | {sink.name("cond"): ""}
    page = client.post(_entry_url(sink), data=hidden | data).get_data(as_text=True)
    assert error_text(page, sink.name("cond")) == "Please answer this question."


def test_a_double_submit_stores_one_response(
    app: Flask, client: FlaskClient, sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    _page, hidden = _form(client, sink)
    first = client.post(_entry_url(sink), data=hidden | _valid(sink))
    second = client.post(_entry_url(sink), data=hidden | _valid(sink))
    assert first.status_code == second.status_code == 302
    assert len(stored_responses()) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "had already been saved" in page


def test_staff_of_another_process_may_not_enter(
    app: Flask, client: FlaskClient, sink: Sink
) -> None:
    other = make_user("o@example.org", "O", process=make_process("other"), role=Role.STAFF)
    login_as(client, other)
    assert client.get(_entry_url(sink)).status_code == 403
