"""Keyboard-only Abwägung in Chromium: staff assess every demo contribution.

No mouse: Tab / Shift+Tab move the focus, Space and the arrow keys choose the
consideration, typing fills the rationale, Enter on "Save and next" saves. Every
focus stop reached with Tab must be visible.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.assessment.services import workspace
from app.extensions import db
from app.processes.models import Process
from tests.browser.conftest import LiveServer, in_app
from tests.browser.test_keyboard_journeys import (
    assert_focus_visible,
    enter_and_wait,
    press,
    sign_in,
    tab_until,
)

pytestmark = pytest.mark.browser

SLUG = "hf12-verwaltung"
STAFF_EMAIL = "staff@mitwirken.example"
WORKSPACE = "/staff/assessment/p/" + SLUG + "/"


def _progress(server: LiveServer) -> tuple[int, int]:
    with in_app(server):
        process = db.session.scalars(sa.select(Process).where(Process.slug == SLUG)).one()
        return workspace.progress(process)


def _assess_focused_page(page: Any, number: int) -> None:
    """On an edit page: choose a consideration, write a rationale, save and go on."""
    assert page.locator("main h1").is_visible()
    tab_until(page, "input[name=consideration]")
    press(page, "Space")  # the first status
    for _ in range(number % 3):
        press(page, "ArrowDown")  # arrows move (and tick) the choice
    assert_focus_visible(page)
    assert page.locator("input[name=consideration]:checked").count() == 1
    tab_until(page, "#rationale")
    page.keyboard.type(f"Tastatur-Abwägung {number}")
    press(page, "Shift+Tab")  # back to the chosen status, and forward again
    press(page, "Tab")
    tab_until(page, "button[name=after][value=next]")
    enter_and_wait(page)


def test_staff_assess_all_demo_contributions_with_the_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    assessed, total = _progress(live_server)
    assert total > 0 and assessed < total

    sign_in(page, live_server, STAFF_EMAIL)
    page.goto(live_server + f"/de/staff/p/{SLUG}/")
    tab_until(page, f"main a[href$='{WORKSPACE}']")
    enter_and_wait(page)
    progress = page.locator("main progress")
    assert progress.get_attribute("max") == str(total)
    assert progress.get_attribute("value") == str(assessed)

    # The demo evaluation has assessed some already: start at the first one still open.
    open_row = "main tr:has(.kern-badge--warning)"
    tab_until(
        page,
        f"{open_row} a[href*='/contributions/'], {open_row} a[href*='/answers/']",
        limit=200,
    )
    enter_and_wait(page)
    for number in range(total - assessed):
        assert not page.url.split("?")[0].endswith(WORKSPACE), f"left early after {number}"
        _assess_focused_page(page, number)
        assert page.locator(".kern-alert--success, .kern-alert--info").first.is_visible()

    # After the last one, "Save and next" leads back to the table: all assessed.
    assert page.url.split("?")[0].endswith(WORKSPACE)
    assert progress.get_attribute("value") == str(total)
    assert progress.get_attribute("max") == str(total)
    assert page.locator("#assessment-progress-text").inner_text().startswith(f"{total} ")
    assert _progress(live_server) == (total, total)
    tab_until(page, "main table a[href*='/contributions/']")  # still reachable, visibly
