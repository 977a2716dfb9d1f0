"""What the privacy tests share: a process with a goal, posting as a citizen."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal
from tests.conftest import submit
from tests.factories import make_goal, make_process

GOAL = "/en/p/hf12/goals/1"
RATE = f"{GOAL}/rate"
RATINGS = {"q_direction": "4", "q_importance": "5", "q_ambition": "1"}
GUEST_DATA_LINK = re.compile(r"/[a-z]{2}/my-data/guest/(\S+)")
CONFIRM_LINK = re.compile(r"/[a-z]{2}/participate/confirm/(\S+)")


@pytest.fixture
def goal(app: Any) -> Goal:
    return make_goal(make_process(), "1", "Mehr Radwege")


def post_comment(client: FlaskClient, body: str = "Bitte mehr Radwege.", **extra: Any) -> Any:
    data = {"body": body, "kind": "suggestion", "stakeholder_group": "citizen"} | extra
    return submit(client, GOAL, data)


def rate(client: FlaskClient) -> Any:
    return submit(client, RATE, RATINGS, form_url=GOAL)


def comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def link_path(mail: Any, pattern: re.Pattern[str]) -> str:
    found = pattern.search(mail.body)
    assert found, mail.body
    return found.group(0)
