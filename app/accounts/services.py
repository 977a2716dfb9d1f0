"""Users, passwords and roles. Functions flush; the caller commits."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.accounts.models import ProcessRole, Role, User
from app.db import utcnow
from app.extensions import db
from app.processes.models import Process

logger = logging.getLogger(__name__)
_HASHERS: dict[tuple[tuple[str, int], ...], PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    """Argon2 with the library's defaults; tests lower the cost via ARGON2_PARAMETERS."""
    params = dict(current_app.config.get("ARGON2_PARAMETERS") or {})
    key = tuple(sorted(params.items()))
    if key not in _HASHERS:
        _HASHERS[key] = PasswordHasher(**params)
    return _HASHERS[key]


MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user-facing problem with account data."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return True


def create_user(
    email: str,
    display_name: str,
    password: str | None,
    *,
    is_admin: bool = False,
    verified: bool = False,
    locale: str | None = None,
) -> User:
    if find_user_by_email(email) is not None:
        raise AccountError("e-mail already registered")
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
        verified_at=utcnow() if verified else None,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    logger.info("user %s created", user.id)
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.flush()


def mark_verified(user: User) -> None:
    if user.verified_at is None:
        user.verified_at = utcnow()
        db.session.flush()


def grant_role(user: User, process: Process, role: Role) -> ProcessRole:
    """Give ``user`` a role in ``process``; granting twice changes nothing."""
    for existing in user.roles:
        if existing.process_id == process.id and existing.role == role:
            return existing
    grant = ProcessRole(user=user, process_id=process.id, role=role)
    db.session.add(grant)
    db.session.flush()
    return grant
