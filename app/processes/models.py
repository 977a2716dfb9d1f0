"""Participation processes and their phases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import TimestampMixin, enum_column, utcnow
from app.extensions import db


class PhaseKind(enum.StrEnum):
    INFORMATION = "information"
    PARTICIPATION = "participation"
    EVALUATION = "evaluation"
    RESULTS = "results"


class ParticipationMode(enum.StrEnum):
    ACCOUNT = "account"
    GUEST = "guest"
    ANONYMOUS = "anonymous"


class ModerationMode(enum.StrEnum):
    PRE = "pre"
    POST = "post"


class ResultsVisibility(enum.StrEnum):
    LIVE = "live"  # right after rating
    AFTER_PHASE = "after_phase"  # once the participation phase has ended
    STAFF = "staff"  # only staff see the results


DEFAULT_COMMENT_KINDS: list[dict[str, Any]] = [
    {"key": "suggestion", "label": {"de": "Anregung", "en": "Suggestion"}},
    {"key": "criticism", "label": {"de": "Kritik", "en": "Criticism"}},
    {"key": "question", "label": {"de": "Frage", "en": "Question"}},
    {"key": "approval", "label": {"de": "Zustimmung", "en": "Approval"}},
]


class Process(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "process"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    default_locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="de")
    title: so.Mapped[dict[str, str]]
    summary: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    # One translated name per goal level, top level first.
    level_names: so.Mapped[list[Any]] = so.mapped_column(default=list)
    is_published: so.Mapped[bool] = so.mapped_column(default=False)
    participation_mode: so.Mapped[ParticipationMode] = so.mapped_column(
        enum_column(ParticipationMode, name="participation_mode"),
        default=ParticipationMode.ACCOUNT,
    )
    moderation_mode: so.Mapped[ModerationMode] = so.mapped_column(
        enum_column(ModerationMode, name="moderation_mode"), default=ModerationMode.POST
    )
    report_threshold: so.Mapped[int] = so.mapped_column(default=3)
    comment_max_length: so.Mapped[int] = so.mapped_column(default=4000)
    # Consideration status and rationale become public in the results phase.
    assessments_public: so.Mapped[bool] = so.mapped_column(default=True)
    # Open answers of the process's surveys join the Abwägung table.
    assess_survey_answers: so.Mapped[bool] = so.mapped_column(
        default=True, server_default=sa.true()
    )
    results_visibility: so.Mapped[ResultsVisibility] = so.mapped_column(
        enum_column(ResultsVisibility, name="results_visibility"),
        default=ResultsVisibility.LIVE,
    )
    # Kinds a participant picks for a comment: [{"key": ..., "label": {lang: text}}].
    comment_kinds: so.Mapped[list[Any]] = so.mapped_column(
        default=lambda: [dict(kind) for kind in DEFAULT_COMMENT_KINDS]
    )

    phases: so.Mapped[list[Phase]] = so.relationship(
        back_populates="process",
        cascade="all, delete-orphan",
        order_by="Phase.starts_at",
        lazy="selectin",
    )

    def level_name(self, level: int) -> dict[str, str]:
        if 0 <= level < len(self.level_names):
            return dict(self.level_names[level])
        return {}

    def current_phase(self, now: datetime | None = None) -> Phase | None:
        now = now or utcnow()
        return next((p for p in self.phases if p.contains(now)), None)

    def participation_phase(self) -> Phase | None:
        return next((p for p in self.phases if p.kind == PhaseKind.PARTICIPATION), None)

    def participation_ended(self, now: datetime | None = None) -> bool:
        phase = self.participation_phase()
        return phase is not None and (now or utcnow()) >= phase.ends_at

    def comment_kind_label(self, key: str) -> dict[str, str]:
        return next((dict(k["label"]) for k in self.comment_kinds if k["key"] == key), {})

    def is_participation_open(self, now: datetime | None = None) -> bool:
        phase = self.current_phase(now)
        return phase is not None and phase.kind == PhaseKind.PARTICIPATION

    def __repr__(self) -> str:
        return f"<Process {self.slug}>"


class Phase(db.Model):  # type: ignore[name-defined]
    __tablename__ = "phase"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[PhaseKind] = so.mapped_column(enum_column(PhaseKind, name="phase_kind"))
    title: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    starts_at: so.Mapped[datetime]
    ends_at: so.Mapped[datetime]

    process: so.Mapped[Process] = so.relationship(back_populates="phases")

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    def status(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if now < self.starts_at:
            return "upcoming"
        return "current" if now < self.ends_at else "past"
