"""The builder's matrix rows after a matrix was created: rename, move, add, delete."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.extensions import db
from app.surveys.models import (
    MatrixRow,
)
from tests.conftest import submit
from tests.surveys.conftest import (
    Sink,
    audit_actions,
    fresh_question,
    kitchen_sink,
    lock,
    page_text,
    staff_button,
)

BASE = "/en/staff/surveys"


# --- matrix rows ---------------------------------------------------------------------


def _rows_url(sink: Sink) -> str:
    return f"{BASE}/{sink.survey.id}/questions/{sink.q['matrix'].id}/rows"


def _row_labels(sink: Sink, lang: str = "en") -> list[str]:
    return [row.label.get(lang, "") for row in fresh_question(sink.q["matrix"].id).rows]


def test_matrix_rows_can_be_renamed_moved_added_and_deleted(
    staff_client: FlaskClient, sink: Sink
) -> None:
    matrix = sink.q["matrix"]
    first, second = (row.id for row in matrix.rows)
    page = page_text(staff_client.get(f"{BASE}/{sink.survey.id}/"))
    assert f"{_rows_url(sink)}/{first}/edit" in page and f"{_rows_url(sink)}/new" in page

    edit = f"{_rows_url(sink)}/{first}/edit"
    form = page_text(staff_client.get(edit))
    assert 'name="label_de"' in form and 'name="label_en"' in form and "Row one" in form
    saved = submit(staff_client, edit, {"label_de": "Zeile eins", "label_en": "First row"})
    assert saved.status_code == 302
    assert _row_labels(sink) == ["First row", "Row two"]
    assert _row_labels(sink, "de")[0] == "Zeile eins"

    moved = staff_button(
        staff_client, sink.survey, f"{_rows_url(sink)}/{second}/move", direction="up"
    )
    assert moved.status_code == 302
    assert [row.id for row in fresh_question(matrix.id).rows] == [second, first]

    added = submit(
        staff_client, f"{_rows_url(sink)}/new", {"label_de": "Drei", "label_en": "Three"}
    )
    assert added.status_code == 302
    assert _row_labels(sink) == ["Row two", "First row", "Three"]

    deleted = staff_button(staff_client, sink.survey, f"{_rows_url(sink)}/{first}/delete")
    assert deleted.status_code == 302
    assert _row_labels(sink) == ["Row two", "Three"]
    assert db.session.get(MatrixRow, first) is None
    assert audit_actions() == [
        "survey.row.save",
        "survey.row.move",
        "survey.row.save",
        "survey.row.delete",
    ]


def test_a_row_needs_a_text_and_the_input_stays(staff_client: FlaskClient, sink: Sink) -> None:
    page = submit(
        staff_client, f"{_rows_url(sink)}/new", {"label_de": "", "label_en": "Only English"}
    )
    assert page.status_code == 200
    assert "Please enter a text in" in page_text(page) and 'value="Only English"' in page_text(page)
    assert len(fresh_question(sink.q["matrix"].id).rows) == 2


def test_the_last_row_of_a_matrix_cannot_be_deleted(staff_client: FlaskClient, sink: Sink) -> None:
    first, second = (row.id for row in sink.q["matrix"].rows)
    assert (
        staff_button(staff_client, sink.survey, f"{_rows_url(sink)}/{first}/delete").status_code
        == 302
    )
    refused = staff_button(staff_client, sink.survey, f"{_rows_url(sink)}/{second}/delete")
    assert "A matrix needs at least one row." in page_text(
        staff_client.get(refused.headers["Location"])
    )
    assert [row.id for row in fresh_question(sink.q["matrix"].id).rows] == [second]
    assert audit_actions() == ["survey.row.delete"]


def test_rows_belong_to_a_matrix_of_the_survey(staff_client: FlaskClient, sink: Sink) -> None:
    single = sink.q["single"]
    assert (
        staff_client.get(f"{BASE}/{sink.survey.id}/questions/{single.id}/rows/new").status_code
        == 404
    )
    row = sink.q["matrix"].rows[0]
    other = kitchen_sink("other-sink")
    url = f"{BASE}/{other.survey.id}/questions/{sink.q['matrix'].id}/rows/{row.id}/edit"
    assert staff_client.get(url).status_code == 403  # a survey without a process: admins only


def test_locked_matrix_rows_keep_their_structure_but_texts_can_be_fixed(
    staff_client: FlaskClient, sink: Sink
) -> None:
    lock(sink.survey)
    first, second = (row.id for row in sink.q["matrix"].rows)
    page = page_text(staff_client.get(f"{BASE}/{sink.survey.id}/"))
    assert f"{_rows_url(sink)}/{first}/edit" in page
    assert f"{_rows_url(sink)}/{first}/move" not in page and f"{_rows_url(sink)}/new" not in page

    fixed = submit(
        staff_client, f"{_rows_url(sink)}/{first}/edit", {"label_de": "Eins", "label_en": "One"}
    )
    assert fixed.status_code == 302
    assert _row_labels(sink) == ["One", "Row two"]

    for action, data in (("move", {"direction": "up"}), ("delete", {})):
        refused = staff_button(
            staff_client, sink.survey, f"{_rows_url(sink)}/{second}/{action}", **data
        )
        assert "only texts can be changed now" in page_text(
            staff_client.get(refused.headers["Location"])
        )
    added = submit(
        staff_client, f"{_rows_url(sink)}/new", {"label_de": "Drei", "label_en": "Three"}
    )
    assert added.status_code == 200 and "only texts can be changed now" in page_text(added)
    assert [row.id for row in fresh_question(sink.q["matrix"].id).rows] == [first, second]
    assert audit_actions() == ["survey.row.save"]
