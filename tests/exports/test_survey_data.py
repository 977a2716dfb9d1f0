"""Survey data for statisticians: SAV, CSV package and XLSX, read back independently."""

from __future__ import annotations

import csv
import io
import random
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.exports import formats, writers
from app.exports.models import ExportFormat, ExportKind
from app.exports.source import Source
from app.exports.survey_data import pivot
from app.extensions import db
from app.processes.models import Process
from app.surveys.answering.answers import insert_answers, visible_answers
from app.surveys.answering.validation import AnswerRow, is_visible
from app.surveys.builder.structure import add_option, create_question, create_section, create_survey
from app.surveys.models import (
    AccessMode,
    InvitationCode,
    QuestionKind,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
)
from tests.conftest import submit
from tests.surveys.conftest import Sink, kitchen_sink

BASE = "/en/staff/exports/p/hf12/"
NO_ANSWER, NOT_ANSWERED, NOT_SHOWN = -1, -2, -3


def _response(sink: Sink, answers: dict[str, list[AnswerRow]], **values: Any) -> Response:
    fields = {"state": ResponseState.SUBMITTED, "submitted_on": date(2024, 5, 2)} | values
    response = Response(survey_id=sink.survey.id, **fields)
    db.session.add(response)
    db.session.flush()
    insert_answers(response.id, {sink.q[key].id: rows for key, rows in answers.items()})
    return response


def _choice(sink: Sink, key: str, value: str, **extra: Any) -> AnswerRow:
    option = sink.option(key, value)
    return AnswerRow(sink.q[key].id, option_id=option.id, **extra)


def _rank(sink: Sink, value: str, rank: int) -> AnswerRow:
    option = sink.option("rank", value)
    return AnswerRow(sink.q["rank"].id, option.id, option_id=option.id, rank=rank)


def _ticks(sink: Sink, key: str, *values: str, other: str | None = None) -> list[AnswerRow]:
    rows = []
    for value in values:
        option = sink.option(key, value)
        text = other if option.is_other else None
        rows.append(AnswerRow(sink.q[key].id, option.id, option_id=option.id, value_text=text))
    return rows


@pytest.fixture
def data(process: Process) -> Sink:
    """Four submitted responses and a draft covering every code (see each comment)."""
    sink = kitchen_sink(process_id=process.id)
    q = sink.q
    rows = q["matrix"].rows
    # 1: everything answered; single "a" shows the conditional question.
    _response(
        sink,
        {
            "single": [_choice(sink, "single", "a")],
            "multi": _ticks(sink, "multi", "x", "other", other="Radwege"),
            "scale": [_choice(sink, "scale", "4", value_number=4.0)],
            "drop": [_choice(sink, "drop", "d2")],
            "matrix": [
                AnswerRow(q["matrix"].id, r.id, sink.option("matrix", v).id, r.id)
                for r, v in zip(rows, ("5", "na"), strict=True)
            ],
            "rank": [_rank(sink, "r2", 1), _rank(sink, "r1", 2)],
            "number": [AnswerRow(q["number"].id, value_number=42.0)],
            "decimal": [AnswerRow(q["decimal"].id, value_number=2.5)],
            "short": [AnswerRow(q["short"].id, value_text="=1+1")],
            "long": [AnswerRow(q["long"].id, value_text="Mehr Bänke; bitte\n„bald“")],
            "date": [AnswerRow(q["date"].id, value_date=date(2024, 1, 31))],
            "cond": [AnswerRow(q["cond"].id, value_text="gezeigt")],
        },
        submitted_at=datetime(2024, 5, 2, 12, 34, 56, tzinfo=UTC),
        weight=1.5,
    )
    # 2: paper, single "b": the conditional question was not shown; scale "keine Angabe".
    _response(
        sink,
        {"single": [_choice(sink, "single", "b")], "scale": [_choice(sink, "scale", "na")]},
        channel=ResponseChannel.PAPER,
        submitted_on=date(2024, 5, 3),
    )
    # 3: single "other" with its text; an answer stored for the hidden question is ignored.
    _response(
        sink,
        {
            "single": [_choice(sink, "single", "other", value_text="Etwas anderes")],
            "cond": [AnswerRow(q["cond"].id, value_text="nicht gezeigt")],
        },
    )
    # 4: nothing answered at all.
    _response(sink, {})
    draft = Response(survey_id=sink.survey.id, state=ResponseState.IN_PROGRESS)
    db.session.add(draft)
    db.session.flush()
    insert_answers(draft.id, {q["long"].id: [AnswerRow(q["long"].id, value_text="Entwurf")]})
    db.session.commit()
    return sink


