"""`flask results rebuild SLUG`: rebuild a survey's or a process's results now."""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.extensions import db
from app.processes.models import Process
from app.results import build, triggers
from app.results.tasks import run_rebuild
from app.surveys.models import Survey

results_cli = AppGroup("results", help="Survey and process results (aggregates).")


def _scope_of(slug: str) -> tuple[str, int]:
    survey_id = db.session.scalar(sa.select(Survey.id).where(Survey.slug == slug))
    if survey_id is not None:
        return triggers.SURVEY_SCOPE, survey_id
    process_id = db.session.scalar(sa.select(Process.id).where(Process.slug == slug))
    if process_id is not None:
        return triggers.PROCESS_SCOPE, process_id
    raise click.ClickException(f"no survey or process with the address {slug!r}")


@results_cli.command("rebuild")
@click.argument("slug")
def rebuild_command(slug: str) -> None:
    """Count the results of the survey or process SLUG now, in this process."""
    scope, scope_id = _scope_of(slug)
    started = time.perf_counter()
    length = build.steps(scope, scope_id) + 1
    with click.progressbar(length=length, label=f"{scope} {slug}") as bar:
        run_rebuild(scope, scope_id, progress=lambda _step: bar.update(1))
    click.echo(f"{scope} {slug} rebuilt in {time.perf_counter() - started:.2f} s.")
