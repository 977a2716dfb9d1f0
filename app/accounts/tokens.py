"""Signed, expiring links for e-mail verification and password reset."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_marker(user: User) -> str:
    # Changing the password changes the marker, so a reset link works only once.
    return (user.password_hash or "")[-12:]


def verification_token(user: User) -> str:
    return _serializer("verify-email").dumps({"uid": user.id, "email": user.email})


def user_from_verification_token(token: str) -> User | None:
    try:
        data = _serializer("verify-email").loads(token, max_age=VERIFY_MAX_AGE)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("uid"))
    return user if user is not None and user.email == data.get("email") else None


def reset_token(user: User) -> str:
    return _serializer("reset-password").dumps({"uid": user.id, "pw": _password_marker(user)})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _serializer("reset-password").loads(token, max_age=RESET_MAX_AGE)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("uid"))
    return user if user is not None and _password_marker(user) == data.get("pw") else None
