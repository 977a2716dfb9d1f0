"""`flask backup create|verify`: see app/ops/backup.py and docs/operations.md."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.ops import backup

backup_cli = AppGroup("backup", help="Back up the PostgreSQL database and check a backup.")


@backup_cli.command("create")
@click.argument("dump", type=click.Path(dir_okay=False, path_type=Path))
def create_command(dump: Path) -> None:
    """Write DUMP (pg_dump custom format) and DUMP.json with the row counts in it."""
    try:
        summary = backup.create(db.engine, dump)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    tables = summary["tables"]
    click.echo(
        f"{dump}: {len(tables)} tables, {sum(tables.values())} rows, "
        f"revision {summary['alembic_revision']}; counts in {backup.companion_path(dump).name}"
    )


@backup_cli.command("verify")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(dump: Path) -> None:
    """Restore DUMP into a scratch database and compare the row counts of every table."""
    try:
        comparison, source = backup.verify(db.engine, dump)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for table, rows in sorted(comparison.restored.items()):
        click.echo(f"  {table}: {rows}")
    if not comparison.ok:
        for problem in comparison.problems:
            click.echo(f"MISMATCH {problem}", err=True)
        raise click.ClickException(f"{dump} does not match {source}")
    rows = sum(comparison.restored.values())
    click.echo(f"OK: {len(comparison.restored)} tables, {rows} rows match {source}")
