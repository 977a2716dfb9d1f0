"""Comments on goals, one level of replies, supports and reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import orm as so

from app.db import enum_column, utcnow
from app.extensions import db
from app.participation.models import StakeholderGroup


class CommentStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # a guest has not yet confirmed the e-mail address
    PENDING = "pending"  # waiting for pre-moderation
    PUBLISHED = "published"
    HIDDEN = "hidden"  # hidden by a moderator or by the report threshold
    REMOVED = "removed"  # deleted by its author; replies stay


class Channel(enum.StrEnum):
    ONLINE = "online"
    EVENT = "event"
    WORKSHOP = "workshop"
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    PAPER = "paper"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    INSULT = "insult"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"


class Comment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "comment"
    __table_args__ = (
        sa.Index("ix_comment_listing", "goal_id", "parent_id", "status", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goal.id", ondelete="CASCADE"))
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    participant_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    # Shown as the author: the pseudonym at the time of writing, or the label
    # staff gave offline input ("Teilnehmer:in Workshop Soziales"). NULL: the
    # author's account was deleted; shown translated (``display_author``).
    author_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    stakeholder_group: so.Mapped[StakeholderGroup] = so.mapped_column(
        enum_column(StakeholderGroup, name="stakeholder_group")
    )
    # True when the group was confirmed: an admin's grant for Gemeinderat/Verwaltung,
    # or staff who entered offline input. Otherwise the author declared it.
    stakeholder_confirmed: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    organisation_name: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", server_default=""
    )
    channel: so.Mapped[Channel] = so.mapped_column(
        enum_column(Channel, name="channel"), default=Channel.ONLINE
    )
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[CommentStatus] = so.mapped_column(
        enum_column(CommentStatus, name="comment_status")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    edited_at: so.Mapped[datetime | None]
    removed_at: so.Mapped[datetime | None]
    # Moderation: why a moderator hid it (shown in place of the text), and when.
    hidden_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    moderated_at: so.Mapped[datetime | None]
    moderated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    received_on: so.Mapped[date | None]  # offline input: when it reached the city
    entered_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # The consent text in force when it was written (app.privacy.consent).
    consent_version_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("consent_version.id")
    )
    # Counters kept in the same transaction as the rows they count (sorting, display).
    support_up: so.Mapped[int] = so.mapped_column(default=0)
    support_down: so.Mapped[int] = so.mapped_column(default=0)
    score: so.Mapped[int] = so.mapped_column(default=0)
    reply_count: so.Mapped[int] = so.mapped_column(default=0)
    report_count: so.Mapped[int] = so.mapped_column(default=0)

    parent: so.Mapped[Comment | None] = so.relationship(remote_side=[id])

    @property
    def is_offline(self) -> bool:
        return self.channel != Channel.ONLINE

    @property
    def display_author(self) -> str:
        """The author as shown, in the reader's language: "deleted user" for a deleted
        account's comment (stored as NULL, so it follows the language of every page,
        mail and export instead of the German it was once stored in)."""
        if self.author_name is None:
            return gettext("deleted user")
        return self.author_name


class CommentVote(db.Model):  # type: ignore[name-defined]
    """A support (+1) or objection (-1); one per participant and comment."""

    __tablename__ = "comment_vote"
    __table_args__ = (
        sa.UniqueConstraint("comment_id", "participant_id"),
        sa.CheckConstraint("value IN (-1, 1)", name="value_is_plus_or_minus_one"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    comment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    value: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Report(db.Model):  # type: ignore[name-defined]
    __tablename__ = "report"
    __table_args__ = (sa.UniqueConstraint("comment_id", "participant_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    comment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    reason: so.Mapped[ReportReason] = so.mapped_column(
        enum_column(ReportReason, name="report_reason")
    )
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    resolved_at: so.Mapped[datetime | None]
