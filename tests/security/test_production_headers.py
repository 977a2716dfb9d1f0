"""Production mode: Secure cookies, HSTS over HTTPS, the security headers, and the
scheme seen behind a trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, request

from app import create_app


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, app_config: dict[str, Any]) -> Flask:
    monkeypatch.setenv("MITWIRKEN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.setenv("DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    return create_app()


def test_cookies_are_secure_and_headers_strict(production: Flask) -> None:
    response = production.test_client().get("/de/account/login", base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    assert "max-age=31556926" in response.headers["Strict-Transport-Security"]
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_scheme_at_the_trusted_proxy_is_the_request_scheme(production: Flask) -> None:
    """Links the app builds itself (resume links, ``_external``) must say https."""
    production.add_url_rule("/scheme", "scheme", lambda: f"{request.scheme} {request.remote_addr}")
    response = production.test_client().get(
        "/scheme",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.get_data(as_text=True) == "https 198.51.100.9"
