"""Small wording and layout defects people met (issue 13, item 13): a rule stated
twice, a generic error that names no field, a language code instead of its name, a
message that contradicts the status beside it, a heading smaller than its sub-headings,
"keine Angabe" alone on a line, and codes and titles without a sensible maximum."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.accounts.models import User
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Survey
from tests.conftest import login_as, submit
from tests.factories import make_goal, make_ratings

CSS = (Path(__file__).parents[2] / "app" / "static" / "css" / "app.css").read_text()


def _text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def test_the_multiple_choice_rule_is_stated_once(
    app: Any, runner: Any, client: FlaskClient
) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@mitwirken.example"))
    login_as(client, admin)
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == "buergerbefragung-2035"))
    assert survey is not None
    page = _text(client.get(f"/de/staff/surveys/{survey.id}/preview"))
    assert page.count("Wählen Sie bis zu 3 aus.") == 1
    assert "Bis zu drei Antworten." not in page


def test_a_too_short_name_is_named_with_what_to_do(client: FlaskClient, app: Any) -> None:
    data = {
        "email": "neu@example.org",
        "display_name": "A",
        "password": "correct horse battery",
        "password_confirm": "correct horse battery",
    }
    page = _text(submit(client, "/de/account/register", data))
    assert "Feld muss zwischen" not in page
    error = re.search(r'id="display_name-error-1">\s*(?:<[^>]+>\s*)*([^<]+)', page)
    assert error and "Anzeigename" in error.group(1) and "2 bis 80 Zeichen" in error.group(1)


def test_an_export_names_its_language_and_a_finished_one_is_not_just_started(
    staff_client: FlaskClient, process: Process
) -> None:
    make_goal(process, "1")
    form = {"kind": "assessment", "format": "csv", "language": "de"}
    started = submit(staff_client, f"/de/staff/exports/p/{process.slug}/", form)
    assert started.status_code == 302
    page = _text(staff_client.get(started.headers["Location"]))
    assert "· de<" not in page and "· Deutsch" in page
    assert "Fertig" in page  # the build runs eagerly in the tests
    assert "Der Export wurde gestartet." not in page
    assert "Der Export ist fertig." in page


def test_the_rating_results_heading_is_not_smaller_than_its_sub_headings(
    client: FlaskClient, process: Process
) -> None:
    goal = make_goal(process, "1")
    for _ in range(5):  # enough alike raters that the result tables are public
        make_ratings(goal)
    page = _text(client.get(f"/de/p/{process.slug}/goals/1"))
    heading = re.search(r'<h3 id="rating-results-heading" class="([^"]+)"', page)
    captions = re.findall(r'<caption class="([^"]+)"', page)
    assert heading and heading.group(1) == "kern-heading-medium"  # 21 px
    assert captions and set(captions) == {"kern-title kern-title--small"}  # 18 px


def test_no_answer_stays_in_the_row_of_the_scale() -> None:
    rule = re.search(r"\.survey-no-answer\s*\{([^}]*)\}", CSS)
    assert rule and "border-inline-start" in rule.group(1)
    template = (
        Path(__file__).parents[2] / "app/surveys/templates/surveys/_questions.html"
    ).read_text()
    macro = template[template.index("{% macro choice_list") :]
    macro = macro[: macro.index("{% endmacro %}")]
    # the no-answer option is inside the horizontal body, not a block of its own below it
    assert macro.count('<div class="kern-fieldset__body') == 1


def test_a_goal_code_has_a_sensible_maximum(staff_client: FlaskClient, process: Process) -> None:
    page = _text(
        submit(
            staff_client,
            f"/de/staff/p/{process.slug}/goals/new",
            {"code": "x" * 32, "title_de": "Ziel", "parent": "0"},
        )
    )
    assert 'id="code-error-1"' in page
    assert "höchstens 16 Zeichen" in page


def test_a_phase_title_has_a_sensible_maximum(staff_client: FlaskClient, process: Process) -> None:
    data = {"kind": "results", "starts_at": "2030-01-01", "ends_at": "2030-01-31"}
    page = _text(
        submit(
            staff_client,
            f"/de/staff/p/{process.slug}/phases/new",
            data | {"title_de": "P" * 500, "title_en": ""},
        )
    )
    assert 'id="title_de-error-1"' in page
    assert "höchstens 80 Zeichen" in page
