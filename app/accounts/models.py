"""Accounts: users and their per-process roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm as so

from app.db import TimestampMixin, enum_column
from app.extensions import db


class Role(enum.StrEnum):
    STAFF = "staff"
    MODERATOR = "moderator"


class User(UserMixin, TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "user"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    is_admin: so.Mapped[bool] = so.mapped_column(default=False)
    verified_at: so.Mapped[datetime | None]
    blocked_at: so.Mapped[datetime | None]

    roles: so.Mapped[list[ProcessRole]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def has_role(self, process_id: int, *roles: Role) -> bool:
        return any(r.process_id == process_id and r.role in roles for r in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class ProcessRole(db.Model):  # type: ignore[name-defined]
    __tablename__ = "process_role"
    __table_args__ = (sa.UniqueConstraint("user_id", "process_id", "role"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    process_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role, name="role"))

    user: so.Mapped[User] = so.relationship(back_populates="roles")
