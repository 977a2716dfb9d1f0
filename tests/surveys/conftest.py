"""Fixtures and helpers shared by the survey tests.

``kitchen_sink()`` makes an open survey with every question kind on three pages;
``Sink`` names its questions and options, so tests can post crafted form data. The
fixtures ``sink`` and ``code_sink`` build it for the process ``hf12`` of the shared
``process`` fixture (tests/conftest.py), whose ``staff``/``staff_client`` manage it.
A survey in one line: :func:`tests.factories.make_survey` and ``make_response``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.extensions import db
from app.processes.models import Process
from app.surveys.builder.parts import add_scale
from app.surveys.builder.structure import (
    add_option,
    create_question,
    create_section,
    create_survey,
    set_state,
    update_question,
)
from app.surveys.models import (
    AccessMode,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
    SurveyState,
)
from tests.conftest import csrf_token

SLUG = "kitchen-sink"
STAFF_BASE = "/en/staff/surveys"


@dataclass
class Sink:
    survey: Survey
    q: dict[str, Question] = field(default_factory=dict)

    def option(self, key: str, value: str) -> Option:
        return next(o for o in self.q[key].options if o.value == value)

    def oid(self, key: str, value: str) -> str:
        return str(self.option(key, value).id)

    def name(self, key: str) -> str:
        return self.q[key].field_name


def _label(text: str) -> dict[str, str]:
    return {"de": text, "en": text}


def _options(*values: str) -> list[dict[str, Any]]:
    return [{"value": value, "label": _label(f"Option {value}")} for value in values]


def kitchen_sink(
    slug: str = SLUG,
    *,
    access_mode: AccessMode = AccessMode.OPEN,
    anonymised: bool = False,
    process_id: int | None = None,
) -> Sink:
    survey = create_survey(
        slug=slug,
        title={"de": "Testbefragung", "en": "Test survey"},
        access_mode=access_mode,
        anonymised=anonymised,
        process_id=process_id,
    )
    sink = Sink(survey)
    _page_one(sink)
    _page_two(sink)
    _page_three(sink)
    set_state(survey, SurveyState.OPEN)
    db.session.commit()
    return sink


def _page_one(sink: Sink) -> None:
    section = create_section(sink.survey, title=_label("Basics"))
    q = sink.q
    q["single"] = create_question(
        section,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt=_label("Single"),
        required=True,
        options=_options("a", "b"),
    )
    add_option(q["single"], label=_label("Other"), value="other", is_other=True)
    q["multi"] = create_question(
        section,
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt=_label("Multi"),
        settings={"max_choices": 2},
        options=_options("x", "y", "z"),
    )
    add_option(q["multi"], label=_label("Something else"), value="other", is_other=True)
    q["scale"] = create_question(section, kind=QuestionKind.SCALE, prompt=_label("Scale"))
    add_scale(q["scale"])
    q["drop"] = create_question(
        section,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt=_label("Dropdown"),
        settings={"display": "dropdown"},
        options=_options("d1", "d2"),
    )


def _page_two(sink: Sink) -> None:
    section = create_section(sink.survey, title=_label("Details"))
    q = sink.q
    q["matrix"] = create_question(
        section,
        kind=QuestionKind.MATRIX,
        prompt=_label("Matrix"),
        required=True,
        rows=[{"label": _label("Row one")}, {"label": _label("Row two")}],
    )
    add_scale(q["matrix"])
    q["rank"] = create_question(
        section,
        kind=QuestionKind.RANKING,
        prompt=_label("Ranking"),
        settings={"top_n": 2},
        options=_options("r1", "r2", "r3", "r4"),
    )
    q["number"] = create_question(
        section,
        kind=QuestionKind.NUMBER,
        prompt=_label("Number"),
        settings={"min": 0, "max": 120, "unit": _label("years")},
    )
    q["decimal"] = create_question(
        section,
        kind=QuestionKind.NUMBER,
        prompt=_label("Decimal"),
        settings={"min": 0, "max": 10, "decimal": True},
    )


def _page_three(sink: Sink) -> None:
    section = create_section(sink.survey, title=_label("Words"))
    q = sink.q
    q["short"] = create_question(
        section, kind=QuestionKind.SHORT_TEXT, prompt=_label("Short"), settings={"max_length": 10}
    )
    q["long"] = create_question(
        section, kind=QuestionKind.LONG_TEXT, prompt=_label("Long"), settings={"max_length": 50}
    )
    q["date"] = create_question(section, kind=QuestionKind.DATE, prompt=_label("Date"))
    q["cond"] = create_question(
        section, kind=QuestionKind.SHORT_TEXT, prompt=_label("Only after a"), required=True
    )
    show_if = {"question_id": q["single"].id, "option_ids": [sink.option("single", "a").id]}
    update_question(q["cond"], show_if=show_if)


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    """Messages in English, as on an /en/ page (for tests that call services)."""
    with app.test_request_context("/en/"):
        g.lang_code = "en"
        yield


@pytest.fixture
def sink(process: Process) -> Sink:
    """The kitchen-sink survey of ``hf12``: open to anyone, no responses yet."""
    return kitchen_sink(process_id=process.id)


@pytest.fixture
def code_sink(process: Process) -> Sink:
    """The kitchen-sink survey of ``hf12`` for invitation codes only."""
    return kitchen_sink(process_id=process.id, access_mode=AccessMode.CODE)


# --- reading what was stored ---------------------------------------------------------


def stored_responses() -> list[Response]:
    """Every response in the database, oldest first, freshly loaded."""
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response).order_by(Response.id)))


def fresh_question(question_id: int) -> Question:
    db.session.expire_all()
    question = db.session.get(Question, question_id)
    assert question is not None
    return question


def page_text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def lock(survey: Survey) -> None:
    """A response (even of a draft): from now on the survey's structure is locked."""
    db.session.add(Response(survey_id=survey.id, state=ResponseState.SUBMITTED))
    db.session.commit()


