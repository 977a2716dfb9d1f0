"""What a person sees of issue 13's items 6 and 10, measured in Chromium at 1280 and
375 px: goal codes on one line (moderation table, Arabic breadcrumb), the text column of
the queue readable on a phone, the four filters in one row on a wide screen, the current
tab underlined. Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_keyboard_journeys import PASSWORD

QUEUE = "/de/moderation/p/hf12-verwaltung/?tab=published"
ARABIC_GOAL = "/ar/p/hf12-verwaltung/goals/12.2.2"
WIDTHS = (1280, 375)
# Each goal code on the page: how many line boxes it has (1: it did not wrap).
CODE_LINES = (
    "() => [...document.querySelectorAll('.goal-code')].map(e => e.getClientRects().length)"
)


@pytest.fixture(scope="module")
def admin(live_server: LiveServer, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    tab = context.new_page()
    tab.goto(live_server + "/de/account/login")
    tab.fill("#email", "admin@mitwirken.example")
    tab.fill("#password", PASSWORD)
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").first.click()
    assert "/account/login" not in tab.url
    yield tab
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_queue_keeps_codes_whole_and_text_readable(
    admin: Any, live_server: LiveServer, width: int
) -> None:
    admin.set_viewport_size({"width": width, "height": 900})
    admin.goto(live_server + QUEUE)
    lines = admin.evaluate(CODE_LINES)
    assert lines and set(lines) == {1}, lines
    text_width = admin.evaluate(
        "() => Math.min(...[...document.querySelectorAll('td.goal-text')]"
        ".map(e => e.getBoundingClientRect().width))"
    )
    assert text_width >= 200  # 16rem: a line holds a few words, not one
    current = admin.locator('.queue-tabs [aria-current="page"]')
    assert current.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
    assert current.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    screenshot(admin, f"issue13-moderation-queue-{width}")


def test_the_filters_share_one_row_on_a_wide_screen(admin: Any, live_server: LiveServer) -> None:
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.goto(live_server + QUEUE)
    tops = admin.evaluate(
        "() => [...document.querySelectorAll('.filter-row select')]"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 4 and len(set(tops)) == 1, tops


@pytest.mark.parametrize("width", WIDTHS)
def test_the_arabic_breadcrumb_keeps_codes_whole(
    admin: Any, live_server: LiveServer, width: int
) -> None:
    admin.set_viewport_size({"width": width, "height": 900})
    admin.goto(live_server + ARABIC_GOAL)
    crumbs = admin.evaluate(
        "() => [...document.querySelectorAll('.breadcrumbs .goal-code')]"
        ".map(e => [e.textContent, e.getClientRects().length])"
    )
    assert [code for code, _lines in crumbs] == ["12", "12.2", "12.2.2"]
    assert all(lines == 1 for _code, lines in crumbs), crumbs
    # a German fallback caption of the rating results starts at the right, as its heading
    sides = admin.evaluate(
        "() => [...document.querySelectorAll('table caption.kern-title')].map(c => {"
        " const t = c.getBoundingClientRect(), s = c.firstElementChild.getBoundingClientRect();"
        " return Math.round(t.right - s.right); })"
    )
    assert sides and max(sides) <= 2, sides
    screenshot(admin, f"issue13-arabic-goal-{width}")
