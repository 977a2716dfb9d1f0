"""The results pages in Chromium: axe-clean in German and Arabic, no horizontal
scrolling at 375 px, no CSP violation (the charts are SVG coloured by class), and
screenshots at 1280 and 375 px and as printed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.surveys.models import ResultsVisibility, Survey
from tests.browser.conftest import LiveServer, axe_violations, in_app, screenshot

SURVEY = "buergerbefragung-2035"
HF12 = "hf12-verwaltung"
LANGUAGES = ["de", "ar"]
RESPONSES = 1500


@pytest.fixture(scope="module", autouse=True)
def survey_results(live_server: LiveServer) -> Iterator[None]:
    """Synthetic responses (the rebuild runs in-process after their commit) and
    results that are public at once."""
    runner = live_server.app.test_cli_runner()
    result = runner.invoke(args=["demo", "responses", SURVEY, "--count", str(RESPONSES)])
    assert result.exit_code == 0, result.output
    with in_app(live_server):
        survey = db.session.scalars(sa.select(Survey).where(Survey.slug == SURVEY)).one()
        survey.results_visibility = ResultsVisibility.LIVE
        db.session.commit()
    yield


def _lehre(live_server: LiveServer) -> int:
    with in_app(live_server):
        return int(
            db.session.execute(
                sa.text("SELECT id FROM survey_option WHERE label LIKE '%Lehre%' ORDER BY id")
            ).scalar_one()
        )


def _open(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def _no_sideways_scrolling(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_results_page_is_axe_clean_and_reflows(
    page: Any, live_server: LiveServer, lang: str
) -> None:
    _open(page, f"{live_server}/{lang}/surveys/{SURVEY}/results")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("svg.chart--likert").count() > 0
    assert page.locator("svg.chart--bars").count() > 0
    assert page.locator("svg.chart--timeline").count() == 1
    assert axe_violations(page) == []
    _no_sideways_scrolling(page)
    screenshot(page, f"results-survey-{lang}-1280")
    page.set_viewport_size({"width": 375, "height": 900})
    screenshot(page, f"results-survey-{lang}-375")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_filtered_results_and_crosstab_are_axe_clean(
    page: Any, live_server: LiveServer, lang: str
) -> None:
    lehre = _lehre(live_server)
    base = f"{live_server}/{lang}/surveys/{SURVEY}/results"
    _open(page, f"{base}?group=municipality.lehre")  # readable, typed by a presenter
    assert page.locator(".results-group").count() == 1
    assert axe_violations(page) == []
    _no_sideways_scrolling(page)
    if lang == "de":
        page.emulate_media(media="print")
        screenshot(page, "results-lehre-print")
        assert page.locator(".results-filter").is_hidden()
        assert page.locator(".site-header").is_hidden()
        page.emulate_media(media="screen")
    # The filter form works without script: choose a group and submit.
    _open(page, base)
    page.select_option("#group", "municipality.lehre")
    with page.expect_navigation():
        page.locator("form.results-filter button[type=submit]").click()
    assert "group=municipality.lehre" in page.url
    _open(page, f"{base}?group={lehre}")  # an old address by option id is redirected
    assert "group=municipality.lehre" in page.url
    _open(page, f"{base}/crosstab?show=row")
    assert page.locator("table.results-crosstab").count() >= 1
    assert axe_violations(page) == []
    _no_sideways_scrolling(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_process_results_page_is_axe_clean(page: Any, live_server: LiveServer, lang: str) -> None:
    _open(page, f"{live_server}/{lang}/p/{HF12}/results")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    _no_sideways_scrolling(page)
    if lang == "de":
        screenshot(page, "results-process-1280")


def test_staff_dashboard_shows_the_warning(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server + "/de/account/login")
    page.fill("#email", "staff@mitwirken.example")
    page.fill("#password", "mitwirken-demo")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    with in_app(live_server):
        survey_id = db.session.scalars(sa.select(Survey.id).where(Survey.slug == SURVEY)).one()
    _open(page, f"{live_server}/de/staff/results/surveys/{survey_id}/?group={_lehre(live_server)}")
    assert page.locator(".kern-alert--warning").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "results-staff-lehre-1280")
    _open(page, f"{live_server}/de/staff/results/p/{HF12}/")
    assert axe_violations(page) == []
    screenshot(page, "results-staff-process-1280")
