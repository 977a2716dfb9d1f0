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
from app.exports.assessment_table import AssessmentTable
from app.exports.models import ExportFormat, ExportKind
from app.exports.source import Progress, Source, Writer
from app.exports.survey_data import files, sav


def _assessment_csv(source: Source, out: BinaryIO, progress: Progress) -> int:
    table = AssessmentTable(source.process(), dict(source.options)).table(source.locale)
    return writers.write_csv(table, out, progress)


def _assessment_xlsx(source: Source, out: BinaryIO, progress: Progress) -> int:
    table = AssessmentTable(source.process(), dict(source.options)).table(source.locale)
    return writers.write_xlsx(table, out, progress)


WRITERS: dict[tuple[ExportKind, ExportFormat], Writer] = {
    # The Abwägung / Auswertung of a process.
    (ExportKind.ASSESSMENT, ExportFormat.XLSX): Writer(_assessment_xlsx, writers.XLSX_TYPE, "xlsx"),
    (ExportKind.ASSESSMENT, ExportFormat.CSV): Writer(_assessment_csv, writers.CSV_TYPE, "csv"),
    # Survey responses for statisticians.
    (ExportKind.SURVEY_RESPONSES, ExportFormat.XLSX): Writer(
        files.write_xlsx, writers.XLSX_TYPE, "xlsx"
    ),
    (ExportKind.SURVEY_RESPONSES, ExportFormat.CSV): Writer(
        files.write_csv_package, files.ZIP_TYPE, "zip"
    ),
    (ExportKind.SURVEY_RESPONSES, ExportFormat.SAV): Writer(sav.write_sav, sav.SAV_TYPE, "sav"),
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
