"""Flask-Login wiring: how a session cookie becomes a user."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Bind Flask-Login to ``app``: the sign-in page, its message, the user loader."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
