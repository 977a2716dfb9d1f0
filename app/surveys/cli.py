"""`flask survey codes SLUG --count N [--batch LABEL] --out FILE.csv`: invitation codes."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core import csvfile
from app.extensions import db
from app.surveys import codes
from app.surveys.models import InvitationCode, Survey
from app.surveys.tasks import sync_states

survey_cli = AppGroup("survey", help="Surveys: invitation codes and states.")
CHUNK = 1000


def generate_codes(survey: Survey, count: int, batch_label: str = "") -> list[str]:
    """``count`` new unique codes for ``survey``, inserted in bulk. Flushes only."""
    fresh: list[str] = []
    while len(fresh) < count:
        wanted = {codes.new_code() for _ in range(count - len(fresh))} - set(fresh)
        taken: set[str] = set()
        candidates = sorted(wanted)
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start : start + CHUNK]
            taken |= set(
                db.session.scalars(
                    sa.select(InvitationCode.code).where(InvitationCode.code.in_(chunk))
                )
            )
        fresh.extend(sorted(wanted - taken))
    rows = [{"survey_id": survey.id, "code": code, "batch_label": batch_label} for code in fresh]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(InvitationCode), rows[start : start + CHUNK])
    return fresh


@survey_cli.command("codes")
@click.argument("slug")
@click.option("--count", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--batch", "batch_label", default="", help="A label for this print run.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def codes_command(slug: str, count: int, batch_label: str, out: str) -> None:
    """Generate COUNT invitation codes for a letter mailing and write them to a CSV."""
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise click.ClickException(f"no survey with the address {slug!r}")
    new = generate_codes(survey, count, batch_label[:80])
    base_url = str(current_app.config.get("BASE_URL", "")).rstrip("/")
    link = f"{base_url}/{survey.default_locale}/surveys/{survey.slug}/"
    target = Path(out)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csvfile.writer(handle)
        writer.writerow(["code", "batch", "url", "url_with_code"])
        for code in new:
            writer.writerow([codes.display(code), batch_label, link, f"{link}?code={code}"])
    try:
        db.session.commit()
    except Exception:
        target.unlink(missing_ok=True)  # no letters with codes that were never stored
        raise
    click.echo(f"{len(new)} codes for {slug} written to {out}.")


@survey_cli.command("sync-states")
def sync_states_command() -> None:
    """Open and close surveys whose time has come (what the beat task does)."""
    opened, closed = sync_states()
    db.session.commit()
    click.echo(f"{opened} opened, {closed} closed.")
