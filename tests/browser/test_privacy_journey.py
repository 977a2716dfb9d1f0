"""A citizen downloads and then deletes their data in Chromium ("Meine Daten",
"Konto löschen"); the privacy pages have no axe violations in German and Arabic."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.comments.models import Comment
from app.extensions import db
from tests.browser.conftest import LiveServer, axe_violations, in_app, screenshot

CITIZEN = "buergerin@mitwirken.example"
PASSWORD = "mitwirken-demo"
GOAL = "/de/p/hf12-verwaltung/goals/12.2.2"
BODY = "Bitte alle Formulare auch auf Papier anbieten."
PAGES = ["/account/my-data", "/account/delete", "/datenschutz", "/my-data/guest"]


def _sign_in(page: Any, live_server: str) -> None:
    page.goto(live_server + "/de/account/login")
    page.get_by_label("E-Mail-Adresse").fill(CITIZEN)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    assert "/account/login" not in page.url


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_privacy_pages_have_no_axe_violations(page: Any, live_server: str, lang: str) -> None:
    _sign_in(page, live_server)
    for path in PAGES[:2]:
        page.goto(f"{live_server}/{lang}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page) == [], path
        screenshot(page, f"privacy-{lang}{path.replace('/', '-')}")
    page.context.clear_cookies()
    for path in PAGES[2:]:
        page.goto(f"{live_server}/{lang}{path}")
        assert axe_violations(page) == [], path
        screenshot(page, f"privacy-{lang}{path.replace('/', '-')}")


def test_citizen_downloads_and_deletes_their_data(page: Any, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    page.goto(live_server + GOAL)
    page.get_by_label("Ihr Kommentar").fill(BODY)
    page.get_by_role("button", name="Kommentar veröffentlichen").click()
    assert page.get_by_text(BODY).first.is_visible()

    page.get_by_role("link", name="Meine Daten").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Daten"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Meine Daten herunterladen (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("meine-daten-")
    archive = zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    assert json.loads(archive.read("account.json"))["email"] == CITIZEN
    assert BODY in [c["body"] for c in json.loads(archive.read("comments.json"))]

    page.get_by_role("link", name="Konto löschen").click()
    page.get_by_label("Ihr Passwort").fill("falsches Passwort")
    page.get_by_role("button", name="Konto endgültig löschen").click()
    assert page.get_by_text("Das Passwort ist falsch.").first.is_visible()
    page.get_by_label("Ihr Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Konto endgültig löschen").click()
    assert page.get_by_text("Ihr Konto wurde gelöscht.").is_visible()
    assert page.get_by_role("link", name="Anmelden").is_visible()  # signed out
    screenshot(page, "privacy-account-deleted")

    with in_app(live_server):
        assert db.session.scalar(sa.select(User).where(User.email == CITIZEN)) is None
        comment = db.session.scalars(sa.select(Comment).where(Comment.body == BODY)).one()
        assert comment.author_name is None and comment.participant_id is None
    page.goto(live_server + GOAL)
    assert page.get_by_text("gelöschte:r Nutzer:in").first.is_visible()  # a German page