def _write(sink: Sink, fmt: ExportFormat, lang: str = "en", tmp: Path | None = None) -> bytes:
    source = Source(ExportKind.SURVEY_RESPONSES, fmt, lang, sink.survey.process_id, sink.survey.id)
    out = io.BytesIO()
    seen: list[tuple[int, int]] = []
    rows = formats.write(source, out, lambda done, total: seen.append((done, total)))
    assert rows == 4 and seen[-1] == (4, 4)
    return out.getvalue()


def _read_sav(content: bytes, tmp_path: Path, **options: Any) -> tuple[Any, Any]:
    path = tmp_path / "data.sav"
    path.write_bytes(content)
    return pyreadstat.read_sav(str(path), **options)


def _submitted(survey: Survey) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .where(Response.survey_id == survey.id, Response.state == ResponseState.SUBMITTED)
        )
        or 0
    )


EXPECTED_NAMES = [
    "id", "channel", "day", "submitted", "weight",
    "q01", "q01_other", "q02_1", "q02_2", "q02_3", "q02_4", "q02_other", "q03", "q04",
    "q05_1", "q05_2", "q06_1", "q06_2", "q06_3", "q06_4", "q07", "q08",
    "q09", "q10", "q11", "q12",
]  # fmt: skip


def test_sav_has_names_labels_value_labels_and_missing_codes(data: Sink, tmp_path: Path) -> None:
    frame, meta = _read_sav(_write(data, ExportFormat.SAV), tmp_path, user_missing=True)
    assert meta.column_names == EXPECTED_NAMES
    assert len(frame) == _submitted(data.survey) == 4
    labels = meta.column_names_to_labels
    assert labels["q01"] == "Single" and labels["q05_2"] == "Matrix \N{EN DASH} Row two"
    assert labels["q02_4"] == "Multi \N{EN DASH} Something else"
    # Text option values are numbered by position; the scale keeps its points.
    values = meta.variable_value_labels
    assert values["q01"] == {
        1.0: "Option a",
        2.0: "Option b",
        3.0: "Other",
        -2.0: "not answered",
        -3.0: "not shown (filtered by a condition)",
    }
    assert values["q03"][4.0] and values["q03"][-1.0] == "no answer (“keine Angabe”)"
    assert values["channel"] == {1.0: "online", 2.0: "paper"}
    assert meta.missing_ranges["q03"] == [{"lo": v, "hi": v} for v in (-3.0, -2.0, -1.0)]
    assert meta.variable_measure["q03"] == "ordinal" and meta.variable_measure["q07"] == "scale"
    rows = frame.to_dict("records")
    first, paper, other, empty = rows
    assert (first["id"], paper["id"], empty["id"]) == (1, 2, 4)
    assert (first["channel"], paper["channel"]) == (1, 2)
    assert first["day"] == date(2024, 5, 2) and first["weight"] == 1.5
    assert first["submitted"] == datetime(2024, 5, 2, 14, 34)  # Europe/Berlin, by minute
    assert (first["q01"], paper["q01"], other["q01"], empty["q01"]) == (1, 2, 3, NOT_ANSWERED)
    assert other["q01_other"] == "Etwas anderes" and first["q01_other"] == ""
    assert [first[f"q02_{k}"] for k in range(1, 5)] == [1, 0, 0, 1]
    assert first["q02_other"] == "Radwege"
    assert paper["q02_1"] == NOT_ANSWERED
    assert (first["q03"], paper["q03"], empty["q03"]) == (4, NO_ANSWER, NOT_ANSWERED)
    assert (first["q05_1"], first["q05_2"], paper["q05_1"]) == (5, NO_ANSWER, NOT_ANSWERED)
    assert [first[f"q06_{k}"] for k in range(1, 5)] == [2, 1, 0, 0]
    assert paper["q06_1"] == NOT_ANSWERED
    assert (first["q07"], first["q08"], paper["q07"]) == (42, 2.5, NOT_ANSWERED)
    assert first["q09"] == "=1+1" and first["q10"] == "Mehr Bänke; bitte\n„bald“"
    assert first["q11"] == date(2024, 1, 31)
    assert (first["q12"], paper["q12"], other["q12"]) == ("gezeigt", "", "")


