"""The files in LibreOffice, as a German council office opens and prints them.

Needs Debian's LibreOffice (``.ci/run`` installs libreoffice-calc when it is missing).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from app.exports.auswertung import csv_file, xlsx
from bench.auswertung_print import csv_codes_in_german_calc, to_pdf
from tests.exports.conftest import Annex, entries_of

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def _file(module: object, annex: Annex, folder: Path, name: str) -> Path:
    out = io.BytesIO()
    with force_locale("de"):
        module.write(annex.process, {}, "de", out, lambda n: None)  # type: ignore[attr-defined]
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def test_goal_codes_stay_text_in_german_libreoffice(annex: Annex, tmp_path: Path) -> None:
    codes = csv_codes_in_german_calc(_file(csv_file, annex, tmp_path, "abwaegung.csv"))
    expected = [csv_file.as_text(entry.goal_code) or None for entry in entries_of(annex)]
    assert codes == expected  # strings, never dates like 12.01.2001
    assert "\u206012.1.1" in codes


def test_the_xlsx_prints_on_landscape_pages_with_header_and_page_numbers(
    annex: Annex, tmp_path: Path
) -> None:
    pdf = to_pdf(_file(xlsx, annex, tmp_path, "abwaegung.xlsx"), "xlsx")
    reader = PdfReader(pdf)
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    assert all(f"Seite {n} von {len(texts)}" in text for n, text in enumerate(texts, start=1))
    assert all("Abwägungstabelle: Leistungsfähige Verwaltung" in text for text in texts)
    table = next(text for text in texts if "Zieltitel" in text and "Erster Beitrag" in text)
    assert "Verfasser:in" in table and "Bürger:in 1" in table
