"""Backups of the PostgreSQL database that say what is in them, and a restore check.

``create`` runs ``pg_dump --format=custom`` on a snapshot exported from a
REPEATABLE READ transaction and counts the rows of every table *in that same
snapshot*. The counts, the Alembic revision and the dump's SHA-256 go to a companion
file ``<dump>.json``. So the counts describe exactly what the dump holds, even while
citizens keep writing.

``verify`` checks the checksum, restores the dump into a scratch database on the
same server (created and always dropped again), counts the rows there and compares
them table by table with the companion file, or, without one, with the live source
database (then later writes show up as differences).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.db import utcnow

COMPANION_SUFFIX = ".json"
FORMAT = 1


class BackupError(Exception):
    """The backup or the check cannot be done; the message says why."""


@dataclass
class Comparison:
    expected: dict[str, int]
    restored: dict[str, int]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def companion_path(dump: Path) -> Path:
    return dump.with_name(dump.name + COMPANION_SUFFIX)


def _tool(name: str, server_major: int) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found; install the PostgreSQL client tools")
    output = subprocess.run(  # noqa: S603  (a PostgreSQL client tool found on PATH)
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match and int(match.group(1)) < server_major:
        raise BackupError(
            f"{name} {match.group(1)} is older than the server ({server_major}); "
            "use the client tools of the server's version"
        )
    return path


def _libpq_env(url: sa.URL, database: str | None = None) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore, with the password out of argv."""
    settings = {
        "PGHOST": url.host or "",
        "PGPORT": str(url.port or ""),
        "PGUSER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": database or url.database or "",
    }
    return os.environ | {name: value for name, value in settings.items() if value}


def _require_postgresql(engine: sa.Engine) -> int:
    if engine.dialect.name != "postgresql":
        raise BackupError("backups are made of PostgreSQL databases (DATABASE_URL)")
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SHOW server_version_num")) or 0) // 10000


def row_counts(connection: sa.Connection) -> dict[str, int]:
    names = connection.scalars(
        sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).all()
    count = sa.select(sa.func.count())
    return {
        name: int(connection.scalar(count.select_from(sa.table(name))) or 0)
        for name in sorted(names)
    }


def _revision(connection: sa.Connection) -> str | None:
    try:
        with connection.begin_nested():
            return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    except sa.exc.ProgrammingError:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create(engine: sa.Engine, out: Path) -> dict[str, Any]:
    """Dump the database to ``out`` and write the companion file; returns its content."""
    major = _require_postgresql(engine)
    pg_dump = _tool("pg_dump", major)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            counts = row_counts(connection)
            revision = _revision(connection)
            # The exporting transaction stays open until pg_dump has read everything.
            result = subprocess.run(  # noqa: S603
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={out}"],
                env=_libpq_env(engine.url),
                capture_output=True,
                text=True,
            )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    summary = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "database": engine.url.database,
        "alembic_revision": revision,
        "sha256": _sha256(out),
        "tables": counts,
    }
    companion_path(out).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary


@contextmanager
def _scratch_database(engine: sa.Engine) -> Iterator[sa.URL]:
    name = f"{engine.url.database}_verify_{secrets.token_hex(4)}"
    admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    quoted = admin.dialect.identifier_preparer.quote(name)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
        yield engine.url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


def _expected(engine: sa.Engine, dump: Path) -> tuple[dict[str, int], str | None, str]:
    """What the dump should hold: its companion file, else the source database now."""
    companion = companion_path(dump)
    if companion.exists():
        summary = json.loads(companion.read_text())
        if summary.get("sha256") != _sha256(dump):
            raise BackupError(f"{dump} does not match the checksum in {companion.name}")
        return dict(summary["tables"]), summary.get("alembic_revision"), companion.name
    with engine.connect() as connection:
        return row_counts(connection), _revision(connection), "the source database (now)"


def verify(engine: sa.Engine, dump: Path) -> tuple[Comparison, str]:
    """Restore ``dump`` into a scratch database and compare the row counts."""
    major = _require_postgresql(engine)
    pg_restore = _tool("pg_restore", major)
    expected, revision, source = _expected(engine, dump)
    with _scratch_database(engine) as scratch_url:
        result = subprocess.run(  # noqa: S603
            [
                pg_restore,
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                f"--dbname={scratch_url.database}",
                str(dump),
            ],
            env=_libpq_env(scratch_url),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        scratch = sa.create_engine(scratch_url, poolclass=sa.NullPool)
        try:
            with scratch.connect() as connection:
                restored, restored_revision = row_counts(connection), _revision(connection)
        finally:
            scratch.dispose()
    comparison = compare(expected, restored)
    if revision != restored_revision:
        comparison.problems.append(
            f"alembic revision: expected {revision}, restored {restored_revision}"
        )
    return comparison, source


def compare(expected: dict[str, int], restored: dict[str, int]) -> Comparison:
    comparison = Comparison(expected, restored)
    for table in sorted(expected.keys() | restored.keys()):
        if table not in restored:
            comparison.problems.append(f"{table}: missing in the restored database")
        elif table not in expected:
            comparison.problems.append(f"{table}: not expected, {restored[table]} rows restored")
        elif expected[table] != restored[table]:
            comparison.problems.append(
                f"{table}: expected {expected[table]} rows, restored {restored[table]}"
            )
    return comparison
