"""The same vote form sent twice sets the vote once; the pressed button withdraws it.

The form carries the vote it showed (``shown``), so a double click (two identical
posts) cannot vote and withdraw again. Races of the two posts: test_duplicates_pg.py.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment, CommentStatus, CommentVote
from app.extensions import db
from app.participation.models import StakeholderGroup
from app.processes.models import ParticipationMode
from tests.conftest import csrf_token, login_as
from tests.factories import make_goal, make_process, make_user

GOAL = "/en/p/hf12/goals/1.1"


def _comment() -> int:
    goal = make_goal(make_process(participation_mode=ParticipationMode.ACCOUNT), "1.1")
    comment = Comment(
        goal_id=goal.id,
        author_name="Jemand",
        kind="suggestion",
        stakeholder_group=StakeholderGroup.CITIZEN,
        body="Text",
        status=CommentStatus.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    return comment.id


def _post(client: FlaskClient, comment_id: int, **form: Any) -> int:
    data = {"csrf_token": csrf_token(client, GOAL)} | form
    return int(client.post(f"{GOAL}/comments/{comment_id}/vote", data=data).status_code)


def _votes() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(CommentVote.value)))


def test_the_same_form_sent_twice_votes_once(app: Flask, client: FlaskClient) -> None:
    comment_id = _comment()
    login_as(client, make_user())
    assert _post(client, comment_id, value="up", shown="0") == 302
    assert _post(client, comment_id, value="up", shown="0") == 302  # the double click
    assert _votes() == [1]
    page = client.get(GOAL).get_data(as_text=True)
    assert 'name="shown" value="1"' in page


def test_the_pressed_button_withdraws_and_twice_stays_withdrawn(
    app: Flask, client: FlaskClient
) -> None:
    comment_id = _comment()
    login_as(client, make_user())
    _post(client, comment_id, value="down", shown="0")
    _post(client, comment_id, value="down", shown="-1")
    _post(client, comment_id, value="down", shown="-1")
    assert _votes() == []
    stored = db.session.get(Comment, comment_id)
    assert stored is not None and (stored.support_down, stored.score) == (0, 0)


def test_the_other_button_changes_the_vote(app: Flask, client: FlaskClient) -> None:
    comment_id = _comment()
    login_as(client, make_user())
    _post(client, comment_id, value="up", shown="0")
    _post(client, comment_id, value="down", shown="1")
    _post(client, comment_id, value="down", shown="1")
    assert _votes() == [-1]
