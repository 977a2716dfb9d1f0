"""Test fixtures: one fresh database per test, on SQLite or PostgreSQL.

`MITWIRKEN_TEST_DB=postgresql` (set by `make test` for its second pass) runs the
suite on PostgreSQL (`TEST_DATABASE_URL`). With `CI=true` an unreachable service
fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)

from flask import Flask, g, request_started
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db

DB_KIND = os.environ.get("MITWIRKEN_TEST_DB", "sqlite")
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PG_TEST_DB = "mitwirken_test"

BASE_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "MAIL_BACKEND": "locmem",
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
    "BASE_URL": "http://localhost",
}


def _pg_url(database: str) -> str:
    return (
        sa.engine.make_url(PG_ADMIN_URL)
        .set(database=database)
        .render_as_string(hide_password=False)
    )


def _service_missing(what: str) -> None:
    message = f"{what} is not reachable"
    if IN_CI:
        pytest.exit(f"{message}; CI=true requires it", returncode=3)
    pytest.exit(f"{message}; skipping this pass (set CI=true to fail instead)", returncode=0)


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a file to copy (SQLite) or the test database (PostgreSQL)."""
    if DB_KIND == "postgresql":
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))
                conn.execute(sa.text(f"CREATE DATABASE {PG_TEST_DB}"))
        except sa.exc.OperationalError:
            _service_missing("PostgreSQL")
        finally:
            admin.dispose()
        url = _pg_url(PG_TEST_DB)
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if DB_KIND == "postgresql":
        yield template_database
        _truncate_all(template_database)
        return
    target = tmp_path / "test.db"
    shutil.copyfile(template_database, target)
    yield f"sqlite:///{target}"


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    """Override per test module to change settings before the app is built."""
    return BASE_CONFIG | {"SQLALCHEMY_DATABASE_URI": database_url}


def _fresh_request_globals(sender: Flask, **extra: Any) -> None:
    """Each test request starts with an empty ``g``, as in production.

    The fixture keeps one app context open for the whole test, and Flask reuses it
    for requests, so without this ``g`` (and Flask-Login's cached user) would leak
    from one request into the next.
    """
    g.__dict__.clear()


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)
    request_started.connect(_fresh_request_globals, application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def outbox(app: Flask) -> list[Any]:
    """Mails sent during the test (the locmem backend of Flask-Mailman)."""
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    return mailman.outbox  # type: ignore[no-any-return]


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on ``url``, as a browser would submit it."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} gave {page.status_code}"
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """GET the form on ``url``, then POST ``data`` with its CSRF token."""
    token = csrf_token(client, kwargs.pop("form_url", url))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def login(client: FlaskClient, email: str, password: str) -> Any:
    return submit(client, "/de/account/login", {"email": email, "password": password})


def login_as(client: FlaskClient, user: Any) -> None:
    """Sign ``user`` in without the form (for tests whose subject is not sign-in)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
