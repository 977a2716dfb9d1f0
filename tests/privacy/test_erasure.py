"""'Konto löschen': confirmed with the password; contributions stay anonymous or go."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.comments import reactions
from app.comments.models import Comment, CommentStatus, CommentVote, Report, ReportReason
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant
from app.processes.models import Process
from app.ratings.models import Rating
from app.ratings.services import count_ratings
from app.results.services import compute_process_counts, process_counts
from app.surveys.models import AccessMode, Participation, Response
from tests.conftest import login_as, submit
from tests.factories import (
    PASSWORD,
    make_comment,
    make_participant,
    make_ratings,
    make_response,
    make_survey,
    make_user,
)

DELETE = "/en/account/delete"


def _citizen_with_contributions(goal: Goal) -> dict[str, Any]:
    anna = make_user("anna@example.org", "Anna")
    mine = make_participant("Anna", user=anna)
    other = make_comment(goal, "Von Bernd")
    comment = make_comment(goal, "Annas Kommentar", author=mine)
    reply = make_comment(goal, "Bernds Antwort", parent=comment)
    reactions.vote(other, mine, 1)
    process = db.session.get(Process, goal.process_id)
    assert process is not None
    reactions.report_comment(other, mine, ReportReason.SPAM, "", process)
    make_ratings(goal, {"direction": 5}, author=mine)
    survey = make_survey(access_mode=AccessMode.ACCOUNT)
    response = make_response(survey, {survey.questions[0]: "Antwort"}, user=anna)
    db.session.commit()
    return {
        "user_id": anna.id,
        "participant_id": mine.id,
        "other": other.id,
        "comment": comment.id,
        "reply": reply.id,
        "response": response.id,
        "survey": survey.id,
        "user": anna,
    }


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_a_wrong_password_deletes_nothing_and_says_so_next_to_the_field(
    client: FlaskClient, goal: Goal
) -> None:
    data = _citizen_with_contributions(goal)
    login_as(client, data["user"])
    response = submit(client, DELETE, {"password": "wrong password"})
    assert response.status_code == 200
    assert "The password is wrong." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, data["user_id"]) is not None
    assert _count(Rating) == 1


def test_deleting_keeps_comments_as_deleted_user_and_rebuilds_the_counts(
    app: Flask, client: FlaskClient, goal: Goal
) -> None:
    data = _citizen_with_contributions(goal)
    login_as(client, data["user"])
    assert client.get("/en/account/delete").status_code == 200

    response = submit(client, DELETE, {"password": PASSWORD})

    assert response.status_code == 302 and response.location.endswith("/en/")
    assert client.get("/en/account/my-data").status_code == 302  # signed out
    db.session.expire_all()
    assert db.session.get(User, data["user_id"]) is None
    assert db.session.get(Participant, data["participant_id"]) is None
    comment = db.session.get(Comment, data["comment"])
    assert comment is not None
    assert comment.author_name is None and comment.participant_id is None
    assert comment.body == "Annas Kommentar" and comment.status == CommentStatus.PUBLISHED
    # shown in the reader's language, not in the German it used to be stored in
    english = client.get("/en/p/hf12/goals/1").get_data(as_text=True)
    german = client.get("/de/p/hf12/goals/1").get_data(as_text=True)
    assert "<bdi>deleted user</bdi>" in english and "gelöschte:r Nutzer:in" not in english
    assert "<bdi>gelöschte:r Nutzer:in</bdi>" in german
    assert db.session.get(Comment, data["reply"]) is not None  # others' replies stay
    other = db.session.get(Comment, data["other"])
    assert other is not None and (other.support_up, other.score, other.report_count) == (0, 0, 0)
    assert _count(CommentVote) == 0 and _count(Report) == 0 and _count(Rating) == 0
    kept = db.session.get(Response, data["response"])
    assert kept is not None and kept.user_id is None  # the answers stay, linked to nobody
    assert _count(Participation) == 0
    # the aggregates were rebuilt without the ratings (tasks run at once without a broker)
    assert count_ratings(goal.process_id) == {}
    stored = process_counts(goal.process_id)
    assert stored is not None and stored.dirty_since is None
    fresh = compute_process_counts(goal.process_id)
    assert {k: v for k, v in stored.data.items() if k in fresh} == fresh
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "account.delete")
    ).one()
    assert event.object_id == data["user_id"] and event.actor_id is None
    assert event.after["comments_kept"] == 1 and event.after["ratings"] == 1
    assert "anna@example.org" not in str(event.after)


def test_deleting_with_contributions_removes_their_text_and_responses(
    app: Flask, client: FlaskClient, goal: Goal
) -> None:
    data = _citizen_with_contributions(goal)
    login_as(client, data["user"])
    submit(client, DELETE, {"password": PASSWORD, "remove_contributions": "y"})
    db.session.expire_all()
    comment = db.session.get(Comment, data["comment"])
    assert comment is not None and comment.status == CommentStatus.REMOVED
    assert comment.body == "" and comment.author_name is None
    assert "Annas Kommentar" not in client.get("/en/p/hf12/goals/1").get_data(as_text=True)
    assert db.session.get(Response, data["response"]) is None
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "account.delete")
    ).one()
    assert event.after["contributions_removed"] is True
    assert event.after["responses_deleted"] == 1


def test_an_admin_cannot_delete_their_own_account(client: FlaskClient) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    assert client.get(DELETE).status_code == 403
    page = client.get("/en/account/my-data").get_data(as_text=True)
    assert "deleted by another administrator" in page
