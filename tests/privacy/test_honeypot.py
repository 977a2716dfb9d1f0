"""A honeypot on the public forms: a filled-in one gets the answer of success, and
nothing is written and no mail is sent."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.comments.models import Comment
from app.extensions import db
from app.participation.models import Participant
from app.processes.models import ParticipationMode
from app.surveys.models import Response
from tests.conftest import submit
from tests.factories import make_goal, make_process, make_survey
from tests.privacy.conftest import GOAL, post_comment

BOT = {"website": "http://spam.example"}


def _count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_every_public_form_has_the_hidden_honeypot(client: FlaskClient) -> None:
    make_goal(make_process(participation_mode=ParticipationMode.GUEST), "1", "Ziel")
    survey = make_survey()
    for url in (GOAL, "/en/account/register", f"/en/surveys/{survey.slug}/", "/en/my-data/guest"):
        page = client.get(url).get_data(as_text=True)
        assert '<div class="hp-field">' in page and 'name="website"' in page, url
        assert 'tabindex="-1"' in page


def test_a_bot_comment_is_answered_as_published_and_not_stored(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    make_goal(make_process(participation_mode=ParticipationMode.GUEST), "1", "Ziel")
    response = post_comment(client, "Spam", pseudonym="Bot", email="bot@example.org", **BOT)
    assert response.status_code == 302
    assert "Your comment is published." in client.get(response.location).get_data(as_text=True)
    assert _count(Comment) == 0 and _count(Participant) == 0 and outbox == []
    post_comment(client, "Echt", pseudonym="Mensch", email="mensch@example.org")
    assert _count(Comment) == 1  # the same form without the honeypot is stored


def test_a_bot_registration_is_answered_as_done_and_not_stored(
    client: FlaskClient, outbox: list[Any]
) -> None:
    data = {
        "email": "bot@example.org",
        "display_name": "Bot",
        "password": "long enough password",
        "password_confirm": "long enough password",
    }
    response = submit(client, "/en/account/register", data | BOT)
    assert response.status_code == 302 and response.location.endswith("/en/account/check-mail")
    assert _count(User) == 0 and outbox == []
    submit(client, "/en/account/register", data)
    assert _count(User) == 1


def test_a_bot_does_not_start_a_survey_response(client: FlaskClient) -> None:
    survey = make_survey()
    intro = f"/en/surveys/{survey.slug}/"
    response = submit(client, f"/en/surveys/{survey.slug}/start", BOT, form_url=intro)
    assert response.status_code == 302 and response.location.endswith(intro)
    assert _count(Response) == 0
    submit(client, f"/en/surveys/{survey.slug}/start", {}, form_url=intro)
    assert _count(Response) == 1


def test_a_bot_asking_for_a_guest_link_gets_no_mail(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    make_goal(make_process(participation_mode=ParticipationMode.GUEST), "1", "Ziel")
    guest = app.test_client()
    post_comment(guest, "Gast", pseudonym="Gastine", email="gast@example.org")
    confirm = outbox[-1].body.split("/en/participate/confirm/")[1].split()[0]
    guest.get(f"/en/participate/confirm/{confirm}")
    outbox.clear()
    response = submit(client, "/en/my-data/guest", {"email": "gast@example.org"} | BOT)
    assert response.status_code == 302 and outbox == []
    submit(client, "/en/my-data/guest", {"email": "gast@example.org"})
    assert len(outbox) == 1
