"""Public pages for first-time visitors come from a copy kept a few seconds per worker
(app.core.first_visit); everybody with state of their own gets a fresh page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.core import first_visit
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import ParticipationMode, Process
from tests.conftest import counting_queries, login_as
from tests.factories import make_comment, make_goal, make_process, make_user

GOAL = "/de/p/hf12/goals/1.1"
PROCESS = "/de/p/hf12/"
TOKEN_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
KEY_RE = re.compile(r'name="idempotency_key" type="hidden" value="([^"]*)"')


@pytest.fixture
def goal(app: Flask) -> Iterator[Goal]:
    process = make_process(participation_mode=ParticipationMode.ANONYMOUS)
    goal = make_goal(process, "1.1", "Mehr Radwege")
    make_comment(goal, "Schon da")
    app.config["FIRST_VISIT_CACHE_SECONDS"] = 60
    with app.app_context():
        first_visit.store().clear()
    yield goal
    app.config["FIRST_VISIT_CACHE_SECONDS"] = 0
    with app.app_context():
        first_visit.store().clear()


def _visit(app: Flask, url: str = GOAL) -> tuple[FlaskClient, str]:
    """A new browser opens ``url``."""
    client = app.test_client()
    response = client.get(url)
    assert response.status_code == 200
    return client, response.get_data(as_text=True)


def _tokens(page: str) -> set[str]:
    return {a or b for a, b in TOKEN_RE.findall(page)}


def _post_comment(client: FlaskClient, page: str, body: str) -> None:
    (token,) = _tokens(page)
    (key,) = KEY_RE.findall(page)
    data = {"csrf_token": token, "idempotency_key": key, "body": body, "pseudonym": "Radlerin"}
    response = client.post(GOAL, data=data | {"kind": "suggestion", "stakeholder_group": "citizen"})
    assert response.status_code == 302, response.get_data(as_text=True)


def _comment_bodies() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment.body).order_by(Comment.id)))


def test_a_second_first_time_visitor_is_answered_without_a_query(app: Flask, goal: Goal) -> None:
    _visit(app)
    with counting_queries() as statements:
        _client, page = _visit(app)
    assert [s for s in statements if s.strip().upper() != "BEGIN"] == []
    assert "Schon da" in page


def test_each_visitor_gets_their_own_csrf_token_and_idempotency_key(app: Flask, goal: Goal) -> None:
    _first, one = _visit(app)
    _second, two = _visit(app)
    assert _tokens(one).isdisjoint(_tokens(two))
    assert set(KEY_RE.findall(one)).isdisjoint(KEY_RE.findall(two))
    assert first_visit.CSRF_MARKER not in two and first_visit.KEY_MARKER not in two
    assert re.fullmatch(r"[0-9a-f]{32}", KEY_RE.findall(two)[0])
    # Apart from those, both saw the same page.
    assert TOKEN_RE.sub("", KEY_RE.sub("", one)) == TOKEN_RE.sub("", KEY_RE.sub("", two))


def test_two_visitors_posting_from_the_kept_page_store_two_comments(app: Flask, goal: Goal) -> None:
    first, one = _visit(app)
    second, two = _visit(app)
    _post_comment(first, one, "Erster Vorschlag")
    _post_comment(second, two, "Zweiter Vorschlag")
    assert _comment_bodies() == ["Schon da", "Erster Vorschlag", "Zweiter Vorschlag"]


def test_a_participant_sees_their_comment_at_once_newcomers_within_seconds(
    app: Flask, goal: Goal, monkeypatch: pytest.MonkeyPatch
) -> None:
    author, page = _visit(app)
    _post_comment(author, page, "Mein neuer Vorschlag")
    assert "Mein neuer Vorschlag" in author.get(GOAL).get_data(as_text=True)
    assert "Mein neuer Vorschlag" not in _visit(app)[1]  # the kept copy, seconds old
    later = first_visit.time.monotonic() + 61
    monkeypatch.setattr(first_visit.time, "monotonic", lambda: later)
    assert "Mein neuer Vorschlag" in _visit(app)[1]


def test_signed_in_users_get_a_fresh_page(app: Flask, goal: Goal) -> None:
    _visit(app)
    make_comment(goal, "Gerade eben")
    client = app.test_client()
    login_as(client, make_user("anna@example.org", "Anna"))
    assert "Gerade eben" in client.get(GOAL).get_data(as_text=True)


def test_pages_are_kept_per_language_and_sort_order(app: Flask, goal: Goal) -> None:
    _visit(app)
    make_comment(goal, "Gerade eben")
    assert "Gerade eben" in _visit(app, "/en/p/hf12/goals/1.1")[1]
    assert "Gerade eben" in _visit(app, GOAL + "?sort=oldest")[1]
    assert "Gerade eben" not in _visit(app, GOAL)[1]


def test_other_query_strings_are_never_kept(app: Flask, goal: Goal) -> None:
    _visit(app, GOAL + "?utm=x")
    make_comment(goal, "Gerade eben")
    assert "Gerade eben" in _visit(app, GOAL + "?utm=x")[1]
    assert len(first_visit.store()) == 0  # nothing was kept


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(app: Flask, goal: Goal) -> None:
    _visit(app, PROCESS)
    make_goal(db.session.get(Process, goal.process_id), "1.2", "Neues Ziel")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Gespeichert")]
    assert "Neues Ziel" in client.get(PROCESS).get_data(as_text=True)
    assert "Neues Ziel" not in _visit(app, PROCESS)[1]


def test_switched_off_every_request_renders(app: Flask, goal: Goal) -> None:
    app.config["FIRST_VISIT_CACHE_SECONDS"] = 0
    _visit(app)
    make_comment(goal, "Gerade eben")
    assert "Gerade eben" in _visit(app)[1]
