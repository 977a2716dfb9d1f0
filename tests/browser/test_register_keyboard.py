"""Registering with the keyboard only: error summary, fields, mail link, sign-in."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import LiveServer, sent_mails
from tests.browser.test_keyboard_journeys import assert_focus_visible, press, tab_until

EMAIL = "tastatur@register.example"
PASSWORD = "ein langes Tastatur-Passwort"
FIELDS = ["email", "display_name", "password", "password_confirm"]


def _focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


def _submit(page: Any) -> None:
    tab_until(page, "main form button[type=submit]")
    with page.expect_navigation():
        press(page, "Enter")


def test_new_citizen_registers_verifies_and_signs_in_with_the_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server + "/en/account/register")

    # Sent empty: the error summary has the focus and links to every field. Chromium
    # applies `autofocus` at the next rendering step, which may come after "load".
    _submit(page)
    page.wait_for_function("document.activeElement.id === 'error-summary'", timeout=5000)
    assert_focus_visible(page)
    links = page.locator("#error-summary a")
    assert [a.get_attribute("href") for a in links.all()] == [f"#{f}" for f in FIELDS]
    for field in FIELDS:
        page.locator("#error-summary").focus()  # a screen reader's jump back
        tab_until(page, f"#error-summary a[href='#{field}']", limit=10)
        press(page, "Enter")
        assert _focused_id(page) == field
        assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true"
        assert_focus_visible(page)

    # Fill in the form field by field, starting from the summary's first link.
    page.locator("#error-summary").focus()
    tab_until(page, "#error-summary a[href='#email']", limit=5)
    press(page, "Enter")
    page.keyboard.type(EMAIL)
    tab_until(page, "#display_name")
    page.keyboard.type("Tastatur Tanja")
    tab_until(page, "#password")
    page.keyboard.type(PASSWORD)
    tab_until(page, "#password_confirm")
    page.keyboard.type(PASSWORD)
    _submit(page)
    assert "/en/account/check-mail" in page.url

    mails = [m for m in sent_mails(live_server) if m.to == [EMAIL]]
    assert len(mails) == 1
    match = re.search(r"http://localhost(/\S+/account/verify/\S+)", mails[0].body)
    assert match, mails[0].body
    page.goto(live_server + match.group(1))
    header = page.locator("header.site-header")
    assert "Signed in as Tastatur Tanja" in header.inner_text()

    # Sign out and in again, still without a mouse.
    tab_until(page, "header form button[type=submit]")
    with page.expect_navigation():
        press(page, "Enter")
    assert "Signed in as" not in header.inner_text()
    page.goto(live_server + "/en/account/login")
    tab_until(page, "#email")
    page.keyboard.type(EMAIL)
    tab_until(page, "#password")
    page.keyboard.type(PASSWORD)
    _submit(page)
    assert "/account/login" not in page.url
    assert "Signed in as Tastatur Tanja" in header.inner_text()
