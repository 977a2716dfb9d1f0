"""Races the unique constraints must decide: parallel votes and parallel form posts.

Real concurrency needs real transactions, so these run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.comments import reactions, services
from app.comments.models import Comment, CommentStatus, CommentVote
from app.extensions import db
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from tests.conftest import DB_KIND, login_as
from tests.factories import make_goal, make_process, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(DB_KIND != "postgresql", reason="needs PostgreSQL"),
]

GOAL = "/en/p/hf12/goals/1.1"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The threads post without a form page; CSRF has its own test.
    return app_config | {"WTF_CSRF_ENABLED": False}


def _in_parallel(app: Flask, work: Callable[[], Any], count: int = 2) -> list[BaseException]:
    """Run ``work`` in ``count`` threads, each in its own app context and session."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                work()
        except BaseException as exc:  # reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def _meet_before(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, barrier: threading.Barrier
) -> None:
    """Both threads have done their checks before either reaches ``module.<name>``."""
    original = getattr(module, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        barrier.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)


def test_parallel_identical_votes_make_one_row(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    process = make_process()
    goal = make_goal(process, "1.1")
    voter = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="Doppelklick")
    db.session.add(voter)
    db.session.flush()
    comment = Comment(
        goal_id=goal.id,
        author_name="Autorin",
        kind="suggestion",
        stakeholder_group=StakeholderGroup.CITIZEN,
        body="Text",
        status=CommentStatus.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    comment_id, voter_id = comment.id, voter.id
    _meet_before(monkeypatch, reactions, "_add_vote", threading.Barrier(2))

    def vote() -> None:
        found = db.session.get(Comment, comment_id)
        participant = db.session.get(Participant, voter_id)
        assert found is not None and participant is not None
        reactions.vote(found, participant, 1)
        db.session.commit()

    assert _in_parallel(app, vote) == []
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommentVote)) == 1
    refreshed = db.session.get(Comment, comment_id)
    assert refreshed is not None
    assert (refreshed.score, refreshed.support_up) == (1, 1)


def test_parallel_posts_with_the_same_key_make_one_comment(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    goal = make_goal(make_process(), "1.1")
    account = make_user()
    # The participant exists from an earlier contribution: only the comment races.
    db.session.add(
        Participant(
            kind=ParticipantKind.ACCOUNT,
            user_id=account.id,
            pseudonym=account.display_name,
            confirmed_at=account.verified_at,
        )
    )
    db.session.commit()
    user = SimpleNamespace(id=account.id)  # no ORM object across threads
    key = "00112233445566778899aabbccddeeff"
    _meet_before(monkeypatch, services, "create_comment", threading.Barrier(2))
    locations: list[str] = []

    def post() -> None:
        client = app.test_client()
        login_as(client, user)
        response = client.post(
            GOAL,
            data={
                "body": "Nur einmal",
                "kind": "suggestion",
                "stakeholder_group": "citizen",
                "idempotency_key": key,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        locations.append(response.headers["Location"])

    assert _in_parallel(app, post) == []
    db.session.expire_all()
    comments = list(db.session.scalars(sa.select(Comment).where(Comment.goal_id == goal.id)))
    assert len(comments) == 1
    assert locations == [f"{GOAL}#comment-{comments[0].id}"] * 2
