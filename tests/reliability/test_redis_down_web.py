"""Redis down must not mean 500s: every contribution still works, nothing is lost.

The app is configured with a Redis URL on a port where nothing listens (connection
refused): the rate limiter falls back to memory, tasks that cannot be queued are kept
in the task outbox (mails) or left to the dirty-aggregate sweep (counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, request_started
from flask.testing import FlaskClient

from app import create_app
from app.comments.models import Comment, CommentVote, Report
from app.config import _celery_settings
from app.extensions import db
from app.ops.models import OutboxTask
from app.processes.models import ParticipationMode
from app.ratings.models import Rating
from app.surveys.cli import generate_codes
from app.surveys.models import AccessMode, Response, ResponseState
from tests.conftest import _fresh_request_globals, csrf_token, submit
from tests.factories import PASSWORD, make_goal, make_process, make_user
from tests.reliability.conftest import free_port
from tests.surveys.conftest import (
    kitchen_sink,
    page_one_data,
    page_three_data,
    page_two_data,
    post_page,
    url,
)

GOAL = "/en/p/hf12/goals/1.1"

pytestmark = pytest.mark.usefixtures("memory_limiter_afterwards")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    return app_config | {
        "REDIS_URL": dead_redis,
        "CELERY": _celery_settings(dead_redis),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": dead_redis,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """Like conftest's, without resetting the limiter's storage (it does not answer)."""
    application = create_app(app_config)
    request_started.connect(_fresh_request_globals, application)
    application.extensions["celery"].set_current()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def _count(model: type) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_accounts_work_and_their_mails_wait_in_the_outbox(app: Flask, client: FlaskClient) -> None:
    assert app.extensions["celery"].conf.task_always_eager is not True
    registration = {
        "email": "neu@example.org",
        "display_name": "Neu",
        "password": "a long password 123",
        "password_confirm": "a long password 123",
    }
    assert submit(client, "/en/account/register", registration).status_code == 302
    make_user("anna@example.org")
    signed_in = submit(
        client, "/en/account/login", {"email": "anna@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    reset = submit(client, "/en/account/forgot-password", {"email": "anna@example.org"})
    assert reset.status_code == 302
    waiting = db.session.scalars(sa.select(OutboxTask)).all()
    assert [row.task for row in waiting] == ["app.mail.send_mail_task"] * 2
    assert {row.args[0] for row in waiting} == {"neu@example.org", "anna@example.org"}
    assert all(row.published_at is None for row in waiting)


def test_contributions_work(app: Flask, client: FlaskClient) -> None:
    process = make_process(participation_mode=ParticipationMode.ANONYMOUS)
    make_goal(process, "1.1")
    comment = {"body": "Mehr Bänke", "kind": "suggestion", "stakeholder_group": "citizen"}
    assert submit(client, GOAL, comment | {"pseudonym": "Anna"}).status_code == 302
    other = app.test_client()
    assert (
        submit(other, GOAL, comment | {"pseudonym": "Bernd", "body": "Und Bäume"}).status_code
        == 302
    )
    first = db.session.scalars(sa.select(Comment).order_by(Comment.id)).first()
    assert first is not None
    vote = other.post(
        f"{GOAL}/comments/{first.id}/vote",
        data={"csrf_token": csrf_token(other, GOAL), "value": "up"},
    )
    assert vote.status_code == 302
    assert (
        submit(other, f"{GOAL}/comments/{first.id}/report", {"reason": "spam"}).status_code == 302
    )
    rating = {
        "q_direction": "4",
        "q_importance": "5",
        "q_ambition": "1",
        "rating_pseudonym": "Anna",
    }
    assert submit(client, f"{GOAL}/rate", rating, form_url=GOAL).status_code == 302
    assert (_count(Comment), _count(CommentVote), _count(Report), _count(Rating)) == (2, 1, 1, 3)


def test_code_entry_and_survey_submission_work(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    code = generate_codes(sink.survey, 1, "")[0]
    db.session.commit()
    intro = client.get(url(sink)).get_data(as_text=True)
    assert "code" in intro
    started = client.post(
        url(sink, "start"),
        data={"csrf_token": csrf_token(client, url(sink, "resume")), "code": code, "key": "k" * 32},
    )
    assert started.status_code == 302
    for number, data in enumerate(
        (page_one_data(sink), page_two_data(sink), page_three_data(sink)), 1
    ):
        assert post_page(client, sink, number, data).status_code == 302
    token = csrf_token(client, url(sink, "review"))
    assert client.post(url(sink, "submit"), data={"csrf_token": token}).status_code == 302
    states = db.session.scalars(sa.select(Response.state)).all()
    assert states == [ResponseState.SUBMITTED]


def test_limits_still_hold_in_memory(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/en/account/login")
    data = {"csrf_token": token, "password": "wrong"}
    codes = [
        client.post("/en/account/login", data=data | {"email": f"x{n}@example.org"}).status_code
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]
