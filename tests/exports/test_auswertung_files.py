"""Every format read back with an independent reader: openpyxl, pandas (odf), csv,
python-docx and pypdf."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from flask_babel import force_locale
from pypdf import PdfReader

from app.comments.models import Comment, CommentStatus
from app.exports.auswertung import csv_file, docx_file, ods, pdf, xlsx
from app.extensions import db
from app.participation.models import StakeholderGroup
from tests.exports.conftest import FORMULA_LIKE, SECRET_WORDS, SPACED, Annex, entries_of


def _write(module: Any, annex: Annex, lang: str = "de", **options: Any) -> bytes:
    out = io.BytesIO()
    seen: list[int] = []
    with force_locale(lang):
        rows = module.write(annex.process, options, lang, out, seen.append)
    assert rows == len(entries_of(annex, lang, **options))
    assert seen and seen[-1] == rows
    return out.getvalue()


def _no_personal_data(text: str) -> None:
    for word in SECRET_WORDS:
        assert word not in text, word


def test_xlsx_prints_landscape_with_repeated_header_and_unaltered_text(annex: Annex) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_write(xlsx, annex)))
    summary, field, without_goal = book.worksheets
    assert summary.title == "Übersicht" and field.title.startswith("12 Leistungsfähige")
    assert without_goal.title == "Ohne Zielbezug"  # the "other" text of a choice question
    header = [cell.value for cell in field[1]]
    assert header[:3] == ["Nr.", "Ziel", "Zieltitel"] and "Offizielle Antwort" in header
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # One page wide (fitToWidth's default 1 is left out), as many pages high as needed.
        assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
        assert "&P" in sheet.oddFooter.right.text and "Seite" in sheet.oddFooter.right.text
        assert "Abwägungstabelle" in sheet.oddHeader.left.text
    assert field.print_title_rows == "$1:$1"
    rows = list(field.iter_rows(min_row=2))
    text = header.index("Text")
    cells = {row[text].value: row for row in rows}
    formula = cells[FORMULA_LIKE][text]
    assert formula.data_type == "s" and formula.value == FORMULA_LIKE  # no apostrophe added
    assert cells[SPACED][text].value == SPACED
    assert cells["Erster Beitrag"][header.index("Ziel")].value == "12.1.1"
    date_cell = cells["Erster Beitrag"][header.index("Datum")]
    assert date_cell.is_date and date_cell.number_format == "dd\\.mm\\.yyyy"
    # One line keeps the default height (15 pt); wrapped text gets the lines it needs.
    long_row = next(row for row in rows if row[text].value == SPACED)[0].row
    assert field.row_dimensions[long_row].height >= 2 * 13
    assert len(rows) == len([e for e in entries_of(annex) if e.goal_code])
    _no_personal_data(" ".join(str(c.value) for row in field.iter_rows() for c in row))


def test_xlsx_overview_counts_per_goal_group_and_status(annex: Annex) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_write(xlsx, annex, "en")))
    summary = book["Summary"]
    rows = [list(row) for row in summary.iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == "Goal")
    total = next(row for row in rows if row[0] == "Total")
    assert total[header.index("Total")] == len(entries_of(annex, "en"))
    culture = [row for row in rows if row[0] == "12.1.1"]
    considered = header.index("Considered")
    assert sum(row[considered] for row in culture) == 1
    assert {row[2] for row in culture} == {"Citizen"}  # the groups the authors chose
    channels = rows.index(next(row for row in rows if row[0] == "Channel"))
    assert ["Letter", 2] in [row[:2] for row in rows[channels:]]


def test_ods_reads_back_with_pandas_and_prints_like_the_xlsx(annex: Annex) -> None:
    content = _write(ods, annex)
    sheets = pd.read_excel(io.BytesIO(content), engine="odf", sheet_name=None, dtype=str)
    assert next(iter(sheets)) == "Übersicht"
    field = sheets[list(sheets)[1]]
    assert list(field.columns[:3]) == ["Nr.", "Ziel", "Zieltitel"]
    texts = list(field["Text"])
    # Runs of spaces and line breaks are kept (pandas reads no tabs; see content.xml below).
    assert FORMULA_LIKE in texts and SPACED.replace("\t", "") in texts
    assert field["Ziel"].iloc[0] == "12.1.1"
    assert len(field) == len([e for e in entries_of(annex) if e.goal_code])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist()[0] == "mimetype"
        content_xml = archive.read("content.xml").decode()
        styles_xml = archive.read("styles.xml").decode()
    assert content_xml.count("<table:table-header-rows>") == 2  # repeated on every page
    assert 'style:print-orientation="landscape"' in content_xml + styles_xml
    assert "<text:page-number" in content_xml + styles_xml
    assert "table:formula" not in content_xml  # every text is a string cell
    assert "Leerzeichen<text:tab/>und Tab</text:p><text:p>zweite Zeile" in content_xml


def test_csv_keeps_the_formula_guard_and_goal_codes_as_text(annex: Annex) -> None:
    content = _write(csv_file, annex)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    text, goal = header.index("Text"), header.index("Ziel")
    assert "'" + FORMULA_LIKE in [row[text] for row in body]
    codes = [csv_file.goal_code(row[goal]) for row in body]
    assert codes[0] == "12.1.1" and body[0][goal] != "12.1.1"  # a word joiner in front
    assert len(body) == len(entries_of(annex))
    _no_personal_data(content.decode("utf-8-sig"))


def _docx_texts(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_docx_has_steckbrief_landscape_table_and_repeated_header(annex: Annex) -> None:
    document = Document(io.BytesIO(_write(docx_file, annex)))
    text = _docx_texts(document)
    assert "Wurde der Titel geändert?" in text and "„Innovative Verwaltung“" in text
    assert "Hinzugefügt: 12.2.2 Neu" in text and "Verschoben: 12.1.2 Strukturen" in text
    assert "Der Leitsatz." in text and "Frühere Fassung:" in text and "Alt." in text
    assert FORMULA_LIKE in text and "Antwort der Verwaltung" not in text
    assert "Offizielle Antwort (Referat Strategie): Danke!" in text
    orientations = [section.orientation for section in document.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orientations
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Nr."]
    assert tables and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in tables)
    numbers = [row.cells[0].text for t in tables for row in t.rows[1:]]
    assert numbers == [str(n) for n in range(1, len(entries_of(annex)) + 1)]
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "NUMPAGES" in footer and "PAGE" in footer
    _no_personal_data(text)


def test_pdf_text_and_pages(annex: Annex) -> None:
    reader = PdfReader(io.BytesIO(_write(pdf, annex)))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "Wurde der Titel geändert?" in text and "Innovative Verwaltung" in text
    assert "Abwägungstabelle: 12 Leistungsfähige Verwaltung" in text
    assert f"Seite 1 von {len(pages)}" in pages[0] or f"Seite 2 von {len(pages)}" in pages[1]
    landscape = [p for p in reader.pages if p.mediabox.width > p.mediabox.height]
    assert landscape and reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    assert "Schulden sind zu wenig" in text and "Bürger:in 1" in text
    _no_personal_data(text)


@pytest.mark.parametrize("module", [xlsx, ods, csv_file, docx_file, pdf])
def test_every_writer_copes_with_an_empty_process(module: Callable[..., Any], process: Any) -> None:
    out = io.BytesIO()
    with force_locale("de"):
        assert module.write(process, {}, "de", out, lambda n: None) == 0  # type: ignore[attr-defined]
    assert out.getvalue()


def test_a_field_longer_than_a_worksheet_goes_on_in_the_next_sheet(
    annex: Annex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 5)  # a header and four rows per sheet
    book = openpyxl.load_workbook(io.BytesIO(_write(xlsx, annex)))
    names = book.sheetnames
    field = [name for name in names if name.startswith("12 Leistungsfähige")]
    rows = len([entry for entry in entries_of(annex) if entry.goal_code])
    assert len(field) == -(-rows // 4) >= 3 and field[1].endswith("(2)")
    numbers = [
        row[0] for name in field for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert numbers == list(range(1, rows + 1))
    assert all(book[name]["A1"].value == "Nr." and book[name].max_row <= 5 for name in field)


def test_ods_keeps_markup_like_text_and_leading_spaces(annex: Annex) -> None:
    tricky = '  <b>Fett</b> & "zitiert"   drei Leerzeichen'
    goal = annex.goals["12.1.1"]
    db.session.add(
        Comment(
            goal_id=goal.id,
            author_name="",
            body=tricky,
            kind="suggestion",
            stakeholder_group=StakeholderGroup.CITIZEN,
            status=CommentStatus.PUBLISHED,
        )
    )
    db.session.commit()
    sheets = pd.read_excel(io.BytesIO(_write(ods, annex)), engine="odf", sheet_name=None, dtype=str)
    texts = list(sheets[list(sheets)[1]]["Text"])
    assert tricky in texts
