"""`flask demo load [--force]`: two demo processes and four demo logins;
`flask demo responses` (:mod:`app.demo.survey_cli`): synthetic survey responses."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.loader import LoadReport, load_demo
from app.demo.survey_cli import responses_command
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo content for trying out mitwirken.")
demo_cli.add_command(responses_command)


@demo_cli.command("load")
@click.option(
    "--force", is_flag=True, help="Load even when MITWIRKEN_ENV=production (demo passwords!)."
)
def load_command(force: bool) -> None:
    """Load the demo processes and users; running it again changes nothing.

    Existing processes, goals and users (found by slug, code and e-mail) are left
    unchanged, so an edited demo is not overwritten.
    """
    if current_app.config.get("MITWIRKEN_ENV") == "production" and not force:
        raise click.ClickException(
            "refusing to load demo accounts with a public demo password into a production "
            "instance (MITWIRKEN_ENV=production); use --force if you really mean it"
        )
    started = time.perf_counter()
    report = load_demo()
    db.session.commit()
    _print_report(report, time.perf_counter() - started)


def _print_report(report: LoadReport, seconds: float) -> None:
    base_url = str(current_app.config.get("BASE_URL", "")).rstrip("/")
    click.echo(
        f"Demo content loaded in {seconds:.1f} s."
        if report.changed
        else "Demo content was already complete; nothing changed."
    )
    for process in report.processes:
        state = "new" if process.created else "existing"
        click.echo(
            f"  {base_url}/de/p/{process.slug}/  ({state}; {process.goals} goals, "
            f"{process.goals_created} added)"
        )
    if report.survey_created:
        click.echo(f"  {base_url}/de/surveys/buergerbefragung-2035/  (new demo survey)")
    click.echo("")
    click.echo("Demo logins (for demonstrations only; the password is public):")
    width = max(len(login.email) for login in report.logins)
    for login in report.logins:
        note = "" if login.created else "  [existing account, password not changed]"
        click.echo(
            f"  {login.email:<{width}}  password: {login.password}  {login.description}{note}"
        )
