"""Test fixtures: one fresh database per test, on SQLite or PostgreSQL.

`MITWIRKEN_TEST_DB=postgresql` (set by `make test` for its second pass) runs the
suite on PostgreSQL (`TEST_DATABASE_URL`). With `CI=true` an unreachable service
fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
from app.extensions import db, limiter

pytest_plugins = ["tests.worker"]  # the real-worker fixtures, loaded once

DB_KIND = os.environ.get("MITWIRKEN_TEST_DB", "sqlite")
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FIXTURES = Path(__file__).parent / "fixtures"  # goal trees to import
# One database per test run, so runs in parallel (two engineers, CI) never collide.
PG_TEST_DB = f"mitwirken_test_{os.getpid()}"
# Export files of this run (workers started by tests/worker.py get the same path).
EXPORT_STORAGE = str(Path(tempfile.gettempdir()) / f"mitwirken-test-exports-{os.getpid()}")

BASE_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "MAIL_BACKEND": "locmem",
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": None,
    "BASE_URL": "http://localhost",
    # The API answers from a version it computed moments ago; tests change data and ask
    # again at once (tests/api/test_protocol.py turns it on).
    "API_RECHECK_SECONDS": 0,
    # Pages for first-time visitors are kept a few seconds; tests change data and look
    # again at once (tests/core/test_first_visit.py turns it on).
    "FIRST_VISIT_CACHE_SECONDS": 0,
    # Open-data packages of the whole run go to one temporary folder, not instance/.
    "OPENDATA_PATH": str(Path(tempfile.gettempdir()) / f"mitwirken-opendata-{os.getpid()}"),
    # Cheap password hashes: the suite creates hundreds of users.
    "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    "EXPORT_STORAGE": EXPORT_STORAGE,
    # Results rebuilt in the request that changed them, so a test reads them at once
    # (tests/results/test_background_rebuild.py checks the embedded background mode).
    "RESULTS_EAGER_REBUILD": "inline",
}


@pytest.fixture(autouse=True)
def _remove_export_files() -> Iterator[None]:
    """Each test starts with an empty export storage, as with an empty database."""
    yield
    shutil.rmtree(EXPORT_STORAGE, ignore_errors=True)


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


def _pg_admin(statement: str) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a file to copy (SQLite) or the test database (PostgreSQL)."""
    if DB_KIND == "postgresql":
        try:
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)")
            _pg_admin(f"CREATE DATABASE {PG_TEST_DB}")
            # A commit need not wait for the disk: the suite checks what PostgreSQL
            # does, not whether the machine survives a power cut. Every session of the
            # run (the app, the workers, the bench harness) inherits this.
            _pg_admin(f"ALTER DATABASE {PG_TEST_DB} SET synchronous_commit = off")
        except sa.exc.OperationalError:
            _service_missing("PostgreSQL")
        url = _pg_url(PG_TEST_DB)
        _migrate(url)
        yield url
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)")
        return
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    yield str(path)


@pytest.fixture(scope="session")
def sqlite_test_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One path for every test's SQLite database, so the app can be reused."""
    return tmp_path_factory.mktemp("work") / "test.db"


@pytest.fixture
def database_url(template_database: str, sqlite_test_file: Path) -> Iterator[str]:
    if DB_KIND == "postgresql":
        yield template_database
        _truncate_all(template_database)
        return
    shutil.copyfile(template_database, sqlite_test_file)  # a fresh database per test
    yield f"sqlite:///{sqlite_test_file}"


TRUNCATE_EVERY = 100  # tests between full TRUNCATEs (DELETE leaves dead rows behind)
_cleanups = 0
_engines: dict[str, sa.Engine] = {}


def _truncate_all(url: str) -> None:
    """Empty every table after a PostgreSQL test, as a fresh database would be.

    A TRUNCATE of all ~60 tables costs 0.3-0.6 s (it rewrites every file), more than
    most tests. Most tests touch a handful of tables, so only those with rows are
    emptied, by DELETE with foreign-key triggers off (the whole database is emptied,
    so no reference can dangle) and every sequence restarted. The tables are locked
    first, so a worker still finishing a task cannot slip a row in between. The
    machines run with autovacuum off: every ``TRUNCATE_EVERY`` tests a full TRUNCATE
    drops the dead rows that DELETE leaves.
    """
    global _cleanups
    _cleanups += 1
    engine = _engines.get(url) or _engines.setdefault(url, sa.create_engine(url))
    names = [f'"{t.name}"' for t in db.metadata.sorted_tables]
    with engine.begin() as conn:
        if _cleanups % TRUNCATE_EVERY == 0:
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
            return
        conn.execute(sa.text(f"LOCK TABLE {', '.join(names)} IN EXCLUSIVE MODE"))
        probe = " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})"  # noqa: S608 (our table names)
            for name in names
        )
        filled = set(conn.execute(sa.text(probe)).scalars())
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for name in names:
            if name in filled:
                conn.execute(sa.text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)
        conn.execute(
            sa.text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
        )


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


_APPS: dict[str, Flask] = {}


def _cached_app(config: dict[str, Any]) -> Flask:
    """Building the app costs ~0.3 s (URL rules); tests with equal settings share one."""
    key = repr(sorted((name, repr(value)) for name, value in config.items()))
    if key not in _APPS:
        application = create_app(config)
        request_started.connect(_fresh_request_globals, application)
        _APPS[key] = application
    return _APPS[key]


def _bind_limiter_storage(application: Flask) -> None:
    """Flask-Limiter keeps one storage per process, set by the last app built; a test
    that limits gets the storage of its own app (not, say, a dead Redis of another)."""
    neutral = Flask("limiter-storage")
    neutral.config.update(
        {k: v for k, v in application.config.items() if k.startswith("RATELIMIT_")}
    )
    limiter.init_app(neutral)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = _cached_app(app_config)
    celery_app = application.extensions["celery"]
    celery_app.set_default()
    celery_app.set_current()  # tasks run in the app context of this test's app
    settings = dict(application.config)
    with application.app_context():
        if application.config.get("RATELIMIT_ENABLED", True):
            _bind_limiter_storage(application)
            limiter.reset()
        yield application
        db.session.remove()
        db.engine.dispose()
    application.config.clear()
    application.config.update(settings)


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


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (for N+1 tests)."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


# --- a process with a staff member, shared by the staff-area test modules ------------
# A module that needs another process or staff member defines its own fixture of the
# same name; the others here then build on it.


@pytest.fixture
def process(app: Flask) -> Any:
    from tests.factories import make_process

    return make_process("hf12")


@pytest.fixture
def staff(process: Any) -> Any:
    from app.accounts.models import Role
    from tests.factories import make_user

    return make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)


@pytest.fixture
def staff_client(client: FlaskClient, staff: Any) -> FlaskClient:
    login_as(client, staff)
    return client
