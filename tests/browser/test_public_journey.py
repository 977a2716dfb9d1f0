"""A citizen's first visit in a real browser: start page, process, goal.

Screenshots at 1280 px and 375 px land in tests/browser/screenshots/ for review.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, screenshot

PAGES = {
    "home": "/de/",
    "process": "/de/p/hf12-verwaltung/",
    "goal": "/de/p/hf12-verwaltung/goals/12.2.2",
}


def test_citizen_finds_a_goal_from_the_start_page(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name="Handlungsfeld 12").first.click()
    page.get_by_role("link", name="12.2.2").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Digitale Angebote ausbauen"
    assert page.locator("html").get_attribute("lang") == "de"


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width", [1280, 375])
def test_page_fits_the_viewport_and_has_no_axe_violations(
    page: Any, live_server: str, name: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + PAGES[name])
    screenshot(page, f"{name}-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{name} scrolls horizontally at {width} px"
    assert axe_violations(page) == []


def test_skip_link_moves_focus_to_the_main_content(page: Any, live_server: str) -> None:
    page.goto(live_server + PAGES["process"])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
