"""Offline input: staff enter letters, workshop notes and calls as comments on goals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.comments.models import Channel, Comment, CommentStatus
from app.extensions import db
from app.goals.services import get_goal_or_404
from app.participation.models import StakeholderGroup
from app.processes.models import ModerationMode, Process
from app.results.services import process_counts
from app.staff import offline_services
from app.staff.offline_forms import local_today
from tests.conftest import login_as, submit
from tests.factories import make_goal, make_process, make_user

NEW_URL = "/en/staff/p/hf12/offline/new"
LIST_URL = "/en/staff/p/hf12/offline/"


@pytest.fixture
def process(app: Flask) -> Process:
    process = make_process("hf12")
    make_goal(process, "1", "Digitale Verwaltung")
    make_goal(process, "2", "Bürgerservice")
    return process


@pytest.fixture
def staff(process: Process) -> User:
    return make_user("staff@example.org", "Frau Staff", process=process, role=Role.STAFF)


def page_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def letter(**overrides: str) -> dict[str, str]:
    data = {
        "goal": "2",
        "channel": "letter",
        "received_on": (local_today() - timedelta(days=3)).isoformat(),
        "author_name": "Teilnehmer:in Workshop Soziales",
        "stakeholder_group": "organisation",
        "kind": "criticism",
        "body": "Die Öffnungszeiten sollten länger sein.",
    }
    return data | overrides


def comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


@pytest.mark.parametrize(
    ("moderation", "status"),
    [(ModerationMode.POST, CommentStatus.PUBLISHED), (ModerationMode.PRE, CommentStatus.PENDING)],
)
def test_staff_enter_a_letter_for_a_goal(
    staff_client: FlaskClient,
    process: Process,
    staff: User,
    moderation: ModerationMode,
    status: CommentStatus,
) -> None:
    process.moderation_mode = moderation
    db.session.commit()
    page = page_of(staff_client.get(NEW_URL))
    assert '<option value="1">1 Digitale Verwaltung</option>' in page
    assert f'value="{local_today().isoformat()}"' in page  # today is pre-filled

    response = submit(staff_client, NEW_URL, letter())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(LIST_URL)
    [comment] = comments()
    assert comment.goal_id == get_goal_or_404(process.id, "2").id
    assert comment.channel == Channel.LETTER
    assert comment.author_name == "Teilnehmer:in Workshop Soziales"
    assert comment.received_on == local_today() - timedelta(days=3)
    assert comment.stakeholder_group == StakeholderGroup.ORGANISATION
    assert comment.kind == "criticism"
    assert comment.entered_by_id == staff.id
    assert comment.participant_id is None
    assert comment.status == status
    counts = process_counts(process.id)
    assert counts is not None and counts.dirty_since is None  # recount ran

    listing = page_of(staff_client.get(response.headers["Location"]))
    assert "The offline contribution has been saved." in listing
    assert "Teilnehmer:in Workshop Soziales" in listing and "Frau Staff" in listing
    assert "Letter" in listing


def test_a_workshop_note_and_save_and_enter_another(
    staff_client: FlaskClient, process: Process
) -> None:
    data = letter(goal="1", channel="workshop", stakeholder_group="citizen", next="another")
    response = submit(staff_client, NEW_URL, data)
    assert response.headers["Location"].endswith(f"{NEW_URL}?goal=1")
    assert '<option selected value="1">' in page_of(staff_client.get(response.headers["Location"]))
    assert [c.channel for c in comments()] == [Channel.WORKSHOP]


def test_the_same_form_submitted_twice_is_stored_once(
    staff_client: FlaskClient, process: Process
) -> None:
    data = letter(idempotency_key="k" * 32)
    submit(staff_client, NEW_URL, data)
    submit(staff_client, NEW_URL, data)
    assert len(comments()) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": "   "}, "body", "Please enter the text of the contribution."),
        ({"body": "x" * 4001}, "body", "at most 4000 characters"),
        (
            {"received_on": "tomorrow"},
            "received_on",
            "The date may not be in the future.",
        ),
        ({"received_on": "gestern"}, "received_on", "Please enter a date."),
        ({"goal": "9.9"}, "goal", "Not a valid choice"),
        ({"goal": ""}, "goal", "Please choose a goal."),
        ({"channel": "online"}, "channel", "Not a valid choice"),
        ({"author_name": ""}, "author_name", "Please enter an author label."),
        ({"kind": "nonsense"}, "kind", "Not a valid choice"),
    ],
)
def test_invalid_input_keeps_the_values_and_shows_errors(
    staff_client: FlaskClient,
    process: Process,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    if overrides.get("received_on") == "tomorrow":
        overrides = {"received_on": (local_today() + timedelta(days=1)).isoformat()}
    response = submit(staff_client, NEW_URL, letter(**overrides))
    page = page_of(response)
    assert response.status_code == 200
    assert f'id="{field}-error-1"' in page
    assert message in page
    if field != "author_name":
        assert 'value="Teilnehmer:in Workshop Soziales"' in page
    if field != "body":
        assert "Die Öffnungszeiten sollten länger sein." in page
    assert comments() == []


def test_list_is_paginated(staff_client: FlaskClient, process: Process, staff: User) -> None:
    goal = get_goal_or_404(process.id, "1")
    for index in range(27):
        offline_services.enter_offline_comment(
            process,
            offline_services.OfflineInput(
                goal=goal,
                channel=Channel.PHONE,
                received_on=local_today() - timedelta(days=index),
                author_name=f"Anruf {index}",
                stakeholder_group=StakeholderGroup.CITIZEN,
                kind="question",
                body="Frage",
            ),
            entered_by=staff,
            today=local_today(),
        )
    db.session.commit()
    first = page_of(staff_client.get(LIST_URL))
    assert "27 offline contributions" in first and "Page 1 of 2" in first
    assert "Anruf 0<" in first and "Anruf 26<" not in first
    second = page_of(staff_client.get(f"{LIST_URL}?page=2"))
    assert "Anruf 26<" in second and "Anruf 0<" not in second
    assert staff_client.get(f"{LIST_URL}?page=99").status_code == 200


def test_staff_process_page_links_to_offline_input(staff_client: FlaskClient) -> None:
    page = page_of(staff_client.get("/en/staff/p/hf12/"))
    assert NEW_URL in page and LIST_URL in page


def test_only_staff_of_the_process(client: FlaskClient, process: Process) -> None:
    other = make_process("other")
    login_as(client, make_user("o@example.org", "Other", process=other, role=Role.STAFF))
    assert client.get(NEW_URL).status_code == 403
    assert client.get(LIST_URL).status_code == 403
    assert submit(client, NEW_URL, letter(), form_url="/en/staff/").status_code == 403
    login_as(client, make_user())
    assert client.get(NEW_URL).status_code == 403
    assert comments() == []


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, process: Process) -> None:
    response = client.get(NEW_URL)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


class TestOfflineInputIsNotRateLimited:
    """Issue 13, item 12: accounts have contribution limits, staff typing in a pile of
    letters do not (the limiter is on in this class)."""

    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return app_config | {"RATELIMIT_ENABLED": True}

    def test_staff_enter_more_than_an_accounts_limit(
        self, client: FlaskClient, process: Process, staff: User
    ) -> None:
        login_as(client, staff)
        statuses = [
            submit(client, NEW_URL, letter(body=f"Brief {n}")).status_code for n in range(25)
        ]
        assert statuses == [302] * 25
        assert len(comments()) == 25
