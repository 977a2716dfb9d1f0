"""Citizens' survey answers are hostile input too.

1. The payload corpus (tests/security/payloads.py) typed into open answers (short and
   long text) and the "other" texts of a single and a multiple choice: stored as typed,
   and inert (tests/security/inert.py) on the answering page shown again with an error
   (the typed values kept), on the page shown again from what was stored, on the review
   page, and in the assessment workspace where staff read the answers.
2. hypothesis posts random values, and random field names, to a survey page: never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.processes.models import Process
from app.surveys.answering.validation import OTHER_MAX_LENGTH
from app.surveys.builder.structure import (
    add_option,
    create_question,
    create_section,
    create_survey,
    set_state,
)
from app.surveys.models import Answer, Question, QuestionKind, SurveyState
from tests.conftest import csrf_token, login_as
from tests.factories import make_process, make_user
from tests.security.inert import assert_inert, shapes
from tests.security.payloads import PAYLOADS

SURVEY = "/en/surveys/hostile/"
HARMLESS = "Harmless answer, see https://example.org/info and\na second line"
BASELINE_RESPONSES = 26  # more than a page of the assessment workspace (25)
SHORT_MAX = 200  # a short text's default maximum (answering.validation.DEFAULT_MAX_LENGTH)


def _label(text: str) -> dict[str, str]:
    return {"de": text, "en": text}


def _survey(process: Process) -> dict[str, Question]:
    survey = create_survey(slug="hostile", title=_label("Hostile"), process_id=process.id)
    section = create_section(survey, title=_label("Your view"))
    q: dict[str, Question] = {}
    q["single"] = create_question(
        section, kind=QuestionKind.SINGLE_CHOICE, prompt=_label("Single"), required=True
    )
    q["multi"] = create_question(section, kind=QuestionKind.MULTIPLE_CHOICE, prompt=_label("Multi"))
    for key in ("single", "multi"):
        add_option(q[key], label=_label("A"), value="a")
        add_option(q[key], label=_label("Sonstiges"), value="other", is_other=True)
    q["short"] = create_question(section, kind=QuestionKind.SHORT_TEXT, prompt=_label("Short"))
    q["long"] = create_question(section, kind=QuestionKind.LONG_TEXT, prompt=_label("Long"))
    set_state(survey, SurveyState.OPEN)
    db.session.commit()
    return q


@pytest.fixture
def questions(app: Flask) -> dict[str, Question]:
    return _survey(make_process("hf12"))


def _other(question: Question) -> str:
    return str(next(o.id for o in question.options if o.is_other))


def _start(client: FlaskClient) -> None:
    intro = client.get(SURVEY).get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', intro)
    token = csrf_token(client, f"{SURVEY}resume")
    data = {"csrf_token": token, "key": key.group(1) if key else ""}
    assert client.post(f"{SURVEY}start", data=data).status_code == 302


def _texts(q: dict[str, Question], text: str) -> dict[str, str]:
    """``text`` in every open field: the short ones cut to their maximum."""
    short = text[:OTHER_MAX_LENGTH]
    return {
        f"{q['single'].field_name}_other": short,
        q["multi"].field_name: _other(q["multi"]),
        f"{q['multi'].field_name}_other": short,
        q["short"].field_name: text[:SHORT_MAX],
        q["long"].field_name: text,
    }


def _answer(
    app: Flask, q: dict[str, Question], text: str, baseline: dict[str, Any] | None
) -> dict[str, Any]:
    """One response with ``text`` everywhere; checks (or, without ``baseline``, collects)
    the shapes of the pages that show it."""
    client = app.test_client()
    _start(client)
    page = f"{SURVEY}page/1"
    data = _texts(q, text) | {"csrf_token": csrf_token(client, page), "action": "next"}
    seen: dict[str, str] = {}
    refused = client.post(page, data=data)  # the required choice is missing
    assert refused.status_code == 200, text
    seen["error"] = refused.get_data(as_text=True)
    data[q["single"].field_name] = _other(q["single"])
    assert client.post(page, data=data).status_code == 302, text
    seen["page"] = client.get(page).get_data(as_text=True)
    seen["review"] = client.get(f"{SURVEY}review").get_data(as_text=True)
    token = csrf_token(client, f"{SURVEY}review")
    submitted = client.post(f"{SURVEY}submit", data={"csrf_token": token})
    assert submitted.status_code == 302, text
    if baseline is None:
        return {name: shapes(html) for name, html in seen.items()}
    for name, html in seen.items():
        assert_inert(html, baseline[name], f"{name}: {text}")
    assert "alert" not in text or "alert" in seen["review"]  # the text is shown
    return baseline


def _workspace_pages(client: FlaskClient) -> list[str]:
    pages, number = [], 1
    while True:
        html = client.get(f"/en/staff/assessment/p/hf12/?page={number}").get_data(as_text=True)
        pages.append(html)
        if f"page={number + 1}" not in html:
            return pages
        number += 1


def test_payloads_in_open_and_other_answers_are_stored_as_typed_and_inert(
    app: Flask, questions: dict[str, Question]
) -> None:
    baseline: dict[str, Any] = {}
    for number in range(BASELINE_RESPONSES):
        for name, found in _answer(app, questions, f"{HARMLESS} {number}", None).items():
            baseline[name] = baseline.get(name, set()) | found
    admin = app.test_client()
    login_as(admin, make_user("admin@example.org", "Admin", is_admin=True))
    workspace = set().union(*(shapes(html) for html in _workspace_pages(admin)))

    for payload in PAYLOADS:
        _answer(app, questions, payload, baseline)

    texts = set(db.session.scalars(sa.select(Answer.value_text)))
    for payload in PAYLOADS:
        assert {payload[:OTHER_MAX_LENGTH].strip(), payload.strip()} <= texts, payload
    pages = _workspace_pages(admin)
    assert len(pages) >= (len(PAYLOADS) * 2) // 25  # every page was read
    for html in pages:
        assert_inert(html, workspace, "assessment workspace")
    joined = "\n".join(pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined


# --- hypothesis: random values and field names on the answering pages ---------------------

ANY_TEXT = st.text(max_size=300)  # any Unicode, NUL and lone surrogates included
SAFE = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


def _clean(value: str) -> str:
    """As a browser sends it: lone surrogates cannot be encoded, they become U+FFFD."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _names(q: dict[str, Question]) -> list[str]:
    """The form's own field names, their sub-fields and the page's buttons."""
    names = ["action", "confirm", "key", "resume_code", "website"]
    for question in q.values():
        base = question.field_name
        names += [base, f"{base}_other"]
        names += [f"{base}_o{o.id}" for o in question.options]
        names += [f"{base}_r1", f"{base}_r999999", f"{base}_o-1", f"{base}_oabc"]
    return names


