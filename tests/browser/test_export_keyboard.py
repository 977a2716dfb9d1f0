"""Keyboard only: staff start the Abwägung export and download the file when it is ready."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer
from tests.browser.test_keyboard_journeys import (
    assert_focus_visible,
    enter_and_wait,
    jump,
    press,
    sign_in,
    tab_until,
)

STAFF = "staff@mitwirken.example"
PROCESS = "/en/staff/p/hf12-verwaltung/"
EXPORTS = "/en/staff/exports/p/hf12-verwaltung/"


def test_staff_export_the_abwaegung_table_with_the_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, STAFF)
    page.goto(live_server + PROCESS)
    jump(page, page.locator("main a").first)
    tab_until(page, f"main a[href$='{EXPORTS}']", limit=120)
    enter_and_wait(page)
    assert page.url.endswith(EXPORTS)

    # The Abwägung table is preselected; choose the CSV format with the arrow keys.
    kind = page.locator("input[name=kind]:checked")
    assert kind.get_attribute("value") == "assessment"
    jump(page, page.locator("input[name=format]:checked"))
    press(page, "ArrowDown")
    assert page.locator("input[name=format]:checked").get_attribute("value") == "csv"
    tab_until(page, "#start-export")
    enter_and_wait(page)

    status = page.locator("#export-status[aria-live=polite]")
    status.get_by_text("Ready").wait_for(timeout=20_000)
    assert page.locator("progress#export-progress-bar").get_attribute("value") == "100"
    tab_until(page, "#export-download")
    assert_focus_visible(page)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
