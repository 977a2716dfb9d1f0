"""Show-if conditions on the value of a number or scale question, as the builder sets
them and as answering and the synthetic responses honour them."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.demo.survey_responses import Synthesiser
from app.extensions import db
from app.processes.models import Process
from app.surveys.answering.validation import AnswerRow, condition_met
from app.surveys.builder.parts import add_scale
from app.surveys.builder.structure import (
    SurveyError,
    create_question,
    create_section,
    create_survey,
    update_question,
)
from app.surveys.models import (
    Answer,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
    SurveyState,
)
from tests.conftest import csrf_token, login_as, submit
from tests.surveys.conftest import (
    audit_actions,
    fresh_question,
    lock,
    page_text,
)

BASE = "/en/staff/surveys"


# --- conditions on values ------------------------------------------------------------


def _value_survey(process: Process, *, rooms: bool = True) -> dict[str, Any]:
    """Page 1: age (number 0-120), a 1-5 scale, children (no bounds); page 2: a text
    question and a number on the same page; a draft."""
    survey = create_survey(
        slug="werte", title={"de": "Werte", "en": "Values"}, process_id=process.id
    )
    one = create_section(survey, title={"de": "Eins", "en": "One"})
    age = create_question(
        one,
        kind=QuestionKind.NUMBER,
        prompt={"de": "Alter", "en": "Age"},
        settings={"min": 0, "max": 120},
    )
    scale = create_question(
        one, kind=QuestionKind.SCALE, prompt={"de": "Wichtig", "en": "Important"}
    )
    add_scale(scale)
    children = create_question(
        one, kind=QuestionKind.NUMBER, prompt={"de": "Kinder", "en": "Children"}
    )
    two = create_section(survey, title={"de": "Zwei", "en": "Two"})
    text = create_question(two, kind=QuestionKind.SHORT_TEXT, prompt={"de": "Beruf", "en": "Job"})
    same_page = None
    if rooms:
        same_page = create_question(
            two, kind=QuestionKind.NUMBER, prompt={"de": "Zimmer", "en": "Rooms"}
        )
    db.session.commit()
    return {
        "survey": survey,
        "age": age,
        "scale": scale,
        "children": children,
        "text": text,
        "same_page": same_page,
    }


def _condition(client: FlaskClient, built: dict[str, Any], **data: str) -> Any:
    survey, text = built["survey"], built["text"]
    url = f"{BASE}/{survey.id}/questions/{text.id}/edit"
    form = {"prompt_de": "Beruf", "prompt_en": "Job"} | {
        f"condition_{k}": v for k, v in data.items()
    }
    return submit(client, url, form)


def test_staff_set_a_value_condition_and_the_preview_shows_it(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    login_as(client, staff)
    survey, age, text = built["survey"], built["age"], built["text"]
    edit = page_text(client.get(f"{BASE}/{survey.id}/questions/{text.id}/edit"))
    offered = re.search(r'(?s)name="condition_question".*?</select>', edit)
    assert offered is not None
    assert f'value="{age.id}"' in offered.group(0) and "Children" in offered.group(0)
    assert "Rooms" not in offered.group(0)

    saved = _condition(client, built, question=str(age.id), compare="at_least", value="18")
    assert saved.status_code == 302, page_text(saved)
    assert fresh_question(text.id).show_if == {"question_id": age.id, "min": 18}
    assert audit_actions() == ["survey.question.save"]

    preview = page_text(client.get(f"{BASE}/{survey.id}/preview"))
    assert "Only if the answer to “Age” is at least 18." in preview
    again = page_text(client.get(f"{BASE}/{survey.id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="18"' in again
    assert re.search(r'<option selected value="at_least">|<option value="at_least" selected', again)

    scale = built["scale"]
    saved = _condition(client, built, question=str(scale.id), compare="at_most", value="2")
    assert saved.status_code == 302
    assert fresh_question(text.id).show_if == {
        "question_id": scale.id,
        "values": ["1", "2"],
        "compare": "at_most",
        "value": "2",
    }
    saved = _condition(client, built, question=str(age.id), compare="at_most", value="64")
    assert saved.status_code == 302
    assert fresh_question(text.id).show_if == {"question_id": age.id, "max": 64}
    preview = page_text(client.get(f"{BASE}/{survey.id}/preview"))
    assert "Only if the answer to “Age” is at most 64." in preview
    assert _condition(client, built, question="0").status_code == 302
    assert fresh_question(text.id).show_if is None


@pytest.mark.parametrize(
    ("key", "compare", "value", "message"),
    [
        ("age", "equals", "130", "Please enter a number from 0 to 120."),
        ("age", "at_least", "17.5", "Please enter a whole number."),
        ("age", "equals", "achtzehn", "Please enter a number."),
        ("age", "at_least", "", "Please enter the value to compare with."),
        ("scale", "equals", "7", "one of its scale points: 1, 2, 3, 4, 5."),
        ("same_page", "equals", "1", "Not a valid choice"),
    ],
)
def test_a_value_condition_must_fit_the_question(
    client: FlaskClient,
    process: Process,
    staff: User,
    key: str,
    compare: str,
    value: str,
    message: str,
) -> None:
    built = _value_survey(process)
    login_as(client, staff)
    page = _condition(client, built, question=str(built[key].id), compare=compare, value=value)
    assert page.status_code == 200
    html = page_text(page)
    assert message in html
    assert re.search(
        r'(?s)id="condition_(value|question)-error-1".{0,400}' + re.escape(message[:20]), html
    )
    if value:
        assert f'value="{value}"' in html  # what the staff member typed stays
    assert fresh_question(built["text"].id).show_if is None


def test_at_least_and_at_most_work_on_a_number_without_a_range(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    login_as(client, staff)
    children, text = built["children"], built["text"]
    for compare, value, stored in (
        ("at_least", "2", {"min": 2}),
        ("at_most", "1000000", {"max": 1000000}),
        ("equals", "2", {"values": ["2"], "compare": "equals", "value": "2"}),
    ):
        page = _condition(client, built, question=str(children.id), compare=compare, value=value)
        assert page.status_code == 302, page_text(page)
        assert fresh_question(text.id).show_if == {"question_id": children.id} | stored
    edit = page_text(client.get(f"{BASE}/{built['survey'].id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="2"' in edit


def test_a_decimal_number_compares_with_a_decimal_bound(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    children, text = built["children"], built["text"]
    children.settings = {"decimal": True}
    db.session.commit()
    login_as(client, staff)
    page = _condition(client, built, question=str(children.id), compare="at_most", value="2,5")
    assert page.status_code == 302, page_text(page)
    assert fresh_question(text.id).show_if == {"question_id": children.id, "max": 2.5}
    edit = page_text(client.get(f"{BASE}/{built['survey'].id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="2.5"' in edit
    assert "is at most 2.5." in page_text(client.get(f"{BASE}/{built['survey'].id}/preview"))


@pytest.mark.parametrize(
    ("show_if", "answer", "shown"),
    [
        ({"min": 18}, 18.0, True),
        ({"min": 18}, 17.0, False),
        ({"max": 2.5}, 2.5, True),
        ({"max": 2.5}, 2.6, False),
        ({"min": 1, "max": 3}, 3.0, True),
        ({"min": 1, "max": 3}, 0.0, False),
        ({"min": 18}, None, False),
        ({"values": ["18"]}, 18.0, True),
        ({"values": ["18"]}, 19.0, False),
    ],
)
def test_condition_met_compares_numbers(
    show_if: dict[str, Any], answer: float | None, shown: bool
) -> None:
    known = {} if answer is None else {7: [AnswerRow(7, value_number=answer)]}
    assert condition_met({"question_id": 7} | show_if, known) is shown


def test_a_condition_bound_must_be_a_number_that_fits(process: Process) -> None:
    built = _value_survey(process)
    age, text = built["age"], built["text"]
    for show_if in ({"min": 130}, {"max": "18"}, {"min": 17.5}):
        with pytest.raises(SurveyError):
            update_question(text, show_if={"question_id": age.id} | show_if)
        db.session.rollback()
    update_question(text, show_if={"question_id": age.id, "min": 0, "max": 120})
    assert text.show_if == {"question_id": age.id, "min": 0, "max": 120}


def test_synthetic_responses_honour_a_bound(process: Process) -> None:
    built = _value_survey(process, rooms=False)
    age, text = built["age"], built["text"]
    update_question(text, show_if={"question_id": age.id, "min": 30}, required=True)
    synthesiser = Synthesiser(built["survey"], seed=3, weights=None)
    seen = {True: 0, False: 0}
    for _ in range(200):
        answers = synthesiser.answers()
        if age.id not in answers:
            continue
        adult = (answers[age.id][0].value_number or 0) >= 30
        assert (text.id in answers) is adult
        seen[adult] += 1
    assert seen[True] and seen[False]


def test_both_ticked_answers_and_a_value_are_refused(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    login_as(client, staff)
    scale = built["scale"]
    page = _condition(client, built, question=str(built["age"].id), compare="equals", value="18")
    assert page.status_code == 302
    survey, text = built["survey"], built["text"]
    url = f"{BASE}/{survey.id}/questions/{text.id}/edit"
    data = {
        "prompt_de": "Beruf",
        "condition_question": str(built["age"].id),
        "condition_compare": "equals",
        "condition_value": "18",
        "show_if": str(scale.options[0].id),
    }
    page = submit(client, url, data)
    assert page.status_code == 200
    assert "Choose either answers to tick or a value, not both." in page_text(page)


def test_value_conditions_follow_their_question_and_survive_text_fixes(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    login_as(client, staff)
    survey, age, text = built["survey"], built["age"], built["text"]
    assert (
        _condition(client, built, question=str(age.id), compare="at_least", value="65").status_code
        == 302
    )
    age_url = f"{BASE}/{survey.id}/questions/{age.id}/edit"
    widened = submit(client, age_url, {"prompt_de": "Alter", "min": "0", "max": "130"})
    assert widened.status_code == 302
    unbounded = submit(client, age_url, {"prompt_de": "Alter", "min": "0", "max": ""})
    assert unbounded.status_code == 302
    assert fresh_question(text.id).show_if == {"question_id": age.id, "min": 65}

    narrowed = submit(client, age_url, {"prompt_de": "Alter", "min": "0", "max": "60"})
    assert narrowed.status_code == 200
    assert "The condition of another question refers to this" in page_text(narrowed)
    assert fresh_question(age.id).settings.get("max") is None

    scale = built["scale"]
    assert (
        _condition(client, built, question=str(scale.id), compare="at_least", value="4").status_code
        == 302
    )
    top = scale.options[4]
    option_url = f"{BASE}/{survey.id}/questions/{scale.id}/options/{top.id}/edit"
    assert submit(client, option_url, {"label_de": "Sehr", "value": "6"}).status_code == 302
    assert (fresh_question(text.id).show_if or {})["values"] == ["4", "6"]
    again = _condition(client, built, question=str(age.id), compare="at_least", value="65")
    assert again.status_code == 302

    lock(survey)
    fixed = _condition(client, built, question=str(age.id), compare="at_least", value="65")
    assert fixed.status_code == 302  # the same condition, a text fix: allowed
    changed = _condition(client, built, question=str(age.id), compare="at_least", value="70")
    assert "only texts can be changed now" in page_text(changed)
    assert fresh_question(text.id).show_if == {"question_id": age.id, "min": 65}


def _start(client: FlaskClient, survey: Survey) -> str:
    base = f"/en/surveys/{survey.slug}"
    intro = page_text(client.get(f"{base}/"))
    key = re.search(r'name="key" value="([^"]+)"', intro)
    token = csrf_token(client, f"{base}/resume")
    started = client.post(
        f"{base}/start", data={"csrf_token": token, "key": key.group(1) if key else ""}
    )
    assert started.status_code == 302
    return base


def _page(client: FlaskClient, base: str, number: int, data: dict[str, str]) -> Any:
    token = csrf_token(client, f"{base}/page/1")  # page 1 is always shown
    posted = client.post(f"{base}/page/{number}", data={"csrf_token": token, **data})
    assert posted.status_code == 302, page_text(posted)
    return posted


def test_a_value_condition_hides_the_question_and_drops_its_answer(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process, rooms=False)
    login_as(client, staff)
    survey, age, text = built["survey"], built["age"], built["text"]
    assert (
        _condition(client, built, question=str(age.id), compare="at_least", value="18").status_code
        == 302
    )
    token = csrf_token(client, f"{BASE}/{survey.id}/")
    client.post(f"{BASE}/{survey.id}/state", data={"csrf_token": token, "state": "open"})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).state == SurveyState.OPEN

    adult = app.test_client()
    base = _start(adult, survey)
    to_two = _page(adult, base, 1, {age.field_name: "30"})
    assert to_two.headers["Location"].endswith("/page/2")
    _page(adult, base, 2, {text.field_name: "Lehrerin"})

    child = app.test_client()
    base = _start(child, survey)
    skipped = _page(child, base, 1, {age.field_name: "12"})
    assert skipped.headers["Location"].endswith("/review")  # page 2 has nothing to show
    assert child.get(f"{base}/page/2").headers["Location"].endswith("/review")
    # A crafted POST to the hidden question is ignored.
    _page(child, base, 2, {text.field_name: "Schüler"})
    # An answer given while shown is dropped once the age hides the question.
    _page(child, base, 1, {age.field_name: "40"})
    _page(child, base, 2, {text.field_name: "Erst erwachsen"})
    _page(child, base, 1, {age.field_name: "12"})
    for citizen in (adult, child):
        token = csrf_token(citizen, f"{base}/review")
        assert citizen.post(f"{base}/submit", data={"csrf_token": token}).status_code == 302

    db.session.expire_all()
    submitted = db.session.scalars(
        sa.select(Response).where(Response.state == ResponseState.SUBMITTED)
    ).all()
    assert len(submitted) == 2
    texts = db.session.scalars(sa.select(Answer.value_text).where(Answer.question_id == text.id))
    assert list(texts) == ["Lehrerin"]


def test_conditions_set_without_the_builder_survive_a_text_fix(
    client: FlaskClient, process: Process, staff: User
) -> None:
    built = _value_survey(process)
    text = built["text"]
    text.show_if = {"question_id": built["age"].id, "values": ["18"]}
    # A text answer as condition: the form cannot show it, saving keeps it.
    later = create_question(
        built["survey"].sections[1], kind=QuestionKind.LONG_TEXT, prompt={"de": "Warum?"}
    )
    third = create_section(built["survey"], title={"de": "Drei"})
    last = create_question(third, kind=QuestionKind.SHORT_TEXT, prompt={"de": "Zuletzt"})
    last.show_if = {"question_id": later.id, "values": ["ja", "nein"]}
    db.session.commit()
    lock(built["survey"])
    login_as(client, staff)
    survey_id = built["survey"].id
    edit = page_text(client.get(f"{BASE}/{survey_id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="18"' in edit
    assert _condition(client, built, question=str(built["age"].id), value="18").status_code == 302
    assert fresh_question(text.id).show_if == {"question_id": built["age"].id, "values": ["18"]}

    url = f"{BASE}/{survey_id}/questions/{last.id}/edit"
    assert submit(client, url, {"prompt_de": "Zuletzt (korrigiert)"}).status_code == 302
    fixed = fresh_question(last.id)
    assert fixed.prompt["de"] == "Zuletzt (korrigiert)" and fixed.show_if is not None
    preview = page_text(client.get(f"{BASE}/{survey_id}/preview"))
    assert "ja, nein" in preview