def test_sav_missing_codes_are_missing_for_spss_readers(data: Sink, tmp_path: Path) -> None:
    frame, _meta = _read_sav(_write(data, ExportFormat.SAV), tmp_path)
    assert frame["q03"].isna().tolist() == [False, True, True, True]
    assert frame["q03"].mean() == 4.0


def test_the_weight_only_when_the_survey_has_weighting(process: Process, tmp_path: Path) -> None:
    sink = kitchen_sink(process_id=process.id)
    _response(sink, {})
    db.session.commit()
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    _frame, meta = _read_sav(out.getvalue(), tmp_path)
    assert "weight" not in meta.column_names


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_package_has_data_and_codebook_with_decimal_commas(data: Sink) -> None:
    package = zipfile.ZipFile(io.BytesIO(_write(data, ExportFormat.CSV)))
    assert package.namelist() == ["data.csv", "codebook.csv"]
    rows = _csv(package.read("data.csv"))
    assert rows[0] == EXPECTED_NAMES
    assert len(rows) - 1 == _submitted(data.survey)
    first = dict(zip(rows[0], rows[1], strict=True))
    paper = dict(zip(rows[0], rows[2], strict=True))
    assert first["weight"] == "1,5" and first["q08"] == "2,5" and first["q07"] == "42"
    assert first["day"] == "2024-05-02" and first["submitted"] == "2024-05-02 14:34"
    assert paper["q03"] == "-1" and paper["q12"] == "" and paper["q02_1"] == "-2"
    assert first["q09"] == "'=1+1"  # the formula guard for texts
    codebook = _csv(package.read("codebook.csv"))
    assert codebook[0] == [
        "Variable", "Label", "Type", "Measurement level", "Value", "Value label", "Missing"
    ]  # fmt: skip
    entries = [row for row in codebook[1:] if row[0] == "q03"]
    assert ["q03", "Scale", "number", "ordinal", "-1", "no answer (“keine Angabe”)", "yes"] in (
        entries
    )
    assert {row[0] for row in codebook[1:]} == set(EXPECTED_NAMES)
    assert "Entwurf" not in package.read("data.csv").decode("utf-8-sig")


def test_xlsx_has_numeric_cells_and_a_codebook_sheet(data: Sink) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_write(data, ExportFormat.XLSX)))
    sheet, codebook = book.worksheets
    assert (sheet.title, codebook.title) == ("Data", "Codebook")
    header = [cell.value for cell in sheet[1]]
    assert header == EXPECTED_NAMES and sheet.max_row == 5
    cells = {name: cell for name, cell in zip(header, sheet[3], strict=True)}
    assert cells["q03"].value == -1 and cells["q03"].data_type == "n"
    assert cells["weight"].value == 1 and cells["channel"].value == 2
    first = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert first["q09"] == "=1+1"  # a string cell, unaltered
    assert first["day"] == datetime(2024, 5, 2) and first["q08"] == 2.5
    entries = {row[0] for row in codebook.iter_rows(min_row=2, values_only=True)}
    assert entries == set(EXPECTED_NAMES)


def test_labels_follow_the_export_language(data: Sink, tmp_path: Path) -> None:
    _frame, meta = _read_sav(_write(data, ExportFormat.SAV, "de"), tmp_path)
    assert meta.variable_value_labels["channel"] == {1.0: "online", 2.0: "Papier"}
    assert meta.column_names[:3] == ["id", "channel", "day"]  # names never change