# --- driving the builder -------------------------------------------------------------


def staff_button(client: FlaskClient, survey: Survey, url: str, **data: str) -> Any:
    """Press a button (a POST-only form) whose CSRF token is on the survey's staff page."""
    token = csrf_token(client, f"{STAFF_BASE}/{survey.id}/")
    return client.post(url, data={"csrf_token": token, **data})


# --- driving the answering pages -----------------------------------------------------


def url(sink: Sink | str, tail: str = "") -> str:
    slug = sink if isinstance(sink, str) else sink.survey.slug
    return f"/en/surveys/{slug}/{tail}"


def page_url(sink: Sink, number: int) -> str:
    return url(sink, f"page/{number}")


def any_token(client: FlaskClient, sink: Sink) -> str:
    """A CSRF token from a page that always has a form (the resume page)."""
    return csrf_token(client, url(sink, "resume"))


def start(client: FlaskClient, sink: Sink, **data: str) -> Any:
    """Post the intro page's start form (its idempotency key included)."""
    intro = client.get(url(sink)).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', intro)
    payload = {"csrf_token": any_token(client, sink), "key": key.group(1) if key else ""}
    return client.post(url(sink, "start"), data=payload | data)


def post_page(
    client: FlaskClient, sink: Sink, number: int, data: dict[str, Any], action: str = "next"
) -> Any:
    token = csrf_token(client, page_url(sink, number))
    payload = {"csrf_token": token, "action": action, **data}
    return client.post(page_url(sink, number), data=payload)


def page_one_data(sink: Sink, **extra: Any) -> dict[str, Any]:
    return {sink.name("single"): sink.oid("single", "a"), **extra}


def page_two_data(sink: Sink, **extra: Any) -> dict[str, Any]:
    matrix = sink.q["matrix"]
    four = sink.oid("matrix", "4")
    return {f"{matrix.field_name}_r{row.id}": four for row in matrix.rows} | extra


def page_three_data(sink: Sink, **extra: Any) -> dict[str, Any]:
    return {sink.name("cond"): "because", **extra}


def answer_all(client: FlaskClient, sink: Sink) -> None:
    assert start(client, sink).status_code == 302
    for number, data in enumerate(
        (page_one_data(sink), page_two_data(sink), page_three_data(sink)), start=1
    ):
        response = post_page(client, sink, number, data)
        assert response.status_code == 302, response.get_data(as_text=True)


def final_submit(client: FlaskClient, sink: Sink) -> Any:
    token = csrf_token(client, url(sink, "review"))
    return client.post(url(sink, "submit"), data={"csrf_token": token})


def error_text(page: str, field: str) -> str:
    """The message shown next to ``field`` (its ``-error`` element)."""
    match = re.search(
        rf'id="{re.escape(field)}-error"[^>]*>.*?<span class="kern-body">(.*?)</span>', page, re.S
    )
    return match.group(1) if match else ""


def answer_all_with_code(client: FlaskClient, sink: Sink, code: str) -> None:
    """Start with ``code`` and answer every page (not submitted yet)."""
    assert start(client, sink, code=code).status_code == 302
    for number, data in enumerate(
        (page_one_data(sink), page_two_data(sink), page_three_data(sink)), start=1
    ):
        assert post_page(client, sink, number, data).status_code == 302
