"""Every page the demo renders keeps to the strict CSP: no inline script or style, no
event handler, no ``javascript:`` URL.

tests/test_health_and_security.py scans the template files; this crawls the running
demo (``flask demo load``) as a visitor and as the demo admin, following every link, so
markup that macros, filters or content produce is checked too.
"""

from __future__ import annotations

import contextlib
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from app.accounts.models import User
from app.extensions import db
from tests.conftest import login_as

MAX_PAGES = 700
PER_ENDPOINT = 3  # pages of one kind (goal pages, staff goal editors) share their markup
SKIP_PREFIXES = ("/vendor/", "/static/", "/healthz", "/readyz")


class _InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)  # url → status
    problems: dict[str, list[str]] = field(default_factory=dict)
    endpoints: set[str] = field(default_factory=set)


def _key(url: str) -> str:
    """One page per path and set of query parameter names (sort orders, cursors)."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query)})
    return parts.path + ("?" + "&".join(names) if names else "")


def _endpoint(app: Flask, path: str) -> str | None:
    with contextlib.suppress(HTTPException):
        return str(app.url_map.bind("localhost").match(path)[0])
    return None


def _crawl(app: Flask, client: FlaskClient, start: list[str], crawl: Crawl) -> None:
    queue = deque(start)
    seen = {_key(url) for url in start}
    per_endpoint: Counter[str | None] = Counter()
    while queue and len(crawl.visited) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        crawl.visited[url] = response.status_code
        if response.mimetype != "text/html":
            continue
        parser = _InlineCode()
        parser.feed(response.get_data(as_text=True))
        if parser.problems:
            crawl.problems[url] = parser.problems
        for href in parser.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or _key(target) in seen:
                continue
            seen.add(_key(target))
            endpoint = _endpoint(app, parts.path)
            if per_endpoint[endpoint] >= PER_ENDPOINT:
                continue
            per_endpoint[endpoint] += 1
            crawl.endpoints.add(endpoint or "")
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture
def demo(app: Flask, runner: Any) -> Flask:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return app


def test_no_rendered_page_has_inline_code(demo: Flask) -> None:
    crawl = Crawl()
    _crawl(demo, demo.test_client(), ["/de/", "/ar/", "/en/surveys/"], crawl)
    admin_client = demo.test_client()
    admin = db.session.scalars(sa.select(User).where(User.is_admin.is_(True))).first()
    assert admin is not None
    login_as(admin_client, admin)
    _crawl(demo, admin_client, ["/de/", "/de/staff/", "/de/moderation/"], crawl)

    assert crawl.problems == {}
    assert [url for url, status in crawl.visited.items() if status >= 500] == []
    # The crawl must reach the public, participation, survey and staff pages.
    assert len(crawl.visited) > 80
    assert {"processes.home", "goals.detail", "surveys.intro", "staff.index"} <= crawl.endpoints
    assert {"moderation.index", "assessment.index", "survey_staff.index"} <= crawl.endpoints


def test_the_scanner_finds_inline_code() -> None:
    parser = _InlineCode()
    parser.feed(
        '<script>alert(1)</script><script src="/static/x.js"></script><p style="color:red">'
        '<a href="javascript:void(0)" onclick="x()">x</a><style>p{}</style>'
        '<button hx-on:click="y()">y</button>'
    )
    assert parser.problems == [
        "inline <script>",
        "style attribute on <p>",
        "javascript: URL in href on <a>",
        "event handler onclick on <a>",
        "<style> element",
        "event handler hx-on:click on <button>",
    ]