def test_anonymised_surveys_have_no_time_or_code(process: Process, tmp_path: Path) -> None:
    sink = kitchen_sink("anon", anonymised=True, access_mode=AccessMode.CODE, process_id=process.id)
    code = InvitationCode(survey_id=sink.survey.id, code="ABCDEFGHJK")
    db.session.add(code)
    db.session.flush()
    _response(sink, {}, code_id=code.id, submitted_at=datetime(2024, 5, 2, 9, tzinfo=UTC))
    db.session.commit()
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.CSV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    content = zipfile.ZipFile(out).read("data.csv").decode("utf-8-sig")
    assert content.splitlines()[0].startswith("id;channel;day;q01;")
    assert "ABCDE" not in content and "09:" not in content


def test_code_surveys_that_are_not_anonymised_carry_the_code(
    process: Process, tmp_path: Path
) -> None:
    sink = kitchen_sink("coded", access_mode=AccessMode.CODE, process_id=process.id)
    code = InvitationCode(survey_id=sink.survey.id, code="ABCDEFGHJK")
    db.session.add(code)
    db.session.flush()
    _response(sink, {}, code_id=code.id)
    db.session.commit()
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    frame, meta = _read_sav(out.getvalue(), tmp_path)
    assert meta.column_names[:5] == ["id", "channel", "day", "submitted", "code"]
    assert frame["code"].tolist() == ["ABCDE-FGHJK"]


def test_negative_scale_points_move_the_missing_codes_below_them(
    process: Process, tmp_path: Path
) -> None:
    survey = create_survey(slug="neg", title={"en": "Neg"}, process_id=process.id)
    section = create_section(survey, title={"en": "P"})
    scale = create_question(section, kind=QuestionKind.SCALE, prompt={"en": "Agree?"})
    for value in ("-2", "-1", "0", "1", "2"):
        add_option(scale, label={"en": f"point {value}"}, value=value)
    add_option(scale, label={"en": "no answer"}, value="na", is_no_answer=True)
    cars = create_question(section, kind=QuestionKind.SINGLE_CHOICE, prompt={"en": "Mode"})
    for value in ("car", "45-59", "bike"):
        add_option(cars, label={"en": value}, value=value)
    db.session.commit()
    sink = Sink(survey, {"scale": scale, "cars": cars})
    _response(
        sink, {"scale": [_choice(sink, "scale", "-2")], "cars": [_choice(sink, "cars", "bike")]}
    )
    _response(sink, {"scale": [_choice(sink, "scale", "na")]})
    db.session.commit()
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    frame, meta = _read_sav(out.getvalue(), tmp_path, user_missing=True)
    assert meta.missing_ranges["q01"] == [{"lo": v, "hi": v} for v in (-5.0, -4.0, -3.0)]
    assert frame["q01"].tolist() == [-2, -3]  # "keine Angabe" is -3 here, below -2
    assert meta.variable_value_labels["q02"] == {
        1.0: "car",
        2.0: "45-59",
        3.0: "bike",
        -2.0: "not answered",
        -3.0: "not shown (filtered by a condition)",
    }
    assert frame["q02"].tolist() == [3, -2]


def test_staff_download_the_sav_file(staff_client: FlaskClient, data: Sink, tmp_path: Path) -> None:
    form = {"kind": "survey_responses", "survey": str(data.survey.id), "format": "sav"}
    response = submit(staff_client, BASE, form | {"language": "en"})
    assert response.status_code == 302
    download = staff_client.get(response.headers["Location"] + "/download")
    assert download.status_code == 200
    assert download.mimetype == "application/x-spss-sav"
    assert download.headers["Content-Disposition"].endswith(".sav")
    frame, _meta = _read_sav(download.data, tmp_path)
    assert len(frame) == 4


def test_sav_is_not_offered_for_the_abwaegung(staff_client: FlaskClient, data: Sink) -> None:
    form = {"kind": "assessment", "format": "sav", "language": "en"}
    response = submit(staff_client, BASE, form)
    assert response.status_code == 400
    assert "This format is not available for what you chose to export." in response.get_data(
        as_text=True
    )


# --- "not shown" agrees with the answering code -----------------------------------------


