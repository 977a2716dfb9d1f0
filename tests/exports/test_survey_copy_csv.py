"""PostgreSQL's COPY writes the survey data CSV byte for byte as the Python writer does,
and gathers the same SAV frame as the Python coding."""

from __future__ import annotations

import csv
import io
import math
import struct
import tempfile
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import polars
import polars.testing
import pytest
from flask import Flask
from flask_babel import force_locale

from app.exports import formats
from app.exports.models import ExportFormat, ExportKind
from app.exports.source import Source
from app.exports.survey_data import copy_binary, copy_csv, files, sav
from app.exports.survey_data.pivot import SurveyData
from app.extensions import db
from app.processes.models import Process
from app.surveys.answering.answers import insert_answers
from app.surveys.answering.validation import AnswerRow
from app.surveys.builder.structure import add_option
from app.surveys.models import AccessMode, InvitationCode, Response, ResponseChannel, ResponseState
from tests.conftest import DB_KIND
from tests.surveys.conftest import Sink, kitchen_sink

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="COPY is PostgreSQL's")

HOSTILE = [
    'Er sagte "nein"; dann ging er',
    "zwei\nZeilen",
    "Windows\r\nZeilen",
    "=HYPERLINK(1)",
    "+49 30",
    "-5 % Schulden",
    "@team",
    "\tTab vorn",
    "\rWagenrücklauf",
    '"',
    "\\. und \\N",
    "Straße ;; „Zitat“ \u00e9\u0301 🚲",
    " Leerzeichen ",
]


def _response(sink: Sink, answers: dict[str, list[AnswerRow]], **values: object) -> None:
    fields = {"state": ResponseState.SUBMITTED, "submitted_on": date(2024, 5, 2)} | values
    response = Response(survey_id=sink.survey.id, **fields)
    db.session.add(response)
    db.session.flush()
    insert_answers(response.id, {sink.q[key].id: rows for key, rows in answers.items()})


def _choice(sink: Sink, key: str, value: str, **extra: object) -> AnswerRow:
    option = sink.option(key, value)
    return AnswerRow(sink.q[key].id, option_id=option.id, **extra)  # type: ignore[arg-type]


def _ticks(sink: Sink, *values: str, other: str | None = None) -> list[AnswerRow]:
    rows = []
    for value in values:
        option = sink.option("multi", value)
        text = other if option.is_other else None
        rows.append(AnswerRow(sink.q["multi"].id, option.id, option_id=option.id, value_text=text))
    return rows


def _full(sink: Sink, n: int, text: str) -> dict[str, list[AnswerRow]]:
    """Every question answered (single "a" shows the conditional one), with ``text``."""
    q = sink.q
    rows = q["matrix"].rows
    rank = [sink.option("rank", v) for v in ("r3", "r1")]
    numbers = [0.1, 1 / 3, 2.5, 9.99, 10.0, 0.0001, 7.125]
    return {
        "single": [_choice(sink, "single", "a")],
        "multi": _ticks(sink, "y", "other", other=text),
        "scale": [_choice(sink, "scale", str(1 + n % 5), value_number=float(1 + n % 5))],
        "drop": [_choice(sink, "drop", "d1")],
        "matrix": [
            AnswerRow(q["matrix"].id, rows[0].id, sink.option("matrix", "3").id, rows[0].id)
        ],
        "rank": [
            AnswerRow(q["rank"].id, o.id, option_id=o.id, rank=k) for k, o in enumerate(rank, 1)
        ],
        "number": [AnswerRow(q["number"].id, value_number=float(n * 7 % 121))],
        "decimal": [AnswerRow(q["decimal"].id, value_number=numbers[n % len(numbers)])],
        "short": [AnswerRow(q["short"].id, value_text=text)],
        "long": [AnswerRow(q["long"].id, value_text=text + "\n" + text)],
        "date": [AnswerRow(q["date"].id, value_date=date(1999 + n, 12, 31))],
        "cond": [AnswerRow(q["cond"].id, value_text=text)],
    }


