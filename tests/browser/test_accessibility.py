"""axe-core (WCAG 2.1 A/AA) on every reachable page template, in German and in
Arabic (right to left).

Public, participant and listed staff pages must also reflow without horizontal
scrolling (WCAG 1.4.10) at 375 px, at 320 px and at 200 % zoom. 200 % zoom is
emulated as a 640 x 400 CSS-pixel viewport: that is what Chromium lays out when
a 1280 x 800 window is zoomed to 200 % (page zoom itself cannot be set from
Playwright without a script in the page). Data tables may scroll inside their
own `.table-wrap` box (the WCAG 1.4.10 exception for tables); the page may not.

Staff, moderation, assessment, export, translation and survey-builder pages are
looked up in the running app's url_map; pages not listed in STAFF are swept up by
`test_every_other_staff_page_has_no_axe_violations`, which fails for a page whose
URL it cannot build from the demo data (give its parameter a value in `ids`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for

from app.comments.models import Comment, CommentStatus
from app.db import utcnow
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.storage import get_storage
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from tests.browser.conftest import LiveServer, axe_violations, in_app, screenshot

PASSWORD = "mitwirken-demo"
HF12 = "hf12-verwaltung"
COUNTY = "landkreis-strategie-2035"
SURVEY = "buergerbefragung-2035"
GOAL = f"/de/p/{HF12}/goals/12.2.2"
LANGUAGES = ["de", "ar"]  # German, and Arabic for right to left

# Paths after the language prefix. home, HF12 process and goal 12.2.2 are also
# checked in test_public_journey.py; the goal page with comments again below.
PUBLIC = {
    "home": "/",
    "process": f"/p/{HF12}/",
    "county-process": f"/p/{COUNTY}/",
    "county-goal": f"/p/{COUNTY}/goals/1.1",
    "easy-language": "/leichte-sprache",
    "sign-language": "/gebaerdensprache",
    "accessibility-statement": "/barrierefreiheit",
    "privacy-notice": "/datenschutz",
    "guest-data-request": "/my-data/guest",
    "survey-list": "/surveys/",
    "survey-intro": f"/surveys/{SURVEY}/",
    "login": "/account/login",
    "register": "/account/register",
    "forgot-password": "/account/forgot-password",
    "not-found": "/diese-seite-gibt-es-nicht",
    "open-data": "/open-data",
}
# Reflow (WCAG 1.4.10): CSS viewport sizes. "200 % zoom" is a 1280 x 800 window
# at 200 % page zoom, which Chromium lays out as a 640 x 400 CSS-pixel viewport.
REFLOW = {"375 px": (375, 900), "320 px": (320, 640), "200 % zoom": (640, 400)}

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
    "assessment.edit_answer",
    "exports.index",
    "exports.job",
    "translate.report",
    "translate.edit",
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
    "survey_staff.new_row",
    "survey_staff.edit_row",
    "survey_staff.add_preset",
    "survey_staff.goal_matrix",
]


# GET endpoints under /staff/ that are not pages of their own.
NOT_PAGES = {
    "exports.download": "sends the export file",
    "exports.status": "the htmx fragment of exports.job (checked as part of it)",
}
# Endpoints whose demo data lives in another process than HF12.
OVERRIDES: dict[str, dict[str, Any]] = {"assessment.edit_answer": {"slug": COUNTY}}


@pytest.fixture(scope="module", autouse=True)
def staff_page_data(live_server: LiveServer) -> None:
    """What staff pages need beyond `flask demo load`: survey responses with open
    answers (they join the county's Abwägung) and a finished export of HF12."""
    runner = live_server.app.test_cli_runner()
    result = runner.invoke(args=["demo", "responses", SURVEY, "--count", "20", "--seed", "1"])
    assert result.exit_code == 0, result.output
    with in_app(live_server):
        process = db.session.scalar(sa.select(Process).where(Process.slug == HF12))
        assert process is not None
        content = b"Nr.;Text\r\n1;Beispiel\r\n"
        with get_storage().writer("1-example.csv") as out:
            out.write(content)
        db.session.add(
            ExportJob(
                process_id=process.id,
                kind=ExportKind.ASSESSMENT,
                format=ExportFormat.CSV,
                locale="de",
                status=ExportStatus.DONE,
                progress=100,
                row_count=1,
                filename="abwaegung.csv",
                content_type="text/csv",
                storage_key="1-example.csv",
                size=len(content),
            )
        )
        db.session.commit()


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
        matrix = one(
            "SELECT q.id FROM survey_question q JOIN survey_section s ON s.id = q.section_id"
            " WHERE s.survey_id = :survey AND q.kind = 'matrix' ORDER BY q.id",
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
            "matrix_id": matrix,
            "row_id": one(
                "SELECT id FROM survey_matrix_row WHERE question_id = :q ORDER BY id", q=matrix
            ),
            "phase_id": one("SELECT id FROM phase ORDER BY id"),
            "key": one("SELECT key FROM site_page ORDER BY id") or "accessibility",
            "target_lang": "en",
            "job_id": one("SELECT id FROM export_job ORDER BY id"),
            "answer_id": one(
                "SELECT a.id FROM survey_answer a JOIN survey_question q ON q.id = a.question_id"
                " WHERE q.kind IN ('short_text', 'long_text') AND a.value_text <> ''"
                " ORDER BY a.id"
            ),
        }


def staff_url(app: Any, endpoint: str, lang: str = "de") -> str | None:
    """The page's URL in ``lang``, or None if the endpoint is missing or not a GET page."""
    rule = next((r for r in app.url_map.iter_rules() if r.endpoint == endpoint), None)
    if rule is None or "GET" not in rule.methods:
        return None
    values = ids(app) | {"lang_code": lang} | OVERRIDES.get(endpoint, {})
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


def assert_reflows(page: Any, name: str) -> None:
    """No horizontal page scrolling at 375 px, 320 px and 200 % zoom (see REFLOW)."""
    problems = []
    for label, (width, height) in REFLOW.items():
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{name} scrolls horizontally by {overflow} px at {label}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert problems == []


def assert_language(page: Any, lang: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_page_has_no_axe_violations_and_reflows(
    tab: Any, live_server: LiveServer, name: str, lang: str
) -> None:
    page = tab("anonymous")
    visit(page, f"{live_server}/{lang}{PUBLIC[name]}")
    assert_language(page, lang)
    assert axe_violations(page) == []
    assert_reflows(page, name)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("step", ["page-1", "review"])
def test_survey_page_has_no_axe_violations_and_reflows(
    page: Any, live_server: LiveServer, step: str, lang: str
) -> None:
    visit(page, f"{live_server}/{lang}{PUBLIC['survey-intro']}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.url.endswith("/page/1")
    if step == "review":
        visit(page, f"{live_server}/{lang}/surveys/{SURVEY}/review")
    assert_language(page, lang)
    assert axe_violations(page) == []
    assert_reflows(page, f"survey {step}")


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


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("link", ["goal", "reply", "report"])
def test_participant_page_has_no_axe_violations(
    tab: Any, live_server: LiveServer, link: str, lang: str
) -> None:
    page = tab("buergerin")
    visit(page, live_server + GOAL.replace("/de/", f"/{lang}/"))
    assert page.locator("#body").count() == 1, "the citizen is not signed in"
    if link != "goal":
        href = page.locator(f"#comment-list a[href$='/{link}']").first.get_attribute("href")
        visit(page, live_server + href)
        assert page.locator("main form").count() >= 1
    assert_language(page, lang)
    assert axe_violations(page) == []
    assert_reflows(page, f"participant {link}")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("endpoint", STAFF)
def test_staff_page_has_no_axe_violations_and_reflows(
    tab: Any, live_server: LiveServer, endpoint: str, lang: str
) -> None:
    url = staff_url(live_server.app, endpoint, lang)
    assert url is not None, f"{endpoint} is gone or has no demo data for its URL"
    page = tab("admin")
    visit(page, live_server + url)
    assert "/account/login" not in page.url
    assert_language(page, lang)
    assert axe_violations(page) == []
    assert_reflows(page, endpoint)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_other_staff_page_has_no_axe_violations(
    tab: Any, live_server: LiveServer, lang: str
) -> None:
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
            and r.endpoint not in NOT_PAGES
        }
    )
    page = tab("admin")
    found = {}
    unbuilt = [e for e in others if staff_url(app, e, lang) is None]
    assert unbuilt == [], "give these pages' URL parameters a value in ids()"
    for endpoint in others:
        url = staff_url(app, endpoint, lang)
        assert url is not None
        response = page.goto(live_server + url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if violations := axe_violations(page):
            found[endpoint] = violations
    assert found == {}


def test_load_more_announces_the_new_comments_in_a_live_region(
    tab: Any, live_server: LiveServer
) -> None:
    """htmx swaps in the next comments and, out of band, a message for screen readers."""
    with in_app(live_server):
        goal = db.session.scalar(sa.select(Goal).where(Goal.code == "12.4.1"))
        assert goal is not None
        start = utcnow()
        db.session.execute(
            sa.insert(Comment),
            [
                {
                    "goal_id": goal.id,
                    "author_name": f"Person {n}",
                    "kind": "suggestion",
                    "stakeholder_group": StakeholderGroup.CITIZEN,
                    "body": f"Live-Region {n}",
                    "status": CommentStatus.PUBLISHED,
                    "created_at": start - timedelta(minutes=n),
                }
                for n in range(25)
            ],
        )
        db.session.commit()
    page = tab("anonymous")
    visit(page, f"{live_server}/en/p/{HF12}/goals/12.4.1?sort=newest")
    status = page.locator("#comments-status")
    assert status.get_attribute("role") == "status"  # aria-live="polite" implied
    assert status.inner_text() == ""
    articles = page.locator("#comment-list > article.comment")
    before = articles.count()
    assert before == 20
    assert not page.get_by_text("Live-Region 24").count()
    page.locator("#comment-list a.comments__more").click()
    # A locator wait, not wait_for_function: that evaluates a string, which the strict
    # CSP refuses whenever the swap has not happened by the first check.
    page.locator("#comments-status", has_text=re.compile(r"\S")).wait_for()
    message = status.inner_text().strip()
    assert re.fullmatch(r"\d+ more comments? loaded\.", message), message
    assert articles.count() - before == int(message.split()[0]) >= 5
    assert page.get_by_text("Live-Region 24").is_visible()
    assert page.locator("#comments-status").count() == 1  # swapped into, not duplicated
    assert "/goals/12.4.1" in page.url and "after=" not in page.url  # no page load
