"""The privacy notice (Datenschutzerklärung): linked everywhere, admin-editable."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from tests.conftest import login_as, submit
from tests.factories import make_process, make_user


@pytest.mark.parametrize("lang", ["de", "en", "ar", "tr", "uk", "ru"])
def test_every_page_links_the_privacy_notice_in_every_language(
    client: FlaskClient, lang: str
) -> None:
    page = client.get(f"/{lang}/").get_data(as_text=True)
    assert f'href="/{lang}/datenschutz"' in page
    assert client.get(f"/{lang}/datenschutz").status_code == 200


def test_privacy_notice_starts_with_the_default_text(client: FlaskClient) -> None:
    german = client.get("/de/datenschutz").get_data(as_text=True)
    assert "Datenschutzerklärung" in german and "Art. 9 Abs. 2 lit. a DSGVO" in german
    english = client.get("/en/datenschutz").get_data(as_text=True)
    assert "Privacy notice" in english and "Art. 9(2)(a) GDPR" in english
    for lang, word in {"ar": "المادة 9", "tr": "GVKT md. 9", "uk": "ст. 9", "ru": "ст. 9"}.items():
        page = client.get(f"/{lang}/datenschutz").get_data(as_text=True)
        assert word in page, lang


def test_admin_edits_the_privacy_notice(app: Flask, client: FlaskClient) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    page = client.get("/en/datenschutz").get_data(as_text=True)
    assert 'href="/en/staff/site/pages/privacy"' in page
    response = submit(
        client,
        "/en/staff/site/pages/privacy",
        {"body-de": "Verantwortlich: Stadt Musterhausen.", "body-en": "Controller: Musterhausen."},
    )
    assert response.status_code == 302 and response.location.endswith("/en/datenschutz")
    assert "Controller: Musterhausen." in client.get("/en/datenschutz").get_data(as_text=True)
    assert "Stadt Musterhausen" in client.get("/de/datenschutz").get_data(as_text=True)


def test_staff_may_not_edit_the_privacy_notice(app: Flask, client: FlaskClient) -> None:
    login_as(client, make_user("staff@example.org", process=make_process(), role=Role.STAFF))
    assert client.get("/en/staff/site/pages/privacy").status_code == 403
    assert "/staff/site/pages/privacy" not in client.get("/en/datenschutz").get_data(as_text=True)
