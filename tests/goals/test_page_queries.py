"""The goal page runs a bounded number of SQL queries, whoever looks and however many
comments, replies, sub-goals and levels above it there are."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.comments import reactions
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from tests.conftest import counting_queries, login_as
from tests.factories import (
    make_comment,
    make_goal,
    make_participant,
    make_process,
    make_ratings,
    make_user,
)

# Anonymous: process, phases, the process's goals (the goal, its trail, sub-goals),
# revisions, rating questions, the stored counts, top-level comments, replies,
# official replies, surveys.
ANONYMOUS_QUERIES = 10
# Signed in: also the user, their roles, their participant, their votes and ratings,
# the stakeholder groups an admin confirmed them for (the comment form offers them)
# and the consent text in force (shown under both forms, read once).
SIGNED_IN_QUERIES = 17
PAGE = "/en/p/hf12/goals/1.1.1"


def _tree(process: Process) -> Goal:
    """Goal 1.1.1 under 1.1 under 1, with two sub-goals."""
    top = make_goal(process, "1", "Oben")
    middle = make_goal(process, "1.1", "Mitte", parent=top)
    goal = make_goal(process, "1.1.1", "Ziel", parent=middle)
    make_goal(process, "1.1.1.1", "Unterziel A", parent=goal)
    make_goal(process, "1.1.1.2", "Unterziel B", parent=goal)
    return goal


def _comments(goal: Goal, threads: int) -> None:
    """``threads`` comments with 0-2 replies and 0-2 votes each."""
    for number in range(threads):
        make_comment(goal, f"Kommentar {number}", replies=number % 3, votes=(1, -1)[: number % 3])


def _queries(client: FlaskClient) -> list[str]:
    # The test shares the app's session: forget what it holds, as a new request would.
    db.session.expire_all()
    with counting_queries() as statements:
        response = client.get(PAGE)
    assert response.status_code == 200
    # SQLite's test engine sends its BEGIN as a statement; PostgreSQL's driver does not.
    return [s for s in statements if s.strip().upper() != "BEGIN"]


@pytest.fixture
def goal(app: Flask) -> Goal:
    process = make_process()
    goal = _tree(process)
    make_ratings(goal)
    return goal


def _signed_in_author(client: FlaskClient, goal: Goal) -> User:
    """A signed-in user who commented, voted and rated on the goal."""
    user = make_user("anna@example.org", "Anna")
    login_as(client, user)
    participant = make_participant("Anna", user=user)
    own = make_comment(goal, "Mein Kommentar", author=participant)
    make_comment(goal, "Antwort an mich", parent=own)
    other = make_comment(goal, "Ein anderer Kommentar")
    reactions.vote(other, participant, 1)
    make_ratings(goal, author=participant)
    return user


def test_anonymous_goal_page_queries_are_bounded(goal: Goal, client: FlaskClient) -> None:
    _comments(goal, 3)
    few = _queries(client)
    _comments(goal, 30)
    many = _queries(client)
    assert len(few) == len(many) <= ANONYMOUS_QUERIES, "\n".join(many)


def test_signed_in_goal_page_queries_are_bounded(goal: Goal, client: FlaskClient) -> None:
    _signed_in_author(client, goal)
    _comments(goal, 3)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Mein Kommentar" in page and 'aria-pressed="true"' in page  # really signed in
    few = _queries(client)
    _comments(goal, 30)
    many = _queries(client)
    assert len(few) == len(many) <= SIGNED_IN_QUERIES, "\n".join(many)


def test_goal_trail_and_sub_goals_come_from_one_query(goal: Goal, client: FlaskClient) -> None:
    page = client.get(PAGE).get_data(as_text=True)
    assert page.index("Oben") < page.index("Mitte") < page.index("Unterziel A")  # root first
    assert page.index("Unterziel A") < page.index("Unterziel B")
    goal_queries = [s for s in _queries(client) if s.lstrip().startswith("SELECT goal.id")]
    assert len(goal_queries) == 1  # the process's goals: the goal, its trail, its sub-goals


def test_an_unknown_goal_code_is_not_found(goal: Goal, client: FlaskClient) -> None:
    assert client.get("/en/p/hf12/goals/9.9").status_code == 404
