"""The survey builder: staff build a survey through the forms, the lock, copy, preview,
permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
    SurveyState,
)
from tests.conftest import csrf_token, login_as, submit
from tests.factories import make_goal, make_process, make_user
from tests.surveys.conftest import kitchen_sink, staff_button

BASE = "/en/staff/surveys"


def _survey(slug: str) -> Survey:
    db.session.expire_all()
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == slug))
    assert survey is not None
    return survey


def _post(client: FlaskClient, url: str, data: dict[str, Any], form_url: str) -> Any:
    response = submit(client, url, data, form_url=form_url)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _question(client: FlaskClient, survey: Survey, section_id: int, **data: Any) -> Question:
    url = f"{BASE}/{survey.id}/sections/{section_id}/questions/new"
    _post(client, url, data, url)
    db.session.expire_all()
    question = db.session.scalar(sa.select(Question).order_by(Question.id.desc()).limit(1))
    assert question is not None
    return question


def _new_section(client: FlaskClient, survey: Survey, title: str) -> int:
    url = f"{BASE}/{survey.id}/sections/new"
    _post(client, url, {"title_de": title, "title_en": title}, url)
    return _survey(survey.slug).sections[-1].id


def _create_survey(client: FlaskClient, process: Process, slug: str = "umfrage") -> Survey:
    data = {
        "slug": slug,
        "title_de": "Unsere Umfrage",
        "title_en": "Our survey",
        "process_id": str(process.id),
        "default_locale": "de",
        "access_mode": "open",
        "results_visibility": "after_close",
        "opens_at": "",
        "closes_at": "",
    }
    _post(client, f"{BASE}/new", data, f"{BASE}/new")
    return _survey(slug)


def _build(client: FlaskClient, process: Process) -> dict[str, Any]:
    survey = _create_survey(client, process)
    first = _new_section(client, survey, "Start")
    single = _question(
        client,
        survey,
        first,
        kind="single_choice",
        prompt_de="Wohnen Sie hier?",
        prompt_en="Do you live here?",
        options_de="Ja\nNein",
        options_en="Yes\nNo",
        required="y",
    )
    multi = _question(
        client,
        survey,
        first,
        kind="multiple_choice",
        prompt_de="Womit fahren Sie?",
        options_de="Bus\nRad\nAuto",
        min_choices="1",
        max_choices="2",
        other_option="y",
    )
    number = _question(
        client, survey, first, kind="number", prompt_de="Wie alt?", min="0", max="120"
    )
    scale = _question(client, survey, first, kind="scale", prompt_de="Wie wichtig?", no_answer="y")
    second = _new_section(client, survey, "Ziele")
    make_goal(process, "1", "Saubere Luft")
    make_goal(process, "2", "Gute Schulen")
    url = f"{BASE}/{survey.id}/sections/{second}/goal-matrix"
    _post(client, url, {"process_id": str(process.id), "root_id": "0"}, url)
    yes = next(o for o in single.options if o.value == "1")
    _question(
        client,
        survey,
        second,
        kind="short_text",
        prompt_de="Seit wann?",
        show_if=str(yes.id),
        max_length="50",
    )
    return {"survey": survey, "single": single, "multi": multi, "number": number, "scale": scale}


def test_staff_build_a_survey_and_a_citizen_answers_it(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    login_as(client, staff)
    _build(client, process)
    survey = _survey("umfrage")
    kinds = [q.kind for q in survey.questions]
    assert kinds == [
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.NUMBER,
        QuestionKind.SCALE,
        QuestionKind.MATRIX,
        QuestionKind.SHORT_TEXT,
    ]
    single, multi, number, scale, matrix, cond = survey.questions
    assert single.required and [o.label["en"] for o in single.options] == ["Yes", "No"]
    assert multi.settings == {"min_choices": 1, "max_choices": 2}
    assert [o.is_other for o in multi.options] == [False, False, False, True]
    assert number.settings == {"min": 0, "max": 120}
    assert [o.value for o in scale.options] == ["1", "2", "3", "4", "5", "na"]
    assert [r.label["de"] for r in matrix.rows] == ["1 Saubere Luft", "2 Gute Schulen"]
    assert cond.show_if == {"question_id": single.id, "option_ids": [single.options[0].id]}
    page = client.get(f"{BASE}/{survey.id}/").get_data(as_text=True)
    assert "Do you live here?" in page or "Wohnen Sie hier?" in page
    response = staff_button(client, survey, f"{BASE}/{survey.id}/state", state="open")
    assert response.status_code == 302
    assert _survey("umfrage").state == SurveyState.OPEN

    citizen = app.test_client()
    _answer_online(citizen, _survey("umfrage"))
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Response))
    assert stored is not None and stored.state == ResponseState.SUBMITTED
    texts = db.session.scalars(sa.select(Answer.value_text).where(Answer.question_id == cond.id))
    assert list(texts) == ["2010"]


def _answer_online(client: FlaskClient, survey: Survey) -> None:
    base = f"/en/surveys/{survey.slug}"
    intro = client.get(f"{base}/").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', intro)
    token = csrf_token(client, f"{base}/resume")
    start = client.post(
        f"{base}/start", data={"csrf_token": token, "key": key.group(1) if key else ""}
    )
    assert start.status_code == 302
    single, _multi, _number, _scale, matrix, cond = survey.questions
    page_one = {single.field_name: str(single.options[0].id)}
    four = next(o for o in matrix.options if o.value == "4")
    page_two = {f"{matrix.field_name}_r{row.id}": str(four.id) for row in matrix.rows}
    page_two[cond.field_name] = "2010"
    for number, data in ((1, page_one), (2, page_two)):
        url = f"{base}/page/{number}"
        posted = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
        assert posted.status_code == 302, posted.get_data(as_text=True)
    token = csrf_token(client, f"{base}/review")
    assert client.post(f"{base}/submit", data={"csrf_token": token}).status_code == 302


def test_condition_must_use_options_of_one_earlier_question(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    login_as(client, staff)
    survey = _create_survey(client, process)
    first = _new_section(client, survey, "Eins")
    q1 = _question(client, survey, first, kind="single_choice", prompt_de="A", options_de="x\ny")
    q2 = _question(client, survey, first, kind="single_choice", prompt_de="B", options_de="u\nv")
    second = _new_section(client, survey, "Zwei")
    url = f"{BASE}/{survey.id}/sections/{second}/questions/new"
    data = {
        "kind": "short_text",
        "prompt_de": "Warum?",
        "show_if": [str(q1.options[0].id), str(q2.options[0].id)],
    }
    page = submit(client, url, data)
    assert page.status_code == 200
    assert "Choose options of one earlier question" in page.get_data(as_text=True)
    assert "Warum?" in page.get_data(as_text=True)  # the input is kept


def test_structure_is_locked_once_responses_exist_but_texts_can_be_fixed(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    sink = kitchen_sink(process_id=process.id)
    survey = sink.survey
    db.session.add(Response(survey_id=survey.id, state=ResponseState.SUBMITTED))
    db.session.commit()
    login_as(client, staff)
    section = survey.sections[0]
    refused = staff_button(client, survey, f"{BASE}/{survey.id}/sections/{section.id}/delete")
    assert refused.status_code == 302
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "only texts can be changed now" in page
    assert len(_survey(survey.slug).sections) == 3

    question = sink.q["number"]
    url = f"{BASE}/{survey.id}/questions/{question.id}/edit"
    edit = client.get(url).get_data(as_text=True)
    assert 'name="min" type="text" value="0"' in edit or 'value="0"' in edit
    fixed = {
        "prompt_de": "Zahl (korrigiert)",
        "prompt_en": "Number (fixed)",
        "min": "0",
        "max": "120",
        "unit_de": "Jahre",
        "unit_en": "years",
    }
    _post(client, url, fixed, url)
    db.session.expire_all()
    assert db.session.get(Question, question.id).prompt["en"] == "Number (fixed)"

    changed = submit(client, url, fixed | {"max": "99"})
    assert changed.status_code == 200
    assert "only texts can be changed now" in changed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).settings["max"] == 120


def test_copy_makes_a_draft_with_the_same_structure(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    sink = kitchen_sink(process_id=process.id)
    login_as(client, staff)
    survey = sink.survey
    response = staff_button(client, survey, f"{BASE}/{survey.id}/copy", slug="kitchen-copy")
    assert response.status_code == 302
    copy = _survey("kitchen-copy")
    assert copy.state == SurveyState.DRAFT
    assert [q.kind for q in copy.questions] == [q.kind for q in _survey(survey.slug).questions]
    taken = staff_button(client, survey, f"{BASE}/{survey.id}/copy", slug="kitchen-copy")
    page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "already used by another survey" in page


def test_preview_renders_every_page_without_a_response(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    sink = kitchen_sink(process_id=process.id)
    login_as(client, staff)
    page = client.get(f"{BASE}/{sink.survey.id}/preview")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for key in ("single", "matrix", "short", "cond"):
        assert f'name="{sink.name(key)}' in text
    assert "Only if" in text
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_reorder_and_rename(app: Flask, client: FlaskClient, process: Process, staff: User) -> None:
    login_as(client, staff)
    survey = _create_survey(client, process)
    first = _new_section(client, survey, "Eins")
    a = _question(client, survey, first, kind="short_text", prompt_de="A")
    b = _question(client, survey, first, kind="short_text", prompt_de="B")
    moved = staff_button(
        client, survey, f"{BASE}/{survey.id}/questions/{b.id}/move", direction="up"
    )
    assert moved.status_code == 302
    assert [q.id for q in _survey(survey.slug).questions] == [b.id, a.id]
    url = f"{BASE}/{survey.id}/sections/{first}/edit"
    _post(client, url, {"title_de": "Erste Seite", "title_en": "First page"}, url)
    assert _survey(survey.slug).sections[0].title == {"de": "Erste Seite", "en": "First page"}


def test_list_and_links(app: Flask, client: FlaskClient, process: Process, staff: User) -> None:
    sink = kitchen_sink(process_id=process.id)
    kitchen_sink("other-survey")  # no process: admins only
    login_as(client, staff)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f"{BASE}/{sink.survey.id}/" in page
    assert "other-survey" not in page and "New survey" in page
    assert f"{BASE}/" in client.get("/en/staff/").get_data(as_text=True)
    assert f"{BASE}/" in client.get(f"/en/staff/p/{process.slug}/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["citizen", "other_staff"])
def test_others_are_refused(app: Flask, client: FlaskClient, process: Process, who: str) -> None:
    sink = kitchen_sink(process_id=process.id)
    if who == "citizen":
        user = make_user()
    else:
        other = make_process("other")
        user = make_user("other@example.org", "Other", process=other, role=Role.STAFF)
    login_as(client, user)
    survey_id = sink.survey.id
    for url in ("", "settings", "preview", "paper"):
        assert client.get(f"{BASE}/{survey_id}/{url}").status_code == 403
    token = csrf_token(client, "/en/account/login") if who == "citizen" else None
    if token is None:
        token = csrf_token(client, f"{BASE}/new")
    data = {"csrf_token": token, "state": "closed"}
    assert client.post(f"{BASE}/{survey_id}/state", data=data).status_code == 403
    assert _survey(sink.survey.slug).state == SurveyState.OPEN


def test_presets_and_local_times(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    login_as(client, staff)
    survey = _create_survey(client, process)
    section = _new_section(client, survey, "Über Sie")
    url = f"{BASE}/{survey.id}/sections/{section}/preset"
    _post(client, url, {"preset": "age_band", "required": "y"}, url)
    missing = submit(client, url, {"preset": "municipality", "choices": ""})
    assert "Please list the choices" in missing.get_data(as_text=True)
    _post(client, url, {"preset": "municipality", "choices": "Nordstadt\nSüdstadt"}, url)
    age, place = _survey(survey.slug).questions
    assert age.is_demographic and age.required and age.settings["preset"] == "age_band"
    assert [o.label["de"] for o in place.options] == ["Nordstadt", "Südstadt", "keine Angabe"]

    settings = f"{BASE}/{survey.id}/settings"
    page = client.get(settings).get_data(as_text=True)
    assert 'name="title_de"' in page and 'name="title_en"' in page
    data = {
        "slug": "umfrage",
        "title_de": "Unsere Umfrage",
        "process_id": str(process.id),
        "default_locale": "de",
        "access_mode": "code",
        "anonymised": "y",
        "results_visibility": "staff",
        "opens_at": "2030-07-01",
        "closes_at": "2030-06-01",
    }
    wrong = submit(client, settings, data)
    assert "The survey must close after it opens." in wrong.get_data(as_text=True)
    _post(client, settings, data | {"closes_at": "2030-07-31"}, settings)
    saved = _survey("umfrage")
    assert saved.access_mode.value == "code" and saved.anonymised
    opens = saved.opens_at
    assert opens is not None and (opens.day, opens.hour) == (30, 22)  # 1 July 00:00 CEST
