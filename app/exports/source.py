"""What a writer is given: the export asked for, without the job's bookkeeping.

A writer is ``write(source, out, progress) -> rows``: it streams the file into the
binary file object ``out`` and calls ``progress(done, total)`` after every chunk
(``done`` of ``total`` rows, or of any steps the writer counts). The same writer runs
in the worker (``app.exports.build``: progress goes to the job page) and on the
command line (``flask export``: progress goes to a progress bar).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from app.exports.models import ExportFormat, ExportJob, ExportKind
from app.extensions import db

if TYPE_CHECKING:
    from app.processes.models import Process
    from app.surveys.models import Survey

Progress = Callable[[int, int], None]  # (done, total)


class ExportError(Exception):
    """A build that cannot go on; the message is shown to staff."""


@dataclass(frozen=True)
class Source:
    kind: ExportKind
    format: ExportFormat
    locale: str
    process_id: int | None
    survey_id: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, job: ExportJob) -> Source:
        return cls(
            kind=job.kind,
            format=job.format,
            locale=job.locale,
            process_id=job.process_id,
            survey_id=job.survey_id,
            options=dict(job.options or {}),
        )

    def process(self) -> Process:
        from app.processes.models import Process

        process = db.session.get(Process, self.process_id) if self.process_id else None
        if process is None:
            raise ExportError("The process no longer exists.")
        return process

    def survey(self) -> Survey:
        from app.surveys.models import Survey

        survey = db.session.get(Survey, self.survey_id) if self.survey_id else None
        if survey is None:
            raise ExportError("The survey no longer exists.")
        return survey


WriteFn = Callable[[Source, BinaryIO, Progress], int]


@dataclass(frozen=True)
class Writer:
    """One (kind, format): the function that writes it and how the file is served."""

    write: WriteFn
    content_type: str
    extension: str
