"""The consent text contributions are given under, one row per published version."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import utcnow
from app.extensions import db


class ConsentVersion(db.Model):  # type: ignore[name-defined]
    """A published wording of the consent (Art. 7(1), 9(2)(a) DSGVO).

    Versions are append-only: a comment, rating or survey response points at the
    version that was in force when it was written, so the wording it was given
    under can always be shown. The highest ``number`` is in force.
    """

    __tablename__ = "consent_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[int] = so.mapped_column(unique=True)
    text: so.Mapped[dict[str, str]]
    published_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    published_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
