"""The question form shows, validates and saves only the settings of the question's
kind; a new question is made in two steps: its kind, then the form for that kind."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.extensions import db
from app.surveys.builder.structure import update_question
from app.surveys.models import Question
from tests.conftest import submit
from tests.surveys.conftest import Sink, fresh_question, page_text

BASE = "/en/staff/surveys"
SETTINGS = {
    "display",
    "min_choices",
    "max_choices",
    "top_n",
    "min",
    "max",
    "decimal",
    "number_format",
    "unit_de",
    "max_length",
    "min_date",
    "max_date",
}
ITEMS = {"options_de", "rows_de", "other_option", "no_answer"}
SHOWN = {
    "single": {"display"},
    "drop": {"display"},
    "multi": {"min_choices", "max_choices"},
    "rank": {"top_n"},
    "number": {"min", "max", "decimal", "number_format", "unit_de"},
    "short": {"max_length"},
    "long": {"max_length"},
    "date": {"min_date", "max_date"},
    "scale": set(),
    "matrix": set(),
}
NEW_SHOWN = {
    "single_choice": {"display", "options_de", "other_option"},
    "multiple_choice": {"min_choices", "max_choices", "options_de", "other_option"},
    "ranking": {"top_n", "options_de"},
    "scale": {"options_de", "no_answer"},
    "matrix": {"options_de", "rows_de", "no_answer"},
    "number": {"min", "max", "decimal", "number_format", "unit_de"},
    "short_text": {"max_length"},
    "long_text": {"max_length"},
    "date": {"min_date", "max_date"},
}


def _names(page: str) -> set[str]:
    """The names of the fields of the question form (the first POST form)."""
    form = re.search(r'(?s)<form method="post" novalidate class="stack-lg">.*?</form>', page)
    assert form, page
    return set(re.findall(r'name="([^"]+)"', form.group(0)))


def _edit_url(sink: Sink, key: str) -> str:
    return f"{BASE}/{sink.survey.id}/questions/{sink.q[key].id}/edit"


def _new_url(sink: Sink) -> str:
    return f"{BASE}/{sink.survey.id}/sections/{sink.survey.sections[0].id}/questions/new"


@pytest.mark.parametrize("key", sorted(SHOWN))
def test_edit_form_shows_only_the_settings_of_the_kind(
    staff_client: FlaskClient, sink: Sink, key: str
) -> None:
    names = _names(page_text(staff_client.get(_edit_url(sink, key))))
    assert names & (SETTINGS | ITEMS) == SHOWN[key]


def test_settings_fieldset_is_left_out_for_a_kind_without_settings(
    staff_client: FlaskClient, sink: Sink
) -> None:
    assert "Settings for the kind of question" not in page_text(
        staff_client.get(_edit_url(sink, "scale"))
    )
    assert "Settings for the kind of question" in page_text(
        staff_client.get(_edit_url(sink, "number"))
    )


def test_saving_keeps_stored_settings_of_other_kinds(staff_client: FlaskClient, sink: Sink) -> None:
    number = sink.q["number"]
    update_question(number, settings=number.settings | {"max_length": 30, "display": "dropdown"})
    db.session.commit()
    data = {"prompt_de": "Alter", "min": "18", "max": "99", "unit_de": "J", "unit_en": "y"}
    saved = submit(staff_client, _edit_url(sink, "number"), data)
    assert saved.status_code == 302, page_text(saved)
    settings = fresh_question(number.id).settings
    unit = {"de": "J", "en": "y"}
    assert settings == {"min": 18, "max": 99, "unit": unit, "max_length": 30, "display": "dropdown"}


def test_fields_of_other_kinds_are_neither_validated_nor_saved(
    staff_client: FlaskClient, sink: Sink
) -> None:
    data = {"prompt_de": "Kurz", "max_length": "20", "min": "abc", "min_date": "kein Datum"}
    saved = submit(
        staff_client, _edit_url(sink, "short"), data | {"min_choices": "0", "display": "x"}
    )
    assert saved.status_code == 302, page_text(saved)
    assert fresh_question(sink.q["short"].id).settings == {"max_length": 20}


def test_bad_setting_is_shown_next_to_the_field_and_the_input_stays(
    staff_client: FlaskClient, sink: Sink
) -> None:
    data = {"prompt_de": "Wie alt (neu)?", "min": "zwölf", "max": "120"}
    page = submit(staff_client, _edit_url(sink, "number"), data)
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="min-error-1"' in text and 'value="zwölf"' in text
    assert 'value="Wie alt (neu)?"' in text
    assert fresh_question(sink.q["number"].id).settings["min"] == 0


def test_new_question_starts_with_choosing_the_kind(staff_client: FlaskClient, sink: Sink) -> None:
    page = page_text(staff_client.get(_new_url(sink)))
    chooser = re.search(r'(?s)<form method="get"[^>]*>.*?</form>', page)
    assert chooser and 'name="kind"' in chooser.group(0)
    assert 'value="number"' in chooser.group(0)
    assert 'name="prompt_de"' not in page and "error-summary" not in page


@pytest.mark.parametrize("kind", sorted(NEW_SHOWN))
def test_new_question_form_of_a_kind_has_its_fields_and_a_way_back(
    staff_client: FlaskClient, sink: Sink, kind: str
) -> None:
    page = page_text(staff_client.get(f"{_new_url(sink)}?kind={kind}"))
    names = _names(page)
    assert names & (SETTINGS | ITEMS) == NEW_SHOWN[kind]
    assert {"kind", "prompt_de", "prompt_en"} <= names
    assert f'<input type="hidden" name="kind" value="{kind}">' in page
    assert f'href="{_new_url(sink)}">' in page  # "Change the kind": back to step one


def test_unknown_kind_shows_the_choice_again_with_an_error(
    staff_client: FlaskClient, sink: Sink
) -> None:
    page = page_text(staff_client.get(f"{_new_url(sink)}?kind=slider"))
    assert "error-summary" in page and 'name="prompt_de"' not in page
    posted = submit(staff_client, _new_url(sink), {"kind": "slider", "prompt_de": "Frage"})
    assert posted.status_code == 200 and "error-summary" in page_text(posted)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == len(sink.q)


def test_new_question_keeps_typed_input_and_kind_when_invalid(
    staff_client: FlaskClient, sink: Sink
) -> None:
    url = f"{_new_url(sink)}?kind=multiple_choice"
    data = {"kind": "multiple_choice", "prompt_en": "Which?", "options_de": "Bus\nRad"}
    page = submit(staff_client, url, data | {"min_choices": "0"})
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="min_choices-error-1"' in text and 'id="prompt_de-error-1"' in text
    assert "Which?" in text and "Bus\nRad" in text
    assert '<input type="hidden" name="kind" value="multiple_choice">' in text


def test_new_question_saves_only_what_belongs_to_its_kind(
    staff_client: FlaskClient, sink: Sink
) -> None:
    data = {
        "kind": "number",
        "prompt_de": "Wie viele?",
        "min": "1",
        "decimal": "y",
        "max_length": "5",
        "options_de": "a\nb",
        "other_option": "y",
        "display": "dropdown",
    }
    saved = submit(staff_client, f"{_new_url(sink)}?kind=number", data)
    assert saved.status_code == 302, page_text(saved)
    question = db.session.scalar(sa.select(Question).order_by(Question.id.desc()).limit(1))
    assert question is not None and question.kind.value == "number"
    assert question.settings == {"min": 1, "decimal": True}
    assert question.options == []


def test_new_question_posted_without_the_query_still_works(
    staff_client: FlaskClient, sink: Sink
) -> None:
    data = {"kind": "single_choice", "prompt_de": "Ja?", "options_de": "Ja\nNein"}
    data |= {"other_option": "y", "display": "dropdown"}
    saved = submit(staff_client, _new_url(sink), data)
    assert saved.status_code == 302, page_text(saved)
    question = db.session.scalar(sa.select(Question).order_by(Question.id.desc()).limit(1))
    assert question is not None and question.setting("display") == "dropdown"
    assert [o.value for o in question.options] == ["1", "2", "other"]
