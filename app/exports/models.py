"""Export jobs: requested by staff, built by a Celery task, downloaded when done."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db


class ExportKind(enum.StrEnum):
    ASSESSMENT = "assessment"  # Abwägungstabelle of a process (annex of a Vorlage)
    SURVEY_RESPONSES = "survey_responses"  # one row per response, for statisticians


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    ODS = "ods"  # the Abwägung only
    DOCX = "docx"  # the Auswertung document only
    PDF = "pdf"  # the Auswertung document only


# What each kind can be exported as.
KIND_FORMATS = {
    ExportKind.ASSESSMENT: tuple(ExportFormat),
    ExportKind.SURVEY_RESPONSES: (ExportFormat.CSV, ExportFormat.XLSX),
}


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):  # type: ignore[name-defined]
    """One requested export; the finished file is stored with it (deferred column)."""

    __tablename__ = "export_job"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    survey_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[ExportKind] = so.mapped_column(enum_column(ExportKind, name="export_kind"))
    format: so.Mapped[ExportFormat] = so.mapped_column(
        enum_column(ExportFormat, name="export_format")
    )
    locale: so.Mapped[str] = so.mapped_column(sa.String(8))
    options: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    status: so.Mapped[ExportStatus] = so.mapped_column(
        enum_column(ExportStatus, name="export_status"), default=ExportStatus.QUEUED
    )
    progress: so.Mapped[int] = so.mapped_column(default=0)
    row_count: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    requested_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[datetime | None]
    finished_at: so.Mapped[datetime | None]
    filename: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    content: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)

    requested_by = so.relationship("User")

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.kind} {self.status}>"
