"""``flask opendata dump PROCESS --out FILE.zip``: the open-data package of a process."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.api import dump
from app.core import policy
from app.extensions import db
from app.processes.models import Process

opendata_cli = click.Group("opendata", help="The open-data package (CSV + datapackage.json).")


@opendata_cli.command("dump")
@click.argument("slug")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the ZIP.",
)  # fmt: skip
@with_appcontext
def dump_command(slug: str, out: Path) -> None:
    """Write what the public may see of process SLUG as a data package ZIP."""
    proc = db.session.scalar(sa.select(Process).where(Process.slug == slug))
    if proc is None:
        raise click.ClickException(f"no process {slug!r}")
    if not policy.is_open_data(proc):
        raise click.ClickException(f"process {slug!r} is not published")
    with out.open("wb") as target:
        dump.write_zip(proc, target)
    click.echo(f"{out}: open-data package of {slug}")
