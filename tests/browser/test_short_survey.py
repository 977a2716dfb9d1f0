"""A survey without the summary, with the keyboard: the one page's button submits,
under the privacy text; the page is axe-clean and fits a phone."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.surveys.models import Response, ResponseState
from tests.browser.conftest import LiveServer, axe_violations, in_app, screenshot
from tests.browser.test_keyboard_journeys import press, tab_until
from tests.factories import make_survey


def test_a_short_survey_is_sent_from_its_only_page(page: Any, live_server: LiveServer) -> None:
    with in_app(live_server):
        make_survey("kurz", review_before_submit=False)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(live_server + "/de/surveys/kurz/")
    tab_until(page, "main form button[type=submit]", limit=80)
    with page.expect_navigation():
        press(page, "Enter")
    assert page.url.endswith("/page/1")

    button = page.locator("main form button[value=submit]")
    assert button.inner_text().strip() == "Meine Antworten absenden"
    assert page.locator("main form .consent-notice").is_visible()
    screenshot(page, "survey-short-375")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert axe_violations(page) == []

    tab_until(page, "main form input[type=text], main form textarea")
    page.keyboard.type("Mehr Radwege")
    tab_until(page, "main form button[value=submit]")
    with page.expect_navigation():
        press(page, "Enter")
    assert page.url.endswith("/thanks")
    assert "Vielen Dank" in page.locator("main").inner_text()
    with in_app(live_server):
        (state,) = db.session.scalars(db.select(Response.state)).all()
        assert state == ResponseState.SUBMITTED
