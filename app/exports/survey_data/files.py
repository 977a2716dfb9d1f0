"""Survey data files: a CSV package (ZIP), XLSX and SPSS (SAV).

Each is a writer of the pipeline (``write(source, out, progress) -> rows``; see
:mod:`app.exports.source`) and reads the coded rows of :class:`.pivot.SurveyData`.

CSV package (``.zip``): ``data.csv`` and ``codebook.csv``, UTF-8 with BOM, ``;`` as
delimiter, CRLF, numbers with a decimal comma (``1,5``), dates ``YYYY-MM-DD``: the
form German LibreOffice and Excel read as numbers and dates, and R's ``read.csv2``
reads as is. Texts go through the formula guard of :mod:`app.core.csvfile`.

On PostgreSQL the database writes ``data.csv`` itself, the same bytes in one ``COPY``
(:mod:`.copy_csv`); the Python writer here runs on SQLite and for the surveys whose
numbers PostgreSQL would spell differently.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any, BinaryIO

from flask_babel import pgettext

from app.core import csvfile
from app.exports import writers
from app.exports.source import Progress, Source
from app.exports.survey_data import codebook, copy_csv
from app.exports.survey_data.pivot import SurveyData
from app.exports.survey_data.variables import Variable, VarType

ZIP_TYPE = "application/zip"
ZIP64_FROM = 1 << 30  # estimated bytes of data.csv above which ZIP64 is used


class GermanNumber:
    """A number written with a decimal comma; not text, so the formula guard lets it be."""

    __slots__ = ("text",)

    def __init__(self, value: float) -> None:
        self.text = repr(value).replace(".", ",")

    def __str__(self) -> str:
        return self.text


def _number(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else GermanNumber(value)
    return value


def _day(value: Any) -> Any:
    return value.isoformat() if value else ""


def _moment(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _converters(variables: list[Variable]) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column that needs it, how its values are written (ints go as they are)."""
    by_type: dict[VarType, Callable[[Any], Any]] = {
        VarType.NUMERIC: _number,
        VarType.DATE: _day,
        VarType.DATETIME: _moment,
    }
    return [
        (index, by_type[v.type])
        for index, v in enumerate(variables)
        if v.type != VarType.STRING and (v.type != VarType.NUMERIC or v.decimals)
    ]


def _write_data(out: IO[bytes], data: SurveyData, chunks: Iterable[list[list[Any]]]) -> None:
    text = writers.text_out(out)
    writer = csvfile.writer(text, delimiter=";")
    writer.writerow([v.name for v in data.variables])
    converters = _converters(data.variables)
    texts = [i for i, v in enumerate(data.variables) if v.type == VarType.STRING]
    for chunk in chunks:
        for row in chunk:
            for index, convert in converters:
                row[index] = convert(row[index])
        writer.writerows_with_text_in(chunk, texts)
    text.flush()
    text.detach()


def _write_codebook(out: IO[bytes], variables: list[Variable]) -> None:
    text = writers.text_out(out)
    writer = csvfile.writer(text, delimiter=";")
    writer.writerow(codebook.headers())
    writer.writerows([_number(cell) for cell in row] for row in codebook.rows(variables))
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

    def copied(rows: int) -> None:
        nonlocal written
        written = rows
        progress(written, data.total)

    zip64 = data.total * len(data.variables) * 12 > ZIP64_FROM
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        with package.open("data.csv", "w", force_zip64=zip64) as member:
            if copy_csv.usable(data):
                copy_csv.write_data(member, data, copied)
            else:
                _write_data(member, data, counted())
        with package.open("codebook.csv", "w") as member:
            _write_codebook(member, data.variables)
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
