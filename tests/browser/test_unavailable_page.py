"""The 503 page for a database that does not answer: accessible in German and Arabic,
and within the CSP (the ``page`` fixture fails on a CSP report)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from tests.browser.conftest import axe_violations
from tests.conftest import BASE_CONFIG


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    missing = tmp_path_factory.mktemp("gone") / "no" / "such" / "dir" / "x.db"
    app = create_app(BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize(("lang", "heading"), [("de", "Vorübergehend"), ("ar", "غير متاح")])
def test_the_503_page_has_no_axe_violations(
    page: Any, server_without_database: str, lang: str, heading: str
) -> None:
    response = page.goto(f"{server_without_database}/{lang}/")
    assert response.status == 503
    assert heading in page.locator("h1").inner_text()
    assert axe_violations(page) == []
