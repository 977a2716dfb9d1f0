"""Numbers that are not quantities are never grouped: a year answered as 1977 reads
"1977", not "1.977". A number question has a format (grouped, plain, year); without
one, bounds that look like years make it a year."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.processes.models import Process
from app.surveys.builder.structure import create_question, create_section, create_survey, set_state
from app.surveys.models import AccessMode, Question, QuestionKind, Survey, SurveyState
from tests.conftest import csrf_token, submit
from tests.surveys.conftest import fresh_question, page_text

SLUG = "zahlen"
BASE = f"/de/surveys/{SLUG}"


def _survey(
    process: Process | None = None, **questions: dict[str, Any]
) -> tuple[Survey, dict[str, Question]]:
    """An open survey with one page: a number question per keyword (its settings)."""
    survey = create_survey(
        slug=SLUG,
        title={"de": "Zahlen"},
        access_mode=AccessMode.OPEN,
        default_locale="de",
        process_id=process.id if process else None,
    )
    section = create_section(survey, title={"de": "Seite 1"})
    made = {
        key: create_question(
            section, kind=QuestionKind.NUMBER, prompt={"de": f"Frage {key}"}, settings=settings
        )
        for key, settings in questions.items()
    }
    set_state(survey, SurveyState.OPEN)
    db.session.commit()
    return survey, made


def _answer(client: FlaskClient, answers: dict[Question, str]) -> str:
    """Start, answer page 1, and return the review page."""
    intro = page_text(client.get(f"{BASE}/"))
    key = re.search(r'name="key" value="([^"]+)"', intro)
    token = csrf_token(client, f"{BASE}/resume")
    client.post(f"{BASE}/start", data={"csrf_token": token, "key": key.group(1) if key else ""})
    data = {q.field_name: value for q, value in answers.items()}
    sent = submit(client, f"{BASE}/page/1", data | {"action": "next"})
    assert sent.status_code == 302, page_text(sent)
    return page_text(client.get(f"{BASE}/review"))


def test_a_year_detected_from_its_bounds_is_not_grouped(client: FlaskClient, app: Any) -> None:
    _made, q = _survey(since={"min": 1920, "max": 2035}, minutes={"min": 0, "max": 30000})
    review = _answer(client, {q["since"]: "1977", q["minutes"]: "12000"})
    assert "1977" in review and "1.977" not in review
    assert "12.000" in review  # a quantity keeps its grouping


@pytest.mark.parametrize(
    ("number_format", "typed", "shown"),
    [("plain", "10115", "10115"), ("year", "2001", "2001"), ("grouped", "2001", "2.001")],
)
def test_the_format_setting_decides(
    client: FlaskClient, app: Any, number_format: str, typed: str, shown: str
) -> None:
    _made, q = _survey(code={"min": 0, "max": 99999, "number_format": number_format})
    review = _answer(client, {q["code"]: typed})
    assert re.search(rf">\s*{re.escape(shown)}\s*<", review), review


def test_the_hint_and_the_range_error_write_bounds_as_the_answer_is_written(
    client: FlaskClient, app: Any
) -> None:
    survey, q = _survey(since={"min": 1920, "max": 2035}, minutes={"min": 0, "max": 30000})
    intro = page_text(client.get(f"{BASE}/"))
    key = re.search(r'name="key" value="([^"]+)"', intro)
    token = csrf_token(client, f"{BASE}/resume")
    client.post(f"{BASE}/start", data={"csrf_token": token, "key": key.group(1) if key else ""})
    page = page_text(client.get(f"{BASE}/page/1"))
    assert "Eine Zahl von 1920 bis 2035." in page
    assert "Eine Zahl von 0 bis 30.000." in page
    sent = submit(
        client, f"{BASE}/page/1", {q["since"].field_name: "1800", q["minutes"].field_name: "-1"}
    )
    assert "Bitte geben Sie eine Zahl von 1920 bis 2035 ein." in page_text(sent)
    assert "Bitte geben Sie eine Zahl von 0 bis 30.000 ein." in page_text(sent)
    assert survey.id


def test_staff_choose_the_format_in_the_builder(
    staff_client: FlaskClient, process: Process
) -> None:
    survey, q = _survey(process, plz={"min": 1, "max": 99999})
    url = f"/de/staff/surveys/{survey.id}/questions/{q['plz'].id}/edit"
    form = page_text(staff_client.get(url))
    assert 'name="number_format"' in form
    # a structure with responses is locked; this survey has none yet
    saved = submit(
        staff_client,
        url,
        {"prompt_de": "PLZ", "min": "1", "max": "99999", "number_format": "plain"},
    )
    assert saved.status_code == 302, page_text(saved)
    assert fresh_question(q["plz"].id).settings["number_format"] == "plain"


def test_a_year_has_no_decimals(staff_client: FlaskClient, process: Process) -> None:
    survey, q = _survey(process, since={"min": 1920, "max": 2035})
    url = f"/de/staff/surveys/{survey.id}/questions/{q['since'].id}/edit"
    data = {"prompt_de": "Seit", "number_format": "year", "decimal": "y"}
    page = submit(staff_client, url, data)
    assert page.status_code == 200
    assert "Ein Jahr ist eine ganze Zahl" in page_text(page)
    assert "number_format" not in fresh_question(q["since"].id).settings
