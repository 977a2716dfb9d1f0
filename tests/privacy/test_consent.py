"""The versioned consent text: shown on the forms, recorded with every contribution."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.extensions import db
from app.goals.models import Goal
from app.privacy.models import ConsentVersion
from app.ratings.models import Rating
from app.surveys.models import Response
from tests.conftest import login_as, submit
from tests.factories import make_process, make_response, make_survey, make_user
from tests.privacy.conftest import GOAL, comments, post_comment, rate

CONSENT = "/en/staff/site/consent"


def _versions() -> dict[int, int]:
    """version number → id"""
    rows = db.session.execute(sa.select(ConsentVersion.number, ConsentVersion.id)).all()
    return dict(rows)


def test_forms_show_the_default_consent_until_one_is_published(
    client: FlaskClient, goal: Goal
) -> None:
    login_as(client, make_user())
    page = client.get(GOAL).get_data(as_text=True)
    assert page.count("evaluated by the administration") == 2  # comment and rating form
    german = client.get("/de/p/hf12/goals/1").get_data(as_text=True)
    assert "von der Verwaltung ausgewertet" in german


def test_first_contribution_records_the_default_text_as_version_one(
    client: FlaskClient, goal: Goal
) -> None:
    login_as(client, make_user())
    post_comment(client)
    rate(client)
    versions = _versions()
    assert list(versions) == [1]
    assert comments()[0].consent_version_id == versions[1]
    ratings = db.session.scalars(sa.select(Rating.consent_version_id)).all()
    assert ratings and set(ratings) == {versions[1]}


def test_admin_publishes_a_new_version_and_old_contributions_keep_theirs(
    app: Flask, client: FlaskClient, goal: Goal
) -> None:
    citizen = make_user()
    login_as(client, citizen)
    post_comment(client, "Vor der neuen Fassung.")
    login_as(client, make_user("admin@example.org", is_admin=True))
    assert "evaluated by the administration" in client.get(CONSENT).get_data(as_text=True)
    response = submit(client, CONSENT, {"text-de": "Neue Einwilligung.", "text-en": "New consent."})
    assert response.status_code == 302
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "consent.publish")
    ).one()
    assert event.after["number"] == 2 and event.after["text"]["en"] == "New consent."

    login_as(client, citizen)
    assert "New consent." in client.get(GOAL).get_data(as_text=True)
    post_comment(client, "Nach der neuen Fassung.")
    versions = _versions()
    first, second = comments()
    assert first.consent_version_id == versions[1]
    assert second.consent_version_id == versions[2]


def test_an_empty_consent_text_is_refused_next_to_the_field(client: FlaskClient) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    data = {f"text-{lang}": " " for lang in ("de", "en", "ar", "tr", "uk", "ru")}
    response = submit(client, CONSENT, data)
    assert response.status_code == 200
    assert "Please enter the consent text." in response.get_data(as_text=True)
    assert _versions() == {}


def test_staff_may_not_publish_a_consent_text(client: FlaskClient) -> None:
    login_as(client, make_user("staff@example.org", process=make_process(), role=Role.STAFF))
    assert client.get(CONSENT).status_code == 403


def test_a_submitted_survey_response_records_the_version(app: Flask, client: FlaskClient) -> None:
    survey = make_survey()
    page = client.get(f"/en/surveys/{survey.slug}/")
    assert page.status_code == 200
    online = make_response(survey)
    paper = make_response(survey, paper=True)
    db.session.expire_all()
    version = _versions()[1]
    assert db.session.get(Response, online.id).consent_version_id == version  # type: ignore[union-attr]
    assert db.session.get(Response, paper.id).consent_version_id is None  # type: ignore[union-attr]


def test_the_survey_review_page_shows_the_consent_above_the_submit_button(
    client: FlaskClient,
) -> None:
    survey = make_survey()
    intro = f"/en/surveys/{survey.slug}/"
    started = submit(client, f"/en/surveys/{survey.slug}/start", {}, form_url=intro)
    assert started.status_code == 302
    review = client.get(f"/en/surveys/{survey.slug}/review").get_data(as_text=True)
    assert review.index("evaluated by the administration") < review.index("Submit my answers")
