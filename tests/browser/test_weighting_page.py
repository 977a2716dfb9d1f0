"""The staff weighting page of the demo county survey (its demo margins are loaded
by `flask demo load`) and its representativeness view: axe-clean in German and
Arabic, also with errors shown next to the fields; screenshots at 1280 px."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.surveys.models import Survey
from tests.browser.conftest import LiveServer, axe_violations, in_app, screenshot

PASSWORD = "mitwirken-demo"
SURVEY = "buergerbefragung-2035"
# Copies of the screenshots where the engineer looks at them (see tests/browser/screenshots).
SHOTS = Path(tempfile.gettempdir()) / "shots-results-admin"


@pytest.fixture(scope="module", autouse=True)
def responses(live_server: LiveServer) -> None:
    """Synthetic responses, so the demo margins are raked and compared."""
    runner = live_server.app.test_cli_runner()
    args = ["demo", "responses", SURVEY, "--count", "600", "--seed", "1", "--if-empty"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output


def _keep(path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _sign_in(page: Any, server: LiveServer) -> None:
    page.goto(server + "/de/account/login")
    page.fill("#email", "admin@mitwirken.example")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/account/login" not in page.url


def _survey_id(server: LiveServer) -> int:
    with in_app(server):
        survey_id = db.session.scalar(sa.select(Survey.id).where(Survey.slug == SURVEY))
    assert survey_id is not None
    return survey_id


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_weighting_page_is_axe_clean_with_and_without_errors(
    page: Any, live_server: LiveServer, lang: str
) -> None:
    _sign_in(page, live_server)
    survey_id = _survey_id(live_server)
    page.goto(f"{live_server}/{lang}/staff/surveys/{survey_id}/weighting")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("#convergence-report").count() == 1  # the demo margins are raked
    assert axe_violations(page) == []
    _keep(screenshot(page, f"weighting-{lang}-1280"))

    first = page.locator(".share-grid input").first
    first.fill("99")
    with page.expect_navigation():
        page.locator("form[action$='/weighting/shares'] button[type=submit]").click()
    assert page.locator("#error-summary").count() == 1
    assert page.locator(".share-grid input").first.input_value() == "99"  # input kept
    assert page.locator("fieldset.kern-fieldset--error").count() == 1
    assert axe_violations(page) == []
    _keep(screenshot(page, f"weighting-errors-{lang}-1280"))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_representativeness_view_is_axe_clean(
    page: Any, live_server: LiveServer, lang: str
) -> None:
    _sign_in(page, live_server)
    survey_id = _survey_id(live_server)
    page.goto(f"{live_server}/{lang}/staff/surveys/{survey_id}/representativeness")
    assert page.locator("svg.repr-chart").count() == 3  # age band, gender, municipality
    assert page.locator("svg.repr-chart rect.bar-sample").count() > 0
    # the category labels end left of the axis, also in Arabic (right to left)
    axis = page.locator("svg.repr-chart line.axis").first.bounding_box()
    label = page.locator("svg.repr-chart text.bar-label").first.bounding_box()
    assert axis and label and label["x"] + label["width"] <= axis["x"] + 1
    assert axe_violations(page) == []
    _keep(screenshot(page, f"representativeness-{lang}-1280"))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_rating_question_pages_are_axe_clean(page: Any, live_server: LiveServer, lang: str) -> None:
    _sign_in(page, live_server)
    base = f"{live_server}/{lang}/staff/p/landkreis-strategie-2035/rating-questions"
    page.goto(base + "/")
    assert page.locator("#rating-questions tbody tr").count() >= 1
    assert axe_violations(page) == []
    _keep(screenshot(page, f"rating-questions-{lang}-1280"))
    page.goto(base + "/new")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").count() == 1  # no text in the default language
    assert axe_violations(page) == []
    _keep(screenshot(page, f"rating-question-form-errors-{lang}-1280"))
