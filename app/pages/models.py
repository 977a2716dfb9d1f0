"""Site pages that admins edit (easy-language guide, accessibility statement) and
the accessibility feedback that reaches staff."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db


class PageKey(enum.StrEnum):
    EASY_LANGUAGE = "easy_language"  # §4 BITV 2.0: the site explained in Leichte Sprache
    SIGN_LANGUAGE = "sign_language"  # §4 BITV 2.0: the site explained in DGS (a video)
    ACCESSIBILITY = "accessibility"  # Erklärung zur Barrierefreiheit
    PRIVACY = "privacy"  # Datenschutzerklärung (Art. 13 DSGVO)


class SitePage(db.Model):  # type: ignore[name-defined]
    __tablename__ = "site_page"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[PageKey] = so.mapped_column(enum_column(PageKey, name="page_key"), unique=True)
    body: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    video_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )


class AccessibilityFeedback(db.Model):  # type: ignore[name-defined]
    """A barrier someone reported; staff must answer within a month (§ 12b BGG)."""

    __tablename__ = "accessibility_feedback"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message: so.Mapped[str] = so.mapped_column(sa.Text)
    page_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    contact: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    due_on: so.Mapped[date]
    resolved_at: so.Mapped[datetime | None]
    resolution_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
