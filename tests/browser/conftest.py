"""Headless Chromium (Debian's package) driven by Playwright against a live server.

Nothing here downloads a browser: Playwright starts /usr/bin/chromium. The
server runs the real app in a thread on a SQLite copy loaded with the demo.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import BASE_CONFIG, IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing; CI=true requires Debian's chromium", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer(str):
    """The server's base URL; ``.app`` is the running app (for its url_map and data)."""

    app: Any


@pytest.fixture(scope="module")
def live_server(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("live") / "live.db"
    shutil.copyfile(template_database, path)
    app = create_app(
        BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": False}
    )
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app = app
    yield url
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    tab = context.new_page()
    violations: list[str] = []
    tab.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield tab
    context.close()
    assert violations == [], "the page broke its Content-Security-Policy"


@contextmanager
def in_app(server: LiveServer) -> Iterator[None]:
    """An app context of the running server, to seed data or check the database."""
    with server.app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def sent_mails(server: LiveServer) -> list[Any]:
    """Mails the running server sent (Flask-Mailman's locmem backend)."""
    mailman = server.app.extensions["mailman"]
    return list(getattr(mailman, "outbox", []))


def screenshot(tab: Any, name: str) -> Path:
    target = SCREENSHOTS / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(target), full_page=True)
    return target


def axe_violations(tab: Any) -> list[dict[str, Any]]:
    """Run axe-core (from node_modules) on the page; WCAG 2.1 A and AA rules."""
    # Evaluated through the DevTools protocol, so the page's strict CSP stays on.
    tab.evaluate(AXE.read_text() + "\n;0")
    result = tab.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