@dataclass
class Browser:
    """A browser in the middle of the survey, its form's names and option ids."""

    app: Flask
    names: list[str]
    options: list[str]
    client: FlaskClient | None = None
    token: str = ""

    def ready(self) -> FlaskClient:
        """This browser, or a new one once it has submitted (a submitted response
        bounces every page, and would test nothing more)."""
        if self.client is None or self.client.get(f"{SURVEY}page/1").status_code != 200:
            self.client = self.app.test_client()
            _start(self.client)
            self.token = csrf_token(self.client, f"{SURVEY}page/1")
        return self.client


@pytest.fixture
def browser(app: Flask, questions: dict[str, Question]) -> Browser:
    """Once per test, not per example."""
    options = [str(o.id) for q in questions.values() for o in q.options]
    return Browser(app, _names(questions), options)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_survey_page_answers_random_fields_without_a_500(
    browser: Browser, data: st.DataObject
) -> None:
    client = browser.ready()
    known = st.sampled_from(browser.names) | SAFE.filter(lambda s: s != "csrf_token")
    special = st.sampled_from([*browser.options, "other", "-1", "9" * 30, "next", "unseen"])
    values = st.lists(ANY_TEXT | special, max_size=3)
    fields = data.draw(st.dictionaries(known, values, max_size=12), label="fields")
    number = data.draw(st.sampled_from([1, 1, 1, 2, 0, 99999]), label="page")
    form = [(_clean(name), _clean(value)) for name, vals in fields.items() for value in vals]
    body = MultiDict([("csrf_token", browser.token), *form])
    response = client.post(f"{SURVEY}page/{number}", data=body)
    assert response.status_code < 500, (number, form)
    assert client.get(f"{SURVEY}review").status_code < 500, form
    action = data.draw(st.sampled_from(["submit", "resume", "start"]), label="then")
    assert client.post(f"{SURVEY}{action}", data=body).status_code < 500, (action, form)
