"""Paper entry with an invitation code, by keyboard, in Chromium: the code field is
focused first, a wrong code is explained next to it and the page passes axe."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.surveys.cli import generate_codes
from app.surveys.models import Survey
from tests.browser.conftest import LiveServer, axe_violations, in_app
from tests.browser.test_keyboard_journeys import enter_and_wait, sign_in, tab_until

SURVEY = "buergerbefragung-2035"


def _entry_url(live_server: LiveServer) -> str:
    with in_app(live_server):
        survey = db.session.scalar(sa.select(Survey).where(Survey.slug == SURVEY))
        assert survey is not None
        generate_codes(survey, 1, "letters")  # codes printed: the field appears
        db.session.commit()
        return f"{live_server}/en/staff/surveys/{survey.id}/paper/entry?batch=Box+1"


def test_code_first_and_a_wrong_code_is_explained(live_server: LiveServer, page: Any) -> None:
    url = _entry_url(live_server)
    sign_in(page, live_server, "admin@mitwirken.example")
    page.goto(url)
    assert page.evaluate("() => document.activeElement.id") == "code"
    page.keyboard.type("zzzzz-zzzzz")
    tab_until(page, "main form button[type=submit]", limit=400)
    enter_and_wait(page)
    error = page.locator("#code-error")
    assert "We do not know this code" in error.inner_text()
    assert page.locator("#code").input_value() == "zzzzz-zzzzz"
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
