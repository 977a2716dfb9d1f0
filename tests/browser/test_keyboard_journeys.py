"""Keyboard-only journeys in Chromium: no mouse, every focus stop must be visible.

Focus moves with Tab / Shift+Tab; `locator.focus()` stands in for a screen
reader's jump to a field. Forms are sent with Enter on the focused button.
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer

PASSWORD = "mitwirken-demo"
CITIZEN = "buergerin@mitwirken.example"
GOAL = "/de/p/hf12-verwaltung/goals/"
SURVEY = "/de/surveys/buergerbefragung-2035/"

# The focused element must show an outline or a box shadow.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing focused';
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return outline || shadow ? '' : el.outerHTML.slice(0, 160);
}"""


def assert_focus_visible(page: Any) -> None:
    problem = page.evaluate(FOCUS_STYLE)
    assert problem == "", f"focus is not visible on: {problem}"


def press(page: Any, key: str) -> None:
    page.keyboard.press(key)
    if key in ("Tab", "Shift+Tab"):
        assert_focus_visible(page)


def jump(page: Any, locator: Any) -> None:
    """A screen reader's jump to a control: focus it, and check the focus shows."""
    locator.focus()
    assert_focus_visible(page)


def tab_until(page: Any, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Tab (or Shift+Tab) until the focused element matches ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        press(page, key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} x {key}")


def checked_label(page: Any, name: str) -> str:
    return page.evaluate(
        "n => { const i = document.querySelector(`input[name='${n}']:checked`);"
        " return i ? document.querySelector(`label[for='${i.id}']`).innerText : ''; }",
        name,
    )


def sign_in(page: Any, base: str, email: str = CITIZEN) -> None:
    page.goto(base + "/de/account/login")
    jump(page, page.locator("#email"))
    page.keyboard.type(email)
    press(page, "Tab")
    page.keyboard.type(PASSWORD)
    tab_until(page, "main form button[type=submit]")
    press(page, "Enter")
    page.wait_for_url(lambda url: "/account/login" not in url)


def enter_and_wait(page: Any) -> None:
    """Press Enter on the focused button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def success_message(page: Any) -> Any:
    return page.locator(".kern-alert--success[role=status]")


def test_citizen_rates_and_comments_with_the_keyboard(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server)
    page.goto(live_server + GOAL + "12.2.3")
    assert "12.2.3" in page.locator("main").inner_text()

    # The demo citizen has not rated this goal yet: no answer is chosen.
    assert page.locator("#rating input[type=radio]:checked").count() == 0
    # First rating question: Space picks the first answer, arrows move the choice.
    first = page.locator("#rating input[type=radio]").first
    jump(page, first)
    press(page, "Space")
    press(page, "ArrowRight")
    press(page, "ArrowRight")
    press(page, "ArrowRight")  # the fourth answer
    name = first.get_attribute("name")
    chosen = checked_label(page, name)
    assert chosen
    tab_until(page, "#rating button[type=submit]")
    enter_and_wait(page)
    assert success_message(page).is_visible()
    assert checked_label(page, name) == chosen

    jump(page, page.locator("#body"))
    page.keyboard.type("Tastatur-Test: Bitte die Öffnungszeiten online anzeigen.")
    tab_until(page, "#write-comment button[type=submit]")
    enter_and_wait(page)
    assert success_message(page).is_visible()
    assert page.locator("#comment-list").get_by_text("Tastatur-Test: Bitte").is_visible()


def test_citizen_replies_to_a_comment_with_the_keyboard(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server)
    page.goto(live_server + GOAL + "12.2.2")
    reply = page.locator("#comment-list .comment__links a[href$='/reply']").first
    jump(page, reply)
    press(page, "Enter")
    page.wait_for_url("**/reply")
    assert page.get_by_role("heading", level=1).is_visible()

    tab_until(page, "#body")
    page.keyboard.type("Tastatur-Antwort: Das sehe ich genauso.")
    tab_until(page, "main form button[type=submit]")
    press(page, "Enter")
    page.wait_for_url(f"**{GOAL}12.2.2*")
    assert success_message(page).is_visible()
    assert page.get_by_text("Tastatur-Antwort: Das sehe ich genauso.").is_visible()


def test_empty_comment_shows_an_error_summary_linked_to_the_field(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server)
    page.goto(live_server + GOAL + "12.1.1")
    jump(page, page.locator("#body"))
    tab_until(page, "#write-comment button[type=submit]")
    enter_and_wait(page)

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    link = summary.locator("a[href='#body']")
    assert link.count() == 1
    # From the field, Shift+Tab goes back up the form to the summary's link.
    jump(page, page.locator("#body"))
    tab_until(page, "#error-summary a[href='#body']", backwards=True, limit=10)
    press(page, "Enter")
    assert page.evaluate("document.activeElement.id") == "body"
    assert page.locator("#body").get_attribute("aria-invalid") == "true"


def test_anonymous_visitor_answers_the_demo_survey_with_the_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server + SURVEY)
    tab_until(page, "main form button[type=submit]", limit=80)
    press(page, "Enter")
    page.wait_for_url("**/page/1")

    # Page 1: scale (required), up to three likes, moving away.
    radios = page.locator("main form fieldset.survey-question")
    satisfaction = radios.nth(0).locator("input[type=radio]").first
    jump(page, satisfaction)
    press(page, "Space")
    press(page, "ArrowRight")
    press(page, "ArrowRight")
    press(page, "ArrowRight")  # "eher zufrieden"
    sat_name = satisfaction.get_attribute("name")
    assert checked_label(page, sat_name) == "eher zufrieden"
    press(page, "Tab")  # into the checkboxes
    press(page, "Space")  # Natur und Landschaft
    likes_name = page.evaluate("document.activeElement.name")
    tab_until(page, "input[type=radio]")  # past the other checkboxes and the "other" text
    press(page, "Space")
    press(page, "ArrowRight")
    press(page, "ArrowRight")  # "Nein"
    moving_name = page.evaluate("document.activeElement.name")
    assert checked_label(page, moving_name) == "Nein"
    tab_until(page, "button[value=next]")
    press(page, "Enter")
    page.wait_for_url("**/page/2")

    # Page 2: the goal matrix (required), a ranking, how informed.
    for row in page.locator("fieldset.survey-matrix-row").all():
        jump(page, row.locator("input[type=radio]").first)
        press(page, "Space")
        press(page, "ArrowRight")
    first_rank = page.locator("select").first
    jump(page, first_rank)
    press(page, "ArrowDown")  # "Platz 1" for the first topic
    assert first_rank.input_value() == "1"

    # Back once: page 1 still shows what was chosen.
    tab_until(page, "button[value=back]")
    press(page, "Enter")
    page.wait_for_url("**/page/1")
    assert checked_label(page, sat_name) == "eher zufrieden"
    assert checked_label(page, moving_name) == "Nein"
    assert page.locator(f"input[name='{likes_name}']:checked").count() == 1
    jump(page, page.locator("button[value=next]"))
    press(page, "Enter")
    page.wait_for_url("**/page/2")
    assert page.locator("select").first.input_value() == "1"
    assert (
        page.locator("fieldset.survey-matrix-row input:checked").count()
        == page.locator("fieldset.survey-matrix-row").count()
    )

    # Then onwards with the Continue button until the overview.
    for _ in range(10):
        if "/review" in page.url:
            break
        if page.locator("select").count() and "/page/3" in page.url:
            jump(page, page.locator("select").first)
            press(page, "ArrowDown")  # "Auto"
            jump(page, page.locator("input[inputmode=numeric]").first)
            page.keyboard.type("25")
        jump(page, page.locator("button[value=next]"))
        enter_and_wait(page)
        assert not page.locator("#error-summary").count(), page.locator("main").inner_text()
    assert "/review" in page.url
    overview = page.locator("main").inner_text()
    for answer in (
        "eher zufrieden",
        "Natur und Landschaft",
        "Nein",
        "Bus, Bahn und Radwege",
        "Auto",
        "25",
    ):
        assert answer in overview

    tab_until(page, "button[type=submit]", limit=80)
    press(page, "Enter")
    page.wait_for_url("**/thanks")
    assert page.get_by_role("heading", level=1).is_visible()