def _survey(process: Process, *, access: AccessMode = AccessMode.OPEN) -> Sink:
    """The kitchen sink with "keine Angabe" in the multiple choice, and responses that
    cover every code: answered, not answered, not shown, "keine Angabe", hostile texts."""
    sink = kitchen_sink("copy", access_mode=access, process_id=process.id)
    add_option(sink.q["multi"], label={"en": "No answer"}, value="na", is_no_answer=True)
    db.session.commit()
    weights = [0.75, 1.0, 1 / 3, 2.0, 1.2345678]
    for n, text in enumerate(HOSTILE):
        _response(
            sink,
            _full(sink, n, text),
            weight=weights[n % len(weights)],
            submitted_at=datetime(2024, 3, 31, n, 59, 59, tzinfo=UTC),  # across the DST switch
            channel=ResponseChannel.PAPER if n % 2 else ResponseChannel.ONLINE,
        )
    q = sink.q
    # Only "keine Angabe" in the multiple choice and the scale; "b": the condition hides.
    _response(
        sink,
        {
            "single": [_choice(sink, "single", "b")],
            "multi": _ticks(sink, "na"),
            "scale": [_choice(sink, "scale", "na")],
            "cond": [AnswerRow(q["cond"].id, value_text="versteckt")],
            "short": [AnswerRow(q["short"].id, value_text="")],
        },
    )
    # "Keine Angabe" beside a real choice; the "other" single choice with its text.
    _response(
        sink,
        {
            "single": [_choice(sink, "single", "other", value_text='Sonstiges: "x"; y')],
            "multi": _ticks(sink, "x", "na"),
            "matrix": [
                AnswerRow(q["matrix"].id, r.id, sink.option("matrix", "na").id, r.id)
                for r in q["matrix"].rows
            ],
        },
        submitted_on=None,
    )
    _response(sink, {})  # nothing answered at all
    db.session.commit()
    return sink


def _both(sink: Sink) -> tuple[bytes, bytes, list[int]]:
    with force_locale("en"):
        data = SurveyData(sink.survey, "en")
        assert copy_csv.usable(data)
        copied = io.BytesIO()
        seen: list[int] = []
        copy_csv.write_data(copied, data, seen.append)
        python = io.BytesIO()
        data = SurveyData(sink.survey, "en")
        files._write_data(python, data, data.chunks())
    return copied.getvalue(), python.getvalue(), seen


def test_copy_writes_the_bytes_of_the_python_writer(app: Flask, process: Process) -> None:
    sink = _survey(process)
    copied, python, seen = _both(sink)
    assert copied == python
    assert seen[-1] == len(HOSTILE) + 3
    text = copied.decode("utf-8-sig")
    assert text.count("\r\n") >= len(HOSTILE) + 4  # CRLF row ends, header included
    assert "'=HYPERLINK(1)" in text and ";0,75;" in text  # guard, decimal comma


def test_copy_writes_the_invitation_code_as_python_does(app: Flask, process: Process) -> None:
    sink = _survey(process, access=AccessMode.CODE)
    code = InvitationCode(survey_id=sink.survey.id, code="ABCDEFGHJK")
    db.session.add(code)
    db.session.flush()
    _response(sink, {}, code_id=code.id)
    db.session.commit()
    copied, python, _seen = _both(sink)
    assert copied == python
    assert ";ABCDE-FGHJK;" in copied.decode("utf-8-sig")


def test_numbers_postgresql_spells_otherwise_go_through_python(
    app: Flask, process: Process
) -> None:
    sink = _survey(process)
    _response(sink, {"number": [AnswerRow(sink.q["number"].id, value_number=2e15)]})
    db.session.commit()
    with force_locale("en"):
        assert not copy_csv.usable(SurveyData(sink.survey, "en"))
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.CSV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    assert formats.write(source, out, lambda done, total: None) == len(HOSTILE) + 4
    data = zipfile.ZipFile(out).read("data.csv").decode("utf-8-sig")
    assert ";2000000000000000;" in data  # not 2e+15


def _gathered(sink: Sink, gather: Any) -> Any:
    with force_locale("en"):
        data = SurveyData(sink.survey, "en")
        columns = sav.Columns(data.variables, data.total)
        seen: list[tuple[int, int]] = []
        assert gather(data, columns, lambda done, total: seen.append((done, total))) == data.total
        assert seen[-1] == (data.total, data.total)
        return columns.frame()


def test_the_sav_frame_from_copy_equals_the_coded_one(app: Flask, process: Process) -> None:
    sink = _survey(process, access=AccessMode.CODE)
    code = InvitationCode(survey_id=sink.survey.id, code="ABCDEFGHJK")
    db.session.add(code)
    db.session.flush()
    _response(
        sink, {"number": [AnswerRow(sink.q["number"].id, value_number=2e15)]}, code_id=code.id
    )
    db.session.commit()
    copied = _gathered(sink, sav._gather_copied)
    coded = _gathered(sink, sav._gather_coded)
    polars.testing.assert_frame_equal(copied, coded, check_exact=True)
    assert copied["q07"].to_list()[-1] == 2e15 and copied["code"].to_list()[-1] == "ABCDE-FGHJK"
    assert copied["q09"].to_list()[3] == "=HYPERLINK(1)"  # SAV texts have no formula guard


def _count_copies(monkeypatch: pytest.MonkeyPatch, module: Any = copy_csv) -> list[str]:
    statements: list[str] = []
    copy = module._copy

    def counted(driver: Any, statement: str, *args: Any) -> Any:
        statements.append(statement)
        return copy(driver, statement, *args)

    monkeypatch.setattr(module, "_copy", counted)
    return statements


