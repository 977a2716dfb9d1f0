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
    SURVEY_REPORT = "survey_report"  # Ergebnisbericht: public results as a PDF


class ExportFormat(enum.StrEnum):
    """Every format a job can ask for; which exist for a kind is said by
    :data:`app.exports.formats.WRITERS` (forms and the CLI offer only those)."""

    CSV = "csv"
    XLSX = "xlsx"
    SAV = "sav"  # SPSS data file, survey responses
    ODS = "ods"
    DOCX = "docx"
    PDF = "pdf"


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, but the file has been removed after EXPORT_EXPIRY_DAYS


class ExportJob(db.Model):  # type: ignore[name-defined]
    """One requested export. The finished file lives in the export storage
    (:mod:`app.exports.storage`) under ``storage_key``, never in the database.

    A worker owns a running job through ``claim_token`` (new for every attempt): it
    writes ``heartbeat_at`` while it builds, and its progress and completion updates
    match the token, so an attempt that the sweep has given up on changes nothing.
    """

    __tablename__ = "export_job"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        sa.Index("ix_export_job_status_queued_at", "status", "queued_at"),
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
    queued_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)  # last (re)queued
    started_at: so.Mapped[datetime | None]
    heartbeat_at: so.Mapped[datetime | None]
    finished_at: so.Mapped[datetime | None]
    expires_at: so.Mapped[datetime | None]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    filename: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    storage_key: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)

    requested_by = so.relationship("User")

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.kind} {self.status}>"
