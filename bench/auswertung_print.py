"""Print check: the Auswertung of a process in every format, as a council office prints it.

    .venv/bin/python -m bench.auswertung_print [--slug hf12-verwaltung] [--lang de] [--out DIR]

Writes the XLSX, ODS, CSV, DOCX and PDF of the process from the configured database
(``flask demo load`` first for the HF12 demo), converts XLSX, ODS and DOCX to PDF in
headless LibreOffice, renders every PDF page to PNG (pdftoppm, 60 dpi) for a person
to look at, and prints per file: pages, how many are landscape, and the text of the
first footer. It also opens the CSV in LibreOffice with German settings (the CSV
import filter with locale 1031 and "detect special numbers") and checks that every
goal code stayed text, not a date. Needs Debian's libreoffice-calc, libreoffice-writer
and poppler-utils.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# CSV import: ";" separator, '"' quotes, UTF-8, from line 1, German (1031), quoted
# fields not forced to text, special numbers (dates) detected: the strictest case.
GERMAN_CSV_FILTER = "CSV:59,34,76,1,,1031,false,true"


def soffice(args: list[str], workdir: str) -> None:
    profile = Path(workdir, "lo-profile").as_uri()
    env = os.environ | {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
    command = ["soffice", "--headless", f"-env:UserInstallation={profile}", *args]
    subprocess.run(command, cwd=workdir, env=env, check=True, capture_output=True, timeout=300)


def to_pdf(path: Path, name: str) -> Path:
    """``path`` converted by LibreOffice, as ``<stem>-<name>.pdf`` beside it."""
    folder = Path(tempfile.mkdtemp())
    copy = folder / path.name
    copy.write_bytes(path.read_bytes())
    soffice(["--convert-to", "pdf", copy.name], str(folder))
    target = path.parent / f"{path.stem}-{name}.pdf"
    target.write_bytes(copy.with_suffix(".pdf").read_bytes())
    return target


def csv_codes_in_german_calc(csv_path: Path) -> list[Any]:
    """The goal column of the CSV as German LibreOffice reads it (via XLSX, openpyxl)."""
    import openpyxl

    folder = Path(tempfile.mkdtemp())
    copy = folder / "table.csv"
    copy.write_bytes(csv_path.read_bytes())
    soffice([f"--infilter={GERMAN_CSV_FILTER}", "--convert-to", "xlsx", copy.name], str(folder))
    sheet = openpyxl.load_workbook(folder / "table.xlsx").active
    assert sheet is not None
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def pdf_pages(pdf: Path) -> tuple[int, int, str]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    landscape = sum(1 for page in reader.pages if page.mediabox.width > page.mediabox.height)
    last_line = (reader.pages[0].extract_text() or "").strip().splitlines()[-1:]
    return len(reader.pages), landscape, last_line[0] if last_line else ""


def render(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)


def export_all(slug: str, lang: str, out: Path) -> dict[str, Path]:
    import sqlalchemy as sa
    from flask_babel import force_locale

    from app import create_app
    from app.exports.auswertung.writers import WRITERS
    from app.extensions import db
    from app.processes.models import Process

    paths = {}
    with create_app().app_context(), force_locale(lang):
        process = db.session.scalar(sa.select(Process).where(Process.slug == slug))
        assert process is not None, f"no process {slug}; run flask demo load"
        for name, writer in WRITERS.items():
            buffer = io.BytesIO()
            writer.write(process, {}, lang, buffer, lambda n: None)
            paths[name] = out / f"{slug}-{lang}.{writer.extension}"
            paths[name].write_bytes(buffer.getvalue())
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slug", default="hf12-verwaltung")
    parser.add_argument("--lang", default="de")
    parser.add_argument("--out", default=str(ROOT / "instance" / "print-check"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = export_all(args.slug, args.lang, out)
    for name in ("xlsx", "ods", "docx"):
        pdf = to_pdf(paths[name], name)
        render(pdf)
        pages, landscape, footer = pdf_pages(pdf)
        print(f"{name}: {pages} pages, {landscape} landscape; page 1 ends with: {footer!r}")
    render(paths["pdf"])
    pages, landscape, footer = pdf_pages(paths["pdf"])
    print(f"pdf: {pages} pages, {landscape} landscape; page 1 ends with: {footer!r}")
    codes = csv_codes_in_german_calc(paths["csv"])
    dates = [code for code in codes if not isinstance(code, str)]
    print(f"csv in German LibreOffice: {len(codes)} goal codes, {len(dates)} read as non-text")
    print(f"page images: {out}/*.png")


if __name__ == "__main__":
    main()
