"""axe-core (WCAG 2.1 A/AA) on every reachable page template, in German.

Public, participant and listed staff pages must also fit a 375 px screen without
horizontal scrolling (WCAG 1.4.10). Staff,
moderation, assessment and survey-builder pages are looked up in the running
app's url_map, so pages that do not exist (yet) are skipped and new ones are
swept up by `test_every_other_staff_page_has_no_axe_violations`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from tests.browser.conftest import LiveServer, axe_violations, screenshot

PASSWORD = "mitwirken-demo"
HF12 = "hf12-verwaltung"
COUNTY = "landkreis-strategie-2035"
SURVEY = "buergerbefragung-2035"
GOAL = f"/de/p/{HF12}/goals/12.2.2"

# home, HF12 process and goal 12.2.2 are also checked at both widths in
# test_public_journey.py; the goal page with comments again below, with screenshots.
PUBLIC = {
    "home": "/de/",
    "process": f"/de/p/{HF12}/",
    "county-process": f"/de/p/{COUNTY}/",
    "county-goal": f"/de/p/{COUNTY}/goals/1.1",
    "easy-language": "/de/leichte-sprache",
    "sign-language": "/de/gebaerdensprache",
    "accessibility-statement": "/de/barrierefreiheit",
    "survey-list": "/de/surveys/",
    "survey-intro": f"/de/surveys/{SURVEY}/",
    "login": "/de/account/login",
    "register": "/de/account/register",
    "forgot-password": "/de/account/forgot-password",
    "not-found": "/de/diese-seite-gibt-es-nicht",
}

# Staff pages by endpoint; the values in ids() fill their URL parameters.
STAFF = [
    "staff.index",
    "staff.process",
    "staff.edit_goal",
    "staff.add_goal",
    "staff.move_goal",
    "staff.offline_new",
    "staff.offline_list",
    "staff.import_goals",
    "staff.edit_process",
    "staff.add_phase",
    "staff.create_process",
    "pages.feedback_list",
    "pages.edit_page",
    "moderation.index",
    "moderation.process_queue",
    "moderation.comment",
    "moderation.audit",
    "assessment.index",
    "assessment.edit",
    "assessment.tags",
    "survey_staff.index",
    "survey_staff.create",
    "survey_staff.survey",
    "survey_staff.settings",
    "survey_staff.preview",
    "survey_staff.paper_start",
    "survey_staff.new_section",
    "survey_staff.edit_section",
    "survey_staff.new_question",
    "survey_staff.edit_question",
    "survey_staff.new_option",
    "survey_staff.edit_option",
    "survey_staff.add_preset",
    "survey_staff.goal_matrix",
]


def _one(sql: str, **params: Any) -> Any:
    try:
        return db.session.execute(sa.text(sql), params).scalar()
    except sa.exc.DBAPIError:  # a table that another branch is still reshaping
        db.session.rollback()
        return None


@functools.cache
def ids(app: Any) -> dict[str, Any]:
    """Values for URL parameters, taken from the demo data."""
    one = _one
    with app.app_context():
        survey = one("SELECT id FROM survey WHERE slug = :slug", slug=SURVEY)
        question = one(
            "SELECT q.id FROM survey_question q JOIN survey_option o ON o.question_id = q.id"
            " JOIN survey_section s ON s.id = q.section_id WHERE s.survey_id = :survey"
            " ORDER BY q.id",
            survey=survey,
        )
        return {
            "lang_code": "de",
            "slug": HF12,
            "code": "12.2.2",
            "comment_id": one(
                "SELECT c.id FROM comment c JOIN goal g ON g.id = c.goal_id"
                " WHERE g.code = '12.2.2' AND c.status = 'published' ORDER BY c.id"
            ),
            "survey_id": survey,
            "section_id": one(
                "SELECT id FROM survey_section WHERE survey_id = :survey ORDER BY id",
                survey=survey,
            ),
            "question_id": question,
            "option_id": one(
                "SELECT id FROM survey_option WHERE question_id = :q ORDER BY id", q=question
            ),
            "phase_id": one("SELECT id FROM phase ORDER BY id"),
            "key": one("SELECT key FROM site_page ORDER BY id") or "accessibility",
        }


def staff_url(app: Any, endpoint: str) -> str | None:
    """The page's German URL, or None if the endpoint is missing or not a GET page."""
    rule = next((r for r in app.url_map.iter_rules() if r.endpoint == endpoint), None)
    if rule is None or "GET" not in rule.methods:
        return None
    values = ids(app)
    if any(values.get(arg) is None for arg in rule.arguments):
        return None
    with app.test_request_context():
        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})