def _chained_survey(process: Process) -> Sink:
    """Conditions of every kind, chained: q6 depends on q4, which depends on q3 …"""
    survey = create_survey(slug="chain", title={"en": "Chain"}, process_id=process.id)
    section = create_section(survey, title={"en": "P"})
    q: dict[str, Any] = {}

    def add(key: str, kind: QuestionKind, values: tuple[str, ...] = ()) -> None:
        q[key] = create_question(section, kind=kind, prompt={"en": key})
        for value in values:
            add_option(q[key], label={"en": value}, value=value)

    add("q1", QuestionKind.SINGLE_CHOICE, ("a", "b", "c"))
    add("q2", QuestionKind.NUMBER)
    add("q3", QuestionKind.SCALE, ("1", "2", "3", "4", "5"))
    add("q4", QuestionKind.SHORT_TEXT)
    add("q5", QuestionKind.DATE)
    add("q6", QuestionKind.SINGLE_CHOICE, ("x", "y"))
    add("q7", QuestionKind.SINGLE_CHOICE, ("x", "y"))
    add("q8", QuestionKind.NUMBER)
    sink = Sink(survey, q)
    conditions = {
        "q2": {"question_id": q["q1"].id, "option_ids": [sink.option("q1", v).id for v in "ab"]},
        "q3": {"question_id": q["q2"].id, "min": 10, "max": 50},
        "q4": {"question_id": q["q3"].id, "values": ["4", "5"]},
        "q6": {"question_id": q["q4"].id, "values": ["ja"]},
        "q7": {"question_id": q["q5"].id, "values": ["2024-01-01"]},
        "q8": {"question_id": q["q2"].id, "min": 20},
    }
    for key, show_if in conditions.items():
        q[key].show_if = show_if
    db.session.commit()
    return sink


def _random_answers(sink: Sink, rng: Any) -> dict[str, list[AnswerRow]]:
    q = sink.q
    answers: dict[str, list[AnswerRow]] = {}

    def maybe(key: str, row: AnswerRow) -> None:
        if rng.random() < 0.8:  # answers even where a condition hides the question
            answers[key] = [row]

    maybe("q1", _choice(sink, "q1", rng.choice("abc")))
    maybe("q2", AnswerRow(q["q2"].id, value_number=float(rng.choice([5, 10, 20, 50, 60]))))
    point = rng.choice("12345")
    maybe("q3", _choice(sink, "q3", point, value_number=float(point)))
    maybe("q4", AnswerRow(q["q4"].id, value_text=rng.choice(["ja", "nein"])))
    maybe("q5", AnswerRow(q["q5"].id, value_date=rng.choice([date(2024, 1, 1), date(2024, 1, 2)])))
    for key in ("q6", "q7"):
        maybe(key, _choice(sink, key, rng.choice("xy")))
    maybe("q8", AnswerRow(q["q8"].id, value_number=7.0))
    return answers


