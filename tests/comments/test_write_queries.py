"""Posting a comment: a bounded number of queries, and a retried form stores one."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.extensions import db
from app.privacy.consent import version_for_contribution
from app.processes.models import ParticipationMode
from app.results.services import PROCESS_SCOPE, mark_dirty
from tests.conftest import counting_queries, csrf_token
from tests.factories import make_goal, make_process

GOAL = "/en/p/hf12/goals/1.1"
KEY = uuid.uuid4().hex  # an idempotency key as the form issues it


def _form(token: str, key: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "body": "Bitte mehr Radwege.",
        "kind": "suggestion",
        "stakeholder_group": "citizen",
        "pseudonym": "Radlerin",
        "idempotency_key": key,
    }


def test_an_anonymous_comment_is_stored_in_few_queries(app: Flask, client: FlaskClient) -> None:
    process = make_process(participation_mode=ParticipationMode.ANONYMOUS)
    make_goal(process, "1.1", "Mehr Radwege")
    mark_dirty(PROCESS_SCOPE, process.id)  # a recount is pending, as under load: none queued
    version_for_contribution()  # the consent text in force exists, as in production
    db.session.commit()
    token = csrf_token(client, GOAL)
    with counting_queries() as statements:
        response = client.post(GOAL, data=_form(token, KEY))
    assert response.status_code == 302
    assert "#comment-" in response.headers["Location"]
    # process with phases and goal, key used?, participant, INSERT … RETURNING (reads
    # the consent version), aggregate
    assert len(statements) <= 5, "\n".join(s[:90] for s in statements)
    again = client.post(GOAL, data=_form(token, KEY))  # the same form sent twice
    assert again.headers["Location"] == response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1
