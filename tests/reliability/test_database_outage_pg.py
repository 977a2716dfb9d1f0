"""PostgreSQL unavailable: a 503 page in the visitor's language, no partial writes,
and recovery without a restart.

The app reaches the test database through a TCP proxy the test starts; cutting the
proxy drops every connection and refuses new ones, as a database restart or a
network failure would. The shared PostgreSQL server is never touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.extensions import db
from app.participation.models import Participant
from app.processes.models import ParticipationMode
from tests.conftest import DB_KIND, csrf_token
from tests.factories import make_goal, make_process
from tests.reliability.services import TcpProxy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="runs in the PostgreSQL pass"),
]

GOAL = "/de/p/hf12/goals/1.1"
COMMENT = {
    "body": "Mehr Bänke am Fluss",
    "kind": "suggestion",
    "stakeholder_group": "citizen",
    "pseudonym": "Anna",
    "idempotency_key": "0123456789abcdef0123456789abcdef",
}


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    url = sa.engine.make_url(database_url)
    tcp = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield tcp
    tcp.cut()


@pytest.fixture
def app_config(app_config: dict[str, Any], proxy: TcpProxy) -> dict[str, Any]:
    url = sa.engine.make_url(app_config["SQLALCHEMY_DATABASE_URI"]).set(port=proxy.port)
    return app_config | {"SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)}


@pytest.fixture
def direct(database_url: str) -> Iterator[sa.Connection]:
    """A connection around the proxy, to see what really is in the database."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _count(connection: sa.Connection, model: type) -> int:
    connection.rollback()
    return int(connection.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@pytest.fixture
def goal_page(app: Flask) -> str:
    make_goal(make_process(participation_mode=ParticipationMode.ANONYMOUS), "1.1")
    return GOAL


def test_pages_answer_503_in_the_language_and_recover_by_themselves(
    app: Flask, client: FlaskClient, proxy: TcpProxy, goal_page: str
) -> None:
    assert client.get(goal_page).status_code == 200
    proxy.cut()

    for path, lang, heading in [
        ("/de/p/hf12/", "de", "Vorübergehend nicht erreichbar"),
        ("/ar/p/hf12/", "ar", "غير متاح مؤقتًا"),
        ("/en/surveys/", "en", "Temporarily unavailable"),
    ]:
        response = client.get(path)
        assert response.status_code == 503, path
        page = response.get_data(as_text=True)
        assert heading in page and f'<html lang="{lang}"' in page

    proxy.restore()
    assert client.get(goal_page).status_code == 200  # same app: the pool replaced its connections
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["database"] == "ok"


def test_a_submission_cut_off_mid_transaction_leaves_nothing_behind(
    app: Flask, client: FlaskClient, proxy: TcpProxy, goal_page: str, direct: sa.Connection
) -> None:
    token = csrf_token(client, goal_page)
    participants = _count(direct, Participant)

    def cut_after_the_comment_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO comment "):
            proxy.cut()  # the row is written, the transaction not yet committed

    sa.event.listen(db.engine, "after_cursor_execute", cut_after_the_comment_insert)
    try:
        response = client.post(goal_page, data={"csrf_token": token} | COMMENT)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", cut_after_the_comment_insert)
    assert response.status_code == 503
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)
    # Neither the comment nor the participant created for it in the same transaction.
    assert _count(direct, Comment) == 0
    assert _count(direct, Participant) == participants

    proxy.restore()
    again = client.post(goal_page, data={"csrf_token": token} | COMMENT)  # sent again
    assert again.status_code == 302
    assert _count(direct, Comment) == 1
    assert _count(direct, Participant) == participants + 1