@pytest.fixture(scope="module")
def tabs(live_server: LiveServer, browser: Any) -> Iterator[dict[str, Any]]:
    """One tab per visitor for the whole module (anonymous, citizen, admin), so
    fonts and axe stay warm; `tab` checks each test for CSP violations."""
    opened: dict[str, Any] = {}
    for who in ("anonymous", "buergerin", "admin"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        tab = context.new_page()
        tab.csp_violations = []
        tab.on(
            "console",
            lambda msg, tab=tab: (
                tab.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        if who != "anonymous":
            tab.goto(live_server + "/de/account/login")
            tab.fill("#email", f"{who}@mitwirken.example")
            tab.fill("#password", PASSWORD)
            with tab.expect_navigation():
                tab.locator("main form button[type=submit]").first.click()
            assert "/account/login" not in tab.url, f"{who} could not sign in"
        opened[who] = tab
    yield opened
    for tab in opened.values():
        tab.context.close()


@pytest.fixture
def tab(tabs: dict[str, Any]) -> Iterator[Any]:
    """``tab(who)`` gives the shared tab of that visitor."""
    used: list[Any] = []

    def get(who: str) -> Any:
        used.append(tabs[who])
        tabs[who].set_viewport_size({"width": 1280, "height": 900})
        return tabs[who]

    yield get
    for t in used:
        problems, t.csp_violations[:] = list(t.csp_violations), []
        assert problems == [], "the page broke its Content-Security-Policy"


def visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: {response and response.status}"


def assert_fits_375(page: Any, name: str) -> None:
    page.set_viewport_size({"width": 375, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls horizontally by {overflow} px at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_page_has_no_axe_violations_and_fits_375px(
    tab: Any, live_server: LiveServer, name: str
) -> None:
    page = tab("anonymous")
    visit(page, live_server + PUBLIC[name])
    assert page.locator("html").get_attribute("lang") == "de"
    assert axe_violations(page) == []
    assert_fits_375(page, name)


@pytest.mark.parametrize("step", ["page-1", "review"])
def test_survey_page_has_no_axe_violations_and_fits_375px(
    page: Any, live_server: LiveServer, step: str
) -> None:
    visit(page, live_server + PUBLIC["survey-intro"])
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith("/page/1")
    if step == "review":
        visit(page, f"{live_server}/de/surveys/{SURVEY}/review")
    assert axe_violations(page) == []
    assert_fits_375(page, f"survey {step}")


def test_goal_page_with_comments_screenshots_at_1280_and_375(
    tab: Any, live_server: LiveServer
) -> None:
    page = tab("anonymous")
    visit(page, live_server + GOAL)
    assert page.locator("#comment-list article.comment").count() > 0
    screenshot(page, "goal-comments-1280")
    page.set_viewport_size({"width": 375, "height": 900})
    screenshot(page, "goal-comments-375")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


@pytest.mark.parametrize("link", ["goal", "reply", "report"])
def test_participant_page_has_no_axe_violations(
    tab: Any, live_server: LiveServer, link: str
) -> None:
    page = tab("buergerin")
    visit(page, live_server + GOAL)
    assert page.locator("#body").count() == 1, "the citizen is not signed in"
    if link != "goal":
        href = page.locator(f"#comment-list a[href$='/{link}']").first.get_attribute("href")
        visit(page, live_server + href)
        assert page.locator("main form").count() >= 1
    assert axe_violations(page) == []
    assert_fits_375(page, f"participant {link}")


@pytest.mark.parametrize("endpoint", STAFF)
def test_staff_page_has_no_axe_violations_and_fits_375px(
    tab: Any, live_server: LiveServer, endpoint: str
) -> None:
    url = staff_url(live_server.app, endpoint)
    if url is None:
        pytest.skip(f"{endpoint} does not exist (yet) or has no demo data")
    page = tab("admin")
    visit(page, live_server + url)
    assert "/account/login" not in page.url
    assert axe_violations(page) == []
    assert_fits_375(page, endpoint)


def test_every_other_staff_page_has_no_axe_violations(tab: Any, live_server: LiveServer) -> None:
    """Pages added later under /staff/ or /moderation/ are checked here until listed."""
    app = live_server.app
    others = sorted(
        {
            r.endpoint
            for r in app.url_map.iter_rules()
            if "GET" in r.methods
            and r.rule.startswith("/<lang_code>/")
            and ("/staff/" in r.rule or "/moderation/" in r.rule)
            and not r.rule.endswith((".csv", ".xlsx", ".json", ".pdf", ".zip"))
            and r.endpoint not in STAFF
        }
    )
    page = tab("admin")
    found = {}
    for endpoint in others:
        url = staff_url(app, endpoint)
        if url is None:
            continue
        response = page.goto(live_server + url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if violations := axe_violations(page):
            found[endpoint] = violations
    assert found == {}
