"""`flask privacy retention [--dry-run]`: delete what the retention rules say is due."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy import retention

privacy_cli = AppGroup("privacy", help="Privacy: retention of personal data.")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only show what would be deleted.")
def retention_command(dry_run: bool) -> None:
    """Delete guest e-mails, unconfirmed accounts, resume drafts and code links that are due."""
    todo = retention.plan()
    click.echo(f"Retention: everything that ended before {todo.cutoff:%Y-%m-%d %H:%M} UTC")
    for name, count in todo.counts().items():
        click.echo(f"  {name.replace('_', ' ')}: {count}")
    if dry_run:
        click.echo("Dry run: nothing was deleted.")
        return
    retention.apply(todo)
    db.session.commit()
    click.echo("Deleted.")
