"""`flask users create EMAIL --role admin|staff|moderator [--process SLUG]`."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.accounts.models import Role
from app.accounts.services import MIN_PASSWORD_LENGTH, create_user, find_user_by_email, grant_role
from app.extensions import db
from app.processes.models import Process

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "staff", "moderator"]), required=True)
@click.option("--process", "process_slug", help="Process slug (required for staff/moderator).")
@click.option("--name", "display_name", help="Display name (default: part before @).")
def create_command(
    email: str, role: str, process_slug: str | None, display_name: str | None
) -> None:
    """Create a verified user with a role; the password comes from a prompt or stdin.

    For an existing user the role is added and the password left unchanged.
    """
    process = None
    if role != "admin":
        if not process_slug:
            raise click.UsageError("--process is required for staff and moderator")
        process = db.session.scalar(sa.select(Process).where(Process.slug == process_slug))
        if process is None:
            raise click.ClickException(f"unknown process: {process_slug}")
    user = find_user_by_email(email)
    if user is None:
        password = _read_password()
        if len(password) < MIN_PASSWORD_LENGTH:
            raise click.ClickException(
                f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
            )
        user = create_user(email, display_name or email.split("@")[0], password, verified=True)
        click.echo(f"Created user {user.email}.")
    if role == "admin":
        user.is_admin = True
    elif process is not None:
        grant_role(user, process, Role(role))
    db.session.commit()
    click.echo(f"{user.email} is {role}" + (f" of {process.slug}." if process else "."))
