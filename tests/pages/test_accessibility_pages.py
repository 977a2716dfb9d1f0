"""Easy Language, sign language and the accessibility statement with its feedback path."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.db import utcnow
from app.extensions import db
from app.pages.models import AccessibilityFeedback
from tests.conftest import login_as, submit
from tests.factories import make_process, make_user


def test_every_page_links_the_accessibility_pages(client: FlaskClient) -> None:
    page = client.get("/en/").get_data(as_text=True)
    for path in ("/en/leichte-sprache", "/en/gebaerdensprache", "/en/barrierefreiheit"):
        assert f'href="{path}"' in page


def test_start_page_explanation_in_easy_language(client: FlaskClient) -> None:
    page = client.get("/de/leichte-sprache").get_data(as_text=True)
    assert "Hier können Sie bei Ihrer Stadt mit-reden." in page


def test_sign_language_page_says_when_no_video_is_there(client: FlaskClient) -> None:
    page = client.get("/en/gebaerdensprache").get_data(as_text=True)
    assert "has not been added yet" in page
    assert "<video" not in page


def test_admin_edits_statement_and_sets_sign_language_video(
    app: Flask, client: FlaskClient
) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    response = submit(
        client,
        "/en/staff/site/pages/accessibility",
        {"body-de": "Neue Erklärung.", "body-en": "New statement."},
    )
    assert response.status_code == 302
    assert "New statement." in client.get("/en/barrierefreiheit").get_data(as_text=True)
    submit(
        client,
        "/en/staff/site/pages/sign_language",
        {"body-de": "Video", "body-en": "Video", "video_url": "https://video.example/dgs.mp4"},
    )
    assert 'src="https://video.example/dgs.mp4"' in client.get("/en/gebaerdensprache").get_data(
        as_text=True
    )


def test_bad_video_address_is_refused_and_kept(app: Flask, client: FlaskClient) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    response = submit(
        client, "/en/staff/site/pages/sign_language", {"body-de": "x", "video_url": "not a url"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a full web address." in page and 'value="not a url"' in page


def test_the_edit_link_asks_the_policy(app: Flask, client: FlaskClient) -> None:
    pages = {
        "/en/leichte-sprache": "easy_language",
        "/en/gebaerdensprache": "sign_language",
        "/en/barrierefreiheit": "accessibility",
    }
    admin = make_user("admin@example.org", is_admin=True)
    login_as(client, admin)
    for path, key in pages.items():
        assert f'href="/en/staff/site/pages/{key}"' in client.get(path).get_data(as_text=True)
    admin.blocked_at = utcnow()  # a blocked admin may not edit (policy.is_admin says no)
    db.session.commit()
    for path, key in pages.items():
        assert f"/en/staff/site/pages/{key}" not in client.get(path).get_data(as_text=True)
    assert client.get("/en/staff/site/pages/accessibility").status_code == 403


def test_only_admins_edit_pages(app: Flask, client: FlaskClient) -> None:
    process = make_process()
    login_as(client, make_user("staff@example.org", process=process, role=Role.STAFF))
    assert client.get("/en/staff/site/pages/accessibility").status_code == 403
    assert client.get("/en/staff/site/pages/nope").status_code == 403  # asked before the key
    login_as(client, make_user("admin@example.org", is_admin=True))
    assert client.get("/en/staff/site/pages/nope").status_code == 404


def test_feedback_reaches_staff_with_a_due_date_one_month_later(
    app: Flask, client: FlaskClient
) -> None:
    response = submit(
        client,
        "/en/barrierefreiheit",
        {"message": "The map cannot be used with a keyboard.", "page_url": "/de/p/x/"},
    )
    assert response.status_code == 302
    feedback = db.session.scalars(sa.select(AccessibilityFeedback)).one()
    assert feedback.due_on == date.today() + relativedelta(months=1)
    process = make_process()
    login_as(client, make_user("staff@example.org", process=process, role=Role.STAFF))
    listing = client.get("/en/staff/site/feedback").get_data(as_text=True)
    assert "The map cannot be used with a keyboard." in listing
    submit(
        client,
        f"/en/staff/site/feedback/{feedback.id}/resolve",
        {"note": "Fixed."},
        form_url="/en/staff/site/feedback",
    )
    db.session.refresh(feedback)
    assert feedback.resolved_at is not None and feedback.resolution_note == "Fixed."


def test_empty_feedback_is_refused_with_a_message(client: FlaskClient) -> None:
    response = submit(client, "/en/barrierefreiheit", {"message": "", "contact": "me@example.org"})
    page = response.get_data(as_text=True)
    assert "Please describe the barrier." in page and 'value="me@example.org"' in page


def test_citizens_cannot_see_the_feedback_list(app: Flask, client: FlaskClient) -> None:
    login_as(client, make_user())
    assert client.get("/en/staff/site/feedback").status_code == 403