@pytest.mark.parametrize("extra", [0, 1], ids=["even", "odd"])
def test_two_copies_at_once_write_the_bytes_of_the_python_writer(
    app: Flask, process: Process, monkeypatch: pytest.MonkeyPatch, extra: int
) -> None:
    # large surveys are copied in two halves on two connections; the second half's
    # numbering continues the first's, in one snapshot
    monkeypatch.setitem(app.config, "EXPORT_PARALLEL_COPY_FROM", 1)
    statements = _count_copies(monkeypatch)
    sink = _survey(process)
    for _ in range(extra):
        _response(sink, {"short": [AnswerRow(sink.q["short"].id, value_text="noch eine")]})
    db.session.commit()
    copied, python, seen = _both(sink)
    assert copied == python
    assert seen[-1] == len(HOSTILE) + 3 + extra
    rows = list(csv.reader(io.StringIO(copied.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(HOSTILE) + 4 + extra)]
    assert len(statements) == 2


def test_the_sav_frame_from_two_copies_equals_the_coded_one(
    app: Flask, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "EXPORT_PARALLEL_COPY_FROM", 1)
    statements = _count_copies(monkeypatch, copy_binary)
    sink = _survey(process)
    copied = _gathered(sink, sav._gather_copied)
    assert len(statements) == 2 and all("FORMAT binary" in s for s in statements)
    coded = _gathered(sink, sav._gather_coded)
    polars.testing.assert_frame_equal(copied, coded, check_exact=True)


def test_a_survey_without_responses_gives_the_empty_frame(app: Flask, process: Process) -> None:
    sink = kitchen_sink("leer", process_id=process.id)
    db.session.commit()
    copied = _gathered(sink, sav._gather_copied)
    with force_locale("en"):
        data = SurveyData(sink.survey, "en")
    nothing = sav.Columns(data.variables, 0).frame()
    assert len(copied) == 0 and list(copied.columns) == [v.name for v in data.variables]
    polars.testing.assert_frame_equal(copied, nothing)


def _binary_rows(*rows: bytes) -> io.BytesIO:
    return io.BytesIO(copy_binary.HEADER + b"".join(rows) + copy_binary.TRAILER)


def _row(*cells: bytes) -> bytes:
    return len(cells).to_bytes(2, "big") + b"".join(cells)


def test_binary_rows_are_read_as_float64_columns() -> None:
    cell = (8).to_bytes(4, "big") + struct.pack(">d", 2.5)
    nan = (8).to_bytes(4, "big") + struct.pack(">d", float("nan"))
    pages = list(copy_binary.read_pages(_binary_rows(_row(cell, nan), _row(nan, cell)), 2))
    assert len(pages) == 1
    first, second = pages[0]
    assert first.dtype.name == "float64" and first[0] == 2.5 and second[1] == 2.5
    assert math.isnan(first[1]) and math.isnan(second[0])


def test_a_null_cell_in_the_binary_rows_is_refused() -> None:
    # every cell must be a float8: a NULL (length -1, no bytes) would shift the rows
    cell = (8).to_bytes(4, "big") + struct.pack(">d", 1.0)
    null = (-1).to_bytes(4, "big", signed=True)
    with pytest.raises(ValueError, match="float8 cells"):
        list(copy_binary.read_pages(_binary_rows(_row(cell, null + bytes(8))), 2))
    with pytest.raises(ValueError, match="float8 cells"):
        list(copy_binary.read_pages(_binary_rows(_row(cell, null)), 2))


def test_the_rows_copied_so_far_are_counted_from_the_files_sizes() -> None:
    # the progress bar moves while the parts still copy: whole rows written so far
    cell = (8).to_bytes(4, "big") + struct.pack(">d", 1.0)
    whole = copy_binary.HEADER + _row(cell, cell) * 3
    with tempfile.TemporaryFile() as one, tempfile.TemporaryFile() as two:
        assert copy_binary.copied_rows([one, two], 2) == 0
        one.write(whole)
        two.write(copy_binary.HEADER + _row(cell, cell) + _row(cell)[:5])  # half a row
        one.flush()
        two.flush()
        assert copy_binary.copied_rows([one, two], 2) == 4


def test_progress_ends_at_the_rows_and_never_goes_back(
    app: Flask, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "EXPORT_PARALLEL_COPY_FROM", 1)
    monkeypatch.setattr(copy_binary, "POLL_SECONDS", 0.0001)
    monkeypatch.setattr(copy_binary, "PAGE", 2)
    sink = _survey(process)
    with force_locale("en"):
        data = SurveyData(sink.survey, "en")
        columns = sav.Columns(data.variables, data.total)
        seen: list[int] = []
        assert copy_binary.gather(data, columns.add_cells, seen.append) == data.total
    assert seen[-1] == data.total and seen == sorted(seen) and len(seen) > 4