def test_not_shown_follows_the_same_conditions_as_answering(
    process: Process, tmp_path: Path
) -> None:
    rng = random.Random(12)
    sink = _chained_survey(process)
    stored = [_random_answers(sink, rng) for _ in range(80)]
    for answers in stored:
        _response(sink, answers)
    db.session.commit()
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    frame, _meta = _read_sav(out.getvalue(), tmp_path, user_missing=True)
    names = {"q2": "q02", "q3": "q03", "q6": "q06", "q7": "q07", "q8": "q08"}
    hidden_seen = shown_seen = 0
    for answers, row in zip(stored, frame.to_dict("records"), strict=True):
        by_id = {sink.q[key].id: rows for key, rows in answers.items()}
        visible = visible_answers(sink.survey, by_id)
        for key, name in names.items():
            question = sink.q[key]
            shown = is_visible(question, visible)
            if not shown:
                assert row[name] == NOT_SHOWN, (answers, key)
                hidden_seen += 1
            elif question.id not in by_id:
                assert row[name] == NOT_ANSWERED, (answers, key)
            else:
                assert row[name] >= 0, (answers, key)
                shown_seen += 1
    assert hidden_seen > 50 and shown_seen > 50  # both sides were exercised


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_german_libreoffice_reads_the_csv_numbers_as_numbers(data: Sink, tmp_path: Path) -> None:
    """Opened as German LibreOffice opens it (language de-DE): decimal commas and
    negative missing codes are numbers, days are dates."""
    package = zipfile.ZipFile(io.BytesIO(_write(data, ExportFormat.CSV)))
    (tmp_path / "data.csv").write_bytes(package.read("data.csv"))
    # CSV filter: separator ";", quote '"', UTF-8, from line 1, standard columns, de-DE.
    subprocess.run(  # noqa: S603 (LibreOffice, a fixed command line)
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1031",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "data.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheet = openpyxl.load_workbook(tmp_path / "data.xlsx").active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    paper = {name: cell for name, cell in zip(header, sheet[3], strict=True)}
    assert (first["weight"].value, first["weight"].data_type) == (1.5, "n")
    assert (first["q08"].value, first["q08"].data_type) == (2.5, "n")
    assert (paper["q03"].value, paper["q03"].data_type) == (-1, "n")
    assert first["day"].value == datetime(2024, 5, 2)


def test_xlsx_sheets_split_before_the_row_limit(
    data: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 3)  # a header and two rows per sheet
    book = openpyxl.load_workbook(io.BytesIO(_write(data, ExportFormat.XLSX)))
    assert book.sheetnames == ["Data", "Data (2)", "Codebook"]
    sheets = book.worksheets[:2]
    assert all(sheet.cell(1, 1).value == "id" for sheet in sheets)
    ids = [row[0] for sheet in sheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == [1, 2, 3, 4]


def test_only_numbers_that_may_be_negative_look_for_their_lowest_value(
    process: Process, tmp_path: Path
) -> None:
    # the look scans the survey's answers; a lower bound of 0 or more already says
    # where the missing codes go
    survey = create_survey(slug="zahlen", title={"en": "Numbers"}, process_id=process.id)
    section = create_section(survey, title={"en": "P"})
    free = create_question(section, kind=QuestionKind.NUMBER, prompt={"en": "Balance"})
    years = create_question(
        section, kind=QuestionKind.NUMBER, prompt={"en": "Years"}, settings={"min": 0}
    )
    db.session.commit()
    sink = Sink(survey, {"free": free, "years": years})
    _response(
        sink,
        {
            "free": [AnswerRow(free.id, value_number=-7.5)],
            "years": [AnswerRow(years.id, value_number=3.0)],
        },
    )
    db.session.commit()
    assert pivot._lowest_numbers(survey) == {free.id: -7.5}
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    frame, meta = _read_sav(out.getvalue(), tmp_path, user_missing=True)
    # "not shown" and "not answered" below the floor of the lowest value, -8
    assert [r["lo"] for r in meta.missing_ranges["q01"]] == [-11.0, -10.0]
    assert [r["lo"] for r in meta.missing_ranges["q02"]] == [-3.0, -2.0]
    assert frame["q01"].tolist() == [-7.5] and frame["q02"].tolist() == [3]


PSPP_CONVERT = shutil.which("pspp-convert")


def _as_pspp_writes(value: Any) -> str:
    """A value as pspp-convert's CSV has it (US dates, blank for missing)."""
    if value is None or value != value:  # NaN, NaT: system-missing
        return ""
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return str(value)


@pytest.mark.skipif(PSPP_CONVERT is None, reason="GNU PSPP (pspp-convert) is not installed")
def test_gnu_pspp_reads_the_sav_as_pyreadstat_does(data: Sink, tmp_path: Path) -> None:
    # An independent reader: PSPP does not use ReadStat, which wrote the dictionary,
    # and reads the cases that numpy wrote (app/exports/survey_data/sav_cases.py).
    content = _write(data, ExportFormat.SAV)
    frame, _meta = _read_sav(content, tmp_path, user_missing=True)  # the codes as they are
    converted = tmp_path / "data.csv"
    subprocess.run(  # noqa: S603 (GNU PSPP, a fixed command line)
        [str(PSPP_CONVERT), str(tmp_path / "data.sav"), str(converted)],
        check=True,
        capture_output=True,
    )
    with converted.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == list(frame.columns) == EXPECTED_NAMES
    assert len(rows) == len(frame) == _submitted(data.survey)
    for row, (_index, expected) in zip(rows, frame.iterrows(), strict=True):
        for name, cell in zip(header, row, strict=True):
            value = expected[name]
            if isinstance(value, float) and value == value and cell.strip():
                assert float(cell) == value, name  # 0.3333333333333333, 1e+15
            else:
                assert cell.strip() == _as_pspp_writes(value), name
