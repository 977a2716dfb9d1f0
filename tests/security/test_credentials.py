"""Credentials at rest: Argon2id hashes, never the password."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD, make_user


def test_passwords_are_stored_as_argon2id_hashes(app: Flask) -> None:
    make_user("hash@example.org")
    stored = db.session.scalars(sa.select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
