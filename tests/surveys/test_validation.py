"""validate_page: every question kind with valid and invalid input, and conditions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from app.surveys.answering.validation import Answers, validate_page
from tests.surveys.conftest import Sink

pytestmark = pytest.mark.usefixtures("english")


def _check(
    sink: Sink, page: int, data: dict[str, Any], previous: Answers | None = None, **kw: Any
) -> tuple[Answers, dict[str, str]]:
    section = sink.survey.sections[page - 1]
    return validate_page(sink.survey, section, MultiDict(data), previous or {}, **kw)


def _previous_single(sink: Sink, value: str) -> Answers:
    answers, errors = _check(sink, 1, {sink.name("single"): sink.oid("single", value)})
    assert errors == {}
    return answers


# --- single choice (radio and dropdown) and "other" ---------------------------------


def test_single_choice_valid(sink: Sink) -> None:
    answers, errors = _check(sink, 1, {sink.name("single"): sink.oid("single", "b")})
    assert errors == {}
    assert answers[sink.q["single"].id][0].option_id == sink.option("single", "b").id


def test_single_choice_unknown_option_is_refused(sink: Sink) -> None:
    other_question_option = sink.oid("multi", "x")
    answers, errors = _check(sink, 1, {sink.name("single"): other_question_option})
    assert errors[sink.name("single")] == "Please choose one of the options offered."
    assert sink.q["single"].id not in answers


def test_single_choice_garbage_is_refused(sink: Sink) -> None:
    _, errors = _check(sink, 1, {sink.name("single"): "'; DROP TABLE survey;--"})
    assert errors[sink.name("single")] == "Please choose one of the options offered."


def test_required_single_choice_missing(sink: Sink) -> None:
    _, errors = _check(sink, 1, {})
    assert errors == {sink.name("single"): "Please answer this question."}


def test_required_is_not_enforced_when_going_back(sink: Sink) -> None:
    answers, errors = _check(sink, 1, {}, enforce_required=False)
    assert errors == {} and answers == {}


def test_other_option_needs_its_text(sink: Sink) -> None:
    data = {sink.name("single"): sink.oid("single", "other")}
    _, errors = _check(sink, 1, data)
    assert errors == {f"{sink.name('single')}_other": "Please say what you mean by “other”."}


def test_other_option_with_text_is_kept(sink: Sink) -> None:
    name = sink.name("single")
    answers, errors = _check(sink, 1, {name: sink.oid("single", "other"), f"{name}_other": "Mine"})
    assert errors == {}
    assert answers[sink.q["single"].id][0].value_text == "Mine"


def test_other_text_without_other_option_is_ignored(sink: Sink) -> None:
    name = sink.name("single")
    answers, _ = _check(sink, 1, {name: sink.oid("single", "a"), f"{name}_other": "sneaky"})
    assert answers[sink.q["single"].id][0].value_text is None


def test_dropdown_valid_and_unknown(sink: Sink) -> None:
    name = sink.name("drop")
    base = {sink.name("single"): sink.oid("single", "a")}
    answers, errors = _check(sink, 1, base | {name: sink.oid("drop", "d2")})
    assert errors == {} and answers[sink.q["drop"].id][0].option_id == int(sink.oid("drop", "d2"))
    _, errors = _check(sink, 1, base | {name: "999999"})
    assert errors[name] == "Please choose one of the options offered."


# --- multiple choice -----------------------------------------------------------------


def test_multiple_choice_valid(sink: Sink) -> None:
    data = MultiDict(
        [(sink.name("single"), sink.oid("single", "a"))]
        + [(sink.name("multi"), sink.oid("multi", v)) for v in ("x", "z")]
    )
    answers, errors = validate_page(sink.survey, sink.survey.sections[0], data, {})
    assert errors == {}
    chosen = {row.option_id for row in answers[sink.q["multi"].id]}
    assert chosen == {sink.option("multi", "x").id, sink.option("multi", "z").id}


def test_multiple_choice_too_many(sink: Sink) -> None:
    data = MultiDict(
        [(sink.name("single"), sink.oid("single", "a"))]
        + [(sink.name("multi"), sink.oid("multi", v)) for v in ("x", "y", "z")]
    )
    _, errors = validate_page(sink.survey, sink.survey.sections[0], data, {})
    assert errors[sink.name("multi")] == "Please choose at most 2 options."


def test_multiple_choice_duplicates_count_once(sink: Sink) -> None:
    x = sink.oid("multi", "x")
    data = MultiDict(
        [(sink.name("single"), sink.oid("single", "a")), *[(sink.name("multi"), x)] * 3]
    )
    answers, errors = validate_page(sink.survey, sink.survey.sections[0], data, {})
    assert errors == {} and len(answers[sink.q["multi"].id]) == 1


def test_multiple_choice_unknown_option(sink: Sink) -> None:
    data = {sink.name("single"): sink.oid("single", "a"), sink.name("multi"): "0"}
    _, errors = _check(sink, 1, data)
    assert errors[sink.name("multi")] == "Please choose one of the options offered."


# --- scale ---------------------------------------------------------------------------


def test_scale_stores_the_score(sink: Sink) -> None:
    data = {
        sink.name("single"): sink.oid("single", "a"),
        sink.name("scale"): sink.oid("scale", "4"),
    }
    answers, errors = _check(sink, 1, data)
    assert errors == {} and answers[sink.q["scale"].id][0].value_number == 4.0


def test_scale_no_answer_is_kept_apart_without_score(sink: Sink) -> None:
    data = {
        sink.name("single"): sink.oid("single", "a"),
        sink.name("scale"): sink.oid("scale", "na"),
    }
    answers, errors = _check(sink, 1, data)
    row = answers[sink.q["scale"].id][0]
    assert errors == {} and row.option_id == sink.option("scale", "na").id
    assert row.value_number is None


def test_scale_value_outside_the_scale(sink: Sink) -> None:
    data = {sink.name("single"): sink.oid("single", "a"), sink.name("scale"): "6"}
    _, errors = _check(sink, 1, data)
    assert errors[sink.name("scale")] == "Please choose one of the options offered."


# --- matrix --------------------------------------------------------------------------


def _matrix_data(sink: Sink, values: list[str]) -> dict[str, str]:
    matrix = sink.q["matrix"]
    return {
        f"{matrix.field_name}_r{row.id}": sink.oid("matrix", value)
        for row, value in zip(matrix.rows, values, strict=False)
    }


def test_matrix_valid(sink: Sink) -> None:
    answers, errors = _check(sink, 2, _matrix_data(sink, ["5", "na"]))
    assert errors == {}
    rows = answers[sink.q["matrix"].id]
    assert [r.row_id for r in rows] == [r.id for r in sink.q["matrix"].rows]
    assert [r.value_number for r in rows] == [5.0, None]


def test_required_matrix_needs_every_row(sink: Sink) -> None:
    _, errors = _check(sink, 2, _matrix_data(sink, ["5"]))
    assert errors[sink.name("matrix")] == "Please answer every row."


def test_matrix_unknown_option_in_a_row(sink: Sink) -> None:
    data = _matrix_data(sink, ["5", "4"])
    first_row = f"{sink.name('matrix')}_r{sink.q['matrix'].rows[0].id}"
    data[first_row] = sink.oid("scale", "5")  # an option of another question
    _, errors = _check(sink, 2, data)
    assert errors[sink.name("matrix")] == "Please choose one of the options offered."


def test_matrix_crafted_row_is_ignored(sink: Sink) -> None:
    data = _matrix_data(sink, ["5", "4"]) | {f"{sink.name('matrix')}_r999999": "1"}
    answers, errors = _check(sink, 2, data)
    assert errors == {} and len(answers[sink.q["matrix"].id]) == 2


# --- ranking -------------------------------------------------------------------------


def _rank(sink: Sink, ranks: dict[str, str]) -> dict[str, str]:
    name = sink.name("rank")
    data = _matrix_data(sink, ["3", "3"])
    return data | {f"{name}_o{sink.oid('rank', value)}": rank for value, rank in ranks.items()}


def test_ranking_valid(sink: Sink) -> None:
    answers, errors = _check(sink, 2, _rank(sink, {"r3": "1", "r1": "2"}))
    assert errors == {}
    rows = answers[sink.q["rank"].id]
    assert [(r.option_id, r.rank) for r in rows] == [
        (sink.option("rank", "r3").id, 1),
        (sink.option("rank", "r1").id, 2),
    ]


def test_ranking_same_rank_twice(sink: Sink) -> None:
    _, errors = _check(sink, 2, _rank(sink, {"r3": "1", "r1": "1"}))
    assert errors[sink.name("rank")] == "Please give each rank only once."


def test_ranking_beyond_top_n(sink: Sink) -> None:
    _, errors = _check(sink, 2, _rank(sink, {"r3": "3"}))
    assert errors[sink.name("rank")] == "Please use the ranks 1 to 2."


def test_ranking_with_a_gap(sink: Sink) -> None:
    _, errors = _check(sink, 2, _rank(sink, {"r3": "2"}))
    assert errors[sink.name("rank")] == "Please rank without gaps, starting with 1."


# --- numbers -------------------------------------------------------------------------


def _number(sink: Sink, key: str, raw: str) -> tuple[Answers, dict[str, str]]:
    return _check(sink, 2, _matrix_data(sink, ["1", "1"]) | {sink.name(key): raw})


def test_number_valid(sink: Sink) -> None:
    answers, errors = _number(sink, "number", " 42 ")
    assert errors == {} and answers[sink.q["number"].id][0].value_number == 42.0


def test_number_out_of_range(sink: Sink) -> None:
    _, errors = _number(sink, "number", "121")
    assert errors[sink.name("number")] == "Please enter a number from 0 to 120."
    _, errors = _number(sink, "number", "-1")
    assert errors[sink.name("number")] == "Please enter a number from 0 to 120."


def test_number_must_be_whole(sink: Sink) -> None:
    _, errors = _number(sink, "number", "4,5")
    assert errors[sink.name("number")] == "Please enter a whole number."


def test_number_not_a_number(sink: Sink) -> None:
    for raw in ("zwölf", "1e3", "nan", "inf", "12abc"):
        _, errors = _number(sink, "number", raw)
        assert errors[sink.name("number")] == "Please enter a number.", raw


def test_decimal_with_german_comma(sink: Sink) -> None:
    answers, errors = _number(sink, "decimal", "2,5")
    assert errors == {} and answers[sink.q["decimal"].id][0].value_number == 2.5


def test_decimal_out_of_range(sink: Sink) -> None:
    _, errors = _number(sink, "decimal", "10.01")
    assert errors[sink.name("decimal")] == "Please enter a number from 0 to 10."


# --- texts and dates -----------------------------------------------------------------


def _words(sink: Sink, data: dict[str, str]) -> tuple[Answers, dict[str, str]]:
    return _check(sink, 3, data, _previous_single(sink, "b"))


def test_short_text_valid_and_trimmed(sink: Sink) -> None:
    answers, errors = _words(sink, {sink.name("short"): "  Hallo  "})
    assert errors == {} and answers[sink.q["short"].id][0].value_text == "Hallo"


def test_short_text_too_long(sink: Sink) -> None:
    _, errors = _words(sink, {sink.name("short"): "x" * 11})
    message = "Please shorten your answer to at most 10 characters (it has 11)."
    assert errors[sink.name("short")] == message


def test_long_text_valid_keeps_lines(sink: Sink) -> None:
    answers, errors = _words(sink, {sink.name("long"): "one\r\ntwo"})
    assert errors == {} and answers[sink.q["long"].id][0].value_text == "one\ntwo"


def test_long_text_too_long(sink: Sink) -> None:
    _, errors = _words(sink, {sink.name("long"): "y" * 51})
    assert "at most 50 characters" in errors[sink.name("long")]


def test_text_drops_nul_characters(sink: Sink) -> None:
    answers, errors = _words(sink, {sink.name("short"): "a\x00b"})
    assert errors == {} and answers[sink.q["short"].id][0].value_text == "ab"


def test_date_iso_and_german(sink: Sink) -> None:
    for raw in ("2024-03-01", "01.03.2024"):
        answers, errors = _words(sink, {sink.name("date"): raw})
        assert errors == {} and answers[sink.q["date"].id][0].value_date == date(2024, 3, 1)


def test_date_invalid(sink: Sink) -> None:
    for raw in ("2024-02-30", "gestern", "31.13.2024"):
        _, errors = _words(sink, {sink.name("date"): raw})
        assert errors[sink.name("date")] == "Please enter a date such as 31.12.2024.", raw


# --- conditions ----------------------------------------------------------------------


def test_condition_met_makes_the_question_required(sink: Sink) -> None:
    _, errors = _check(sink, 3, {}, _previous_single(sink, "a"))
    assert errors == {sink.name("cond"): "Please answer this question."}


def test_hidden_question_is_not_required(sink: Sink) -> None:
    answers, errors = _check(sink, 3, {}, _previous_single(sink, "b"))
    assert errors == {} and answers == {}


def test_crafted_answer_to_hidden_question_is_discarded(sink: Sink) -> None:
    answers, errors = _check(sink, 3, {sink.name("cond"): "smuggled"}, _previous_single(sink, "b"))
    assert errors == {} and sink.q["cond"].id not in answers


def test_invalid_value_for_hidden_question_is_not_an_error(sink: Sink) -> None:
    data = {sink.name("cond"): "x" * 5000}
    _, errors = _check(sink, 3, data, _previous_single(sink, "b"))
    assert errors == {}
