"""The Auswertung's writers by format: the seam between this content and the export
pipeline (``app.exports.build``).

Each writer is ``write(process, options, lang, out, progress) -> rows``: it streams the
file into the binary file object ``out`` (which it does not close), calls
``progress(rows_so_far)`` between chunks and returns the number of contribution rows.
Call it inside ``flask_babel.force_locale(lang)``. :func:`total` gives the row count
in advance, for a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa

from app.comments.models import Comment
from app.exports.auswertung import csv_file, docx_file, ods, pdf, scope, xlsx
from app.exports.auswertung.document import DocumentTooLargeError
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Answer

Write = Callable[[Process, dict[str, Any] | None, str, IO[bytes], Callable[[int], None]], int]

__all__ = ["WRITERS", "DocumentTooLargeError", "Writer", "total"]


@dataclass(frozen=True)
class Writer:
    write: Write
    content_type: str
    extension: str


WRITERS: dict[str, Writer] = {
    "xlsx": Writer(xlsx.write, xlsx.CONTENT_TYPE, xlsx.EXTENSION),
    "ods": Writer(ods.write, ods.CONTENT_TYPE, ods.EXTENSION),
    "csv": Writer(csv_file.write, csv_file.CONTENT_TYPE, csv_file.EXTENSION),
    "docx": Writer(docx_file.write, docx_file.CONTENT_TYPE, docx_file.EXTENSION),
    "pdf": Writer(pdf.write, pdf.CONTENT_TYPE, pdf.EXTENSION),
}


def total(process: Process, options: dict[str, Any] | None) -> int:
    """How many contribution rows the table will have."""
    chosen = scope.Options.of(options)
    comments = scope.comments(process, chosen).with_only_columns(sa.func.count(Comment.id))
    answers = scope.answers(process, chosen).with_only_columns(sa.func.count(Answer.id))
    return int(db.session.scalar(comments) or 0) + int(db.session.scalar(answers) or 0)
