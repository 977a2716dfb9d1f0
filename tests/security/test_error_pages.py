"""Error pages: in the visitor's language, friendly, and without internals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import MAX_CONTENT_LENGTH
from tests.conftest import BASE_CONFIG, csrf_token

TOO_LARGE = {"body": "x" * (MAX_CONTENT_LENGTH + 1)}


@pytest.mark.parametrize(
    ("lang", "heading", "size"),
    [
        ("de", "Zu viele Daten", "2 MB"),
        ("en", "Too much data", "2 MB"),
        ("ar", "بيانات كثيرة جدًا", "2 ميغابايت"),
    ],
)
def test_too_large_a_request_gets_a_friendly_413_in_the_language(
    client: FlaskClient, lang: str, heading: str, size: str
) -> None:
    url = f"/{lang}/account/login"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)} | TOO_LARGE)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert heading in page and size in page
    assert f'<html lang="{lang}"' in page


def _broken_database(tmp_path: Path) -> dict[str, Any]:
    return BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"}


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/de/", "de", "Vorübergehend nicht erreichbar"),
        ("/tr/p/hf12/", "tr", "Geçici olarak kullanılamıyor"),  # noqa: RUF001
        ("/uk/surveys/", "uk", "Тимчасово недоступно"),
    ],
)
def test_an_unreachable_database_gets_a_503_page_in_the_language(
    tmp_path: Path, path: str, lang: str, heading: str
) -> None:
    client = create_app(_broken_database(tmp_path)).test_client()
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert heading in page and f'<html lang="{lang}"' in page


def test_without_a_language_in_the_url_the_503_page_follows_the_browser(tmp_path: Path) -> None:
    """A signed-in visitor's language would need the database: the browser's is used."""
    client = create_app(_broken_database(tmp_path)).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
    response = client.get("/", headers={"Accept-Language": "ru"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Временно недоступно" in page and '<html lang="ru"' in page


def test_a_form_sent_while_the_database_is_unreachable_gets_the_503_page(tmp_path: Path) -> None:
    client = create_app(_broken_database(tmp_path)).test_client()
    url = "/de/account/login"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "email": "a@b.de", "password": "x"}
    )
    assert response.status_code == 503
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)


def test_production_error_pages_show_no_stack_trace(
    monkeypatch: pytest.MonkeyPatch, app_config: dict[str, Any]
) -> None:
    monkeypatch.setenv("MITWIRKEN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    production = create_app()
    assert production.config["MITWIRKEN_ENV"] == "production" and not production.debug

    def explode() -> str:
        raise RuntimeError("internal detail: /srv/app/secret.py line 7")

    production.add_url_rule("/<lang_code>/explode", "explode", explode)
    response = production.test_client().get("/de/explode")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Ein unerwarteter Fehler ist aufgetreten" in page
    assert "Traceback" not in page and "internal detail" not in page and "RuntimeError" not in page


def test_unknown_pages_answer_404_in_the_language_of_the_url(app: Flask) -> None:
    response = app.test_client().get("/tr/bu-sayfa-yok")
    assert response.status_code == 404
    assert '<html lang="tr"' in response.get_data(as_text=True)
