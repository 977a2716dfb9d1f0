"""Arabic, right to left: direction, alignment, skip link and breadcrumbs, screenshots.

Screenshots of the home, process, goal, survey and a staff page at 1280 px and
375 px go to tests/browser/screenshots/rtl/ (git-ignored) for review.
Reflow at 320 px and at 200 % zoom (a 640 x 400 CSS viewport) is checked for
every page in test_accessibility.py, in German and in Arabic.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot

HF12 = "hf12-verwaltung"
PASSWORD = "mitwirken-demo"
PAGES = {
    "home": "/ar/",
    "process": f"/ar/p/{HF12}/",
    "goal": f"/ar/p/{HF12}/goals/12.2.2",
    "survey": "/ar/surveys/buergerbefragung-2035/",
    "staff": f"/ar/staff/p/{HF12}/",
}

# Where the text of the first heading in <main> ends, against <main>'s content box.
HEADING_EDGES = """() => {
  const main = document.querySelector('main');
  const h1 = main.querySelector('h1');
  const range = document.createRange();
  range.selectNodeContents(h1);
  const text = range.getBoundingClientRect();
  const box = main.getBoundingClientRect();
  const s = getComputedStyle(main);
  return {
    direction: getComputedStyle(h1).direction,
    textAlign: getComputedStyle(h1).textAlign,
    textLeft: text.left, textRight: text.right,
    contentLeft: box.left + parseFloat(s.paddingLeft),
    contentRight: box.right - parseFloat(s.paddingRight),
  };
}"""


@pytest.fixture(scope="module")
def admin(live_server: LiveServer, browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    tab = context.new_page()
    tab.goto(live_server + "/ar/account/login")
    tab.fill("#email", "admin@mitwirken.example")
    tab.fill("#password", PASSWORD)
    with tab.expect_navigation():
        tab.locator("main form button[type=submit]").first.click()
    assert "/account/login" not in tab.url
    yield tab
    context.close()


def _open(page: Any, admin: Any, live_server: str, name: str) -> Any:
    tab = admin if name == "staff" else page
    tab.set_viewport_size({"width": 1280, "height": 900})
    response = tab.goto(live_server + PAGES[name])
    assert response is not None and response.status == 200
    if name == "survey":  # the first page of questions, past the introduction
        with tab.expect_navigation():
            tab.locator("main form button[type=submit]").first.click()
        assert tab.url.endswith("/page/1")
    return tab


@pytest.mark.parametrize("name", list(PAGES))
def test_arabic_page_reads_right_to_left(
    page: Any, admin: Any, live_server: LiveServer, name: str
) -> None:
    tab = _open(page, admin, live_server, name)
    html = tab.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")

    edges = tab.evaluate(HEADING_EDGES)
    assert edges["direction"] == "rtl"
    assert edges["textAlign"] in ("start", "right")
    # The heading's text hugs the right edge of the content, not the left one.
    assert abs(edges["contentRight"] - edges["textRight"]) <= 2, edges
    assert edges["textLeft"] - edges["contentLeft"] > 2 or edges["textLeft"] < 0, edges

    # The skip link appears on the right when it gets the focus.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#main"
    skip = tab.locator(".skip-link").bounding_box()
    assert skip is not None and skip["x"] > 1280 / 2, skip

    for width in (1280, 375):
        tab.set_viewport_size({"width": width, "height": 900})
        screenshot(tab, f"rtl/{name}-{width}")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_arabic_breadcrumbs_start_on_the_right(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server + PAGES["goal"])
    items = page.locator("nav.breadcrumbs li")
    assert items.count() >= 2
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    trail = page.locator("nav.breadcrumbs").bounding_box()
    assert first and second and trail
    assert first["x"] > second["x"], "the first crumb is not to the right of the second"
    assert abs((trail["x"] + trail["width"]) - (first["x"] + first["width"])) <= 2
    # The separator points the reading way, to the left.
    separator = page.evaluate(
        "getComputedStyle(document.querySelectorAll('nav.breadcrumbs li')[1], '::before').content"
    )
    assert separator == '"\u2039"'


def test_directional_icons_are_mirrored_in_arabic(page: Any, live_server: LiveServer) -> None:
    """Arrows and chevrons point the reading way; symmetric icons stay as they are."""
    page.goto(live_server + PAGES["home"])
    transforms = page.evaluate(
        """() => Object.fromEntries(['arrow-forward', 'arrow-back', 'chevron-left',
             'chevron-right', 'add', 'arrow-up'].map(name => {
          const icon = document.createElement('span');
          icon.className = 'kern-icon kern-icon--' + name;
          document.querySelector('main').append(icon);
          const value = getComputedStyle(icon).transform;
          icon.remove();
          return [name, value];
        }))"""
    )
    mirrored = "matrix(-1, 0, 0, 1, 0, 0)"
    for name in ("arrow-forward", "arrow-back", "chevron-left", "chevron-right"):
        assert transforms[name] == mirrored, name
    assert transforms["add"] == "none" and transforms["arrow-up"] == "none"
