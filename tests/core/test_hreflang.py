"""Every page names its language and direction, and links its other language versions.

All GET pages of the url_map (filled with the demo data, seen by the demo admin)
in every UI language: `<html lang dir>` matches the URL's language, and there is
one `<link rel="alternate" hreflang>` per language with an absolute URL to the
same page in that language.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from tests.conftest import login_as
from tests.core.demo_urls import SURVEY, url_values

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
HTML = re.compile(r"<html lang=\"([^\"]+)\" dir=\"([^\"]+)\">")
# Token pages (mail links) and fragments answer without a page of their own.
SKIP = {"comments.more"}


def _pages(app: Flask, lang: str) -> list[str]:
    values = url_values()
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in rule.methods
            or "lang_code" not in rule.arguments
            or "token" in rule.arguments
            or rule.endpoint in SKIP
            or rule.rule.endswith((".csv", ".xlsx", ".json", ".pdf", ".zip"))
        ):
            continue
        args = {a: values.get(a) for a in rule.arguments if a != "lang_code"}
        if rule.endpoint.startswith("surveys."):
            args["slug"] = SURVEY
        if any(v is None for v in args.values()):
            continue
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, lang_code=lang, **args))
    return [*sorted(urls), f"/{lang}/diese-seite-gibt-es-nicht"]


def test_every_page_has_lang_dir_and_hreflang_links(
    app: Flask, runner: Any, client: FlaskClient
) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@mitwirken.example"))
    login_as(client, admin)
    languages = list(app.config["LANGUAGES"])
    assert {"de", "en", "tr", "ar", "uk", "ru"} <= set(languages)
    base = app.config["BASE_URL"]
    problems: list[str] = []
    checked = 0
    for lang in languages:
        for url in _pages(app, lang):
            response = client.get(url)
            if response.status_code not in (200, 404) or response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            checked += 1
            found = HTML.search(page)
            direction = "rtl" if lang == "ar" else "ltr"
            if found is None or found.groups() != (lang, direction):
                problems.append(f"{url}: <html> is {found and found.group(0)}")
            alternates = dict(ALTERNATE.findall(page))
            if set(alternates) != set(languages):
                problems.append(f"{url}: hreflang for {sorted(alternates)}")
            path = url.split("?")[0].removeprefix(f"/{lang}/")
            for code, href in alternates.items():
                if response.status_code == 200 and href != f"{base}/{code}/{path}":
                    problems.append(f"{url}: hreflang {code} -> {href}")
    assert problems == []
    assert checked >= 40 * len(languages)


def test_page_not_found_answers_in_the_language_of_its_url(app: Flask, client: FlaskClient) -> None:
    arabic = {"Accept-Language": "ar"}
    response = client.get("/de/diese-seite-gibt-es-nicht", headers=arabic)
    assert response.status_code == 404
    assert '<html lang="de" dir="ltr">' in response.get_data(as_text=True)
