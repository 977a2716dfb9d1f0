"""Who contributes: one participant per account, per guest e-mail or per anonymous browser."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db


class ParticipantKind(enum.StrEnum):
    ACCOUNT = "account"
    GUEST = "guest"
    ANONYMOUS = "anonymous"


class StakeholderGroup(enum.StrEnum):
    CITIZEN = "citizen"  # Bürger:in / Stadtgesellschaft
    COUNCIL = "council"  # Gemeinderat
    ADMINISTRATION = "administration"  # Verwaltung
    ORGANISATION = "organisation"  # Verein/Organisation


class Participant(db.Model):  # type: ignore[name-defined]
    """The author of ratings, comments, supports and reports.

    Account participants are tied to a user. Guests are known by their e-mail
    address, confirmed by a link; anonymous participants only by a browser cookie
    whose SHA-256 is ``token_hash``. No IP address is ever stored.
    """

    __tablename__ = "participant"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[ParticipantKind] = so.mapped_column(
        enum_column(ParticipantKind, name="participant_kind")
    )
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    pseudonym: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), index=True)
    token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    notify_replies: so.Mapped[bool] = so.mapped_column(default=False)
    confirmed_at: so.Mapped[datetime | None]
    blocked_at: so.Mapped[datetime | None]
    blocked_until: so.Mapped[datetime | None]  # None with blocked_at set: indefinitely
    block_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user = so.relationship("User")

    def is_blocked(self, now: datetime | None = None) -> bool:
        if self.blocked_at is None:
            return False
        return self.blocked_until is None or (now or utcnow()) < self.blocked_until

    @property
    def is_confirmed(self) -> bool:
        return self.kind != ParticipantKind.GUEST or self.confirmed_at is not None


# The groups an admin confirms for an account; the others are declared by the author.
CONFIRMED_GROUPS = (StakeholderGroup.COUNCIL, StakeholderGroup.ADMINISTRATION)


class StakeholderGrant(db.Model):  # type: ignore[name-defined]
    """An admin confirmed that ``user`` speaks for ``group`` (Gemeinderat or
    Verwaltung) in one process, or in every process when ``process_id`` is None."""

    __tablename__ = "stakeholder_grant"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "group", "process_id"),
        sa.CheckConstraint("\"group\" IN ('council', 'administration')", name="confirmable_group"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    group: so.Mapped[StakeholderGroup] = so.mapped_column(
        enum_column(StakeholderGroup, name="stakeholder_group")
    )
    process_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    granted_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user = so.relationship("User", foreign_keys=[user_id])
    process = so.relationship("Process")
