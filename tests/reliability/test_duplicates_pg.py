"""Double-clicks that reach the server at the same moment: exactly one of each stored.

Two requests from one browser are held at a barrier until both have done their checks,
then race for the database, so the unique constraints and conditional updates decide,
not the timing. Complements the service-level races in tests/test_comments_pg.py
(votes, a comment with a known participant), tests/test_ratings.py and the invitation
code races in tests/surveys/test_access.py and test_paper_codes.py: here the whole
request runs, including a signed-in user's very first contribution, which creates the
participant in the same race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment, CommentStatus, CommentVote
from app.extensions import db
from app.participation import services as participation
from app.participation.models import Participant, StakeholderGroup
from app.processes.models import ParticipationMode
from app.ratings.models import Rating
from app.surveys.answering import views as survey_views
from app.surveys.models import Answer, Response, ResponseState
from tests.conftest import DB_KIND, login_as
from tests.factories import make_goal, make_process, make_user
from tests.surveys.conftest import answer_all, kitchen_sink, url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="needs concurrent PostgreSQL sessions"),
]

GOAL = "/en/p/hf12/goals/1.1"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"WTF_CSRF_ENABLED": False}  # CSRF has its own tests


def _same_browser(client: FlaskClient) -> FlaskClient:
    """A second client with the first one's cookies: one browser, two tabs."""
    twin = client.application.test_client()
    twin._cookies = dict(client._cookies or {})  # type: ignore[attr-defined]
    return twin


def _hold_both_at(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """Both requests reach ``module.name`` before either goes on."""
    barrier = threading.Barrier(2)
    original = getattr(module, name)

    def meet_first(*args: Any, **kwargs: Any) -> Any:
        barrier.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, meet_first)


def _twice_at_once(clients: list[FlaskClient], send: Callable[[FlaskClient], Any]) -> list[int]:
    codes: list[int] = []
    errors: list[BaseException] = []

    def run(client: FlaskClient) -> None:
        try:
            with client.application.app_context():
                codes.append(send(client).status_code)
        except BaseException as exc:  # reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return codes


def _count(model: type, *where: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


# --- surveys ----------------------------------------------------------------------------


def test_a_double_clicked_start_makes_one_response(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = kitchen_sink()
    client.get(url(sink))  # the intro page sets the browser cookie
    _hold_both_at(monkeypatch, survey_views, "start_response")
    key = "f" * 32
    codes = _twice_at_once(
        [client, _same_browser(client)], lambda c: c.post(url(sink, "start"), data={"key": key})
    )
    assert codes == [302, 302]
    assert _count(Response) == 1


def test_a_double_submitted_survey_is_stored_once(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    answers = _count(Answer)
    _hold_both_at(monkeypatch, survey_views, "submit_response")
    codes = _twice_at_once([client, _same_browser(client)], lambda c: c.post(url(sink, "submit")))
    assert codes == [302, 302]
    assert _count(Response) == 1
    assert _count(Response, Response.state == ResponseState.SUBMITTED) == 1
    assert _count(Answer) == answers


# --- a signed-in user's first contribution, twice at once --------------------------------


@pytest.fixture
def signed_in(app: Flask, client: FlaskClient) -> list[FlaskClient]:
    user = make_user("doppelt@example.org", "Doppelt")
    login_as(client, user)
    return [client, _same_browser(client)]


def _goal() -> Any:
    return make_goal(make_process(participation_mode=ParticipationMode.ACCOUNT), "1.1")


def test_a_first_vote_sent_twice_at_once_is_stored_once(
    app: Flask, signed_in: list[FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    goal = _goal()
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
    comment_id = comment.id
    _hold_both_at(monkeypatch, participation, "_account_participant")
    codes = _twice_at_once(
        signed_in,
        lambda c: c.post(f"{GOAL}/comments/{comment_id}/vote", data={"value": "up", "shown": "0"}),
    )
    assert codes == [302, 302]
    assert _count(Participant) == 1
    assert _count(CommentVote) == 1
    stored = db.session.get(Comment, comment_id)
    assert stored is not None and (stored.support_up, stored.score) == (1, 1)


def test_a_first_rating_sent_twice_at_once_is_stored_once(
    app: Flask, signed_in: list[FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _goal()
    _hold_both_at(monkeypatch, participation, "_account_participant")
    answers = {"q_direction": "4", "q_importance": "5", "q_ambition": "1"}
    codes = _twice_at_once(signed_in, lambda c: c.post(f"{GOAL}/rate", data=answers))
    assert codes == [302, 302]
    assert _count(Participant) == 1
    assert _count(Rating) == 3


def test_a_first_comment_sent_twice_at_once_is_stored_once(
    app: Flask, signed_in: list[FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    _goal()
    _hold_both_at(monkeypatch, participation, "_account_participant")
    comment = {
        "body": "Nur einmal, bitte",
        "kind": "suggestion",
        "stakeholder_group": "citizen",
        "idempotency_key": "ab" * 16,
    }
    codes = _twice_at_once(signed_in, lambda c: c.post(GOAL, data=comment))
    assert codes == [302, 302]
    assert _count(Participant) == 1
    assert _count(Comment) == 1
