"""`flask goals ...`: maintenance of goal trees from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from app.extensions import db
from app.goals.importer import import_file
from app.processes.models import Process

goals_cli = AppGroup("goals", help="Manage the goal trees of processes.")


@goals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--process", "slug", required=True, help="Slug of the process to import into.")
def import_command(file: Path, slug: str) -> None:
    """Import goals from a YAML or CSV FILE; nothing is written if any line is wrong.

    The import is audited (``goal.import``) with no actor: the command line.
    """
    process = db.session.scalar(sa.select(Process).where(Process.slug == slug))
    if process is None:
        raise click.ClickException(f"no process with the slug {slug!r}")
    with force_locale("en"):
        result = import_file(process, file.read_bytes(), file.name, author=None)
        errors = result.errors
    if errors:
        db.session.rollback()
        for error in errors:
            click.echo(error, err=True)
        raise click.exceptions.Exit(1)
    db.session.commit()
    click.echo(f"Imported {len(result.goals)} goals.")
