"""Changing the kind of a question in the builder: which options stay, what must be
confirmed, and when it is refused."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.extensions import db
from app.surveys.models import (
    QuestionKind,
)
from tests.conftest import csrf_token, submit
from tests.surveys.conftest import (
    Sink,
    audit_actions,
    fresh_question,
    lock,
    page_text,
)

BASE = "/en/staff/surveys"


# --- changing the kind ---------------------------------------------------------------


def _kind_url(sink: Sink, key: str) -> str:
    return f"{BASE}/{sink.survey.id}/questions/{sink.q[key].id}/kind"


def _change(client: FlaskClient, sink: Sink, key: str, kind: str, **extra: str) -> Any:
    edit = f"{BASE}/{sink.survey.id}/questions/{sink.q[key].id}/edit"
    data = {"change-kind": kind} | {f"change-{k}": v for k, v in extra.items()}
    return submit(client, _kind_url(sink, key), data, form_url=edit)


def test_choice_kinds_change_into_each_other_and_keep_their_options(
    staff_client: FlaskClient, sink: Sink
) -> None:
    single = sink.q["single"]
    options = [option.id for option in single.options]
    edit = page_text(staff_client.get(f"{BASE}/{sink.survey.id}/questions/{single.id}/edit"))
    assert _kind_url(sink, "single") in edit and 'name="change-kind"' in edit
    assert 'value="single_choice"' not in re.sub(r"(?s).*change-kind", "", edit, count=1)

    for kind, display in (("multiple_choice", None), ("dropdown", "dropdown"), ("ranking", None)):
        changed = _change(staff_client, sink, "single", kind)
        assert changed.status_code == 302, page_text(changed)
        question = fresh_question(single.id)
        expected = "single_choice" if kind == "dropdown" else kind
        assert question.kind.value == expected and question.setting("display") == display
        assert [option.id for option in question.options] == options
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["survey.question.kind"] * 3
    assert (events[1].before, events[1].after) == (
        {"kind": "multiple_choice"},
        {"kind": "dropdown"},
    )


def test_short_text_becomes_long_text_and_drops_settings_of_other_kinds(
    staff_client: FlaskClient, sink: Sink
) -> None:
    assert _change(staff_client, sink, "short", "long_text").status_code == 302
    assert fresh_question(sink.q["short"].id).kind == QuestionKind.LONG_TEXT
    assert _change(staff_client, sink, "number", "short_text").status_code == 302
    number = fresh_question(sink.q["number"].id)
    assert number.kind == QuestionKind.SHORT_TEXT and number.settings == {}


def test_a_change_that_removes_options_must_be_confirmed(
    staff_client: FlaskClient, sink: Sink
) -> None:
    multi = sink.q["multi"]
    page = _change(staff_client, sink, "multi", "number")
    assert page.status_code == 200
    assert "Please confirm that they will be removed." in page_text(page)
    assert 'id="change-confirm"' in page_text(
        page
    ) and "(removes the options and rows)" in page_text(page)
    assert fresh_question(multi.id).kind == QuestionKind.MULTIPLE_CHOICE
    assert len(fresh_question(multi.id).options) == 4 and audit_actions() == []

    assert _change(staff_client, sink, "multi", "number", confirm="y").status_code == 302
    question = fresh_question(multi.id)
    assert question.kind == QuestionKind.NUMBER and question.options == []
    assert question.settings == {}
    assert audit_actions() == ["survey.question.kind"]


def test_a_matrix_made_from_text_gets_a_scale_and_rows_can_be_added(
    staff_client: FlaskClient, sink: Sink
) -> None:
    assert _change(staff_client, sink, "long", "matrix").status_code == 302
    matrix = fresh_question(sink.q["long"].id)
    assert matrix.kind == QuestionKind.MATRIX and matrix.rows == []
    assert [option.value for option in matrix.options] == ["1", "2", "3", "4", "5", "na"]
    assert "This matrix has no rows yet." in page_text(
        staff_client.get(f"{BASE}/{sink.survey.id}/")
    )
    url = f"{BASE}/{sink.survey.id}/questions/{matrix.id}/rows/new"
    assert submit(staff_client, url, {"label_de": "Bus", "label_en": "Bus"}).status_code == 302
    assert [row.label["en"] for row in fresh_question(matrix.id).rows] == ["Bus"]


def test_a_kind_change_is_refused_when_a_condition_refers_to_the_options(
    staff_client: FlaskClient, sink: Sink
) -> None:
    # "cond" is shown only after option "a" of "single".
    page = _change(staff_client, sink, "single", "short_text", confirm="y")
    assert page.status_code == 200
    assert "The condition of another question refers to this" in page_text(page)
    single = fresh_question(sink.q["single"].id)
    assert single.kind == QuestionKind.SINGLE_CHOICE and len(single.options) == 3
    assert _change(staff_client, sink, "single", "multiple_choice").status_code == 302


def test_the_kind_cannot_change_once_the_survey_has_responses(
    staff_client: FlaskClient, sink: Sink
) -> None:
    lock(sink.survey)
    edit = page_text(
        staff_client.get(f"{BASE}/{sink.survey.id}/questions/{sink.q['short'].id}/edit")
    )
    assert 'name="change-kind"' not in edit
    token = csrf_token(staff_client, f"{BASE}/{sink.survey.id}/")
    refused = staff_client.post(
        _kind_url(sink, "short"), data={"csrf_token": token, "change-kind": "long_text"}
    )
    assert refused.status_code == 302
    assert "the kind of question cannot change now" in page_text(
        staff_client.get(refused.headers["Location"])
    )
    assert fresh_question(sink.q["short"].id).kind == QuestionKind.SHORT_TEXT
    assert audit_actions() == []
