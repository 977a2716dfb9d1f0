"""The payload corpus (tests/security/payloads.py) in the export formats that
tests/security/test_xss_corpus.py does not read (it reads the CSV and XLSX): the
Auswertung as ODS, DOCX and PDF, and survey data as SAV (and, for the texts it does not
post, the XLSX and CSV of the Auswertung). A payload is stored there as
text, verbatim, and never interpreted: ODS cells are string cells, no formula, link or
field; the DOCX has no hyperlink or field code from a payload; the HTML WeasyPrint
renders the PDF from has no element or attribute from a payload (so nothing is fetched
or linked), and the PDF has no link or script; the SAV has the texts as string values.

The corpus goes in as comments, official replies, the rationale of assessments and
survey answers (open and "other"). ODS and SAV get the whole corpus; DOCX and PDF,
slower to write, a sample of 32 (every fourth XSS and SQL payload, every CSV one).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from docx import Document
from flask import Flask
from flask_babel import force_locale
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import TableCell
from odf.text import P
from pypdf import PdfReader

from app.assessment.models import Consideration
from app.exports import formats
from app.exports.auswertung import csv_file, docx_file, ods, pdf, xlsx
from app.exports.auswertung.document import build
from app.exports.models import ExportFormat, ExportKind
from app.exports.source import Source
from app.extensions import db
from app.goals.services import current_revision
from app.moderation.models import OfficialReply
from app.processes.models import Process
from app.surveys.answering.answers import insert_answers
from app.surveys.answering.validation import OTHER_MAX_LENGTH, AnswerRow
from app.surveys.models import Response, ResponseState
from tests.factories import make_assessment, make_comment, make_goal, make_process
from tests.security.inert import assert_inert, shapes
from tests.security.payloads import CSV, PAYLOADS, SQL, XSS
from tests.surveys.conftest import Sink, kitchen_sink

SAMPLE = XSS[::4] + SQL[::4] + CSV
HARMLESS = "Harmless text, see https://example.org/info and\na second line"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _comparable(text: str) -> str:
    """Whitespace as one space: PDF text extraction and ODS paragraphs keep words, not
    the exact runs of spaces, tabs and line breaks."""
    return " ".join(text.split())


def _fill(process: Process, texts: list[str]) -> Sink:
    """Every text as a comment with an official reply and an assessment whose rationale
    it is, and as a submitted survey response (long text, short text, "other")."""
    goal = make_goal(process, "1", "Ziel")
    revision = current_revision(goal)
    sink = kitchen_sink(f"survey-{process.slug}", process_id=process.id)
    q = sink.q
    q["long"].goal_id = goal.id
    other = sink.option("single", "other")
    for text in texts:
        comment = make_comment(goal, text)
        db.session.add(OfficialReply(comment_id=comment.id, author_label="Amt", body=text))
        make_assessment(comment, Consideration.CONSIDERED, text, revision_id=revision.id)
        response = Response(
            survey_id=sink.survey.id, state=ResponseState.SUBMITTED, submitted_on=date(2026, 3, 2)
        )
        db.session.add(response)
        db.session.flush()
        short = text[:OTHER_MAX_LENGTH]
        rows = {
            q["single"].id: [AnswerRow(q["single"].id, option_id=other.id, value_text=short)],
            q["long"].id: [AnswerRow(q["long"].id, value_text=text)],
            q["short"].id: [AnswerRow(q["short"].id, value_text=short)],
        }
        insert_answers(response.id, rows)
    db.session.commit()
    return sink


@pytest.fixture
def process(app: Flask) -> Process:
    return make_process("hf12")


def _write(module: Any, process: Process) -> bytes:
    out = io.BytesIO()
    with force_locale("en"):
        module.write(process, {}, "en", out, lambda done: None)
    return out.getvalue()


def _lines(text: str) -> str:
    """A carriage return is a line break in a document (a cell's next paragraph)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _ooxml(text: str) -> str:
    """A control character as OOXML writes it (``_x000D_``), read back as Excel does."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


# --- ODS ------------------------------------------------------------------------------


def test_the_whole_corpus_is_string_cells_in_the_ods_and_the_xlsx(process: Process) -> None:
    _fill(process, PAYLOADS)
    book = openpyxl.load_workbook(io.BytesIO(_write(xlsx, process)))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formula
    strings = {cell.value for cell in cells if cell.data_type == "s"}
    assert {_lines(p) for p in PAYLOADS} <= {_lines(_ooxml(str(v))) for v in strings}
    content = _write(ods, process)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        content_xml = archive.read("content.xml").decode()
    assert "table:formula" not in content_xml and "<text:a " not in content_xml
    assert "<script" not in content_xml.lower()
    document = load_ods(io.BytesIO(content))
    texts = []
    for cell in document.getElementsByType(TableCell):
        paragraphs = cell.getElementsByType(P)
        text = "\n".join(teletype.extractText(p) for p in paragraphs)
        if text:
            assert cell.getAttribute("valuetype") in ("string", "float", "date"), text
            if cell.getAttribute("valuetype") != "string":
                assert not re.search(r"[A-Za-z<]", text.replace("-", "")), text
        texts.append(text)
    found = set(texts)
    for payload in PAYLOADS:
        expected = _lines(payload)
        assert expected in found, payload  # the comment, character for character
        assert f"Amt: {expected}" in found, payload  # the official reply


def test_the_csv_of_the_same_data_keeps_the_formula_guard(process: Process) -> None:
    """The ODS has no guard (string cells need none); the CSV still has it."""
    _fill(process, CSV)
    text = _write(csv_file, process).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    for payload in CSV:
        assert "'" + payload in cells, payload
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


# --- DOCX -----------------------------------------------------------------------------


def _docx_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_a_sample_is_plain_text_in_the_docx(process: Process) -> None:
    _fill(process, [HARMLESS])
    baseline = zipfile.ZipFile(io.BytesIO(_write(docx_file, process))).read("word/document.xml")
    other = make_process("hostile")
    _fill(other, SAMPLE)
    content = _write(docx_file, other)
    document_xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    for marker in ("<w:hyperlink", "<w:fldSimple", "<w:instrText", "<w:object", "<w:altChunk"):
        assert document_xml.count(marker) == baseline.decode().count(marker), marker
    text = _comparable(_docx_text(Document(io.BytesIO(content))))
    for payload in SAMPLE:
        assert _comparable(payload) in text, payload


# --- PDF ------------------------------------------------------------------------------


def test_a_sample_is_inert_in_the_html_of_the_pdf_and_plain_text_in_the_pdf(
    process: Process,
) -> None:
    _fill(process, [HARMLESS, f"{HARMLESS} 2"])
    with force_locale("en"):
        baseline = shapes(pdf.html(build(process, {}, "en", lambda done: None)))
    other = make_process("hostile")
    _fill(other, SAMPLE)
    with force_locale("en"):
        html = pdf.html(build(other, {}, "en", lambda done: None))
    assert_inert(html, baseline, "the HTML WeasyPrint renders")
    content = _write(pdf, other)
    for marker in (b"/JavaScript", b"/JS ", b"/URI", b"/Launch", b"/EmbeddedFile"):
        assert marker not in content, marker
    reader = PdfReader(io.BytesIO(content))
    assert not [a for page in reader.pages for a in (page.get("/Annots") or [])]
    text = _pdf_text(content)
    for payload in SAMPLE:
        assert _comparable(payload)[:60] in text, payload


def _pdf_text(content: bytes) -> str:
    """pdftotext (poppler) where it is installed, else pypdf; words joined by spaces."""
    poppler = shutil.which("pdftotext")
    if poppler:
        run = subprocess.run(  # noqa: S603  (our own PDF, a fixed program)
            [poppler, "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        raw = run.stdout.decode()
    else:
        raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return _comparable(raw)


# --- SAV ------------------------------------------------------------------------------


def test_the_whole_corpus_is_string_values_in_the_sav(process: Process, tmp_path: Path) -> None:
    sink = _fill(process, PAYLOADS)
    source = Source(ExportKind.SURVEY_RESPONSES, ExportFormat.SAV, "en", process.id, sink.survey.id)
    out = io.BytesIO()
    formats.write(source, out, lambda done, total: None)
    path = tmp_path / "data.sav"
    path.write_bytes(out.getvalue())
    frame, meta = pyreadstat.read_sav(str(path))
    strings = [name for name, kind in meta.readstat_variable_types.items() if kind == "string"]
    values = {value for name in strings for value in frame[name] if value}
    for payload in PAYLOADS:
        assert payload in values, payload  # the long text, as typed
        assert payload[:OTHER_MAX_LENGTH] in values, payload  # the "other" text
