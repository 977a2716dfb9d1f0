"""The survey builder's later additions: matrix rows after creation, changing a
question's kind, and show-if conditions on the value of a number or scale question."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
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
    MatrixRow,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
    SurveyState,
)
from tests.conftest import csrf_token, login_as, submit
from tests.factories import make_process, make_user
from tests.surveys.conftest import Sink, kitchen_sink

BASE = "/en/staff/surveys"


@pytest.fixture
def process(app: Flask) -> Process:
    return make_process()


@pytest.fixture
def staff(process: Process) -> User:
    return make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)


@pytest.fixture
def sink(process: Process, staff: User, client: FlaskClient) -> Sink:
    """The kitchen-sink survey (every kind, no responses), staff signed in."""
    built = kitchen_sink(process_id=process.id)
    login_as(client, staff)
    return built


def _lock(survey: Survey) -> None:
    db.session.add(Response(survey_id=survey.id, state=ResponseState.SUBMITTED))
    db.session.commit()


def _button(client: FlaskClient, survey: Survey, url: str, **data: str) -> Any:
    token = csrf_token(client, f"{BASE}/{survey.id}/")
    return client.post(url, data={"csrf_token": token, **data})


def _question(question_id: int) -> Question:
    db.session.expire_all()
    question = db.session.get(Question, question_id)
    assert question is not None
    return question


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def _text(response: Any) -> str:
    return str(response.get_data(as_text=True))


# --- matrix rows ---------------------------------------------------------------------


def _rows_url(sink: Sink) -> str:
    return f"{BASE}/{sink.survey.id}/questions/{sink.q['matrix'].id}/rows"


def _row_labels(sink: Sink, lang: str = "en") -> list[str]:
    return [row.label.get(lang, "") for row in _question(sink.q["matrix"].id).rows]


def test_matrix_rows_can_be_renamed_moved_added_and_deleted(
    client: FlaskClient, sink: Sink
) -> None:
    matrix = sink.q["matrix"]
    first, second = (row.id for row in matrix.rows)
    page = _text(client.get(f"{BASE}/{sink.survey.id}/"))
    assert f"{_rows_url(sink)}/{first}/edit" in page and f"{_rows_url(sink)}/new" in page

    edit = f"{_rows_url(sink)}/{first}/edit"
    form = _text(client.get(edit))
    assert 'name="label_de"' in form and 'name="label_en"' in form and "Row one" in form
    saved = submit(client, edit, {"label_de": "Zeile eins", "label_en": "First row"})
    assert saved.status_code == 302
    assert _row_labels(sink) == ["First row", "Row two"]
    assert _row_labels(sink, "de")[0] == "Zeile eins"

    moved = _button(client, sink.survey, f"{_rows_url(sink)}/{second}/move", direction="up")
    assert moved.status_code == 302
    assert [row.id for row in _question(matrix.id).rows] == [second, first]

    added = submit(client, f"{_rows_url(sink)}/new", {"label_de": "Drei", "label_en": "Three"})
    assert added.status_code == 302
    assert _row_labels(sink) == ["Row two", "First row", "Three"]

    deleted = _button(client, sink.survey, f"{_rows_url(sink)}/{first}/delete")
    assert deleted.status_code == 302
    assert _row_labels(sink) == ["Row two", "Three"]
    assert db.session.get(MatrixRow, first) is None
    assert _actions() == [
        "survey.row.save",
        "survey.row.move",
        "survey.row.save",
        "survey.row.delete",
    ]


def test_a_row_needs_a_text_and_the_input_stays(client: FlaskClient, sink: Sink) -> None:
    page = submit(client, f"{_rows_url(sink)}/new", {"label_de": "", "label_en": "Only English"})
    assert page.status_code == 200
    assert "Please enter a text in" in _text(page) and 'value="Only English"' in _text(page)
    assert len(_question(sink.q["matrix"].id).rows) == 2


def test_the_last_row_of_a_matrix_cannot_be_deleted(client: FlaskClient, sink: Sink) -> None:
    first, second = (row.id for row in sink.q["matrix"].rows)
    assert _button(client, sink.survey, f"{_rows_url(sink)}/{first}/delete").status_code == 302
    refused = _button(client, sink.survey, f"{_rows_url(sink)}/{second}/delete")
    assert "A matrix needs at least one row." in _text(client.get(refused.headers["Location"]))
    assert [row.id for row in _question(sink.q["matrix"].id).rows] == [second]
    assert _actions() == ["survey.row.delete"]


def test_rows_belong_to_a_matrix_of_the_survey(client: FlaskClient, sink: Sink) -> None:
    single = sink.q["single"]
    assert client.get(f"{BASE}/{sink.survey.id}/questions/{single.id}/rows/new").status_code == 404
    row = sink.q["matrix"].rows[0]
    other = kitchen_sink("other-sink")
    url = f"{BASE}/{other.survey.id}/questions/{sink.q['matrix'].id}/rows/{row.id}/edit"
    assert client.get(url).status_code in (403, 404)


def test_locked_matrix_rows_keep_their_structure_but_texts_can_be_fixed(
    client: FlaskClient, sink: Sink
) -> None:
    _lock(sink.survey)
    first, second = (row.id for row in sink.q["matrix"].rows)
    page = _text(client.get(f"{BASE}/{sink.survey.id}/"))
    assert f"{_rows_url(sink)}/{first}/edit" in page
    assert f"{_rows_url(sink)}/{first}/move" not in page and f"{_rows_url(sink)}/new" not in page

    fixed = submit(
        client, f"{_rows_url(sink)}/{first}/edit", {"label_de": "Eins", "label_en": "One"}
    )
    assert fixed.status_code == 302
    assert _row_labels(sink) == ["One", "Row two"]

    for action, data in (("move", {"direction": "up"}), ("delete", {})):
        refused = _button(client, sink.survey, f"{_rows_url(sink)}/{second}/{action}", **data)
        assert "only texts can be changed now" in _text(client.get(refused.headers["Location"]))
    added = submit(client, f"{_rows_url(sink)}/new", {"label_de": "Drei", "label_en": "Three"})
    assert added.status_code == 200 and "only texts can be changed now" in _text(added)
    assert [row.id for row in _question(sink.q["matrix"].id).rows] == [first, second]
    assert _actions() == ["survey.row.save"]


# --- changing the kind ---------------------------------------------------------------


def _kind_url(sink: Sink, key: str) -> str:
    return f"{BASE}/{sink.survey.id}/questions/{sink.q[key].id}/kind"


def _change(client: FlaskClient, sink: Sink, key: str, kind: str, **extra: str) -> Any:
    edit = f"{BASE}/{sink.survey.id}/questions/{sink.q[key].id}/edit"
    data = {"change-kind": kind} | {f"change-{k}": v for k, v in extra.items()}
    return submit(client, _kind_url(sink, key), data, form_url=edit)


def test_choice_kinds_change_into_each_other_and_keep_their_options(
    client: FlaskClient, sink: Sink
) -> None:
    single = sink.q["single"]
    options = [option.id for option in single.options]
    edit = _text(client.get(f"{BASE}/{sink.survey.id}/questions/{single.id}/edit"))
    assert _kind_url(sink, "single") in edit and 'name="change-kind"' in edit
    assert 'value="single_choice"' not in re.sub(r"(?s).*change-kind", "", edit, count=1)

    for kind, display in (("multiple_choice", None), ("dropdown", "dropdown"), ("ranking", None)):
        changed = _change(client, sink, "single", kind)
        assert changed.status_code == 302, _text(changed)
        question = _question(single.id)
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
    client: FlaskClient, sink: Sink
) -> None:
    assert _change(client, sink, "short", "long_text").status_code == 302
    assert _question(sink.q["short"].id).kind == QuestionKind.LONG_TEXT
    assert _change(client, sink, "number", "short_text").status_code == 302
    number = _question(sink.q["number"].id)
    assert number.kind == QuestionKind.SHORT_TEXT and number.settings == {}


def test_a_change_that_removes_options_must_be_confirmed(client: FlaskClient, sink: Sink) -> None:
    multi = sink.q["multi"]
    page = _change(client, sink, "multi", "number")
    assert page.status_code == 200
    assert "Please confirm that they will be removed." in _text(page)
    assert 'id="change-confirm"' in _text(page) and "(removes the options and rows)" in _text(page)
    assert _question(multi.id).kind == QuestionKind.MULTIPLE_CHOICE
    assert len(_question(multi.id).options) == 4 and _actions() == []

    assert _change(client, sink, "multi", "number", confirm="y").status_code == 302
    question = _question(multi.id)
    assert question.kind == QuestionKind.NUMBER and question.options == []
    assert question.settings == {}
    assert _actions() == ["survey.question.kind"]


def test_a_matrix_made_from_text_gets_a_scale_and_rows_can_be_added(
    client: FlaskClient, sink: Sink
) -> None:
    assert _change(client, sink, "long", "matrix").status_code == 302
    matrix = _question(sink.q["long"].id)
    assert matrix.kind == QuestionKind.MATRIX and matrix.rows == []
    assert [option.value for option in matrix.options] == ["1", "2", "3", "4", "5", "na"]
    assert "This matrix has no rows yet." in _text(client.get(f"{BASE}/{sink.survey.id}/"))
    url = f"{BASE}/{sink.survey.id}/questions/{matrix.id}/rows/new"
    assert submit(client, url, {"label_de": "Bus", "label_en": "Bus"}).status_code == 302
    assert [row.label["en"] for row in _question(matrix.id).rows] == ["Bus"]


def test_a_kind_change_is_refused_when_a_condition_refers_to_the_options(
    client: FlaskClient, sink: Sink
) -> None:
    # "cond" is shown only after option "a" of "single".
    page = _change(client, sink, "single", "short_text", confirm="y")
    assert page.status_code == 200
    assert "The condition of another question refers to this" in _text(page)
    single = _question(sink.q["single"].id)
    assert single.kind == QuestionKind.SINGLE_CHOICE and len(single.options) == 3
    assert _change(client, sink, "single", "multiple_choice").status_code == 302


def test_the_kind_cannot_change_once_the_survey_has_responses(
    client: FlaskClient, sink: Sink
) -> None:
    _lock(sink.survey)
    edit = _text(client.get(f"{BASE}/{sink.survey.id}/questions/{sink.q['short'].id}/edit"))
    assert 'name="change-kind"' not in edit
    token = csrf_token(client, f"{BASE}/{sink.survey.id}/")
    refused = client.post(
        _kind_url(sink, "short"), data={"csrf_token": token, "change-kind": "long_text"}
    )
    assert refused.status_code == 302
    assert "the kind of question cannot change now" in _text(
        client.get(refused.headers["Location"])
    )
    assert _question(sink.q["short"].id).kind == QuestionKind.SHORT_TEXT
    assert _actions() == []


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
    edit = _text(client.get(f"{BASE}/{survey.id}/questions/{text.id}/edit"))
    offered = re.search(r'(?s)name="condition_question".*?</select>', edit)
    assert offered is not None
    assert f'value="{age.id}"' in offered.group(0) and "Children" in offered.group(0)
    assert "Rooms" not in offered.group(0)

    saved = _condition(client, built, question=str(age.id), compare="at_least", value="18")
    assert saved.status_code == 302, _text(saved)
    assert _question(text.id).show_if == {"question_id": age.id, "min": 18}
    assert _actions() == ["survey.question.save"]

    preview = _text(client.get(f"{BASE}/{survey.id}/preview"))
    assert "Only if the answer to “Age” is at least 18." in preview
    again = _text(client.get(f"{BASE}/{survey.id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="18"' in again
    assert re.search(r'<option selected value="at_least">|<option value="at_least" selected', again)

    scale = built["scale"]
    saved = _condition(client, built, question=str(scale.id), compare="at_most", value="2")
    assert saved.status_code == 302
    assert _question(text.id).show_if == {
        "question_id": scale.id,
        "values": ["1", "2"],
        "compare": "at_most",
        "value": "2",
    }
    saved = _condition(client, built, question=str(age.id), compare="at_most", value="64")
    assert saved.status_code == 302
    assert _question(text.id).show_if == {"question_id": age.id, "max": 64}
    preview = _text(client.get(f"{BASE}/{survey.id}/preview"))
    assert "Only if the answer to “Age” is at most 64." in preview
    assert _condition(client, built, question="0").status_code == 302
    assert _question(text.id).show_if is None


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
    html = _text(page)
    assert message in html
    assert re.search(
        r'(?s)id="condition_(value|question)-error-1".{0,400}' + re.escape(message[:20]), html
    )
    if value:
        assert f'value="{value}"' in html  # what the staff member typed stays
    assert _question(built["text"].id).show_if is None


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
        assert page.status_code == 302, _text(page)
        assert _question(text.id).show_if == {"question_id": children.id} | stored
    edit = _text(client.get(f"{BASE}/{built['survey'].id}/questions/{text.id}/edit"))
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
    assert page.status_code == 302, _text(page)
    assert _question(text.id).show_if == {"question_id": children.id, "max": 2.5}
    edit = _text(client.get(f"{BASE}/{built['survey'].id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="2.5"' in edit
    assert "is at most 2.5." in _text(client.get(f"{BASE}/{built['survey'].id}/preview"))


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
    assert "Choose either answers to tick or a value, not both." in _text(page)


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
    assert _question(text.id).show_if == {"question_id": age.id, "min": 65}

    narrowed = submit(client, age_url, {"prompt_de": "Alter", "min": "0", "max": "60"})
    assert narrowed.status_code == 200
    assert "The condition of another question refers to this" in _text(narrowed)
    assert _question(age.id).settings.get("max") is None

    scale = built["scale"]
    assert (
        _condition(client, built, question=str(scale.id), compare="at_least", value="4").status_code
        == 302
    )
    top = scale.options[4]
    option_url = f"{BASE}/{survey.id}/questions/{scale.id}/options/{top.id}/edit"
    assert submit(client, option_url, {"label_de": "Sehr", "value": "6"}).status_code == 302
    assert (_question(text.id).show_if or {})["values"] == ["4", "6"]
    again = _condition(client, built, question=str(age.id), compare="at_least", value="65")
    assert again.status_code == 302

    _lock(survey)
    fixed = _condition(client, built, question=str(age.id), compare="at_least", value="65")
    assert fixed.status_code == 302  # the same condition, a text fix: allowed
    changed = _condition(client, built, question=str(age.id), compare="at_least", value="70")
    assert "only texts can be changed now" in _text(changed)
    assert _question(text.id).show_if == {"question_id": age.id, "min": 65}


def _start(client: FlaskClient, survey: Survey) -> str:
    base = f"/en/surveys/{survey.slug}"
    intro = _text(client.get(f"{base}/"))
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
    assert posted.status_code == 302, _text(posted)
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
    _lock(built["survey"])
    login_as(client, staff)
    survey_id = built["survey"].id
    edit = _text(client.get(f"{BASE}/{survey_id}/questions/{text.id}/edit"))
    assert 'name="condition_value" type="text" value="18"' in edit
    assert _condition(client, built, question=str(built["age"].id), value="18").status_code == 302
    assert _question(text.id).show_if == {"question_id": built["age"].id, "values": ["18"]}

    url = f"{BASE}/{survey_id}/questions/{last.id}/edit"
    assert submit(client, url, {"prompt_de": "Zuletzt (korrigiert)"}).status_code == 302
    fixed = _question(last.id)
    assert fixed.prompt["de"] == "Zuletzt (korrigiert)" and fixed.show_if is not None
    preview = _text(client.get(f"{BASE}/{survey_id}/preview"))
    assert "ja, nein" in preview
