"""The one registry of export writers, by (kind, format).

Everything that offers a format asks here: the form's choices, the CLI's
``--format`` choices and the build task. A writer is
``write(source, out, progress) -> rows`` (see :mod:`app.exports.source`); to add a
format, write such a function and add one line to :data:`WRITERS` (and, for a format
the ``ExportFormat`` enum does not know yet, a member and a migration of the
``export_format`` check constraint).
"""

from __future__ import annotations

from typing import BinaryIO

from flask_babel import force_locale

from app.exports import writers
from app.exports.auswertung import writers as auswertung
from app.exports.models import ExportFormat, ExportKind
from app.exports.report import pdf as report_pdf
from app.exports.source import Progress, Source, Writer
from app.exports.survey_data import files, sav


def _auswertung(fmt: ExportFormat) -> Writer:
    """The Abwägung/Auswertung writer of :mod:`app.exports.auswertung` for ``fmt``."""
    writer = auswertung.WRITERS[fmt.value]

    def write(source: Source, out: BinaryIO, progress: Progress) -> int:
        process, options = source.process(), dict(source.options)
        rows = auswertung.total(process, options)
        return writer.write(process, options, source.locale, out, lambda done: progress(done, rows))

    return Writer(write, writer.content_type, writer.extension)


def _report(source: Source, out: BinaryIO, progress: Progress) -> int:
    """The Ergebnisbericht of :mod:`app.exports.report` (option ``group``: an option id)."""
    return report_pdf.write(source.survey(), dict(source.options), source.locale, out, progress)


WRITERS: dict[tuple[ExportKind, ExportFormat], Writer] = {
    # The Abwägung / Auswertung of a process.
    **{
        (ExportKind.ASSESSMENT, fmt): _auswertung(fmt)
        for fmt in (
            ExportFormat.XLSX,
            ExportFormat.CSV,
            ExportFormat.ODS,
            ExportFormat.DOCX,
            ExportFormat.PDF,
        )
    },
    # Survey responses for statisticians.
    (ExportKind.SURVEY_RESPONSES, ExportFormat.XLSX): Writer(
        files.write_xlsx, writers.XLSX_TYPE, "xlsx"
    ),
    (ExportKind.SURVEY_RESPONSES, ExportFormat.CSV): Writer(
        files.write_csv_package, files.ZIP_TYPE, "zip"
    ),
    (ExportKind.SURVEY_RESPONSES, ExportFormat.SAV): Writer(sav.write_sav, sav.SAV_TYPE, "sav"),
    # The results report (Ergebnisbericht) of a survey, whole or for one group.
    (ExportKind.SURVEY_REPORT, ExportFormat.PDF): Writer(
        _report, report_pdf.CONTENT_TYPE, report_pdf.EXTENSION
    ),
}


def formats_for(kind: ExportKind) -> list[ExportFormat]:
    """The formats that exist for ``kind``, in the order of :data:`WRITERS`."""
    return [fmt for (k, fmt) in WRITERS if k == kind]


def writer_for(kind: ExportKind, fmt: ExportFormat) -> Writer | None:
    return WRITERS.get((kind, fmt))


def write(source: Source, out: BinaryIO, progress: Progress) -> int:
    """Run the writer of ``source`` in the export's language; returns the rows written."""
    writer = WRITERS[(source.kind, source.format)]
    with force_locale(source.locale):
        return writer.write(source, out, progress)
