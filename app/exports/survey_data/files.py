"""Survey data files: a CSV package (ZIP), XLSX and SPSS (SAV).

Each is a writer of the pipeline (``write(source, out, progress) -> rows``; see
:mod:`app.exports.source`) and reads the coded rows of :class:`.pivot.SurveyData`.

CSV package (``.zip``): ``data.csv`` and ``codebook.csv``, UTF-8 with BOM, ``;`` as
delimiter, CRLF, numbers with a decimal comma (``1,5``), dates ``YYYY-MM-DD``: the
form German LibreOffice and Excel read as numbers and dates, and R's ``read.csv2``
reads as is. Texts go through the formula guard of :mod:`app.core.csvfile`.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from typing import IO, Any, BinaryIO

from flask_babel import pgettext

from app.core import csvfile
from app.exports import writers
from app.exports.source import Progress, Source
from app.exports.survey_data import codebook
from app.exports.survey_data.pivot import SurveyData
from app.exports.survey_data.variables import VarType

ZIP_TYPE = "application/zip"
ZIP64_FROM = 1 << 30  # estimated bytes of data.csv above which ZIP64 is used


class GermanNumber:
    """A number written with a decimal comma; not text, so the formula guard lets it be."""

    __slots__ = ("text",)

    def __init__(self, value: float) -> None:
        self.text = repr(value).replace(".", ",")

    def __str__(self) -> str:
        return self.text


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else GermanNumber(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_csv(out: IO[bytes], rows: Any, header: list[str]) -> None:
    text = writers.text_out(out)
    writer = csvfile.writer(text, delimiter=";")
    writer.writerow(header)
    for chunk in rows:
        writer.writerows([csv_cell(cell) for cell in row] for row in chunk)
    text.flush()
    text.detach()


def write_csv_package(source: Source, out: BinaryIO, progress: Progress) -> int:
    data = SurveyData(source.survey(), source.locale)
    written = 0

    def counted() -> Any:
        nonlocal written
        for chunk in data.chunks():
            yield chunk
            written += len(chunk)
            progress(written, data.total)

    zip64 = data.total * len(data.variables) * 12 > ZIP64_FROM
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        with package.open("data.csv", "w", force_zip64=zip64) as member:
            _write_csv(member, counted(), [v.name for v in data.variables])
        with package.open("codebook.csv", "w") as member:
            _write_csv(member, [codebook.rows(data.variables)], codebook.headers())
    return written


def write_xlsx(source: Source, out: BinaryIO, progress: Progress) -> int:
    """Numeric cells (codes, missing codes, numbers), date cells, and a codebook sheet."""
    data = SurveyData(source.survey(), source.locale)
    book = writers.new_book(out)
    fmt = writers.Formats(book)
    datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    names = [v.name for v in data.variables]
    widths = [max(8, len(name) + 2) for name in names]
    sheets = writers.SplitSheets(book, pgettext("spreadsheet sheet", "Data"), names, widths, fmt)
    kinds = [v.type for v in data.variables]
    written = 0
    for chunk in data.chunks():
        for row in chunk:
            sheet, index = sheets.next_row()
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if kinds[col] == VarType.NUMERIC:
                    sheet.write_number(index, col, value)
                elif kinds[col] == VarType.DATE:
                    sheet.write_datetime(index, col, value, fmt.date)
                elif kinds[col] == VarType.DATETIME:
                    sheet.write_datetime(index, col, value, datetime_format)
                else:
                    sheet.write_string(index, col, value)
        written += len(chunk)
        progress(written, data.total)
    sheets.close()
    extra = writers.Sheet(
        pgettext("spreadsheet sheet", "Codebook"),
        codebook.headers(),
        codebook.rows(data.variables),
        widths=[12, 60, 14, 12, 8, 40, 8],
    )
    writers.write_extra(book, extra, fmt)
    book.close()
    return written
